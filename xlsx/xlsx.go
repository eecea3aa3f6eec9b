// Package xlsx reads and writes the Excel files office staff exchange with
// zhiban (github.com/xuri/excelize/v2): the printable month roster, and the
// leaders and absences import sheets with row-level errors in Chinese. It
// works on bytes and domain values only: no HTTP, no SQL.
package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"zhiban/clean"
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

// Upload limits: a county's sheets are a few hundred rows of a dozen
// columns; the limits stop a zip bomb from filling memory. maxCols matters
// as much as the size: a reader pads each row out to its last cell, so one
// cell in column XFD (16384) on each of a few thousand rows of a 22 KB file
// once made gigabytes of empty strings.
const (
	MaxUpload       = 5 << 20
	maxUnzippedSize = 64 << 20
	maxRows         = 5000
	maxCols         = 64
)

// styles are the cell formats shared by the files we write.
type styles struct {
	title, header, cell, left, date, note, percent int
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
	body := func(horizontal string, numFmt *string) (int, error) {
		return f.NewStyle(&excelize.Style{
			Font:         &excelize.Font{Size: 11, Family: "宋体"},
			Border:       border,
			Alignment:    &excelize.Alignment{Horizontal: horizontal, Vertical: "center", WrapText: true},
			CustomNumFmt: numFmt,
		})
	}
	iso := "yyyy-mm-dd"
	if s.cell, err = body("center", nil); err != nil {
		return s, err
	}
	if s.left, err = body("left", nil); err != nil {
		return s, err
	}
	if s.date, err = body("center", &iso); err != nil {
		return s, err
	}
	pct := "0.0%"
	if s.percent, err = body("center", &pct); err != nil {
		return s, err
	}
	s.note, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Size: 9, Color: "555555", Family: "宋体"}})
	return s, err
}

// printSetup fits the sheet to one A4 page wide, landscape, with the rows
// up to the header repeated on every page.
func printSetup(f *excelize.File, sheet string, headerRow int) error {
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
// raw values (dates as serial numbers), every cell trimmed, trailing empty
// rows dropped. A sheet with content beyond column maxCols is refused before
// any row is read, and rows are streamed, so memory stays proportional to
// at most maxRows × maxCols cells whatever the file claims.
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
	if err := checkColumns(data); err != nil {
		return nil, err
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("读取工作表 %s 失败：%v", sheets[0], err)
	}
	defer it.Close()
	var rows [][]string
	last := 0 // rows up to the last one with a cell
	for n := 1; it.Next(); n++ {
		row, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("读取工作表 %s 失败：%v", sheets[0], err)
		}
		if len(row) > maxCols { // checkColumns saw to this; never trust one check
			return nil, tooWide(n, len(row))
		}
		if len(row) == 0 {
			if n <= maxRows {
				rows = append(rows, nil)
			}
			continue
		}
		if n > maxRows {
			return nil, fmt.Errorf("行数过多（最多 %d 行）", maxRows)
		}
		for i := range row {
			row[i] = strings.TrimSpace(row[i])
		}
		rows = append(rows, row)
		last = n
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("读取工作表 %s 失败：%v", sheets[0], err)
	}
	return rows[:last], nil
}

// tooWide is the error for content in column col of sheet row row.
func tooWide(row, col int) error {
	return RowError{Row: row, Msg: fmt.Sprintf("第 %s 列有内容，表格最多 %d 列（到 %s 列），请删除多余的列后重新上传", colName(col), maxCols, colName(maxCols))}
}

// checkColumns refuses a workbook whose first sheet has a value or formula
// beyond column maxCols, reading the sheet's XML as a stream of tokens: no
// row is built, so no width is padded out. A part it cannot find or read
// is left to excelize, which reads the same bytes next.
func checkColumns(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	parts := map[string]*zip.File{}
	for _, zf := range zr.File {
		parts[strings.ToLower(strings.TrimPrefix(zf.Name, "/"))] = zf
	}
	var sheets []*zip.File
	if p := firstSheetPath(parts); p != "" && parts[p] != nil {
		sheets = append(sheets, parts[p])
	} else {
		// The workbook's own map is unreadable: check every worksheet.
		for name, zf := range parts {
			if strings.HasPrefix(name, "xl/worksheets/") && strings.HasSuffix(name, ".xml") {
				sheets = append(sheets, zf)
			}
		}
	}
	for _, zf := range sheets {
		rc, err := zf.Open()
		if err != nil {
			continue
		}
		err = scanCells(io.LimitReader(rc, maxUnzippedSize))
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// scanCells walks a worksheet's XML and fails at the first cell beyond
// maxCols that holds a value, a formula or an inline string (the cells a
// row reader pads up to).
func scanCells(r io.Reader) error {
	d := xml.NewDecoder(r)
	row, col, cellCol := 0, 0, 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			return nil // the end, or XML that excelize reports itself
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				row++
				if n, err := strconv.Atoi(attr(t, "r")); err == nil {
					row = n
				}
				col = 0
			case "c":
				col++
				if ref := attr(t, "r"); ref != "" {
					if c, _, err := excelize.CellNameToCoordinates(ref); err == nil {
						col = c
					}
				}
				cellCol = col
			case "v", "f", "is":
				if cellCol > maxCols {
					return tooWide(row, cellCol)
				}
			}
		case xml.EndElement:
			if t.Name.Local == "c" {
				cellCol = 0
			}
		}
	}
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// firstSheetPath finds the part of the workbook's first sheet (the one
// excelize lists first): the package relationships name the workbook, the
// workbook lists its sheets in order, and its relationships name each
// sheet's part. "" when any step is missing.
func firstSheetPath(parts map[string]*zip.File) string {
	type rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	read := func(name string, v any) bool {
		zf := parts[strings.ToLower(name)]
		if zf == nil {
			return false
		}
		rc, err := zf.Open()
		if err != nil {
			return false
		}
		defer rc.Close()
		return xml.NewDecoder(io.LimitReader(rc, maxUnzippedSize/4)).Decode(v) == nil
	}
	resolve := func(dir, target string) string {
		if strings.HasPrefix(target, "/") {
			return strings.TrimPrefix(target, "/")
		}
		return path.Join(dir, target)
	}
	var pkg rels
	if !read("_rels/.rels", &pkg) {
		return ""
	}
	wb := ""
	for _, r := range pkg.Rel {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			wb = resolve("", r.Target)
		}
	}
	var book struct {
		Sheets []struct {
			RID string `xml:"id,attr"` // r:id, in whichever namespace
		} `xml:"sheets>sheet"`
	}
	if wb == "" || !read(wb, &book) || len(book.Sheets) == 0 {
		return ""
	}
	var wbRels rels
	if !read(path.Join(path.Dir(wb), "_rels", path.Base(wb)+".rels"), &wbRels) {
		return ""
	}
	for _, r := range wbRels.Rel {
		if r.ID == book.Sheets[0].RID {
			return strings.ToLower(resolve(path.Dir(wb), r.Target))
		}
	}
	return ""
}

// column is one column of an import sheet: its heading, the other headings
// accepted for it, and its width in the template.
type column struct {
	name    string
	aliases []string
	width   float64
}

// header finds the header row (the first row with a cell named key) and maps
// each of cols, by its name or an alias, to its index. A sheet without the
// row, or without one of the columns in need, is refused.
func header(rows [][]string, key string, cols []column, need ...string) (int, map[string]int, []RowError) {
	for i, row := range rows {
		if !slices.Contains(row, key) {
			continue
		}
		at := map[string]int{}
		for j, c := range row {
			for _, col := range cols {
				for _, a := range append([]string{col.name}, col.aliases...) {
					if strings.EqualFold(c, a) {
						at[col.name] = j
					}
				}
			}
		}
		for _, name := range need {
			if _, ok := at[name]; !ok {
				return i, nil, []RowError{{Row: i + 1, Msg: "缺少“" + name + "”列"}}
			}
		}
		return i, at, nil
	}
	return 0, nil, []RowError{{Msg: fmt.Sprintf("找不到表头：第一行或标题下一行应包含“%s”列", key)}}
}

func get(row []string, cols map[string]int, name string) string {
	i, ok := cols[name]
	if !ok || i >= len(row) {
		return ""
	}
	return row[i]
}

// ParseDate reads a date cell: an Excel date serial, or text as clerks type
// it (clean.Date: 2026-12-01, ２０２６/１２/１, 2026.12.1, 2026年12月1日,
// 20261201, 2026-12-01 00:00:00). Years outside 2000–2100 are refused:
// they are typos, not duty days. Errors quote the cell.
func ParseDate(s string) (roster.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("日期为空")
	}
	var t time.Time
	narrow := clean.Narrow(s)
	if n, err := strconv.ParseFloat(narrow, 64); err == nil && !(len(narrow) == 8 && strings.Trim(narrow, "0123456789") == "") {
		if n < 1 || n >= 2958466 { // Excel's serials: 1900-01-01 to 9999-12-31
			return 0, fmt.Errorf("日期 %s 不是有效的日期", clean.Quote(s))
		}
		if t, err = excelize.ExcelDateToTime(n, false); err != nil {
			return 0, fmt.Errorf("日期 %s 不是有效的日期", clean.Quote(s))
		}
	} else {
		v, err := clean.Date(s)
		if err != nil {
			return 0, fmt.Errorf("日期 %s %v", clean.Quote(s), err)
		}
		t, _ = time.Parse("2006-01-02", v)
	}
	if t.Year() < 2000 || t.Year() > 2100 {
		return 0, fmt.Errorf("日期 %s 的年份应在 2000–2100 之间", clean.Quote(s))
	}
	return roster.DateOf(t), nil
}
