// Package store keeps zhiban's data in SQLite (modernc.org/sqlite), the
// embedded default, or PostgreSQL (jackc/pgx) for several replicas: schema,
// migrations, queries and transactions. It holds no business rules.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"zhiban/secret"
)

// Sentinel errors callers map to HTTP status codes and messages.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Store is the database. A Store from WithTx runs every method inside that transaction.
type Store struct {
	db *sql.DB
	q  querier
	// writes counts committed writes so caches refresh at once instead of polling.
	writes *atomic.Uint64
	// Now stamps updated_at and audit rows; tests replace it.
	Now    func() time.Time
	search *searchIndex
	seal   *secret.Keyring // seals personal data (privacy.go)
	pg     bool            // PostgreSQL (postgres.go), else SQLite
	tx     *sql.Tx         // set on the Store WithTx hands to its function
}

// Open opens and migrates the database: a postgres:// URL, else the SQLite
// file at path (created if needed). A missing or read-only directory, a
// read-only file, a full disk or an unreachable server is said in Chinese
// with what to do.
//
// Personal data is sealed with the keys PrivacyKeys finds from the
// environment alone; OpenKeys takes configured ones.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenKeys(ctx, path, nil)
}

// OpenKeys is Open sealing personal data with ring (nil: PrivacyKeys with no
// configured keys).
func OpenKeys(ctx context.Context, path string, ring *secret.Keyring) (*Store, error) {
	if IsPostgres(path) {
		return openPostgres(ctx, path, ring)
	}
	if problem := startProblem(path); problem != "" {
		return nil, errors.New(problem)
	}
	if ring == nil {
		var err error
		if ring, _, err = PrivacyKeys(path, nil, os.Getenv); err != nil {
			return nil, err
		}
	}
	// busy_timeout first so the other pragmas wait instead of failing on a locked file.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// One writer: SQLite serialises writes anyway, and one connection avoids SQLITE_BUSY.
	db.SetMaxOpenConns(1)
	writes := new(atomic.Uint64)
	s := &Store{db: db, q: countingDB{db, writes}, writes: writes, Now: time.Now, seal: ring}
	if err := s.Migrate(ctx); err != nil {
		db.Close()
		return nil, openProblem(path, err)
	}
	if err := s.startPrivacy(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Ping reports whether the database answers; /healthz uses it.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	return s.q.QueryRowContext(ctx, "SELECT 1").Scan(&n)
}

// WithTx runs fn in one transaction; inside one it just calls fn, so methods compose.
func (s *Store) WithTx(ctx context.Context, fn func(tx *Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	txs := &Store{db: s.db, q: tx, writes: s.writes, Now: s.Now, search: s.search, seal: s.seal, pg: s.pg, tx: tx}
	if s.pg {
		txs.q = pgQuerier{tx}
		if err := lockWrites(ctx, tx); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := fn(txs); err != nil {
		tx.Rollback()
		return err
	}
	if s.pg {
		if err := countChange(ctx, tx); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	s.writes.Add(1)
	return nil
}

// Writes counts this process's committed writes; other processes' show in DataVersion.
func (s *Store) Writes() uint64 { return s.writes.Load() }

// countingDB counts statements outside a transaction as writes (a read only costs a refresh).
type countingDB struct {
	*sql.DB
	writes *atomic.Uint64
}

func (c countingDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	r, err := c.DB.ExecContext(ctx, query, args...)
	c.writes.Add(1)
	return r, err
}

// Migrate applies pending migrations, each in its own transaction; rerunning is a no-op.
func (s *Store) Migrate(ctx context.Context) error {
	// Read first, without a transaction: an up-to-date database costs no write
	// lock, so a starting replica never waits for another one's running job.
	applied, err := s.appliedMigrations(ctx)
	if err != nil {
		if _, err := s.q.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
			return fmt.Errorf("store: create schema_migrations: %w", err)
		}
		if applied, err = s.appliedMigrations(ctx); err != nil {
			return err
		}
	}
	migrations, err := s.migrations()
	if err != nil {
		return err
	}
	// A database migrated by a newer binary (another replica already
	// upgraded, or a restored newer copy) is refused rather than misread.
	if top := maxApplied(applied); len(migrations) > 0 && top > migrations[len(migrations)-1].version {
		return fmt.Errorf("数据库来自更新版本的 zhiban（数据结构版本 %d，本程序只认识到 %d），请先升级程序", top, migrations[len(migrations)-1].version)
	}
	for _, m := range migrations {
		if applied[m.version] {
			continue
		}
		err = s.WithTx(ctx, func(tx *Store) error {
			var applied int
			if err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&applied); err != nil {
				return fmt.Errorf("store: read schema_migrations: %w", err)
			}
			if applied > 0 {
				return nil
			}
			if _, err := tx.q.ExecContext(ctx, m.body); err != nil {
				return fmt.Errorf("store: migration %s: %w", m.name, err)
			}
			_, err := tx.q.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, stamp(s.Now()))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func maxApplied(applied map[int]bool) int {
	top := 0
	for v := range applied {
		top = max(top, v)
	}
	return top
}

func (s *Store) appliedMigrations(ctx context.Context) (map[int]bool, error) {
	applied := map[int]bool{}
	err := queryEach(ctx, s.q, "schema_migrations", func(sc scanner) error {
		var v int
		err := sc.Scan(&v)
		applied[v] = true
		return err
	}, `SELECT version FROM schema_migrations`)
	return applied, err
}

type migration struct {
	version    int
	name, body string
}

// migrations lists this database's migrations in order. migrations/*.sql
// serve both databases; a file of the same version in migrations/postgres/
// replaces one where the SQL must differ. PostgreSQL's go through postgresDDL.
func (s *Store) migrations() ([]migration, error) {
	byVersion := map[int]migration{}
	dirs := []string{"migrations"}
	if s.pg {
		dirs = append(dirs, "migrations/postgres")
	}
	for _, dir := range dirs {
		names, err := fs.Glob(migrationFiles, dir+"/*.sql")
		if err != nil {
			return nil, fmt.Errorf("store: list migrations: %w", err)
		}
		for _, name := range names {
			base := strings.TrimPrefix(name, dir+"/")
			num, _, _ := strings.Cut(base, "_")
			version, err := strconv.Atoi(num)
			if err != nil {
				return nil, fmt.Errorf("store: migration %s: name must start with a number", base)
			}
			body, err := migrationFiles.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("store: read %s: %w", base, err)
			}
			m := migration{version: version, name: base, body: string(body)}
			if s.pg {
				m.body = postgresDDL(m.body)
			}
			byVersion[version] = m
		}
	}
	out := make([]migration, 0, len(byVersion))
	for _, m := range byVersion {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// SchemaVersion returns the highest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := s.q.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v)
	return int(v.Int64), err
}

// stamp formats an instant for storage: UTC RFC 3339, sortable as text.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseStamp(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Setting returns a stored setting, or "" when absent.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: setting %s: %w", key, err)
	}
	return v, nil
}

// SetSetting stores a setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("store: set setting %s: %w", key, err)
	}
	return nil
}
