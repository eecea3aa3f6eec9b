package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"

	"modernc.org/sqlite" // the embedded default database, and its error codes
)

// ErrFull is a write refused for want of space: the disk, or the database's
// page cap. IsFull also recognises SQLite's own SQLITE_FULL.
var ErrFull = errors.New("store: database or disk is full")

// SQLite primary result codes (the low byte of an extended code).
const (
	sqliteReadOnly  = 8
	sqliteFull      = 13
	sqliteCantOpen  = 14
	minFreeDiskByte = 1 << 20 // below this the next WAL append is likely to fail
)

func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// IsFull reports whether err is a write refused because the disk or the database is full.
func IsFull(err error) bool {
	return errors.Is(err, ErrFull) || sqliteCode(err) == sqliteFull || pgCode(err) == pgDiskFull
}

// CheckWrite reports whether the database can take a write now, for /healthz:
// a write that allocates a page, rolled back (so it costs no commit and no
// cache refresh), and the free space on the database's disk, since a
// rolled-back write never reaches the disk. Nil when writable.
func (s *Store) CheckWrite(ctx context.Context) error {
	if s.pg {
		return s.checkPostgresWrite(ctx)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: health probe: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE health_probe (x BLOB)`); err != nil {
		return fmt.Errorf("store: health probe: %w", err)
	}
	var seq int
	var name, file string
	if err := tx.QueryRowContext(ctx, `PRAGMA database_list`).Scan(&seq, &name, &file); err != nil {
		return fmt.Errorf("store: health probe: %w", err)
	}
	if file == "" { // in memory
		return nil
	}
	if free, ok := freeDiskBytes(filepath.Dir(file)); ok && free < minFreeDiskByte {
		return fmt.Errorf("store: %d bytes free on the disk of %s: %w", free, file, ErrFull)
	}
	return nil
}

// startProblem explains in Chinese why the database at path cannot be
// opened for writing, checking before SQLite does (its text is English
// and names neither the path nor the remedy); "" when nothing is wrong.
func startProblem(path string) string {
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Sprintf("数据库目录 %s 不存在。请先创建该目录（mkdir -p %s），或在配置项 database（或 --db、ZHIBAN_DB）中指定已有目录下的文件", dir, dir)
	case err != nil:
		return fmt.Sprintf("无法访问数据库目录 %s：%v。请检查该目录及其上级目录的权限", dir, err)
	case !fi.IsDir():
		return fmt.Sprintf("数据库路径 %s 的上级 %s 不是目录。请在配置项 database（或 --db、ZHIBAN_DB）中指定正确的文件路径", path, dir)
	}
	// SQLite keeps path-wal and path-shm beside the file, so the directory
	// must be writable even when the file exists.
	probe, err := os.CreateTemp(dir, ".zhiban-probe-*")
	if err != nil {
		return fmt.Sprintf("数据库目录 %s 不可写（当前用户 %s）：zhiban 需要在此目录创建数据库文件及其 -wal、-shm 文件。"+
			"请让运行 zhiban 的用户可以写入该目录（如 chown 或 chmod u+w），或指定其他位置", dir, currentUser())
	}
	probe.Close()
	os.Remove(probe.Name())
	if f, err := os.OpenFile(path, os.O_RDWR, 0); errors.Is(err, os.ErrPermission) {
		return fmt.Sprintf("数据库文件 %s 只读（当前用户 %s）。请让运行 zhiban 的用户可以写入该文件（如 chown 或 chmod u+w）", path, currentUser())
	} else if err == nil {
		f.Close()
	}
	return ""
}

// openProblem is Open's error when SQLite refuses the file: Chinese, with the remedy.
func openProblem(path string, err error) error {
	switch {
	case IsFull(err):
		return fmt.Errorf("数据库 %s 所在磁盘已满，无法写入。请清理磁盘空间后重新启动（%w）", path, err)
	case sqliteCode(err) == sqliteReadOnly:
		return fmt.Errorf("数据库 %s 只能读不能写（文件或目录权限、只读文件系统）。请检查权限后重新启动（%w）", path, err)
	case sqliteCode(err) == sqliteCantOpen:
		return fmt.Errorf("无法打开数据库文件 %s。请检查路径和权限（%w）", path, err)
	}
	return err
}

func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "uid " + strconv.Itoa(os.Geteuid())
}

// CapPages stops the database growing past its current size, as a full
// disk would: a write that needs a new page fails with SQLITE_FULL. It holds
// for the store's one connection, until Close. Tests use it.
func (s *Store) CapPages(ctx context.Context) error {
	if s.pg {
		return errors.New("store: cap pages: SQLite only")
	}
	var n int
	// SQLite never sets the cap below the current size, so 1 means "now".
	if err := s.db.QueryRowContext(ctx, `PRAGMA max_page_count = 1`).Scan(&n); err != nil {
		return fmt.Errorf("store: cap pages: %w", err)
	}
	return nil
}
