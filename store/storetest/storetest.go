// Package storetest opens real SQLite stores for tests: a fresh file in the
// test's temporary directory, closed when the test ends.
package storetest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"zhiban/county"
	"zhiban/store"
)

// Open opens an empty, migrated store.
func Open(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "zhiban.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// OpenDemo opens a store holding the demo county. now, when not nil, is the
// store's clock from the start, so it also stamps the imported rows.
func OpenDemo(tb testing.TB, now func() time.Time) *store.Store {
	tb.Helper()
	st := Open(tb)
	if now != nil {
		st.Now = now
	}
	if _, err := st.ImportCounty(context.Background(), county.Demo(), "test"); err != nil {
		tb.Fatal(err)
	}
	return st
}
