package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// serve with a database in a directory that does not exist stops at once
// and says, in Chinese, which directory and what to do.
func TestServeExplainsAMissingDatabaseDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	code, _, errs := zhiban(t, "serve", "--db", filepath.Join(dir, "zhiban.db"), "--listen", "127.0.0.1:0")
	if code != 1 || !strings.Contains(errs, "数据库目录 "+dir+" 不存在") || !strings.Contains(errs, "mkdir -p "+dir) ||
		strings.Contains(errs, "unable to open") {
		t.Fatalf("%d %q", code, errs)
	}
}
