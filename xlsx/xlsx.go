// Package xlsx reads and writes the Excel files office staff exchange with
// zhiban (github.com/xuri/excelize/v2): the printable month roster, and the
// leaders and absences import sheets with row-level errors in Chinese. It
// works on bytes and domain values only: no HTTP, no SQL.
package xlsx

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"zhiban/roster"
)

// RowError is a problem on one sheet row, numbered as Excel shows it.
type RowError struct {
	Row int
	Msg string
}

func (e RowError) Error() string {
	if e.Row == 0 {
		return e.Msg
	}
	return fmt.Sprintf("第 %d 行：%s", e.Row, e.Msg)
}

// Upload limits: a county's sheets are a few hundred rows; the limits stop a
// zip bomb from filling memory.
const (
	MaxUpload       = 5 << 20
	maxUnzippedSize = 64 << 20
	maxRows         = 5000
)

// styles are the cell formats shared by the files we write.
type styles struct {
	title, header, cell, note int
}

func newStyles(f *excelize.File) (styles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	var s styles
	var err error
	if s.title, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Size: 16, Family: "宋体"},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
	}); err != nil {
		return s, err
	}
	if s.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Size: 11, Family: "宋体"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}},
		Border:    border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
	}); err != nil {
		return s, err
	}
	if s.cell, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Size: 11, Family: "宋体"},
		Border:    border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
	}); err != nil {
		return s, err
	}
	s.note, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Size: 9, Color: "555555", Family: "宋体"}})
	return s, err
}

// printA4Landscape fits the sheet to one A4 page wide, landscape, with the
// header rows repeated on every page.
func printA4Landscape(f *excelize.File, sheet string, headerRow int) error {
	size, orient, one, zero := 9, "landscape", 1, 0 // 9 is A4 in SpreadsheetML
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	m := 0.5
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &m, Right: &m, Top: &m, Bottom: &m}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", Scope: sheet,
		RefersTo: fmt.Sprintf("'%s'!$1:$%d", sheet, headerRow),
	})
}

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

func colName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}

func finish(f *excelize.File) ([]byte, error) {
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("xlsx: write: %w", err)
	}
	return buf.Bytes(), nil
}

// open reads an uploaded workbook and returns the rows of its first sheet,
// raw values (dates as serial numbers), every cell trimmed.
func open(r io.Reader) ([][]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxUpload+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxUpload {
		return nil, fmt.Errorf("文件过大（最多 %d MB）", MaxUpload>>20)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzippedSize, UnzipXMLSizeLimit: maxUnzippedSize / 4})
	if err != nil {
		return nil, fmt.Errorf("不是有效的 .xlsx 文件（请在 Excel 或 WPS 中另存为 .xlsx 格式）")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("文件中没有工作表")
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("读取工作表 %s 失败：%v", sheets[0], err)
	}
	if len(rows) > maxRows {
		return nil, fmt.Errorf("行数过多（最多 %d 行）", maxRows)
	}
	for _, row := range rows {
		for i := range row {
			row[i] = strings.TrimSpace(row[i])
		}
	}
	return rows, nil
}

// header finds the header row (the first row with a cell named key) and maps
// each known column name, and its aliases, to its index.
func header(rows [][]string, key string, aliases map[string][]string) (int, map[string]int, error) {
	for i, row := range rows {
		has := false
		for _, c := range row {
			if c == key {
				has = true
			}
		}
		if !has {
			continue
		}
		cols := map[string]int{}
		for j, c := range row {
			for name, alts := range aliases {
				for _, a := range append([]string{name}, alts...) {
					if strings.EqualFold(c, a) {
						cols[name] = j
					}
				}
			}
		}
		return i, cols, nil
	}
	return 0, nil, fmt.Errorf("找不到表头：第一行或标题下一行应包含“%s”列", key)
}

func get(row []string, cols map[string]int, name string) string {
	i, ok := cols[name]
	if !ok || i >= len(row) {
		return ""
	}
	return row[i]
}

// ParseDate reads a date cell: an Excel date serial, or text such as
// 2026-12-01, 2026/12/1, 2026.12.1, 2026年12月1日 or 20261201. Years outside
// 2000–2100 are refused: they are typos, not duty days.
func ParseDate(s string) (roster.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("日期为空")
	}
	var t time.Time
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		switch {
		case len(s) == 8 && strings.Trim(s, "0123456789") == "":
			if t, err = time.Parse("20060102", s); err != nil {
				return 0, fmt.Errorf("日期格式错误")
			}
		case n >= 1 && n < 2958466: // Excel's serials: 1900-01-01 to 9999-12-31
			if t, err = excelize.ExcelDateToTime(n, false); err != nil {
				return 0, fmt.Errorf("日期格式错误")
			}
		default:
			return 0, fmt.Errorf("日期格式错误")
		}
	} else {
		norm := strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(s)
		if t, err = time.Parse("2006-1-2", norm); err != nil {
			return 0, fmt.Errorf("日期格式错误")
		}
	}
	if t.Year() < 2000 || t.Year() > 2100 {
		return 0, fmt.Errorf("日期格式错误（年份应在 2000–2100 之间）")
	}
	return roster.DateOf(t), nil
}
