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
// the place and hours, a bordered table with a real date in each row's
// first cell, A4 landscape.
func RosterMonth(m Month) ([]byte, error) {
	sh := ListSheet{Name: "值班表", Title: m.Title, Subtitle: m.Subtitle,
		Columns: []ListColumn{{"日期", 12}, {"星期", 9}, {"日类", 10}}}
	for _, r := range m.Roles {
		sh.Columns = append(sh.Columns, ListColumn{r, 16})
	}
	sh.Columns = append(sh.Columns, ListColumn{"备注", 24})
	for _, d := range m.Days {
		row := []any{d.Date, "星期" + roster.WeekdayCN(d.Date.Weekday()), d.Class}
		for j := range m.Roles {
			name := ""
			if j < len(d.Names) {
				name = d.Names[j]
			}
			row = append(row, name)
		}
		sh.Rows = append(sh.Rows, append(row, d.Note))
	}
	return ListWorkbook(sh)
}

// ReadRosterMonth reads back a workbook written by RosterMonth (for checks
// and round trips); year dates the 月日 cells of sheets from older versions.
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
		date, err := ParseDate(row[0])
		var mo, d int
		if _, serr := fmt.Sscanf(row[0], "%d月%d日", &mo, &d); err != nil && serr == nil {
			date, err = roster.NewDate(year, timeMonth(mo), d), nil // a sheet written before dates were dates
		}
		if err != nil {
			return m, RowError{monthHeaderRow + 1 + i, "日期格式错误"}
		}
		md := MonthDay{Date: date, Class: row[2], Names: row[3 : len(head)-1], Note: row[len(head)-1]}
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
