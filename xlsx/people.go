package xlsx

import (
	"fmt"
	"io"
	"strings"
	"time"

	"zhiban/clean"
	"zhiban/roster"
)

func timeMonth(m int) time.Month { return time.Month(m) }

// Leader is one row of the leaders sheet.
type Leader struct {
	Row    int
	Person roster.Person
	Pools  []string // pool ids to add the leader to
	// KeepEmail is set when the sheet has no 邮箱 column (a template from
	// before the column existed): the stored address stays, not blanked.
	KeepEmail bool
}

// leaderCols are the leaders sheet's columns in order, with accepted aliases.
var leaderCols = []column{
	{"编号", []string{"id", "人员编号"}, 8},
	{"姓名", []string{"name"}, 10},
	{"职务", []string{"title"}, 24},
	{"级别", []string{"rank"}, 8},
	{"分管工作", []string{"分管", "portfolio"}, 30},
	{"电话", []string{"手机", "phone"}, 14},
	{"邮箱", []string{"电子邮箱", "email", "e-mail"}, 24},
	{"在岗", []string{"active"}, 6},
	{"联系乡镇", []string{"township"}, 10},
	{"联系企业", []string{"enterprise"}, 14},
	{"联系项目", []string{"project"}, 14},
	{"联系村", []string{"village"}, 10},
	{"值班池", []string{"pools"}, 16},
}

// Leaders writes the leaders sheet; the file is also the import template.
func Leaders(ls []Leader) ([]byte, error) {
	sh := ListSheet{Name: "领导名单", Columns: templateColumns(leaderCols)}
	for _, l := range ls {
		p := l.Person
		rank := "县级"
		if p.Rank == roster.RankDepartment {
			rank = "部门"
		}
		active := "是"
		if !p.Active {
			active = "否"
		}
		// Ids and phones stay text: 0571… and L01 are codes, not numbers.
		sh.Rows = append(sh.Rows, []any{p.ID, p.Name, p.Title, rank, p.Portfolio, p.Phone, p.Email, active,
			p.Links.Township, p.Links.Enterprise, p.Links.Project, p.Links.Village, strings.Join(l.Pools, ",")})
	}
	return ListWorkbook(sh)
}

// templateColumns are an import sheet's headings and widths.
func templateColumns(cols []column) []ListColumn {
	out := make([]ListColumn, len(cols))
	for i, c := range cols {
		out[i] = ListColumn{c.name, c.width}
	}
	return out
}

// ParseLeaders reads a leaders sheet. Every row is checked; the errors name
// the row, and a row with an error is left out of the result.
func ParseLeaders(r io.Reader) ([]Leader, []RowError) {
	rows, err := open(r)
	if err != nil {
		return nil, []RowError{{Msg: err.Error()}}
	}
	h, cols, bad := header(rows, "姓名", leaderCols, "编号", "姓名", "职务")
	if bad != nil {
		return nil, bad
	}
	_, hasEmail := cols["邮箱"]
	var out []Leader
	var errs []RowError
	seen := map[string]int{}
	for i := h + 1; i < len(rows); i++ {
		row, n := rows[i], i+1
		if strings.Join(row, "") == "" {
			continue
		}
		// Every problem of the row is told, not the first.
		before := len(errs)
		bad := func(format string, args ...any) { errs = append(errs, RowError{n, fmt.Sprintf(format, args...)}) }
		// text checks a cell as clean.Text does, quoting it when refused.
		text := func(label, v string, max int) string {
			t, err := clean.Text(v, max)
			if err != nil {
				bad("%s %s：%v", label, clean.Quote(v), err)
			}
			return t
		}
		// code is text typed on a number row: full-width digits and letters fold.
		code := func(label, col string, max int) string {
			return text(label, clean.Narrow(get(row, cols, col)), max)
		}
		p := roster.Person{
			ID: code("编号", "编号", clean.Code), Name: text("姓名", get(row, cols, "姓名"), clean.Name),
			Title: text("职务", get(row, cols, "职务"), clean.Title), Portfolio: text("分管工作", get(row, cols, "分管工作"), clean.Line),
			Phone: code("电话", "电话", clean.Phone), Email: code("邮箱", "邮箱", clean.Email), Active: true,
			Links: roster.Links{Township: code("联系乡镇", "联系乡镇", clean.Code), Enterprise: text("联系企业", get(row, cols, "联系企业"), clean.Line),
				Project: text("联系项目", get(row, cols, "联系项目"), clean.Line), Village: text("联系村", get(row, cols, "联系村"), clean.Name)},
		}
		switch {
		case p.ID == "" && len(errs) == before:
			bad("编号为空")
		case strings.ContainsAny(p.ID, " /\\|"):
			bad("编号 %s 不能含空格、/、\\ 或 |", clean.Quote(p.ID))
		case p.ID != "":
			if prev, dup := seen[p.ID]; dup {
				bad("编号 %s 与第 %d 行重复", p.ID, prev)
			} else {
				seen[p.ID] = n
			}
		}
		if p.Name == "" && get(row, cols, "姓名") == "" {
			bad("姓名为空")
		}
		if p.Title == "" && get(row, cols, "职务") == "" {
			bad("职务为空")
		}
		if p.Phone != "" && !roster.ValidPhone(p.Phone) {
			bad("电话 %s 无效：只能包含数字、空格和 + - ( )", clean.Quote(p.Phone))
		}
		if p.Email != "" && !roster.ValidEmail(p.Email) {
			bad("邮箱 %s 无效，应为一个地址，如 name@example.gov.cn", clean.Quote(p.Email))
		}
		switch v := clean.Narrow(get(row, cols, "级别")); strings.ToLower(v) {
		case "县级", "county", "":
			p.Rank = roster.RankCounty
		case "部门", "部级", "department":
			p.Rank = roster.RankDepartment
		default:
			bad("级别 %s 无效，应为 县级 或 部门", clean.Quote(v))
		}
		switch v := clean.Narrow(get(row, cols, "在岗")); strings.ToLower(v) {
		case "是", "", "在岗", "yes", "1":
		case "否", "不在岗", "no", "0":
			p.Active = false
		default:
			bad("在岗 %s 无效，应为 是 或 否", clean.Quote(v))
		}
		var pools []string
		for _, x := range strings.FieldsFunc(code("值班池", "值班池", clean.Line), func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' }) {
			pools = append(pools, x)
		}
		if len(errs) == before {
			out = append(out, Leader{Row: n, Person: p, Pools: pools, KeepEmail: !hasEmail})
		}
	}
	return out, errs
}

// Absence is one row of the absences sheet. Person is as typed (编号 or 姓名);
// the caller resolves it.
type Absence struct {
	Row      int
	Person   string
	Kind     roster.AbsenceKind
	From, To roster.Date
	Reason   string
}

var absenceCols = []column{
	{"人员", []string{"姓名", "编号", "person"}, 12},
	{"类型", []string{"kind"}, 8},
	{"开始日期", []string{"开始", "from"}, 14},
	{"结束日期", []string{"结束", "to"}, 14},
	{"事由", []string{"reason", "备注"}, 30},
}

var kindNames = map[string]roster.AbsenceKind{
	"请假": roster.Leave, "休假": roster.Leave, "leave": roster.Leave,
	"出差": roster.Trip, "trip": roster.Trip,
	"开会": roster.Meeting, "会议": roster.Meeting, "meeting": roster.Meeting,
}

// AbsencesTemplate is an empty absences sheet with one example row.
func AbsencesTemplate() ([]byte, error) {
	return ListWorkbook(ListSheet{Name: "请假出差", Columns: templateColumns(absenceCols),
		Rows:  [][]any{{"（姓名或编号）", "请假", roster.MustDate("2026-12-01"), roster.MustDate("2026-12-03"), "（不公开）"}},
		Notes: []string{"类型：请假、出差或开会；日期如 2026-12-01，也可用 Excel 日期格式。删除示例行后填写。"}})
}

// ParseAbsences reads an absences sheet; rows with errors are left out.
func ParseAbsences(r io.Reader) ([]Absence, []RowError) {
	rows, err := open(r)
	if err != nil {
		return nil, []RowError{{Msg: err.Error()}}
	}
	h, cols, bad := header(rows, "类型", absenceCols, "人员", "类型", "开始日期", "结束日期")
	if bad != nil {
		return nil, bad
	}
	var out []Absence
	var errs []RowError
	for i := h + 1; i < len(rows); i++ {
		row, n := rows[i], i+1
		if strings.Join(row, "") == "" || strings.HasPrefix(get(row, cols, "人员"), "（") || strings.HasPrefix(first(row), "类型：") {
			continue // blank, the template's example row, or its note
		}
		// Every problem of the row is told, not the first.
		before := len(errs)
		bad := func(format string, args ...any) { errs = append(errs, RowError{n, fmt.Sprintf(format, args...)}) }
		a := Absence{Row: n}
		if v, err := clean.Text(clean.Narrow(get(row, cols, "人员")), clean.Name); err != nil {
			bad("人员 %s：%v", clean.Quote(get(row, cols, "人员")), err)
		} else if a.Person = v; v == "" {
			bad("人员为空")
		}
		if v, err := clean.Text(get(row, cols, "事由"), clean.Line); err != nil {
			bad("事由 %s：%v", clean.Quote(get(row, cols, "事由")), err)
		} else {
			a.Reason = v
		}
		kind := clean.Narrow(get(row, cols, "类型"))
		if k, ok := kindNames[strings.ToLower(kind)]; ok {
			a.Kind = k
		} else {
			bad("类型 %s 无效，应为 请假、出差 或 开会", clean.Quote(kind))
		}
		var errF, errT error
		if a.From, errF = ParseDate(get(row, cols, "开始日期")); errF != nil {
			bad("开始%v", errF)
		}
		if a.To, errT = ParseDate(get(row, cols, "结束日期")); errT != nil {
			bad("结束%v", errT)
		}
		switch {
		case errF != nil || errT != nil:
		case a.To < a.From:
			bad("结束日期 %s 早于开始日期 %s", a.To, a.From)
		case a.To.DaysSince(a.From) > 366:
			bad("%s 至 %s 超过一年：一次最多登记一年", a.From, a.To)
		}
		if len(errs) > before {
			continue
		}
		out = append(out, a)
	}
	return out, errs
}
