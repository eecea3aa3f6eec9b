package xlsx_test

import (
	"reflect"
	"strings"
	"testing"

	"zhiban/roster"
	"zhiban/xlsx"
	"zhiban/xlsx/xlsxtest"
)

// Numbers and dates are cells of their kind, so SUM and date filters work;
// an empty date is an empty cell; a long text makes its row tall enough to
// print without running into the next one.
func TestListWorkbookTypedCells(t *testing.T) {
	long := strings.Repeat("村民反映土地承包经营权纠纷，", 6)
	sh := xlsx.ListSheet{Name: "排查发现", Title: "示例县矛盾纠纷大排查", Subtitle: "共 3 条",
		Columns: []xlsx.ListColumn{{"序号", 6}, {"摘要", 30}, {"当事人数", 8}, {"报送日期", 12}, {"剩余天数", 8}},
		Rows: [][]any{
			{1, "短", 3, roster.MustDate("2026-12-01"), -2},
			{2, long, 12, roster.Date(0), nil},
			{3, "0571-1234\x01\u202e\nline", 0, roster.MustDate("2027-01-31"), 2.5},
		},
		Notes: []string{"注：摘要不含当事人姓名"},
	}
	b, err := xlsx.ListWorkbook(sh, xlsx.ListSheet{Name: "空表", Title: "空", Columns: []xlsx.ListColumn{{"项目", 20}, {"数量", 8}}})
	if err != nil {
		t.Fatal(err)
	}
	sheets := xlsxtest.Check(t, b, 3)
	s := sheets[0]
	if s.Filter != "A3:E6" || s.Dimension != "A1:E8" {
		t.Errorf("filter %s, dimension %s", s.Filter, s.Dimension)
	}
	num := func(v string) xlsxtest.Cell { return xlsxtest.Cell{Kind: "number", Value: v} }
	date := func(v string) xlsxtest.Cell { return xlsxtest.Cell{Kind: "date", Value: v} }
	for _, c := range []struct {
		col  int
		want []xlsxtest.Cell
	}{
		{1, []xlsxtest.Cell{num("1"), num("2"), num("3")}},
		{3, []xlsxtest.Cell{num("3"), num("12"), num("0")}},
		{4, []xlsxtest.Cell{date("2026-12-01"), {}, date("2027-01-31")}},
		{5, []xlsxtest.Cell{num("-2"), {}, num("2.5")}},
		{2, []xlsxtest.Cell{{Kind: "text", Value: "短"}, {Kind: "text", Value: long}, {Kind: "text", Value: "0571-1234\nline"}}},
	} {
		if got := s.Col(c.col, 4, 6); !reflect.DeepEqual(got, c.want) {
			t.Errorf("column %d: %v, want %v", c.col, got, c.want)
		}
	}
	// 84 CJK characters in a 30-wide column wrap to 7 lines.
	if h := s.Heights[4]; h < 6*15 {
		t.Errorf("the long row is %v pt high: its lines overlap the next row", h)
	}
	if h := s.Heights[3]; h < 20 || h > 25 {
		t.Errorf("a one-line row is %v pt high", h)
	}
	if e := sheets[1]; e.Filter != "A3:B3" || e.Dimension != "A1:B3" {
		t.Errorf("empty sheet: filter %s, dimension %s", e.Filter, e.Dimension)
	}
}

func TestRosterMonthDates(t *testing.T) {
	m := xlsx.Month{Title: "示例县 2026年12月值班表", Subtitle: "地点", Roles: []string{"值班领导"}}
	for d := roster.MustDate("2026-12-01"); d <= roster.MustDate("2026-12-31"); d++ {
		m.Days = append(m.Days, xlsx.MonthDay{Date: d, Class: "工作日", Names: []string{"张三"}})
	}
	b, err := xlsx.RosterMonth(m)
	if err != nil {
		t.Fatal(err)
	}
	s := xlsxtest.Check(t, b, 3)[0]
	days := s.Col(1, 4, 34)
	if len(days) != 31 || days[0] != (xlsxtest.Cell{Kind: "date", Value: "2026-12-01"}) || days[30] != (xlsxtest.Cell{Kind: "date", Value: "2026-12-31"}) {
		t.Errorf("date column: %v", days)
	}
	if s.Filter != "A3:E34" {
		t.Errorf("filter %s", s.Filter)
	}
}

// The import templates are exports too: header on row 1, ids and phones
// kept as text (a leading 0 is part of a phone number).
func TestTemplatesExport(t *testing.T) {
	b, err := xlsx.Leaders([]xlsx.Leader{{Person: roster.Person{ID: "001", Name: "张三", Title: "副县长", Phone: "05711234567", Active: true}}})
	if err != nil {
		t.Fatal(err)
	}
	s := xlsxtest.Check(t, b, 1)[0]
	if got := s.Cells[1][0]; got != (xlsxtest.Cell{Kind: "text", Value: "001"}) {
		t.Errorf("id %v", got)
	}
	if got := s.Cells[1][5]; got != (xlsxtest.Cell{Kind: "text", Value: "05711234567"}) {
		t.Errorf("phone %v", got)
	}
	b, err = xlsx.AbsencesTemplate()
	if err != nil {
		t.Fatal(err)
	}
	s = xlsxtest.Check(t, b, 1)[0]
	if s.Filter != "A1:E2" || s.Dimension != "A1:E4" || s.Cells[1][2].Kind != "date" {
		t.Errorf("absences template: filter %s, dimension %s, %v", s.Filter, s.Dimension, s.Cells[1])
	}
	if got, errs := xlsx.ParseAbsences(strings.NewReader(string(b))); len(got) != 0 || len(errs) != 0 {
		t.Errorf("the template's example row was read: %v %v", got, errs)
	}
}
