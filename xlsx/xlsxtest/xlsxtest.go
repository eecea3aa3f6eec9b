// Package xlsxtest reads an exported workbook back the way its readers do:
// with excelize, and with Python's openpyxl (read-only mode trusts the
// sheet's declared dimension, as many readers do). Tests compare the two and
// check what every export owes its reader: typed cells, a true dimension, a
// frozen and filtered header, print setup.
package xlsxtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Sheet is one sheet as a reader finds it.
type Sheet struct {
	Name      string
	Dimension string   // the declared used range
	Frozen    string   // the top-left cell of the unfrozen pane, "" if none
	Filter    string   // the autofilter range
	Print     string   // "A4 landscape fit=1x0 titles=1:3"
	Cells     [][]Cell // rows from A1, trailing empty cells dropped
	Heights   []float64
}

// Cell is a cell's kind (text, number, date, or "" when empty) and its
// value: the text, the number, or the date as 2006-01-02.
type Cell struct {
	Kind, Value string
}

// Col is the cells of column col (from 1) on rows from..to (from 1).
func (s Sheet) Col(col, from, to int) []Cell {
	var out []Cell
	for r := from; r <= to && r <= len(s.Cells); r++ {
		c := Cell{}
		if row := s.Cells[r-1]; col <= len(row) {
			c = row[col-1]
		}
		out = append(out, c)
	}
	return out
}

// Read reads every sheet of b with excelize.
func Read(t testing.TB, b []byte) []Sheet {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	filters, titles := map[string]string{}, map[string]string{}
	for _, d := range f.GetDefinedName() {
		_, ref, _ := strings.Cut(d.RefersTo, "!")
		switch d.Name {
		case "_xlnm._FilterDatabase":
			filters[d.Scope] = strings.ReplaceAll(ref, "$", "")
		case "_xlnm.Print_Titles":
			titles[d.Scope] = strings.ReplaceAll(ref, "$", "")
		}
	}
	var out []Sheet
	for _, name := range f.GetSheetList() {
		s := Sheet{Name: name, Filter: filters[name]}
		if s.Dimension, err = f.GetSheetDimension(name); err != nil {
			t.Fatal(err)
		}
		if p, err := f.GetPanes(name); err == nil && p.Freeze {
			s.Frozen = p.TopLeftCell
		}
		pl, err := f.GetPageLayout(name)
		if err != nil {
			t.Fatal(err)
		}
		pr, err := f.GetSheetProps(name)
		if err != nil {
			t.Fatal(err)
		}
		s.Print = printSetup(deref(pl.Size), deref(pl.Orientation), deref(pr.FitToPage), deref(pl.FitToWidth), deref(pl.FitToHeight), titles[name])
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			var cells []Cell
			for c, v := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				cells = append(cells, goCell(t, f, name, ref, v))
			}
			s.Cells = append(s.Cells, trim(cells))
			h, _ := f.GetRowHeight(name, r+1)
			s.Heights = append(s.Heights, h)
		}
		out = append(out, s)
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func printSetup(size int, orientation string, fit bool, wide, tall int, titles string) string {
	paper := strconv.Itoa(size)
	if size == 9 {
		paper = "A4"
	}
	if !fit {
		wide, tall = -1, -1
	}
	return fmt.Sprintf("%s %s fit=%dx%d titles=%s", paper, orientation, wide, tall, titles)
}

func goCell(t testing.TB, f *excelize.File, sheet, ref, raw string) Cell {
	if raw == "" {
		return Cell{}
	}
	typ, err := f.GetCellType(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	switch typ {
	case excelize.CellTypeSharedString, excelize.CellTypeInlineString, excelize.CellTypeFormula, excelize.CellTypeBool, excelize.CellTypeError:
		return Cell{"text", raw}
	}
	n, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return Cell{"text", raw}
	}
	id, _ := f.GetCellStyle(sheet, ref)
	if st, err := f.GetStyle(id); err == nil && isDateFormat(st) {
		d, err := excelize.ExcelDateToTime(n, false)
		if err != nil {
			t.Fatal(err)
		}
		return Cell{"date", d.Format("2006-01-02")}
	}
	return Cell{"number", strconv.FormatFloat(n, 'f', -1, 64)}
}

func isDateFormat(st *excelize.Style) bool {
	if st.CustomNumFmt != nil {
		return strings.ContainsAny(strings.ToLower(*st.CustomNumFmt), "ymd")
	}
	return st.NumFmt >= 14 && st.NumFmt <= 22
}

func trim(cells []Cell) []Cell {
	for len(cells) > 0 && cells[len(cells)-1].Kind == "" {
		cells = cells[:len(cells)-1]
	}
	if len(cells) == 0 {
		return nil // an empty row, however the reader gave it
	}
	return cells
}

// Env is the variable that asks for the openpyxl check; CI sets it, and
// with it set a missing Python or openpyxl fails the test.
const Env = "ZHIBAN_OPENPYXL"

// script prints the sheets of the workbook argv[1] as JSON in Sheet's
// shape. Cells come from read-only mode, which reads only as far as the
// declared dimension; the rest needs the full reader.
const script = `
import datetime, json, sys, openpyxl
path = sys.argv[1]
ro = openpyxl.load_workbook(path, read_only=True)
full = openpyxl.load_workbook(path)
out = []
def cell(v):
    if v is None or v == "":
        return {"Kind": "", "Value": ""}
    if isinstance(v, (datetime.datetime, datetime.date)):
        return {"Kind": "date", "Value": v.strftime("%Y-%m-%d")}
    if isinstance(v, bool) or isinstance(v, str):
        return {"Kind": "text", "Value": str(v)}
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return {"Kind": "number", "Value": str(v)}
for ws in ro.worksheets:
    w = full[ws.title]
    rows = []
    for row in ws.iter_rows(values_only=True):
        cells = [cell(v) for v in row]
        while cells and cells[-1]["Kind"] == "":
            cells.pop()
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    ps, pr = w.page_setup, w.sheet_properties.pageSetUpPr
    fit = pr is not None and bool(pr.fitToPage)
    out.append({
        "Name": ws.title,
        "Dimension": ws.calculate_dimension(),
        "Frozen": w.freeze_panes or "",
        "Filter": (w.auto_filter.ref or "").replace("$", ""),
        "Paper": int(ps.paperSize or 0), "Orientation": ps.orientation or "",
        "Fit": fit, "Wide": int(ps.fitToWidth if ps.fitToWidth is not None else 1),
        "Tall": int(ps.fitToHeight if ps.fitToHeight is not None else 1),
        "Titles": (w.print_title_rows or "").replace("$", ""),
        "Cells": rows,
        "Heights": [w.row_dimensions[r + 1].height or 15 for r in range(len(rows))],
    })
json.dump(out, sys.stdout)
`

// Openpyxl reads every sheet of b with openpyxl. ok is false, and the test
// goes on without it, when ZHIBAN_OPENPYXL is unset.
func Openpyxl(t testing.TB, b []byte) (sheets []Sheet, ok bool) {
	t.Helper()
	if os.Getenv(Env) == "" {
		t.Logf("%s unset: not checked with openpyxl", Env)
		return nil, false
	}
	py := python(t)
	path := filepath.Join(t.TempDir(), "export.xlsx")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(py, "-c", script, path)
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, stderr.String())
	}
	var raw []struct {
		Sheet
		Paper, Wide, Tall   int
		Orientation, Titles string
		Fit                 bool
	}
	if err := json.Unmarshal(stdout, &raw); err != nil {
		t.Fatalf("openpyxl output: %v\n%s", err, stdout)
	}
	for _, r := range raw {
		s := r.Sheet
		s.Print = printSetup(r.Paper, r.Orientation, r.Fit, r.Wide, r.Tall, r.Titles)
		for i := range s.Cells {
			s.Cells[i] = trim(s.Cells[i])
		}
		sheets = append(sheets, s)
	}
	return sheets, true
}

// python finds an interpreter with openpyxl: the one on PATH, or the
// system's, where apt-get installs python3-openpyxl.
func python(t testing.TB) string {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import openpyxl").Run() == nil {
			return py
		}
	}
	t.Fatalf("%s is set but no python3 with openpyxl was found (apt-get install python3-openpyxl)", Env)
	return ""
}

// Check reads b with excelize and, when asked, openpyxl, fails unless both
// see the same, and checks what every export owes its reader: the declared
// dimension covers every cell, the rows down to the header are frozen,
// repeated on each printed page and filterable down to the table's end,
// and the sheet prints on A4 landscape one page wide. header is each
// sheet's header row.
func Check(t testing.TB, b []byte, header int) []Sheet {
	t.Helper()
	sheets := Read(t, b)
	if py, ok := Openpyxl(t, b); ok {
		if !reflect.DeepEqual(py, sheets) {
			for i := range min(len(py), len(sheets)) {
				if !reflect.DeepEqual(py[i], sheets[i]) {
					t.Errorf("sheet %s: openpyxl read\n%+v\nexcelize read\n%+v", sheets[i].Name, py[i], sheets[i])
				}
			}
			t.Fatalf("openpyxl and excelize disagree (%d and %d sheets)", len(py), len(sheets))
		}
	}
	for _, s := range sheets {
		cols := 0
		for _, row := range s.Cells {
			cols = max(cols, len(row))
		}
		last, _ := excelize.CoordinatesToCellName(cols, len(s.Cells))
		if s.Dimension != "A1:"+last {
			t.Errorf("sheet %s: dimension %s, cells reach %s", s.Name, s.Dimension, last)
		}
		lastCol, _ := excelize.ColumnNumberToName(cols)
		below := fmt.Sprintf("A%d", header+1)
		if s.Frozen != below {
			t.Errorf("sheet %s: frozen at %q, want %s", s.Name, s.Frozen, below)
		}
		from, to, _ := strings.Cut(s.Filter, ":")
		if from != fmt.Sprintf("A%d", header) || !strings.HasPrefix(to, lastCol) {
			t.Errorf("sheet %s: autofilter %q does not span the header A%d to column %s", s.Name, s.Filter, header, lastCol)
		}
		if want := fmt.Sprintf("A4 landscape fit=1x0 titles=1:%d", header); s.Print != want {
			t.Errorf("sheet %s: print %q, want %q", s.Name, s.Print, want)
		}
	}
	return sheets
}
