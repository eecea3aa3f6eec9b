// Package storetest opens real, migrated stores: SQLite files in the test's
// temp directory, or schemas on a PostgreSQL server (postgres.go).
package storetest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"zhiban/county"
	"zhiban/store"
)

// Open opens an empty, migrated store: SQLite, or PostgreSQL when OnPostgres.
func Open(tb testing.TB) *store.Store {
	tb.Helper()
	if OnPostgres() {
		return OpenPostgres(tb)
	}
	return OpenSQLite(tb)
}

// OpenSQLite opens an empty, migrated SQLite store, for tests of SQLite itself.
func OpenSQLite(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "zhiban.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// OpenDemo opens a store holding the demo county; a non-nil now is its clock from the start.
func OpenDemo(tb testing.TB, now func() time.Time) *store.Store {
	tb.Helper()
	return Demo(tb, Open(tb), now)
}

// Demo imports the demo county into st; a non-nil now is its clock from the start.
func Demo(tb testing.TB, st *store.Store, now func() time.Time) *store.Store {
	tb.Helper()
	if now != nil {
		st.Now = now
	}
	if _, err := st.ImportCounty(context.Background(), county.Demo(), "test"); err != nil {
		tb.Fatal(err)
	}
	return st
}

// OpenURL opens and migrates the database at dsn, closed when tb ends.
func OpenURL(tb testing.TB, dsn string) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}
