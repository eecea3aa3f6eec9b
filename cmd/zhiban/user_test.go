package main

import (
	"path/filepath"
	"strings"
	"testing"

	"zhiban/county"
)

func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "z.db")
	stdin = strings.NewReader("correct-horse\n")
	if code, _, errs := zhiban(t, "user", "add", "小王", "--role", "editor", "--db", db); code != 0 {
		t.Fatalf("user add: %s", errs)
	}
	stdin = strings.NewReader("short\n")
	if code, _, errs := zhiban(t, "user", "passwd", "小王", "--db", db); code == 0 || !strings.Contains(errs, "至少 8") {
		t.Fatalf("short password accepted: %s", errs)
	}
	stdin = strings.NewReader("x-password\n")
	if code, _, errs := zhiban(t, "user", "add", "小李", "--role", "boss", "--db", db); code == 0 || !strings.Contains(errs, "角色") {
		t.Fatalf("bad role accepted: %s", errs)
	}
	code, out, errs := zhiban(t, "user", "token", "小王", "--label", "脚本", "--db", db)
	if code != 0 || len(strings.TrimSpace(out)) < 40 || !strings.Contains(errs, "只显示这一次") {
		t.Fatalf("user token: %q %q", out, errs)
	}
	if code, out, _ := zhiban(t, "user", "list", "--db", db); code != 0 || !strings.Contains(out, "小王") || !strings.Contains(out, "editor") {
		t.Fatalf("user list: %q", out)
	}
	// Township accounts (乡镇账号): the unit must be a township of the county file.
	file := writeFile(t, t.TempDir(), "county.yaml", county.DemoYAML())
	if code, _, errs := zhiban(t, "import", file, "--db", db); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	stdin = strings.NewReader("correct-horse\n")
	if code, _, errs := zhiban(t, "user", "add", "小赵", "--role", "editor", "--unit", "t99", "--db", db); code == 0 || !strings.Contains(errs, "乡镇") {
		t.Fatalf("unknown township accepted: %s", errs)
	}
	stdin = strings.NewReader("correct-horse\n")
	if code, out, errs := zhiban(t, "user", "add", "小赵", "--role", "editor", "--unit", "t02", "--db", db); code != 0 || !strings.Contains(out, "乡镇 t02") {
		t.Fatalf("user add --unit: %q %s", out, errs)
	}
	if code, _, errs := zhiban(t, "user", "unit", "小王", "--unit", "t01", "--db", db); code != 0 {
		t.Fatalf("user unit: %s", errs)
	}
	if code, out, _ := zhiban(t, "user", "list", "--db", db); code != 0 || !strings.Contains(out, "乡镇 t01") || !strings.Contains(out, "乡镇 t02") {
		t.Fatalf("user list with units: %q", out)
	}
	if code, out, errs := zhiban(t, "user", "unit", "小王", "--unit", "", "--db", db); code != 0 || !strings.Contains(out, "全县") {
		t.Fatalf("user unit back to the county: %q %s", out, errs)
	}
}
