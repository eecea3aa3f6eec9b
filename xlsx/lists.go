package xlsx

import (
	"fmt"
	"math"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"zhiban/clean"
	"zhiban/roster"
)

// ListSheet is one printable table: a merged title and a note row (none for
// an import template, whose header is row 1), a bordered header and rows of
// typed cells, and notes under the table. Every export is written as these.
type ListSheet struct {
	Name     string // the sheet tab, at most 31 characters
	Title    string
	Subtitle string
	Columns  []ListColumn
	// Rows hold string, int, float64, Percent or roster.Date (0 is an empty
	// cell) values: numbers and dates are written as such, so SUM and date
	// filters work on them.
	Rows  [][]any
	Notes []string
}

// Percent is a share (0.935) written as a number shown 93.5%.
type Percent float64

// ListColumn is a heading and its width in characters.
type ListColumn struct {
	Name  string
	Width float64
}

// excelEpoch is 1970-01-01 as an Excel serial (the 1900 system): roster.Date
// counts days from 1970, Excel from 1899-12-30.
const excelEpoch = 25569

// ListWorkbook writes the sheets in order, each A4 landscape, one page wide,
// with its heading rows repeated on every printed page, the header frozen
// and filterable.
func ListWorkbook(sheets ...ListSheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	for i, sh := range sheets {
		if i == 0 {
			err = f.SetSheetName("Sheet1", sh.Name)
		} else {
			_, err = f.NewSheet(sh.Name)
		}
		if err == nil {
			err = writeList(f, st, sh)
		}
		if err != nil {
			return nil, fmt.Errorf("xlsx: sheet %s: %w", sh.Name, err)
		}
	}
	return finish(f)
}

// writeList streams one sheet. What the stream writes ahead of the rows
// (sheet properties, dimension, panes, column widths) is set first; the
// filter and page setup go after the rows, from the same worksheet.
func writeList(f *excelize.File, st styles, sh ListSheet) error {
	name, last := sh.Name, max(len(sh.Columns), 1)
	head := 1
	if sh.Title != "" {
		head = 3
	}
	end := head + len(sh.Rows)
	bottom := end
	if len(sh.Notes) > 0 {
		bottom = end + 1 + len(sh.Notes)
	}
	if err := f.SetSheetDimension(name, "A1:"+cell(last, bottom)); err != nil {
		return err
	}
	// AutoFilter replaces the sheet properties: page setup comes after it.
	if err := f.AutoFilter(name, cell(1, head)+":"+cell(last, end), nil); err != nil {
		return err
	}
	if err := printSetup(f, name, head); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	widths := make([]float64, last)
	for i, c := range sh.Columns {
		widths[i] = c.Width
		if err := sw.SetColWidth(i+1, i+1, c.Width); err != nil {
			return err
		}
	}
	below := cell(1, head+1)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: head, TopLeftCell: below, ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: below, ActiveCell: below, Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	if sh.Title != "" {
		if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.title, Value: sh.Title}}, excelize.RowOpts{Height: 32}); err != nil {
			return err
		}
		if err := sw.SetRow("A2", []any{excelize.Cell{StyleID: st.note, Value: sh.Subtitle}}); err != nil {
			return err
		}
		if err := sw.MergeCell("A1", cell(last, 1)); err != nil {
			return err
		}
		if err := sw.MergeCell("A2", cell(last, 2)); err != nil {
			return err
		}
	}
	heads := make([]any, last)
	texts := make([]string, last)
	for i, c := range sh.Columns {
		heads[i], texts[i] = excelize.Cell{StyleID: st.header, Value: c.Name}, c.Name
	}
	if err := sw.SetRow(cell(1, head), heads, excelize.RowOpts{Height: rowHeight(texts, widths, 22)}); err != nil {
		return err
	}
	for i, row := range sh.Rows {
		cells := make([]any, last)
		for j := range cells {
			var v any
			if j < len(row) {
				v = row[j]
			}
			cells[j], texts[j] = typed(st, v, widths[j])
		}
		if err := sw.SetRow(cell(1, head+1+i), cells, excelize.RowOpts{Height: rowHeight(texts, widths, 20)}); err != nil {
			return err
		}
	}
	for i, n := range sh.Notes {
		if err := sw.SetRow(cell(1, end+2+i), []any{excelize.Cell{StyleID: st.note, Value: n}}); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// typed is v as a table cell, and the text it shows (for the row height).
// Wide columns hold prose: it reads better aligned left.
func typed(st styles, v any, width float64) (excelize.Cell, string) {
	text := st.cell
	if width >= 20 {
		text = st.left
	}
	switch v := v.(type) {
	case roster.Date:
		if v == 0 {
			return excelize.Cell{StyleID: st.cell}, ""
		}
		return excelize.Cell{StyleID: st.date, Value: int(v) + excelEpoch}, "0000-00-00"
	case string:
		v = repair(v)
		return excelize.Cell{StyleID: text, Value: v}, v
	case Percent:
		return excelize.Cell{StyleID: st.percent, Value: float64(v)}, fmt.Sprintf("%.1f%%", float64(v)*100)
	case int, int64, float64:
		return excelize.Cell{StyleID: st.cell, Value: v}, fmt.Sprint(v)
	case nil:
		return excelize.Cell{StyleID: st.cell}, ""
	default:
		return excelize.Cell{StyleID: text, Value: fmt.Sprint(v)}, fmt.Sprint(v)
	}
}

// rowHeight is the height in points that shows every wrapped line of the
// row's cells, at least min. The files set it rather than leave it to the
// reader, which may keep a row at its default height and print the wrapped
// lines over the next row.
func rowHeight(texts []string, widths []float64, min float64) float64 {
	lines := 1
	for i, s := range texts {
		w := widths[i] - 1 // the cell's padding
		if s == "" || w <= 0 {
			continue
		}
		n := 0
		for _, para := range strings.Split(s, "\n") {
			n += max(1, int(math.Ceil(textWidth(para)/w)))
		}
		lines = max(lines, n)
	}
	return math.Max(min, float64(lines)*15+5) // 宋体 11 pt is about 15 pt a line
}

// textWidth is s's width in column-width units: a CJK character of 宋体 11 pt
// takes about two digits' width, a bit more to be safe.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			w += 2.1
		default:
			w += 1.1
		}
	}
	return w
}

// repair makes stored text safe in a cell as the pages do (text stored
// before input was checked may hold controls or bidi overrides), keeping
// its line breaks: a cell shows them.
func repair(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = clean.Repair(l)
	}
	return strings.Join(lines, "\n")
}
