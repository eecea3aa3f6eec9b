package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"zhiban/auth"
	"zhiban/store"
)

// TestBackupAndRestoreRoundTrip backs up a live database, changes it, and
// restores the backup: every table is back, row for row, as backed up.
func TestBackupAndRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := demoDB(t)
	backup := filepath.Join(t.TempDir(), "backup.db")

	live := openDB(t, db) // open during the backup, as a running service would be
	want, err := live.Checksums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := zhiban(t, "backup", backup, "--db", db)
	if code != 0 || !strings.Contains(out, "已备份到") || !strings.Contains(out, "people") {
		t.Fatalf("backup: %d %s %s", code, out, errs)
	}
	if code, _, errs := zhiban(t, "backup", backup, "--db", db); code != 1 || !strings.Contains(errs, "已存在") {
		t.Errorf("backup over an existing file: %d %s", code, errs)
	}

	hash, _ := auth.HashPassword("password-123")
	if _, err := live.CreateUser(ctx, "after-backup", auth.RoleViewer, hash, "test"); err != nil {
		t.Fatal(err)
	}
	changed, _ := live.Checksums(ctx)
	if reflect.DeepEqual(changed, want) {
		t.Fatal("checksums did not see the change")
	}
	live.Close()

	code, out, errs = zhiban(t, "restore", backup, "--db", db)
	if code != 0 || !strings.Contains(out, "已从") {
		t.Fatalf("restore: %d %s %s", code, out, errs)
	}
	got, err := openDB(t, db).Checksums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("restored database differs from the one backed up:\n got %v\nwant %v", got, want)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(db), ".z.db.restoring")); !os.IsNotExist(err) {
		t.Errorf("the restore left its temporary file: %v", err)
	}
}

func TestRestoreRefusesWhatIsNotABackup(t *testing.T) {
	dir := t.TempDir()
	db := demoDB(t)
	text := writeFile(t, dir, "notes.db", []byte("这不是数据库"))
	newer := filepath.Join(dir, "newer.db")
	st, err := store.Open(context.Background(), newer)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	raw, err := sql.Open("sqlite", newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '999_future.sql', '')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	before, _ := os.ReadFile(db)
	for file, want := range map[string]string{
		text:                          "不是完好的数据库",
		newer:                         "更新版本",
		filepath.Join(dir, "none.db"): "找不到备份文件",
	} {
		code, _, errs := zhiban(t, "restore", file, "--db", db)
		if code != 1 || !strings.Contains(errs, want) {
			t.Errorf("restore %s: %d %q, want %q", filepath.Base(file), code, errs, want)
		}
	}
	if after, _ := os.ReadFile(db); string(after) != string(before) {
		t.Error("a refused restore changed the database")
	}
}

func TestVersionFromBuildInfo(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		code, out, _ := zhiban(t, arg)
		if code != 0 || !strings.HasPrefix(out, "zhiban ") || strings.TrimSpace(out) == "zhiban" {
			t.Errorf("%s: %d %q", arg, code, out)
		}
	}
}
