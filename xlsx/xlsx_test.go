package xlsx

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhiban/roster"
)

func TestRosterMonthRoundTrip(t *testing.T) {
	m := Month{Title: "示例县县领导值班接访 2026年12月值班表", Subtitle: "县来访接待中心 08:30–17:30", Roles: []string{"值班领导", "跟班领导"}}
	for d := roster.MustDate("2026-12-01"); d <= roster.MustDate("2026-12-31"); d++ {
		md := MonthDay{Date: d, Class: "工作日", Names: []string{"张三", "李四"}}
		if d.Weekday() == 0 || d.Weekday() == 6 {
			md.Class, md.Names = "周末", []string{"", ""}
		}
		if d.Day() == 7 {
			md.Note = "📌 固定；调整"
		}
		m.Days = append(m.Days, md)
	}
	b, err := RosterMonth(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadRosterMonth(bytes.NewReader(b), 2026)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("round trip differs:\n%+v\n%+v", got, m)
	}
	// Printing: A4 landscape, one page wide, borders on the table.
	f, _ := excelize.OpenReader(bytes.NewReader(b))
	pl, err := f.GetPageLayout("值班表")
	if err != nil || *pl.Size != 9 || *pl.Orientation != "landscape" || *pl.FitToWidth != 1 {
		t.Fatalf("page layout %+v %v", pl, err)
	}
	if w, _ := f.GetColWidth("值班表", "D"); w < 12 {
		t.Fatalf("role column width %v", w)
	}
	id, _ := f.GetCellStyle("值班表", "D5")
	st, _ := f.GetStyle(id)
	if len(st.Border) != 4 {
		t.Fatalf("table cell has %d borders", len(st.Border))
	}
	if cells, _ := f.GetMergeCells("值班表"); len(cells) == 0 || cells[0].GetStartAxis() != "A1" {
		t.Fatalf("title not merged: %v", cells)
	}
}

func TestLeadersRoundTrip(t *testing.T) {
	in := []Leader{
		{Row: 2, Person: roster.Person{ID: "L01", Name: "张三", Title: "县委副书记", Rank: roster.RankCounty, Portfolio: "党建、信访", Phone: "13800000000", Email: "l01@shili.gov.example", Active: true,
			Links: roster.Links{Township: "城关镇", Enterprise: "某公司", Project: "某项目", Village: "某村"}}, Pools: []string{"county-leaders"}},
		{Row: 3, Person: roster.Person{ID: "D01", Name: "李四", Title: "群众工作部部长", Rank: roster.RankDepartment, Active: false}},
	}
	b, err := Leaders(in)
	if err != nil {
		t.Fatal(err)
	}
	out, errs := ParseLeaders(bytes.NewReader(b))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if !reflect.DeepEqual(out, in) {
		t.Fatalf("round trip differs:\n%+v\n%+v", out, in)
	}
}

// A sheet without the 邮箱 column keeps stored addresses; a bad address is a row error.
func TestParseLeadersEmail(t *testing.T) {
	old, errs := ParseLeaders(sheet(t,
		[]any{"编号", "姓名", "职务", "电话"},
		[]any{"L01", "张三", "县委副书记", "13800000000"},
	))
	if len(errs) > 0 || len(old) != 1 || !old[0].KeepEmail || old[0].Person.Email != "" {
		t.Fatalf("sheet without 邮箱: %+v %v", old, errs)
	}
	got, errs := ParseLeaders(sheet(t,
		[]any{"编号", "姓名", "职务", "email"},
		[]any{"L01", "张三", "县委副书记", "l01@shili.gov.example"},
		[]any{"L02", "李四", "副县长", "li4 at shili"},
		[]any{"L03", "王五", "副县长", ""},
	))
	if len(got) != 2 || got[0].KeepEmail || got[0].Person.Email != "l01@shili.gov.example" || got[1].Person.ID != "L03" || got[1].KeepEmail {
		t.Fatalf("leaders %+v", got)
	}
	if len(errs) != 1 || errs[0].Row != 3 || !strings.Contains(errs[0].Msg, "邮箱") {
		t.Fatalf("errors %+v", errs)
	}
}

// sheet builds a workbook from rows; a roster.Date value becomes a real Excel date cell.
func sheet(t *testing.T, rows ...[]any) *bytes.Reader {
	t.Helper()
	f := excelize.NewFile()
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	for i, row := range rows {
		for j, v := range row {
			c, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if d, ok := v.(roster.Date); ok {
				f.SetCellValue("Sheet1", c, d.In(time.UTC))
				f.SetCellStyle("Sheet1", c, c, dateStyle)
				continue
			}
			f.SetCellValue("Sheet1", c, v)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}

func TestParseAbsencesRowErrors(t *testing.T) {
	r := sheet(t,
		[]any{"2026年12月请假出差登记"},
		[]any{"人员", "类型", "开始日期", "结束日期", "事由"},
		[]any{"张三", "请假", "2026-12-01", "2026/12/3", "事假"},
		[]any{"L02", "出差", roster.MustDate("2026-12-07"), "2026年12月9日", ""},
		[]any{},
		[]any{"李四", "休息", "2026-12-01", "2026-12-01"},
		[]any{"王五", "开会", "12月1日", "2026-12-01"},
		[]any{"赵六", "请假", "2026-12-05", "2026-12-01"},
		[]any{"", "请假", "2026-12-05", "2026-12-06"},
		[]any{"钱七", "会议", "20261210", "2026.12.11"},
	)
	got, errs := ParseAbsences(r)
	want := []Absence{
		{Row: 3, Person: "张三", Kind: roster.Leave, From: roster.MustDate("2026-12-01"), To: roster.MustDate("2026-12-03"), Reason: "事假"},
		{Row: 4, Person: "L02", Kind: roster.Trip, From: roster.MustDate("2026-12-07"), To: roster.MustDate("2026-12-09")},
		{Row: 10, Person: "钱七", Kind: roster.Meeting, From: roster.MustDate("2026-12-10"), To: roster.MustDate("2026-12-11")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n%+v\nwant\n%+v", got, want)
	}
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	wantErrs := []string{
		`第 6 行：类型 "休息" 无效，应为 请假、出差 或 开会`,
		`第 7 行：开始日期 "12月1日" 不是有效的日期，应写作 2027-03-08（也可写 2027/3/8 或 2027年3月8日）`,
		"第 8 行：结束日期 2026-12-01 早于开始日期 2026-12-05",
		"第 9 行：人员为空",
	}
	if !reflect.DeepEqual(msgs, wantErrs) {
		t.Errorf("errors:\n%s\nwant\n%s", strings.Join(msgs, "\n"), strings.Join(wantErrs, "\n"))
	}
}

func TestParseLeadersErrors(t *testing.T) {
	r := sheet(t,
		[]any{"编号", "姓名", "职务", "级别", "在岗"},
		[]any{"L01", "张三", "副县长", "县级", "是"},
		[]any{"L01", "张三", "副县长", "县级", "是"},
		[]any{"L02", "", "副县长"},
		[]any{"L03", "王五", "副县长", "科级"},
		[]any{"L04", "赵六", "副县长", "县级", "也许"},
	)
	got, errs := ParseLeaders(r)
	if len(got) != 1 || got[0].Person.ID != "L01" {
		t.Fatalf("rows %+v", got)
	}
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	want := []string{"第 3 行：编号 L01 与第 2 行重复", "第 4 行：姓名为空", `第 5 行：级别 "科级" 无效，应为 县级 或 部门`, `第 6 行：在岗 "也许" 无效，应为 是 或 否`}
	if !reflect.DeepEqual(msgs, want) {
		t.Fatalf("errors:\n%s", strings.Join(msgs, "\n"))
	}
	if _, errs := ParseLeaders(strings.NewReader("not a zip")); len(errs) != 1 || !strings.Contains(errs[0].Error(), ".xlsx") {
		t.Fatalf("garbage: %v", errs)
	}
	if _, errs := ParseLeaders(sheet(t, []any{"a", "b"})); len(errs) != 1 || !strings.Contains(errs[0].Error(), "表头") {
		t.Fatalf("no header: %v", errs)
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2026-12-01": "2026-12-01", "2026/1/5": "2026-01-05", "2026.1.5": "2026-01-05", "2026年1月5日": "2026-01-05",
		"20260105": "2026-01-05", "46357": "2026-12-01",
	} {
		d, err := ParseDate(in)
		if err != nil || d.String() != want {
			t.Errorf("%q: %v %v, want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"", "12月1日", "2026-13-01", "2026-02-30", "1", "abc", "1899-12-31"} {
		if _, err := ParseDate(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-12-01", "46357", "2026年1月5日", "20260105", "2026.1.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err == nil && (d.Year() < 2000 || d.Year() > 2100) {
			t.Fatalf("%q gave %s", s, d)
		}
	})
}
