package xlsx

import (
	"github.com/xuri/excelize/v2"
)

// ListSheet is one printable list: a merged title row, a note row, a
// bordered table with set column widths. The case ledger (台账) and the
// sweep report are workbooks of these.
type ListSheet struct {
	Name     string // the sheet tab, at most 31 characters
	Title    string
	Subtitle string
	Columns  []ListColumn
	Rows     [][]string
}

// ListColumn is a heading and its width in characters.
type ListColumn struct {
	Name  string
	Width float64
}

const listHeaderRow = 3

// ListWorkbook writes the sheets in order, each A4 landscape with its
// heading rows repeated on every printed page.
func ListWorkbook(sheets ...ListSheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.Name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(sh.Name); err != nil {
			return nil, err
		}
		if err := writeList(f, st, sh); err != nil {
			return nil, err
		}
	}
	return finish(f)
}

func writeList(f *excelize.File, st styles, sh ListSheet) error {
	name, last := sh.Name, max(len(sh.Columns), 1)
	writeTitle(f, st, name, last, sh.Title, sh.Subtitle)
	for i, c := range sh.Columns {
		f.SetCellValue(name, cell(i+1, listHeaderRow), c.Name)
		f.SetColWidth(name, colName(i+1), colName(i+1), c.Width)
	}
	f.SetCellStyle(name, cell(1, listHeaderRow), cell(last, listHeaderRow), st.header)
	f.SetRowHeight(name, listHeaderRow, 22)
	for i, row := range sh.Rows {
		for j, v := range row {
			f.SetCellStr(name, cell(j+1, listHeaderRow+1+i), v)
		}
	}
	if len(sh.Rows) > 0 {
		f.SetCellStyle(name, cell(1, listHeaderRow+1), cell(last, listHeaderRow+len(sh.Rows)), st.cell)
	}
	return printA4Landscape(f, name, listHeaderRow)
}
