package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// TableSum is what a table holds, summed up: its row count and a SHA-256 over
// every row in a content order, so two copies compare table by table.
type TableSum struct {
	Table string
	Rows  int
	Sum   string
}

// Checksums sums every table of the schema (SQLite's own and the migration
// ledger's timestamps included: a copy is exact or it is not). PostgreSQL's
// change counter is left out, so sums compare across the two databases.
func (s *Store) Checksums(ctx context.Context) ([]TableSum, error) {
	tables, err := s.tableNames(ctx)
	if err != nil {
		return nil, err
	}
	var out []TableSum
	for _, t := range tables {
		sum, err := s.tableSum(ctx, t)
		if err != nil {
			return nil, err
		}
		out = append(out, sum)
	}
	return out, nil
}

// tableNames lists the schema's tables by name, the database's own and
// PostgreSQL's change counter left out: what one installation holds.
func (s *Store) tableNames(ctx context.Context) ([]string, error) {
	list := `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if s.pg {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
			AND table_type = 'BASE TABLE' AND table_name <> 'change_count' ORDER BY table_name COLLATE "C"`
	}
	return queryAll(ctx, s.q, "tables", scanString, list)
}

func (s *Store) tableSum(ctx context.Context, table string) (TableSum, error) {
	from := `SELECT * FROM ` + quoteName(table)
	head, err := s.q.QueryContext(ctx, from+` LIMIT 0`)
	if err != nil {
		return TableSum{}, fmt.Errorf("store: read %s: %w", table, err)
	}
	cols, err := head.Columns()
	head.Close()
	if err != nil {
		return TableSum{}, err
	}
	// Ordered by every column, not rowid: VACUUM (backup, restore) may renumber
	// the rowids of tables without an INTEGER PRIMARY KEY.
	order := make([]string, len(cols))
	for i := range cols {
		order[i] = strconv.Itoa(i + 1)
		if s.pg {
			order[i] += " NULLS FIRST" // SQLite's order
		}
	}
	rows, err := s.q.QueryContext(ctx, from+` ORDER BY `+strings.Join(order, ", "))
	if err != nil {
		return TableSum{}, fmt.Errorf("store: read %s: %w", table, err)
	}
	defer rows.Close()
	h := sha256.New()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	sum := TableSum{Table: table}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return TableSum{}, fmt.Errorf("store: read %s: %w", table, err)
		}
		for _, v := range vals {
			// Type and value, each length-prefixed, so no two rows hash alike by accident.
			fmt.Fprintf(h, "%T:%d:%v|", v, len(fmt.Sprint(v)), v)
		}
		h.Write([]byte{'\n'})
		sum.Rows++
	}
	sum.Sum = hex.EncodeToString(h.Sum(nil))
	return sum, rows.Err()
}

// Backup writes a consistent copy of the live database to path (VACUUM INTO:
// one read transaction, so writers carry on). path must not exist.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.pg {
		return errors.New("PostgreSQL 数据库请用 pg_dump 备份、pg_restore 恢复（见 docs/deploy.md）")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("备份文件 %s 已存在，请换一个文件名或先删除它", path)
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("备份到 %s 失败：%w", path, err)
	}
	return nil
}

// ErrNotBackup: the file to restore is not a zhiban database.
var ErrNotBackup = errors.New("not a zhiban backup")

// Restore replaces the database at path with the backup from, which is
// checked first (integrity, and a schema this binary knows). The service
// must be stopped: the copy is written beside path and renamed over it, and
// the old write-ahead log is removed.
func Restore(ctx context.Context, from, path string) error {
	if IsPostgres(path) {
		return errors.New("PostgreSQL 数据库请用 pg_restore 恢复 pg_dump 的备份（见 docs/deploy.md）；要把 SQLite 备份搬进 PostgreSQL，请先 zhiban restore 到文件，再用 zhiban copy")
	}
	if strings.ContainsAny(from, "?#") {
		return fmt.Errorf("备份文件路径 %q 不能包含 ? 或 #", from)
	}
	if _, err := os.Stat(from); err != nil {
		return fmt.Errorf("找不到备份文件 %s", from)
	}
	src, err := sql.Open("sqlite", "file:"+from+"?mode=ro")
	if err != nil {
		return err
	}
	defer src.Close()
	var check string
	if err := src.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		return fmt.Errorf("%s 不是完好的数据库文件（%v%s）: %w", from, err, check, ErrNotBackup)
	}
	var version int
	if err := src.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return fmt.Errorf("%s 不是 zhiban 的数据库: %w", from, ErrNotBackup)
	}
	if latest := latestMigration(); version > latest {
		return fmt.Errorf("%s 来自更新版本的 zhiban（数据结构版本 %d，本程序只认识到 %d），请先升级程序", from, version, latest)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".restoring")
	os.Remove(tmp)
	if _, err := src.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return fmt.Errorf("复制 %s 失败：%w", from, err)
	}
	if err := syncFile(tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			os.Remove(tmp)
			return fmt.Errorf("无法删除旧的 %s%s：%w", path, suffix, err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("无法写入 %s：%w", path, err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// latestMigration is the highest migration this binary carries.
func latestMigration() int {
	names, _ := fs.Glob(migrationFiles, "migrations/*.sql")
	top := 0
	for _, name := range names {
		num, _, _ := strings.Cut(strings.TrimPrefix(name, "migrations/"), "_")
		if v, err := strconv.Atoi(num); err == nil && v > top {
			top = v
		}
	}
	return top
}
