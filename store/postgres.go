package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"zhiban/secret"
)

// PostgreSQL serves several replicas of one installation. Queries are written
// once, in the SQL both databases speak, with ? placeholders; this file holds
// what differs: placeholders, DDL types, one write lock, and the change counter.
//
// Writes keep SQLite's semantics: every transaction first takes one
// transaction-scoped advisory lock per schema, so transactions that may write
// run one at a time across all replicas, and a rule checked in a transaction
// still holds when it commits (READ COMMITTED: each statement after the lock
// sees every commit made before it). Reads outside transactions run in parallel.

// IsPostgres reports whether a database setting names a PostgreSQL server.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// maxPostgresConns bounds one replica's connections: writers queue on the
// write lock anyway, so more would only hold server slots.
const maxPostgresConns = 16

func openPostgres(ctx context.Context, dsn string, ring *secret.Keyring) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("数据库地址无法解析：%s", redactDSN(err.Error()))
	}
	db.SetMaxOpenConns(maxPostgresConns)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("无法连接 PostgreSQL 数据库（%s）。请检查 database 配置中的地址、用户名和密码，以及数据库服务是否在运行",
			redactDSN(err.Error()))
	}
	if ring == nil {
		if ring, _, err = PrivacyKeys(dsn, nil, os.Getenv); err != nil {
			db.Close()
			return nil, err
		}
	}
	writes := new(atomic.Uint64)
	s := &Store{db: db, writes: writes, Now: time.Now, pg: true, seal: ring}
	s.q = pgQuerier{pgDB{db: db, store: s}}
	if err := s.migratePostgres(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.startPrivacy(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// redactDSN drops a password that a driver error or a URL may carry.
func redactDSN(s string) string {
	s = pgURLPassword.ReplaceAllString(s, "${1}***@")
	return pgParamPassword.ReplaceAllString(s, "${1}***")
}

var (
	pgURLPassword   = regexp.MustCompile(`(://[^:/@\s]*:)[^@\s]*@`)
	pgParamPassword = regexp.MustCompile(`(?i)(password=)[^&\s]*`)
)

// Shown is how a database setting is named in logs and messages: a
// PostgreSQL URL without its password, a SQLite path as it is.
func Shown(dsn string) string {
	if !IsPostgres(dsn) {
		return dsn
	}
	return redactDSN(dsn)
}

// migratePostgres runs Migrate holding a session advisory lock, so when
// several replicas start together exactly one migrates and the others wait
// and then find nothing to do.
func (s *Store) migratePostgres(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Close()
	var standby bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'`).Scan(&standby); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if standby {
		return errors.New("PostgreSQL 数据库只能读不能写（连接到的是备库，或服务器设为只读）。zhiban 需要连接主库：" +
			"请把 database 配置指向主库，或使用带 target_session_attrs=read-write 的多主机地址")
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext(current_schema() || '/migrate'))`); err != nil {
		return fmt.Errorf("store: migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext(current_schema() || '/migrate'))`)
	// The change counter comes first: every transaction, the migrations' too, moves it.
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS change_count (
		id INTEGER PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL);
		INSERT INTO change_count (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING`); err != nil {
		return fmt.Errorf("store: create change_count: %w", err)
	}
	return s.Migrate(ctx)
}

// lockWrites takes the schema's write lock for the rest of tx.
func lockWrites(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_schema()))`); err != nil {
		return fmt.Errorf("store: write lock: %w", err)
	}
	return nil
}

// countChange moves the change counter (see migratePostgres) if tx wrote anything,
// so every replica's caches see the write at their next version check.
func countChange(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE change_count SET n = n + 1 WHERE pg_current_xact_id_if_assigned() IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("store: count change: %w", err)
	}
	return nil
}

// pgDB is the store outside a transaction on PostgreSQL: a lone write still
// runs in a transaction of its own, under the write lock and counted.
type pgDB struct {
	db    *sql.DB
	store *Store
}

func (p pgDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var r sql.Result
	err := p.store.WithTx(ctx, func(tx *Store) error {
		var err error
		r, err = tx.q.ExecContext(ctx, query, args...)
		return err
	})
	return r, err
}

func (p pgDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.db.QueryContext(ctx, query, args...)
}

func (p pgDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.db.QueryRowContext(ctx, query, args...)
}

// pgQuerier rewrites ? placeholders to PostgreSQL's $1, $2, ….
type pgQuerier struct{ q querier }

func (p pgQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.q.ExecContext(ctx, rebind(query), args...)
}

func (p pgQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.q.QueryContext(ctx, rebind(query), args...)
}

func (p pgQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.q.QueryRowContext(ctx, rebind(query), args...)
}

// rebind numbers the ? placeholders of query, leaving quoted text, quoted
// names and comments alone.
func rebind(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"':
			end := strings.IndexByte(query[i+1:], c)
			if end < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+end+2])
			i += end + 1
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			end := strings.IndexByte(query[i:], '\n')
			if end < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+end])
			i += end - 1
		case c == '?':
			n++
			fmt.Fprintf(&b, "$%d", n)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// postgresDDL turns a migration written for SQLite into PostgreSQL's: an
// "id INTEGER PRIMARY KEY" column numbers itself as SQLite's rowid does,
// integers are 64-bit as SQLite's are, blobs are bytea, and text compares
// byte by byte (collation "C"), as SQLite's BINARY does, so lists sort the
// same on both databases.
func postgresDDL(sql string) string {
	sql = pgRowID.ReplaceAllString(sql, "${1}BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
	sql = pgInteger.ReplaceAllString(sql, "BIGINT")
	sql = pgBlob.ReplaceAllString(sql, "BYTEA")
	return pgText.ReplaceAllString(sql, `TEXT COLLATE "C"`)
}

var (
	pgRowID   = regexp.MustCompile(`(?m)^(\s*id\s+)INTEGER PRIMARY KEY`)
	pgInteger = regexp.MustCompile(`\bINTEGER\b`)
	pgBlob    = regexp.MustCompile(`\bBLOB\b`)
	pgText    = regexp.MustCompile(`\bTEXT\b`)
)

// pgCode is a PostgreSQL error's SQLSTATE, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// pgDiskFull is SQLSTATE disk_full; pgReadOnly is read_only_sql_transaction
// (a standby, or default_transaction_read_only).
const (
	pgDiskFull = "53100"
	pgReadOnly = "25006"
)

// checkPostgresWrite is CheckWrite on PostgreSQL: the server takes writes
// (not a standby, not read-only), tried with a rolled-back update.
func (s *Store) checkPostgresWrite(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: health probe: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE change_count SET n = n WHERE id = 1`); err != nil {
		if pgCode(err) == pgReadOnly {
			return fmt.Errorf("store: the PostgreSQL server is read-only (a standby?): %w", err)
		}
		return fmt.Errorf("store: health probe: %w", err)
	}
	return nil
}

// IsReadOnly reports whether err is a write refused because the database
// takes none: a PostgreSQL standby (or a read-only server), a read-only SQLite file.
func IsReadOnly(err error) bool {
	return pgCode(err) == pgReadOnly || sqliteCode(err) == sqliteReadOnly
}

// Postgres reports whether the store is on PostgreSQL.
func (s *Store) Postgres() bool { return s.pg }
