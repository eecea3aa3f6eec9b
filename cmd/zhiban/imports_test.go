package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `zhiban import` of the alias bomb (53 KB, one pool aliased 5,000 times)
// returns with one error instead of walking 10 M entries, and writes nothing.
func TestImportAliasBomb(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("county: 示例县\ntimezone: Asia/Shanghai\npools:\n  - &p {id: p, name: 池, members: [")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&b, "X%d, ", i%10)
	}
	b.WriteString("X]}\n" + strings.Repeat("  - *p\n", 5000))
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	file := writeFile(t, dir, "bomb.yaml", []byte(b.String()))
	code, _, errs := zhiban(t, "import", file, "--db", db)
	if code == 0 || !strings.Contains(errs, "别名") || strings.Count(errs, "\n") > 5 {
		t.Fatalf("exit %d, %d lines on stderr:\n%.1000s", code, strings.Count(errs, "\n"), errs)
	}
}

// A file over the limit is refused before it is read.
func TestImportRefusesHugeFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 3<<30); err != nil { // sparse: 3 GB claimed, nothing on disk
		t.Fatal(err)
	}
	for _, args := range [][]string{{"import", big}, {"holidays", "import", big}} {
		code, _, errs := zhiban(t, append(args, "--db", filepath.Join(dir, "z.db"))...)
		if code == 0 || !strings.Contains(errs, "过大") || !strings.Contains(errs, "最多 1 MB") {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
}

// Holidays as a clerk types them import; a name that is too long or holds a
// bidi override is refused with the line, the value and nothing saved.
func TestHolidaysImportAsTyped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	bad := writeFile(t, dir, "bad.csv", []byte("日期,名称,类型\n２０２７/２/６,春节,休\n2027-02-07,"+strings.Repeat("春", 300000)+",off\n2027-02-08,春\u202E节,off\n"))
	code, _, errs := zhiban(t, "holidays", "import", bad, "--db", db)
	if code == 0 || !strings.Contains(errs, "第 3 行：名称 \"春春") || !strings.Contains(errs, "共 300000 个字") ||
		!strings.Contains(errs, `第 4 行：名称 "春\u202e节"`) || len(errs) > 2000 {
		t.Fatalf("bad file: exit %d, %.2000q", code, errs)
	}
	good := writeFile(t, dir, "2027.csv", []byte("日期,名称,类型\n２０２７/２/６,春节,休\n2027／2／20,春节,ＷＯＲＫ\n2027-02-07 00:00:00,春节,off\n"))
	if code, out, errs := zhiban(t, "holidays", "import", good, "--db", db); code != 0 || !strings.Contains(out, "3 天") {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	_, out, _ := zhiban(t, "holidays", "list", "--year", "2027", "--db", db)
	for _, want := range []string{"2027-02-06 周六 放假 春节", "2027-02-07 周日 放假 春节", "2027-02-20 周六 补班 春节"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
}
