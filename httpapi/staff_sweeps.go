package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

type taskRow struct {
	visits.Task
	TownName, LeaderName string
	StatusLabel, CSS     string
}

func newTaskRow(t visits.Task, today roster.Date, n workNames) taskRow {
	r := taskRow{Task: t, TownName: n.Town(t.Township), LeaderName: n.Leader(t.Leader)}
	switch {
	case t.Status == visits.TaskFiled:
		r.StatusLabel, r.CSS = "已报送", "ok"
	case t.Status == visits.TaskNil:
		r.StatusLabel, r.CSS = "零报告", "ok"
	case t.Missing(today):
		r.StatusLabel, r.CSS = "逾期未报", "overdue"
	default:
		r.StatusLabel = "待报送"
	}
	return r
}

type findingRow struct {
	visits.Finding
	TownName string
	CaseCode string
}

// findingForm is one row of the report form, kept on a refusal.
type findingForm struct {
	Summary, Category, Village, Parties, Risk string
}

type countRow struct {
	Label string
	N     int
}

// showCurrentSweepPage sends staff to the latest sweep.
func (s *Server) showCurrentSweepPage(c echo.Context) error {
	sw, err := s.store.LatestSweep(c.Request().Context())
	if errors.Is(err, store.ErrNotFound) {
		return s.renderStaff(c, http.StatusOK, "staff/sweep.html", "sweeps", "矛盾大排查", map[string]any{"Empty": true})
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/sweeps/"+string(sw.Month))
}

// showSweepPage shows one month's sweep, or sends its report as .xlsx.
func (s *Server) showSweepPage(c echo.Context) error {
	if m, ok := strings.CutSuffix(c.Param("month"), ".xlsx"); ok {
		return s.exportSweepReport(c, m)
	}
	month, err := sweepMonth(c)
	if err != nil {
		return err
	}
	return s.renderSweepPage(c, month, http.StatusOK, nil)
}

func (s *Server) renderSweepPage(c echo.Context, month visits.Month, status int, extra map[string]any) error {
	ctx := c.Request().Context()
	v, err := s.loadSweep(ctx, month)
	if err != nil {
		return err
	}
	n, err := s.workNames(ctx)
	if err != nil {
		return err
	}
	today := s.today()
	townOfTask := map[int64]string{}
	var tasks []taskRow
	var open []option
	for _, t := range v.Tasks {
		townOfTask[t.ID] = t.Township
		r := newTaskRow(t, today, n)
		tasks = append(tasks, r)
		if t.Status == visits.TaskOpen {
			open = append(open, option{t.Township, r.TownName})
		}
	}
	var findings []findingRow
	for _, f := range v.Findings {
		r := findingRow{Finding: f, TownName: n.Town(townOfTask[f.Task])}
		if f.Case != 0 {
			if k, err := s.store.Case(ctx, f.Case); err == nil {
				r.CaseCode = k.Code
			}
		}
		findings = append(findings, r)
	}
	var byCat, byRisk []countRow
	for _, k := range visits.Categories {
		if m := v.Report.ByCategory[k]; m > 0 {
			byCat = append(byCat, countRow{string(k), m})
		}
	}
	for _, k := range visits.Risks {
		byRisk = append(byRisk, countRow{string(k), v.Report.ByRisk[k]})
	}
	var missing []string
	for _, t := range v.Report.Missing {
		missing = append(missing, n.Town(t))
	}
	prev, next, err := s.adjacentSweeps(ctx, month)
	if err != nil {
		return err
	}
	rows := []findingForm{{}, {}, {}}
	data := map[string]any{
		"Prev": prev, "Next": next,
		"Sweep": v.Sweep, "Tasks": tasks, "Findings": findings, "Report": v.Report, "ByCategory": byCat, "ByRisk": byRisk,
		"MissingNames": missing, "OpenTasks": open, "Categories": visits.Categories, "Risks": visits.Risks,
		"Rows": rows, "Township": "", "Nil": false, "Today": today,
		"XLSX": "/staff/sweeps/" + string(month) + ".xlsx",
	}
	if d := c.QueryParam("done"); d != "" {
		data["Notice"] = d
	}
	for k, x := range extra {
		data[k] = x
	}
	return s.renderStaff(c, status, "staff/sweep.html", "sweeps", "矛盾大排查 "+string(month), data)
}

// postSweepReport files a township's report: findings, or 零报告.
func (s *Server) postSweepReport(c echo.Context) error {
	month, err := sweepMonth(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	form, _ := c.FormParams()
	township := c.FormValue("township")
	isNil := c.FormValue("nil") == "1"
	var rows []findingForm
	sum, cat, vil, par, risk := form["summary"], form["category"], form["village"], form["parties"], form["risk"]
	at := func(xs []string, i int) string {
		if i < len(xs) {
			return strings.TrimSpace(xs[i])
		}
		return ""
	}
	for i := range sum {
		rows = append(rows, findingForm{at(sum, i), at(cat, i), at(vil, i), at(par, i), at(risk, i)})
	}
	fs, err := findingsOf(rows)
	var added []visits.Finding
	if err == nil {
		_, added, err = s.svc.FileReport(ctx, s.call(c), month, township, visits.Report{Nil: isNil, Findings: fs})
		err = numberedFinding(err)
	}
	if err != nil {
		ff, err := asFormFailure(err)
		if err != nil {
			return err
		}
		for len(rows) < 3 {
			rows = append(rows, findingForm{})
		}
		return s.renderSweepPage(c, month, ff.Status, map[string]any{"Error": ff.Msg, "Rows": rows, "Township": township, "Nil": isNil})
	}
	notice := "已提交零报告"
	if !isNil {
		notice = fmt.Sprintf("已提交报告，排查发现 %d 条", len(added))
	}
	return redirectDone(c, "/staff/sweeps/"+string(month), notice)
}

// findingsOf reads the report form's rows that have a summary as findings.
func findingsOf(rows []findingForm) ([]visits.Finding, error) {
	var fs []visits.Finding
	for i, r := range rows {
		if r.Summary == "" {
			continue
		}
		p, err := strconv.Atoi(r.Parties)
		if err != nil && r.Parties != "" {
			return nil, fault.InvalidField("parties", fmt.Sprintf("第 %d 条：当事人数应为整数", i+1))
		}
		fs = append(fs, visits.Finding{Summary: r.Summary, Category: visits.Category(r.Category), Village: r.Village, Parties: p, Risk: visits.Risk(r.Risk)})
	}
	return fs, nil
}

// numberedFinding turns "findings[1].summary" into a message naming row 2.
func numberedFinding(err error) error {
	var rf *visits.Refusal
	if errors.As(err, &rf) && strings.HasPrefix(rf.Field, "findings[") {
		if i, rest, ok := strings.Cut(strings.TrimPrefix(rf.Field, "findings["), "]"); ok {
			if n, e := strconv.Atoi(i); e == nil {
				return &visits.Refusal{Field: strings.TrimPrefix(rest, "."), Msg: fmt.Sprintf("第 %d 条：%s", n+1, rf.Msg)}
			}
		}
	}
	return err
}

// postFindingEscalate turns a finding into a key case with a 包保领导.
func (s *Server) postFindingEscalate(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	k, ch, err := s.svc.EscalateFinding(c.Request().Context(), s.call(c), id)
	if err != nil {
		return s.refuseOnSweepPage(c, id, err)
	}
	return redirectDone(c, fmt.Sprintf("/staff/cases/%d", k.ID), "已转为重点案件 "+k.Code+"。"+ch.Explanation)
}

// postFindingResolve marks a finding resolved (化解) so it does not roll over.
func (s *Server) postFindingResolve(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	f, err := s.svc.ResolveFinding(c.Request().Context(), s.call(c), id)
	if err != nil {
		return s.refuseOnSweepPage(c, id, err)
	}
	t, err := s.store.SweepTask(c.Request().Context(), f.Task)
	if err != nil {
		return err
	}
	return redirectDone(c, "/staff/sweeps/"+string(t.Month), "已标记为化解")
}

// refuseOnSweepPage shows a refused act on finding id on its month's sweep
// page with the message; an unknown finding or a failure goes to the error
// handler.
func (s *Server) refuseOnSweepPage(c echo.Context, id int64, err error) error {
	ff, ferr := asFormFailure(err)
	if ferr != nil {
		return err
	}
	ctx := c.Request().Context()
	f, ferr := s.store.Finding(ctx, id)
	if ferr != nil {
		return err
	}
	t, ferr := s.store.SweepTask(ctx, f.Task)
	if ferr != nil {
		return err
	}
	return s.renderSweepPage(c, t.Month, ff.Status, map[string]any{"Error": ff.Msg})
}

// adjacentMonth is a sweep month before or after the one shown, with whether
// a sweep was opened for each (a link to a month without one would be a 404).
type adjacentMonth struct {
	Month  visits.Month
	Exists bool
}

func (s *Server) adjacentSweeps(ctx context.Context, month visits.Month) (prev, next adjacentMonth, err error) {
	first, err := visits.ParseMonth(string(month))
	if err != nil {
		return prev, next, err
	}
	prev.Month, next.Month = visits.MonthOf(first.AddDays(-1)), visits.MonthOf(first.MonthEnd().AddDays(1))
	for _, m := range []*adjacentMonth{&prev, &next} {
		_, err := s.store.Sweep(ctx, m.Month)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return prev, next, err
		}
		m.Exists = err == nil
	}
	return prev, next, nil
}
