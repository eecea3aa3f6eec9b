package xlsx

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// wideWorkbook is a leaders sheet with a proper header and then, on each of
// rows 2..n, one cell in column col: a few KB that a row reader once padded
// out to col empty strings per row.
func wideWorkbook(t *testing.T, n int, col string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"编号", "姓名", "职务"}); err != nil {
		t.Fatal(err)
	}
	for r := 2; r <= n; r++ {
		if err := sw.SetRow(fmt.Sprintf("%s%d", col, r), []any{"x"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// allocated is how many bytes fn allocates.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A small file with one cell in column XFD on each of 4000 rows is refused
// with a clear message, allocating little; so is one too long, and content
// just inside the limits still reads.
func TestWideOrLongSheetsAreRefusedCheaply(t *testing.T) {
	wide := wideWorkbook(t, 4000, "XFD")
	if len(wide) > 100<<10 {
		t.Fatalf("test workbook is %d bytes", len(wide))
	}
	var errs []RowError
	if n := allocated(func() { _, errs = ParseLeaders(bytes.NewReader(wide)) }); n > 200<<20 {
		t.Errorf("reading the wide sheet allocated %d MB", n>>20)
	}
	if msg := fmt.Sprint(errs); len(errs) != 1 || !strings.Contains(msg, "第 2 行：第 XFD 列有内容") || !strings.Contains(msg, "最多 64 列") {
		t.Fatalf("wide sheet: %d errors, %.300s", len(errs), fmt.Sprint(errs))
	}
	// The same through every reader of uploads.
	if _, errs := ParseAbsences(bytes.NewReader(wide)); !strings.Contains(fmt.Sprint(errs), "最多 64 列") {
		t.Errorf("absences: %.300s", fmt.Sprint(errs))
	}

	long := wideWorkbook(t, maxRows+1, "A")
	if n := allocated(func() { _, errs = ParseLeaders(bytes.NewReader(long)) }); n > 200<<20 {
		t.Errorf("reading the long sheet allocated %d MB", n>>20)
	}
	if !strings.Contains(fmt.Sprint(errs), "行数过多") {
		t.Fatalf("long sheet: %.300s", fmt.Sprint(errs))
	}

	// Column 64 (BL) on the last allowed row is still a sheet.
	rows, err := open(bytes.NewReader(wideWorkbook(t, maxRows, "BL")))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != maxRows || len(rows[maxRows-1]) != maxCols || rows[maxRows-1][maxCols-1] != "x" || rows[0][1] != "姓名" {
		t.Fatalf("%d rows, last %d cells", len(rows), len(rows[len(rows)-1]))
	}
}

// Empty rows between and after the data keep their places and are trimmed
// at the end, as before.
func TestOpenKeepsGapsAndTrimsTheTail(t *testing.T) {
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", " 编号 ")
	f.SetCellValue("Sheet1", "C4", "z")
	f.SetCellStyle("Sheet1", "A9", "A9", 0)
	f.SetRowHeight("Sheet1", 20000, 30)
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := open(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][0] != "编号" || len(rows[1]) != 0 || len(rows[2]) != 0 || rows[3][2] != "z" {
		t.Fatalf("rows %q", rows)
	}
}
