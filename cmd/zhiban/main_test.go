package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhiban/county"
	"zhiban/store"
)

// zhiban runs the CLI in-process and returns exit code, stdout and stderr.
func zhiban(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// demoDB is a database file with the demo county imported by the CLI.
func demoDB(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	file := writeFile(t, dir, "county.yaml", county.DemoYAML())
	if code, _, errs := zhiban(t, "import", file, "--db", db); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	return db
}

// openDB opens a database the CLI wrote, closed when the test ends.
func openDB(t *testing.T, db string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestImportExportCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	file := writeFile(t, dir, "county.yaml", county.DemoYAML())
	if code, out, errs := zhiban(t, "import", file, "--db", db); code != 0 || !strings.Contains(out, "项变更") {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	if code, out, _ := zhiban(t, "import", "--db", db, file); code != 0 || !strings.Contains(out, "无变更") {
		t.Fatalf("second import: %d %s", code, out)
	}
	code, out, _ := zhiban(t, "export", "--db", db)
	if code != 0 {
		t.Fatalf("export: %d", code)
	}
	want, _ := county.Demo().Marshal()
	if out != string(want) {
		t.Fatalf("export differs from the imported file")
	}
}

func TestImportErrorWritesNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	bad := strings.Replace(string(county.DemoYAML()), "county: ", "county: \nbogus_key: 1\ncounty_x: ", 1)
	file := writeFile(t, dir, "bad.yaml", []byte(bad))
	code, _, errs := zhiban(t, "import", "--db", db, file)
	if code == 0 || !strings.Contains(errs, "bad.yaml:") {
		t.Fatalf("bad import: exit %d, stderr %q", code, errs)
	}
	code, out, errs := zhiban(t, "export", "--db", db)
	if code == 0 || !strings.Contains(errs, "还没有县情数据") {
		t.Fatalf("something was written: %d %s %s", code, out, errs)
	}
}

func TestHolidaysCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	code, out, _ := zhiban(t, "holidays", "list", "--year", "2026", "--db", db)
	if code != 0 || !strings.Contains(out, "2026-10-01") || !strings.Contains(out, "2026-10-10 周六 补班") {
		t.Fatalf("list: %d %s", code, out)
	}
	if _, out, _ := zhiban(t, "holidays", "list", "--year", "2027", "--db", db); !strings.Contains(out, "暂定") {
		t.Fatalf("2027 not marked provisional: %s", out)
	}
	csv := writeFile(t, dir, "2027.csv", []byte("date,name,kind\n2027-02-06,春节,off\n2027-02-20,春节,work\n"))
	if code, out, errs := zhiban(t, "holidays", "import", csv, "--db", db); code != 0 || !strings.Contains(out, "已保存") {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	_, out, _ = zhiban(t, "holidays", "list", "--year", "2027", "--db", db)
	if strings.Contains(out, "暂定") || !strings.Contains(out, "2027-02-20 周六 补班 春节") {
		t.Fatalf("after import: %s", out)
	}
	badCSV := writeFile(t, dir, "bad.csv", []byte("2027-03-03,x,work\n"))
	if code, _, errs := zhiban(t, "holidays", "import", badCSV, "--db", db); code == 0 || !strings.Contains(errs, "第 1 行") {
		t.Fatalf("bad csv accepted: %d %s", code, errs)
	}
}

func TestUnknownCommand(t *testing.T) {
	if code, _, errs := zhiban(t, "frobnicate"); code != 2 || !strings.Contains(errs, "未知命令") {
		t.Fatalf("%d %s", code, errs)
	}
}

func TestFlagErrorsAreChinese(t *testing.T) {
	code, _, errs := zhiban(t, "plan", "--bogus")
	if code != 1 || !strings.Contains(errs, "未知参数 --bogus") || strings.Contains(errs, "flag provided") {
		t.Fatalf("unknown flag: %d %q", code, errs)
	}
	code, _, errs = zhiban(t, "holidays", "list", "--year", "abc")
	if code != 1 || !strings.Contains(errs, `参数 --year 的值 "abc" 无效`) {
		t.Fatalf("bad value: %d %q", code, errs)
	}
	code, out, _ := zhiban(t, "export", "-h")
	if code != 0 || !strings.Contains(out, "zhiban export 的参数") || !strings.Contains(out, "--db") {
		t.Fatalf("help: %d %q", code, out)
	}
	code, _, errs = zhiban(t, "import", filepath.Join(t.TempDir(), "missing.yaml"))
	if code != 1 || !strings.Contains(errs, "不存在") {
		t.Fatalf("missing file: %d %q", code, errs)
	}
}

func TestEverySubcommandChecksTheConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "c.yaml", []byte("jobs:\n  extend_roster: \"61 * * * *\"\n"))
	for _, args := range [][]string{
		{"holidays", "list", "--config", cfg},
		{"export", "--config", cfg},
		{"roster", "show", "--from", "2027-01-01", "--to", "2027-01-02", "--config", cfg},
	} {
		code, _, errs := zhiban(t, append(args, "--db", filepath.Join(dir, "z.db"))...)
		if code != 1 || !strings.Contains(errs, "jobs.extend_roster") {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
	if code, _, errs := zhiban(t, "export", "--db", filepath.Join(dir, "a?b.db")); code != 1 || !strings.Contains(errs, "不能包含") {
		t.Errorf("db path with ?: %d %q", code, errs)
	}
}

// Each class of county-file error aborts the import with the file, line and
// field named, and writes nothing.
func TestImportErrorClassesWriteNothing(t *testing.T) {
	demo := string(county.DemoYAML())
	cases := []struct{ name, old, new, want string }{
		{"unknown key", "timezone: Asia/Shanghai", "timezone: Asia/Shanghai\nmayor: 张三", "mayor"},
		{"unknown person in pool", "members: [L01, L02,", "members: [L01, L99,", "L99"},
		{"to before from", "from: 2026-12-07, to: 2026-12-11", "from: 2026-12-07, to: 2026-12-01", "to"},
		{"duplicate id", "  - id: L01\n", "  - id: L02\n", "L02"},
		{"bad time zone", "timezone: Asia/Shanghai", "timezone: Mars/Base", "timezone"},
		{"bad date", "from: 2026-12-07", "from: 2026-02-30", "from"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(demo, tc.old) {
				t.Fatalf("demo file lacks %q", tc.old)
			}
			dir := t.TempDir()
			db := filepath.Join(dir, "z.db")
			file := writeFile(t, dir, "county.yaml", []byte(strings.Replace(demo, tc.old, tc.new, 1)))
			code, _, errs := zhiban(t, "import", file, "--db", db)
			if code == 0 || !strings.Contains(errs, "county.yaml:") || !strings.Contains(errs, tc.want) {
				t.Fatalf("exit %d, stderr %q", code, errs)
			}
			if code, _, errs := zhiban(t, "export", "--db", db); code == 0 || !strings.Contains(errs, "还没有县情数据") {
				t.Fatalf("the failed import wrote something: %d %q", code, errs)
			}
		})
	}
}

func TestHolidayImportsKeepOtherYears(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	mixed := writeFile(t, dir, "mixed.csv", []byte("2027-02-05,春节,off\n2026-02-05,春节,off\n"))
	if code, _, errs := zhiban(t, "holidays", "import", mixed, "--db", db); code == 0 || !strings.Contains(errs, "只能导入一年") {
		t.Fatalf("mixed years accepted: %d %q", code, errs)
	}
	// The 2029 notice carries 2028-12-30/31; importing 2028 afterwards keeps them.
	y2029 := writeFile(t, dir, "2029.json", []byte(`{"year":2029,"papers":[],"days":[
		{"name":"元旦","date":"2028-12-30","isOffDay":true},{"name":"元旦","date":"2028-12-31","isOffDay":true},
		{"name":"元旦","date":"2029-01-01","isOffDay":true}]}`))
	y2028 := writeFile(t, dir, "2028.json", []byte(`{"year":2028,"papers":[],"days":[
		{"name":"元旦","date":"2028-01-01","isOffDay":true}]}`))
	for _, f := range []string{y2029, y2028} {
		if code, _, errs := zhiban(t, "holidays", "import", f, "--db", db); code != 0 {
			t.Fatalf("import %s: %s", f, errs)
		}
	}
	_, out, _ := zhiban(t, "holidays", "list", "--year", "2028", "--db", db)
	if !strings.Contains(out, "2028-12-30") || !strings.Contains(out, "2028-01-01") {
		t.Fatalf("2028 after both imports:\n%s", out)
	}
}

func TestGlobalFlagsBeforeTheSubcommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	file := writeFile(t, dir, "county.yaml", county.DemoYAML())
	if code, out, errs := zhiban(t, "--db", db, "import", file); code != 0 || !strings.Contains(out, "导入完成") {
		t.Fatalf("--db before import: %d %s %s", code, out, errs)
	}
	if code, out, errs := zhiban(t, "--db="+db, "export"); code != 0 || !strings.Contains(out, "county:") {
		t.Fatalf("--db= before export: %d %s", code, errs)
	}
	if code, out, errs := zhiban(t, "--db", db, "holidays", "list", "--year", "2026"); code != 0 || !strings.Contains(out, "2026-10-01") {
		t.Fatalf("--db before holidays list: %d %s %s", code, out, errs)
	}
}
