package service

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
	"zhiban/xlsx"
)

// CaseLine is a case as the office lists it: names, state and next deadline in words.
type CaseLine struct {
	CaseView
	TownName, LeaderName string
	StateLabel           string
	Marker               string // the alert: 已超期 / 已过期限90% / 已过期限75%
	HasNext              bool   // a statutory clock is running
	NextLabel            string
	NextDue              roster.Date
	NextArticle          string
	MilestoneStr         string // "包调查 2026-11-20；包处理 …"
}

// CaseLine is k as the office lists it.
func (n Names) CaseLine(k CaseView) CaseLine {
	l := CaseLine{CaseView: k, TownName: n.Town(k.Township), LeaderName: n.Leader(k.Leader), StateLabel: k.State.Label(),
		Marker: k.Clock.Alert.Label()}
	if d := k.Clock.Next; d != nil {
		l.HasNext, l.NextLabel, l.NextDue, l.NextArticle = true, d.Label, d.Due, d.Article
	}
	var ms []string
	for _, m := range k.Milestones {
		ms = append(ms, m.Duty.Label()+" "+m.On.String())
	}
	l.MilestoneStr = strings.Join(ms, "；")
	return l
}

// VisitLine is a visit with its kind, state, leader and township in words.
type VisitLine struct {
	visits.Visit
	KindLabel, StateLabel string
	LeaderName, TownName  string
	ShadowName            string // 开门接访: the 跟班领导
}

// VisitLine is v as the office lists it.
func (n Names) VisitLine(v visits.Visit) VisitLine {
	l := VisitLine{Visit: v, KindLabel: v.Kind.Label(), StateLabel: v.State.Label(), LeaderName: n.Leader(v.Leader)}
	if v.Township != "" {
		l.TownName = n.Town(v.Township)
	}
	if v.Shadow != "" {
		l.ShadowName = n.Leader(v.Shadow)
	}
	return l
}

func col(name string, width float64) xlsx.ListColumn {
	return xlsx.ListColumn{Name: name, Width: width}
}

// CaseLedger is the 台账 of the cases q selects, in code order, as .xlsx with its file name.
func (s *Service) CaseLedger(ctx context.Context, today roster.Date, q CaseQuery) (name string, body []byte, err error) {
	cases, err := s.ListCases(ctx, today, q)
	if err != nil {
		return "", nil, err
	}
	sort.SliceStable(cases, func(i, j int) bool { return cases[i].Code < cases[j].Code })
	n, err := s.Names(ctx)
	if err != nil {
		return "", nil, err
	}
	countyName, err := s.st.Setting(ctx, "county")
	if err != nil {
		return "", nil, err
	}
	sub := fmt.Sprintf("截至 %s，共 %d 件", today, len(cases))
	if q.Township != "" {
		sub += "；乡镇：" + n.Town(q.Township)
	}
	if q.Leader != "" {
		sub += "；包案领导：" + n.Leader(q.Leader)
	}
	if q.State != "" {
		sub += "；状态：" + visits.CaseState(q.State).Label()
	}
	if q.Overdue {
		sub += "；仅超期"
	}
	sh := xlsx.ListSheet{
		Name: "信访事项台账", Title: countyName + "信访事项台账", Subtitle: sub,
		Columns: []xlsx.ListColumn{col("编号", 11), col("标题", 28), col("类别", 10), col("乡镇", 10), col("收到日期", 12), col("渠道", 6),
			col("包案领导", 10), col("责任单位", 12), col("状态", 8), col("下一期限", 14), col("期限日", 12), col("剩余天数", 8), col("预警", 10),
			col("依据", 22), col("包案职责进度", 30)},
	}
	for _, k := range cases {
		l := n.CaseLine(k)
		var due, left any = roster.Date(0), nil
		if l.HasNext {
			due, left = l.NextDue, k.Clock.DaysLeft
		}
		sh.Rows = append(sh.Rows, []any{k.Code, k.Title, string(k.Category), l.TownName, k.Received, string(k.Channel),
			l.LeaderName, k.Unit, l.StateLabel, l.NextLabel, due, left, l.Marker, l.NextArticle, l.MilestoneStr})
	}
	b, err := xlsx.ListWorkbook(sh)
	return fmt.Sprintf("信访事项台账-%s.xlsx", today), b, err
}

// TaskLine is a township's sweep task with the names staff read.
type TaskLine struct {
	visits.Task
	TownName, LeaderName string
	StatusLabel          string // 已报送 | 零报告 | 逾期未报 | 待报送
}

// Reported reports whether the township has filed (findings or 零报告).
func (t TaskLine) Reported() bool { return t.Status == visits.TaskFiled || t.Status == visits.TaskNil }

// FindingLine is a finding with its township's name and the code of its case, if any.
type FindingLine struct {
	visits.Finding
	TownName string
	CaseCode string
}

// Disposal says in words what became of the finding, as the report prints it.
func (f FindingLine) Disposal() string {
	state := "未处置"
	switch {
	case f.Case != 0:
		state = "已转案件"
		if f.CaseCode != "" {
			state += " " + f.CaseCode
		}
	case f.Resolved:
		state = "已化解"
	}
	if f.RolledFrom != 0 {
		state += "（上月结转）"
	}
	return state
}

// Count is a label and how many.
type Count struct {
	Label string
	N     int
}

// AdjacentMonth is a neighbouring sweep month and whether it had a sweep.
type AdjacentMonth struct {
	Month  visits.Month
	Exists bool
}

// SweepDetail is a month's sweep as staff read it on today.
type SweepDetail struct {
	SweepView
	Names        Names
	TaskLines    []TaskLine
	FindingLines []FindingLine
	ByCategory   []Count // the categories found, in the order of visits.Categories
	ByRisk       []Count // every risk level, in the order of visits.Risks
	MissingNames []string
	Prev, Next   AdjacentMonth
}

// SweepDetail reads month's sweep on today, with the neighbouring months.
func (s *Service) SweepDetail(ctx context.Context, month visits.Month, today roster.Date) (SweepDetail, error) {
	v, err := s.Sweep(ctx, month, today)
	if err != nil {
		return SweepDetail{}, err
	}
	d := SweepDetail{SweepView: v}
	if d.Names, err = s.Names(ctx); err != nil {
		return d, err
	}
	n := d.Names
	townOfTask := map[int64]string{}
	for _, t := range v.Tasks {
		townOfTask[t.ID] = t.Township
		l := TaskLine{Task: t, TownName: n.Town(t.Township), LeaderName: n.Leader(t.Leader), StatusLabel: "待报送"}
		switch {
		case t.Status == visits.TaskFiled:
			l.StatusLabel = "已报送"
		case t.Status == visits.TaskNil:
			l.StatusLabel = "零报告"
		case t.Missing(today):
			l.StatusLabel = "逾期未报"
		}
		d.TaskLines = append(d.TaskLines, l)
	}
	for _, f := range v.Findings {
		l := FindingLine{Finding: f, TownName: n.Town(townOfTask[f.Task])}
		if f.Case != 0 {
			if k, err := s.st.Case(ctx, f.Case); err == nil {
				l.CaseCode = k.Code
			}
		}
		d.FindingLines = append(d.FindingLines, l)
	}
	for _, k := range visits.Categories {
		if m := v.Report.ByCategory[k]; m > 0 {
			d.ByCategory = append(d.ByCategory, Count{string(k), m})
		}
	}
	for _, k := range visits.Risks {
		d.ByRisk = append(d.ByRisk, Count{string(k), v.Report.ByRisk[k]})
	}
	for _, t := range v.Report.Missing {
		d.MissingNames = append(d.MissingNames, n.Town(t))
	}
	first, err := visits.ParseMonth(string(month))
	if err != nil {
		return d, err
	}
	d.Prev.Month, d.Next.Month = visits.MonthOf(first.AddDays(-1)), visits.MonthOf(first.MonthEnd().AddDays(1))
	for _, m := range []*AdjacentMonth{&d.Prev, &d.Next} {
		_, err := s.st.Sweep(ctx, m.Month)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return d, err
		}
		m.Exists = err == nil
	}
	return d, nil
}

// SweepReport is month's sweep report as .xlsx with its file name; findings carry no names.
func (s *Service) SweepReport(ctx context.Context, month visits.Month, today roster.Date) (name string, body []byte, err error) {
	d, err := s.SweepDetail(ctx, month, today)
	if err != nil {
		return "", nil, err
	}
	countyName, err := s.st.Setting(ctx, "county")
	if err != nil {
		return "", nil, err
	}
	first, _ := visits.ParseMonth(string(month))
	r := d.Report
	title := fmt.Sprintf("%s%d年%d月矛盾纠纷大排查报告", countyName, first.Year(), int(first.Month()))
	sub := fmt.Sprintf("%s 开启，%s 前报送；截至 %s：单位 %d 个，已报 %d（零报告 %d），逾期未报 %d", d.Sweep.Opened, d.Sweep.Due, today,
		r.Units, r.Filed, r.NilReports, len(r.Missing))
	units := xlsx.ListSheet{Name: "报送情况", Title: title, Subtitle: sub,
		Columns: []xlsx.ListColumn{col("乡镇", 14), col("挂点领导", 12), col("截止日期", 12), col("状态", 10), col("报送日期", 12), col("报送人", 12)}}
	for _, t := range d.TaskLines {
		units.Rows = append(units.Rows, []any{t.TownName, t.LeaderName, t.Due, t.StatusLabel, t.Filed, t.FiledBy})
	}
	fs := xlsx.ListSheet{Name: "排查发现", Title: title + "——排查发现", Subtitle: fmt.Sprintf("共 %d 条；摘要不含当事人姓名", len(d.Findings)),
		Columns: []xlsx.ListColumn{col("序号", 6), col("乡镇", 12), col("村", 10), col("摘要", 40), col("类别", 10), col("当事人数", 8), col("风险", 6), col("处置", 16)}}
	for i, f := range d.FindingLines {
		fs.Rows = append(fs.Rows, []any{i + 1, f.TownName, f.Village, f.Summary, string(f.Category),
			f.Parties, string(f.Risk), f.Disposal()})
	}
	sum := xlsx.ListSheet{Name: "汇总", Title: title + "——汇总", Subtitle: "截至 " + today.String(),
		Columns: []xlsx.ListColumn{col("项目", 24), col("数量", 10)}}
	add := func(label string, n int) { sum.Rows = append(sum.Rows, []any{label, n}) }
	add("排查单位", r.Units)
	add("已报送（含零报告）", r.Filed)
	add("零报告", r.NilReports)
	add("逾期未报", len(r.Missing))
	for _, k := range visits.Risks {
		add("风险"+string(k), r.ByRisk[k])
	}
	for _, k := range visits.Categories {
		add("类别："+string(k), r.ByCategory[k])
	}
	add("上月结转", r.Rolled)
	add("转为案件", r.CasesOpened)
	add("在办超期案件", r.OverdueCases)
	b, err := xlsx.ListWorkbook(units, fs, sum)
	return fmt.Sprintf("矛盾大排查-%s.xlsx", month), b, err
}

// FindingMonth is the sweep month finding id belongs to.
func (s *Service) FindingMonth(ctx context.Context, id int64) (visits.Month, error) {
	f, err := s.st.Finding(ctx, id)
	if err != nil {
		return "", err
	}
	t, err := s.st.SweepTask(ctx, f.Task)
	return t.Month, err
}
