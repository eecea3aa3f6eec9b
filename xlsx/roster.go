package xlsx

import (
	"fmt"
	"io"
	"strings"

	"zhiban/roster"
)

// Month is one roster's month as printed: a row per day, a column per role.
type Month struct {
	Title    string   // e.g. 示例县县领导值班接访 2026年12月值班表
	Subtitle string   // place and hours
	Roles    []string // column headings after 日期, 星期, 日类
	Days     []MonthDay
}

// MonthDay is one printed row. Names has one entry per role ("" when the
// slot is empty or it is not a duty day); Note carries 调整/固定 remarks.
type MonthDay struct {
	Date  roster.Date
	Class string // 工作日 / 周末 / 节假日 / 调休补班
	Names []string
	Note  string
}

const monthHeaderRow = 3

// RosterMonth writes the month as a printable workbook: a merged title row,
// the place and hours, a bordered table with set column widths, A4 landscape.
func RosterMonth(m Month) ([]byte, error) {
	sheet := "值班表"
	f, st, err := newWorkbook(sheet)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	heads := append(append([]string{"日期", "星期", "日类"}, m.Roles...), "备注")
	last := len(heads)
	writeTitle(f, st, sheet, last, m.Title, m.Subtitle)
	for i, h := range heads {
		f.SetCellValue(sheet, cell(i+1, monthHeaderRow), h)
	}
	f.SetCellStyle(sheet, cell(1, monthHeaderRow), cell(last, monthHeaderRow), st.header)
	f.SetRowHeight(sheet, monthHeaderRow, 22)
	for i, d := range m.Days {
		r := monthHeaderRow + 1 + i
		f.SetCellValue(sheet, cell(1, r), fmt.Sprintf("%d月%d日", int(d.Date.Month()), d.Date.Day()))
		f.SetCellValue(sheet, cell(2, r), "星期"+roster.WeekdayCN(d.Date.Weekday()))
		f.SetCellValue(sheet, cell(3, r), d.Class)
		for j := range m.Roles {
			name := ""
			if j < len(d.Names) {
				name = d.Names[j]
			}
			f.SetCellValue(sheet, cell(4+j, r), name)
		}
		f.SetCellValue(sheet, cell(last, r), d.Note)
		f.SetRowHeight(sheet, r, 20)
	}
	if len(m.Days) > 0 {
		f.SetCellStyle(sheet, cell(1, monthHeaderRow+1), cell(last, monthHeaderRow+len(m.Days)), st.cell)
	}
	f.SetColWidth(sheet, "A", "A", 12)
	f.SetColWidth(sheet, "B", "B", 9)
	f.SetColWidth(sheet, "C", "C", 10)
	f.SetColWidth(sheet, colName(4), colName(3+len(m.Roles)), 16)
	f.SetColWidth(sheet, colName(last), colName(last), 24)
	if err := printA4Landscape(f, sheet, monthHeaderRow); err != nil {
		return nil, fmt.Errorf("xlsx: page setup: %w", err)
	}
	return finish(f)
}

// ReadRosterMonth reads back a workbook written by RosterMonth (for checks
// and round trips); the year comes from the caller, the sheet holds 月日 only.
func ReadRosterMonth(r io.Reader, year int) (Month, error) {
	rows, err := open(r)
	if err != nil {
		return Month{}, err
	}
	if len(rows) < monthHeaderRow {
		return Month{}, fmt.Errorf("不是值班表文件")
	}
	var m Month
	m.Title = first(rows[0])
	m.Subtitle = first(rows[1])
	head := rows[monthHeaderRow-1]
	if len(head) < 4 || head[0] != "日期" {
		return Month{}, fmt.Errorf("不是值班表文件：第 %d 行应为表头", monthHeaderRow)
	}
	m.Roles = head[3 : len(head)-1]
	for i, row := range rows[monthHeaderRow:] {
		for len(row) < len(head) {
			row = append(row, "")
		}
		var mo, d int
		if _, err := fmt.Sscanf(row[0], "%d月%d日", &mo, &d); err != nil {
			return m, RowError{monthHeaderRow + 1 + i, "日期格式错误"}
		}
		md := MonthDay{Date: roster.NewDate(year, timeMonth(mo), d), Class: row[2], Names: row[3 : len(head)-1], Note: row[len(head)-1]}
		m.Days = append(m.Days, md)
	}
	return m, nil
}

func first(row []string) string {
	if len(row) == 0 {
		return ""
	}
	return strings.TrimSpace(row[0])
}
