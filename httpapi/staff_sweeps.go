package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

type taskRow struct {
	service.TaskLine
	CSS string
}

type findingForm struct {
	Summary, Category, Village, Parties, Risk string
}

// sweepPage is one month's sweep with tasks, findings, counts and the report form.
type sweepPage struct {
	staffLayout
	Empty        bool // no sweep has been opened yet
	Prev, Next   service.AdjacentMonth
	Sweep        visits.Sweep
	Tasks        []taskRow
	Findings     []service.FindingLine
	Report       visits.MonthReport
	ByCategory   []service.Count
	ByRisk       []service.Count
	MissingNames []string
	OpenTasks    []option // the townships that may still file
	Categories   []visits.Category
	Risks        []visits.Risk
	XLSX         string // the report's download link

	Rows     []findingForm
	Township string
	Nil      bool
}

// sweepForm is the report form as left and its message after a refusal; zero is a fresh page.
type sweepForm struct {
	Error    string
	Rows     []findingForm // nil: three empty rows
	Township string
	Nil      bool
}

// showCurrentSweepPage sends staff to the latest sweep.
func (s *Server) showCurrentSweepPage(c echo.Context) error {
	sw, err := s.store.LatestSweep(c.Request().Context())
	if errors.Is(err, store.ErrNotFound) {
		return s.renderStaff(c, http.StatusOK, "staff/sweep.html", "sweeps", "矛盾大排查", &sweepPage{Empty: true})
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
	return s.renderSweepPage(c, month, http.StatusOK, sweepForm{})
}

func (s *Server) renderSweepPage(c echo.Context, month visits.Month, status int, form sweepForm) error {
	v, err := s.svc.SweepDetail(c.Request().Context(), month, s.today())
	if err != nil {
		return err
	}
	v = v.ForUnit(unitOf(c))
	p := &sweepPage{
		staffLayout: staffLayout{Error: form.Error, Notice: c.QueryParam("done")},
		Prev:        v.Prev, Next: v.Next,
		Sweep: v.Sweep, Findings: v.FindingLines, Report: v.Report, ByCategory: v.ByCategory, ByRisk: v.ByRisk,
		MissingNames: v.MissingNames, Categories: visits.Categories, Risks: visits.Risks,
		Rows: form.Rows, Township: form.Township, Nil: form.Nil,
		XLSX: "/staff/sweeps/" + string(month) + ".xlsx",
	}
	if p.Rows == nil {
		p.Rows = []findingForm{{}, {}, {}}
	}
	for _, t := range v.TaskLines {
		r := taskRow{TaskLine: t}
		switch {
		case t.Reported():
			r.CSS = "ok"
		case t.Missing(s.today()):
			r.CSS = "overdue"
		}
		p.Tasks = append(p.Tasks, r)
		if t.Status == visits.TaskOpen {
			p.OpenTasks = append(p.OpenTasks, option{t.Township, t.TownName})
		}
	}
	return s.renderStaff(c, status, "staff/sweep.html", "sweeps", "矛盾大排查 "+string(month), p)
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
		return s.renderSweepPage(c, month, ff.Status, sweepForm{Error: ff.Msg, Rows: rows, Township: township, Nil: isNil})
	}
	notice := "已提交零报告"
	if !isNil {
		notice = fmt.Sprintf("已提交报告，排查发现 %d 条", len(added))
	}
	return s.redirectDone(c, "/staff/sweeps/"+string(month), notice)
}

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
	fe := fault.Classify(err)
	if fe != nil && strings.HasPrefix(fe.Field, "findings[") {
		if i, rest, ok := strings.Cut(strings.TrimPrefix(fe.Field, "findings["), "]"); ok {
			if n, e := strconv.Atoi(i); e == nil {
				return &fault.Error{Kind: fe.Kind, Code: fe.Code, Field: strings.TrimPrefix(rest, "."), Msg: fmt.Sprintf("第 %d 条：%s", n+1, fe.Msg)}
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
	return s.redirectDone(c, fmt.Sprintf("/staff/cases/%d", k.ID), "已列入包保（矛盾纠纷 "+k.Code+"）。"+ch.Explanation)
}

// postFindingLink puts a finding with the open case its dispute already has.
func (s *Server) postFindingLink(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	_, k, err := s.svc.LinkFinding(c.Request().Context(), s.call(c), id, strings.TrimSpace(c.FormValue("case")))
	if err != nil {
		return s.refuseOnSweepPage(c, id, err)
	}
	return s.redirectDone(c, fmt.Sprintf("/staff/cases/%d", k.ID), "已归入案件 "+k.Code+"，不另立案")
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
	month, err := s.svc.FindingMonth(c.Request().Context(), f.ID)
	if err != nil {
		return err
	}
	return s.redirectDone(c, "/staff/sweeps/"+string(month), "已标记为化解")
}

// refuseOnSweepPage shows a refusal on the finding's sweep page; other errors go to the error handler.
func (s *Server) refuseOnSweepPage(c echo.Context, id int64, err error) error {
	ff, ferr := asFormFailure(err)
	if ferr != nil {
		return err
	}
	month, ferr := s.svc.FindingMonth(c.Request().Context(), id)
	if ferr != nil {
		return err
	}
	return s.renderSweepPage(c, month, ff.Status, sweepForm{Error: ff.Msg})
}

// exportSweepReport sends a month's sweep report as .xlsx: units, findings, summary.
func (s *Server) exportSweepReport(c echo.Context, monthS string) error {
	first, err := visits.ParseMonth(monthS)
	if err != nil {
		return fault.InvalidField("month", "月份应为 YYYY-MM，如 2027-01")
	}
	name, b, err := s.svc.SweepReportFor(c.Request().Context(), unitOf(c), visits.MonthOf(first), s.today())
	if err != nil {
		return err
	}
	return sendXLSX(c, name, b)
}
