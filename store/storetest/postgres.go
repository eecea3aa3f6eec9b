package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"zhiban/store"
)

// The suites run on PostgreSQL too: ZHIBAN_TEST_POSTGRES is a server's URL
// (.ci/run starts a throwaway cluster), and ZHIBAN_TEST_STORE=postgres makes
// Open use it. Each store gets a schema of its own, dropped at the end.

// OnPostgres reports whether Open gives PostgreSQL stores.
func OnPostgres() bool { return os.Getenv("ZHIBAN_TEST_STORE") == "postgres" }

// PostgresURL returns the URL of a fresh, empty schema on the test server,
// dropped when tb ends. Without ZHIBAN_TEST_POSTGRES the test is skipped
// (CI sets it, so there a missing server fails instead).
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("ZHIBAN_TEST_POSTGRES")
	if base == "" {
		tb.Skip("ZHIBAN_TEST_POSTGRES is not set: no PostgreSQL server to test against")
	}
	admin, err := adminDB(base)
	if err != nil {
		tb.Fatalf("PostgreSQL at ZHIBAN_TEST_POSTGRES: %v", err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("PostgreSQL at ZHIBAN_TEST_POSTGRES: %v", err)
	}
	tb.Cleanup(func() { admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

var admin struct {
	once sync.Once
	db   *sql.DB
	err  error
}

func adminDB(base string) (*sql.DB, error) {
	admin.once.Do(func() {
		admin.db, admin.err = sql.Open("pgx", base)
		if admin.err == nil {
			admin.db.SetMaxOpenConns(2)
			admin.err = admin.db.PingContext(context.Background())
		}
	})
	return admin.db, admin.err
}

// OpenPostgres opens an empty, migrated store in a fresh schema.
func OpenPostgres(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), PostgresURL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}
