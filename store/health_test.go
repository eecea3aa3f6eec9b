package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhiban/store"
	"zhiban/store/storetest"
)

// A database that cannot be opened for writing is explained in Chinese with
// the path and the remedy, not SQLite's English.
func TestOpenSaysWhatIsWrongInChinese(t *testing.T) {
	ctx := context.Background()
	missing := filepath.Join(t.TempDir(), "no-such-dir")
	readOnly := t.TempDir()
	if err := os.Chmod(readOnly, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(readOnly, 0o755) })
	if f, err := os.CreateTemp(readOnly, "x"); err == nil { // root ignores the mode: use a directory the kernel refuses
		f.Close()
		os.Remove(f.Name())
		readOnly = "/sys"
	}
	cases := []struct {
		name, path string
		want       []string
	}{
		{"missing directory", filepath.Join(missing, "zhiban.db"), []string{"数据库目录 " + missing + " 不存在", "mkdir -p " + missing}},
		{"read-only directory", filepath.Join(readOnly, "zhiban.db"), []string{"数据库目录 " + readOnly + " 不可写", "-wal", "chmod"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, err := store.Open(ctx, tc.path)
			if err == nil {
				st.Close()
				t.Fatalf("opened %s", tc.path)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "unable to open") {
				t.Errorf("error %q is SQLite's English", err)
			}
		})
	}
}

// A full database is recognised from SQLite's own SQLITE_FULL, and the
// health probe sees it without committing anything.
func TestFullDatabase(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	if err := st.CheckWrite(ctx); err != nil {
		t.Fatalf("a fresh database: %v", err)
	}
	storetest.Fill(t, st)
	err := st.SetSetting(ctx, "big", strings.Repeat("x", 5000))
	if !store.IsFull(err) {
		t.Fatalf("a write past the cap: %v, want SQLITE_FULL", err)
	}
	writes := st.Writes()
	if err := st.CheckWrite(ctx); !store.IsFull(err) {
		t.Fatalf("probe on a full database: %v", err)
	}
	if st.Writes() != writes {
		t.Fatal("the probe counted as a write (it would refresh every cached page)")
	}
}
