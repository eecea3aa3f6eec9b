package httpapi

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/visits"
	"zhiban/xlsx"
)

// exportCaseLedger sends the case ledger (台账) for the list's filters as .xlsx.
func (s *Server) exportCaseLedger(c echo.Context) error {
	ctx := c.Request().Context()
	rows, f, n, err := s.loadCaseRows(ctx, c)
	if err != nil {
		return err
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Code < rows[j].Code })
	countyName, err := s.store.Setting(ctx, "county")
	if err != nil {
		return err
	}
	today := s.today()
	sub := fmt.Sprintf("截至 %s，共 %d 件", today, len(rows))
	if f.Township != "" {
		sub += "；乡镇：" + n.Town(f.Township)
	}
	if f.Leader != "" {
		sub += "；包案领导：" + n.Leader(f.Leader)
	}
	if f.State != "" {
		sub += "；状态：" + visits.CaseState(f.State).Label()
	}
	if f.Overdue {
		sub += "；仅超期"
	}
	sh := xlsx.ListSheet{
		Name: "信访事项台账", Title: countyName + "信访事项台账", Subtitle: sub,
		Columns: []xlsx.ListColumn{lc("编号", 11), lc("标题", 28), lc("类别", 10), lc("乡镇", 10), lc("收到日期", 12), lc("渠道", 6),
			lc("包案领导", 10), lc("责任单位", 12), lc("状态", 8), lc("下一期限", 14), lc("期限日", 12), lc("剩余天数", 8), lc("预警", 10),
			lc("依据", 22), lc("包案职责进度", 30)},
	}
	for _, r := range rows {
		left, due := "", ""
		if r.HasNext {
			left, due = strconv.Itoa(r.Clock.DaysLeft), r.NextDue.String()
		}
		sh.Rows = append(sh.Rows, []string{r.Code, r.Title, string(r.Category), r.TownName, r.Received.String(), string(r.Channel),
			r.LeaderName, r.Unit, r.StateLabel, r.NextLabel, due, left, r.Marker, r.NextArticle, r.MilestoneStr})
	}
	b, err := xlsx.ListWorkbook(sh)
	if err != nil {
		return err
	}
	return sendXLSX(c, fmt.Sprintf("信访事项台账-%s.xlsx", today), b)
}

// exportSweepReport sends a month's sweep report as .xlsx: units, findings, summary.
func (s *Server) exportSweepReport(c echo.Context, monthS string) error {
	first, err := visits.ParseMonth(monthS)
	if err != nil {
		return fault.InvalidField("month", "月份应为 YYYY-MM，如 2027-01")
	}
	month := visits.MonthOf(first)
	ctx := c.Request().Context()
	v, err := s.loadSweep(ctx, month)
	if err != nil {
		return err
	}
	n, err := s.workNames(ctx)
	if err != nil {
		return err
	}
	countyName, err := s.store.Setting(ctx, "county")
	if err != nil {
		return err
	}
	today := s.today()
	r := v.Report
	title := fmt.Sprintf("%s%d年%d月矛盾纠纷大排查报告", countyName, first.Year(), int(first.Month()))
	sub := fmt.Sprintf("%s 开启，%s 前报送；截至 %s：单位 %d 个，已报 %d（零报告 %d），逾期未报 %d", v.Sweep.Opened, v.Sweep.Due, today,
		r.Units, r.Filed, r.NilReports, len(r.Missing))
	units := xlsx.ListSheet{Name: "报送情况", Title: title, Subtitle: sub,
		Columns: []xlsx.ListColumn{lc("乡镇", 14), lc("挂点领导", 12), lc("截止日期", 12), lc("状态", 10), lc("报送日期", 12), lc("报送人", 12)}}
	townOfTask := map[int64]string{}
	for _, t := range v.Tasks {
		townOfTask[t.ID] = t.Township
		tr := newTaskRow(t, today, n)
		filed := ""
		if t.Filed != 0 {
			filed = t.Filed.String()
		}
		units.Rows = append(units.Rows, []string{tr.TownName, tr.LeaderName, t.Due.String(), tr.StatusLabel, filed, t.FiledBy})
	}
	fs := xlsx.ListSheet{Name: "排查发现", Title: title + "——排查发现", Subtitle: fmt.Sprintf("共 %d 条；摘要不含当事人姓名", len(v.Findings)),
		Columns: []xlsx.ListColumn{lc("序号", 6), lc("乡镇", 12), lc("村", 10), lc("摘要", 40), lc("类别", 10), lc("当事人数", 8), lc("风险", 6), lc("处置", 16)}}
	for i, f := range v.Findings {
		state := "未处置"
		switch {
		case f.Case != 0:
			state = "已转案件"
			if k, err := s.store.Case(ctx, f.Case); err == nil {
				state += " " + k.Code
			}
		case f.Resolved:
			state = "已化解"
		}
		if f.RolledFrom != 0 {
			state += "（上月结转）"
		}
		fs.Rows = append(fs.Rows, []string{strconv.Itoa(i + 1), n.Town(townOfTask[f.Task]), f.Village, f.Summary, string(f.Category),
			strconv.Itoa(f.Parties), string(f.Risk), state})
	}
	sum := xlsx.ListSheet{Name: "汇总", Title: title + "——汇总", Subtitle: "截至 " + today.String(),
		Columns: []xlsx.ListColumn{lc("项目", 24), lc("数量", 10)}}
	add := func(label string, n int) { sum.Rows = append(sum.Rows, []string{label, strconv.Itoa(n)}) }
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
	if err != nil {
		return err
	}
	return sendXLSX(c, fmt.Sprintf("矛盾大排查-%s.xlsx", month), b)
}

func lc(name string, width float64) xlsx.ListColumn { return xlsx.ListColumn{Name: name, Width: width} }
