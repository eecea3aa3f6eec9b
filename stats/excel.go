package stats

import (
	"fmt"

	"zhiban/roster"
	"zhiban/xlsx"
)

// cell is a rate as a spreadsheet value: a percentage number, or "—" without a denominator.
func (r Rate) cell() any {
	if v, ok := r.Value(); ok {
		return xlsx.Percent(v)
	}
	return "—"
}

func col(name string, width float64) xlsx.ListColumn {
	return xlsx.ListColumn{Name: name, Width: width}
}

// Workbook is the report as .xlsx: real numbers, percentages and dates.
func Workbook(r Report, county string) ([]byte, error) {
	sub := fmt.Sprintf("统计期间 %s 至 %s，截至 %s；口径见《统计口径说明》", r.Period.From, r.Period.To, r.AsOf)
	c := r.County
	overview := xlsx.ListSheet{Name: "总体", Title: county + " " + r.Period.Label + " 信访工作统计", Subtitle: sub,
		Columns: []xlsx.ListColumn{col("指标", 28), col("数值", 12), col("分子", 10), col("分母", 10)}}
	add := func(name string, v any) { overview.Rows = append(overview.Rows, []any{name, v}) }
	rate := func(name string, x Rate) { overview.Rows = append(overview.Rows, []any{name, x.cell(), x.Num, x.Den}) }
	add("统计起始日", r.Period.From)
	add("统计截止日", r.Period.To)
	add("数据截至", r.AsOf)
	for _, k := range []struct {
		label string
		c     Count
	}{{"开门接访", c.Open}, {"主动约访", c.Invite}, {"带案下访", c.Carry}, {"上门回访", c.Return}, {"四访合计", c.Visits()}} {
		add(k.label+"（批次）", k.c.Batches)
		add(k.label+"（人次）", k.c.People)
	}
	add("信访事项（件）", c.Cases)
	rate("及时受理率", c.Acceptance)
	rate("按期办结率", c.Handling)
	rate("参评率", c.Evaluation)
	rate("满意率", c.Satisfaction)
	add("重复信访（批次）", c.Repeat)
	add("越级上访（批次）", c.SkippedLevel)
	s := c.Sweep
	add("排查任务", s.Tasks)
	add("按时上报", s.OnTime)
	add("逾期上报", s.Late)
	add("未上报（已过期）", s.Missing)
	add("零报告", s.Nil)
	add("新发现矛盾纠纷", s.Findings)
	add("已化解", s.Resolved)
	add("转为包保案件", s.Escalated)
	add("期末未化解", s.Open)
	rate("到岗签到率", Rate{r.Roster.Signed, r.Roster.Planned})
	add("人员替换（班次）", r.Roster.Replacements)
	add("调班（次）", r.Roster.Swaps)

	sheets := []xlsx.ListSheet{overview}
	for _, d := range []struct {
		name, head string
		rows       []Row
	}{{"按领导", "领导", r.Leaders}, {"按责任单位", "责任单位", r.Units}, {"按乡镇", "乡镇", r.Townships}} {
		sh := xlsx.ListSheet{Name: d.name, Title: r.Period.Label + " 统计（" + d.name + "）", Subtitle: sub,
			Columns: []xlsx.ListColumn{col(d.head, 20), col("四访批次", 9), col("四访人次", 9), col("开门接访人次", 10),
				col("信访事项", 9), col("及时受理率", 10), col("按期办结率", 10), col("参评率", 9), col("满意率", 9),
				col("重复信访", 9), col("越级", 8), col("排查按时上报", 10), col("新发现", 8), col("已化解", 8), col("到岗签到率", 10)}}
		for _, x := range d.rows {
			v := x.Visits()
			sh.Rows = append(sh.Rows, []any{x.Name, v.Batches, v.People, x.Open.People, x.Cases, x.Acceptance.cell(),
				x.Handling.cell(), x.Evaluation.cell(), x.Satisfaction.cell(), x.Repeat, x.SkippedLevel,
				x.Sweep.OnTime, x.Sweep.Findings, x.Sweep.Resolved, x.Duties.cell()})
		}
		sheets = append(sheets, sh)
	}
	tr := xlsx.ListSheet{Name: "月度趋势", Title: r.Period.Label + " 月度趋势", Subtitle: sub,
		Columns: []xlsx.ListColumn{col("月份（首日）", 12), col("及时受理率", 10), col("按期办结率", 10), col("参评率", 9), col("满意率", 9),
			col("及时受理（分母）", 10), col("按期办结（分母）", 10), col("参评（分母）", 10)}}
	for _, m := range r.Trend {
		mm, _ := roster.ParseMonth(m.Month)
		tr.Rows = append(tr.Rows, []any{mm.First(), m.Acceptance.cell(), m.Handling.cell(), m.Evaluation.cell(), m.Satisfaction.cell(),
			m.Acceptance.Den, m.Handling.Den, m.Evaluation.Den})
	}
	sheets = append(sheets, tr)
	ro := xlsx.ListSheet{Name: "值班", Title: r.Period.Label + " 值班统计", Subtitle: sub,
		Columns: []xlsx.ListColumn{col("姓名", 12), col("应到岗", 8), col("已签到", 8), col("被替换", 8)}}
	for _, name := range r.Roster.Rosters {
		ro.Columns = append(ro.Columns, col(name+"（全年）", 12))
	}
	ro.Columns = append(ro.Columns, col("全年合计", 10))
	for _, y := range r.Roster.Years {
		ro.Columns = append(ro.Columns, col(fmt.Sprintf("%d年", y), 8))
	}
	ro.Columns = append(ro.Columns, col(fmt.Sprintf("%d年合计", len(r.Roster.Years)), 10))
	for _, p := range r.Roster.People {
		row := []any{p.Name, p.Planned, p.Signed, p.Replaced}
		for _, n := range p.ByRoster {
			row = append(row, n)
		}
		row = append(row, p.YearTotal)
		for _, n := range p.ByYear {
			row = append(row, n)
		}
		ro.Rows = append(ro.Rows, append(row, p.YearsTotal))
	}
	sheets = append(sheets, ro)
	fair := xlsx.ListSheet{Name: "历年公平", Title: r.Period.Label + " 历年值班公平（按人员组）",
		Subtitle: sub + "；极差为组内在职成员班次最多与最少之差，“否”的不计入",
		Columns:  []xlsx.ListColumn{col("人员组", 16), col("姓名", 12), col("在职成员", 9)}}
	for _, y := range r.Roster.Years {
		fair.Columns = append(fair.Columns, col(fmt.Sprintf("%d年", y), 8))
	}
	fair.Columns = append(fair.Columns, col("合计", 8))
	for _, pl := range r.Roster.Pools {
		for _, pp := range pl.People {
			member := "是"
			if !pp.Member {
				member = "否"
			}
			row := []any{pl.Name, pp.Name, member}
			for _, n := range pp.ByYear {
				row = append(row, n)
			}
			fair.Rows = append(fair.Rows, append(row, pp.Total))
		}
		row := []any{pl.Name, "极差", ""}
		for _, n := range pl.Spread {
			row = append(row, n)
		}
		fair.Rows = append(fair.Rows, append(row, pl.TotalSpread))
	}
	sheets = append(sheets, fair)
	return xlsx.ListWorkbook(sheets...)
}
