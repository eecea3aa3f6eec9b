package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"zhiban/store"
)

// The suites run on PostgreSQL too: ZHIBAN_TEST_POSTGRES is a server's URL
// (.ci/run starts a throwaway cluster), and ZHIBAN_TEST_STORE=postgres makes
// Open use it. Each store gets a schema of its own, dropped at the end.

// PostgreSQL stores refuse to open without a privacy key: the tests share a
// fixed one, which the processes they start inherit.
func init() {
	if os.Getenv("ZHIBAN_TEST_POSTGRES") != "" && os.Getenv("ZHIBAN_PRIVACY_KEY") == "" {
		os.Setenv("ZHIBAN_PRIVACY_KEY", "dGVzdC1vbmx5LXByaXZhY3kta2V5LW5vdC1zZWNyZXQ=")
	}
}

// OnPostgres reports whether Open gives PostgreSQL stores.
func OnPostgres() bool { return os.Getenv("ZHIBAN_TEST_STORE") == "postgres" }

// PostgresURL returns the URL of a fresh, empty schema on the test server,
// dropped when tb ends. Without ZHIBAN_TEST_POSTGRES the test is skipped
// (CI sets it, so there a missing server fails instead).
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	schema := "test_" + randomHex()
	u := testServer(tb, `CREATE SCHEMA `+schema, `DROP SCHEMA `+schema+` CASCADE`)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// testServer runs create on the test server, and drop when tb ends, and
// returns the server's URL; it skips tb without ZHIBAN_TEST_POSTGRES.
func testServer(tb testing.TB, create, drop string) *url.URL {
	tb.Helper()
	base := os.Getenv("ZHIBAN_TEST_POSTGRES")
	if base == "" {
		tb.Skip("ZHIBAN_TEST_POSTGRES is not set: no PostgreSQL server to test against")
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	admin, err := adminDB(base)
	if err == nil {
		_, err = admin.Exec(create)
	}
	if err != nil {
		tb.Fatalf("PostgreSQL at ZHIBAN_TEST_POSTGRES: %v", err)
	}
	tb.Cleanup(func() { admin.Exec(drop) })
	return u
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
	return OpenURL(tb, PostgresURL(tb))
}

// PostgresDatabase creates an empty database of its own on the test server
// and returns its URL, for tests that copy a whole database (ClonePostgres).
func PostgresDatabase(tb testing.TB) string {
	tb.Helper()
	return newDatabase(tb, "")
}

// ClonePostgres copies the database at dsn, which nobody may be connected
// to (close its store first), into a new one and returns the copy's URL.
func ClonePostgres(tb testing.TB, dsn string) string {
	tb.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	return newDatabase(tb, strings.TrimPrefix(u.Path, "/"))
}

// newDatabase creates a database (a copy of template, if named), dropped when tb ends.
func newDatabase(tb testing.TB, template string) string {
	tb.Helper()
	name := "test_" + randomHex()
	create := `CREATE DATABASE ` + name
	if template != "" {
		create += ` TEMPLATE ` + template
	}
	u := testServer(tb, create, `DROP DATABASE `+name+` WITH (FORCE)`)
	u.Path = "/" + name
	return u.String()
}

func randomHex() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}
