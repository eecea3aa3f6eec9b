package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/roster"
	"zhiban/service"
	"zhiban/visits"
)

// caseRow is one line of the case list and the ledger.
type caseRow struct {
	visits.Case
	Clock        visits.Clock
	TownName     string
	LeaderName   string
	StateLabel   string
	Marker, CSS  string // 已超期 / 已过期限90% / 已过期限75%
	NextLabel    string
	NextDue      roster.Date
	NextArticle  string
	HasNext      bool
	MilestoneStr string
}

func newCaseRow(k service.CaseView, n workNames) caseRow {
	r := caseRow{Case: k.Case, Clock: k.Clock, TownName: n.Town(k.Township), LeaderName: n.Leader(k.Leader), StateLabel: k.State.Label()}
	if d := r.Clock.Next; d != nil {
		r.HasNext, r.NextLabel, r.NextDue, r.NextArticle = true, d.Label, d.Due, d.Article
	}
	switch r.Clock.Alert {
	case visits.AlertOverdue:
		r.Marker, r.CSS = "已超期", "overdue"
	case visits.Alert90:
		r.Marker, r.CSS = "已过期限90%", "alert90"
	case visits.Alert75:
		r.Marker, r.CSS = "已过期限75%", "alert75"
	}
	var ms []string
	for _, m := range k.Milestones {
		ms = append(ms, m.Duty.Label()+" "+m.On.String())
	}
	r.MilestoneStr = strings.Join(ms, "；")
	return r
}

// caseListQuery is the link query of the list's filters.
func caseListQuery(f service.CaseQuery) string {
	q := url.Values{}
	for k, v := range map[string]string{"township": f.Township, "leader": f.Leader, "state": f.State} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Overdue {
		q.Set("overdue", "1")
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

var caseStates = []visits.CaseState{visits.StateReceived, visits.StateAccepted, visits.StateRejected, visits.StateReplied,
	visits.StateReview, visits.StateReviewed, visits.StateRecheck, visits.StateRechecked, visits.StateClosed}

// loadCaseRows returns the cases matching the query with their clocks.
func (s *Server) loadCaseRows(ctx context.Context, c echo.Context) ([]caseRow, service.CaseQuery, workNames, error) {
	f := service.CaseQuery{Township: c.QueryParam("township"), Leader: c.QueryParam("leader"), State: c.QueryParam("state"),
		Overdue: c.QueryParam("overdue") == "1"}
	n, err := s.workNames(ctx)
	if err != nil {
		return nil, f, n, err
	}
	cases, err := s.svc.ListCases(ctx, s.today(), f)
	if err != nil {
		return nil, f, n, err
	}
	var rows []caseRow
	for _, k := range cases {
		rows = append(rows, newCaseRow(k, n))
	}
	return rows, f, n, nil
}

// showCaseList lists cases with their next deadline, most urgent first.
func (s *Server) showCaseList(c echo.Context) error {
	ctx := c.Request().Context()
	rows, f, n, err := s.loadCaseRows(ctx, c)
	if err != nil {
		return err
	}
	// Open cases with a running clock first, fewest days left first; then
	// the rest, newest first as the store returns them.
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.HasNext != b.HasNext {
			return a.HasNext
		}
		return a.HasNext && a.Clock.DaysLeft < b.Clock.DaysLeft
	})
	overdue, near := 0, 0
	for _, r := range rows {
		switch r.Clock.Alert {
		case visits.AlertOverdue:
			overdue++
		case visits.Alert90, visits.Alert75:
			near++
		}
	}
	var states []option
	states = append(states, option{"open", "未办结（全部在办）"})
	for _, st := range caseStates {
		states = append(states, option{string(st), st.Label()})
	}
	data := map[string]any{"Rows": rows, "F": f, "Names": n, "States": states, "Overdue": overdue, "Near": near,
		"XLSX": "/staff/cases.xlsx" + caseListQuery(f), "Today": s.today()}
	if d := c.QueryParam("done"); d != "" {
		data["Notice"] = d
	}
	return s.renderStaff(c, http.StatusOK, "staff/cases.html", "cases", "案件", data)
}

// transitionLabels names each state change as the office says it.
var transitionLabels = map[visits.Transition]string{
	visits.ActAccept: "受理", visits.ActReject: "不予受理", visits.ActReply: "出具处理意见（送达）",
	visits.ActReview: "信访人申请复查", visits.ActReviewed: "出具复查意见", visits.ActRecheck: "信访人申请复核",
	visits.ActRechckd: "出具复核意见", visits.ActClose: "办结", visits.ActReopen: "重新办理",
}

// transitionsFrom lists the changes a case in state st may take; the
// domain still has the last word when one is applied.
func transitionsFrom(st visits.CaseState) []visits.Transition {
	switch st {
	case visits.StateReceived:
		return []visits.Transition{visits.ActAccept, visits.ActReject}
	case visits.StateAccepted:
		return []visits.Transition{visits.ActReply}
	case visits.StateReplied:
		return []visits.Transition{visits.ActReview, visits.ActClose, visits.ActReopen}
	case visits.StateReview:
		return []visits.Transition{visits.ActReviewed}
	case visits.StateReviewed:
		return []visits.Transition{visits.ActRecheck, visits.ActClose, visits.ActReopen}
	case visits.StateRecheck:
		return []visits.Transition{visits.ActRechckd}
	case visits.StateRechecked:
		return []visits.Transition{visits.ActClose, visits.ActReopen}
	case visits.StateClosed:
		return []visits.Transition{visits.ActReopen}
	}
	return nil
}

type deadlineRow struct {
	visits.Deadline
	DaysLeft int
	Overdue  bool
	Alert    string
}

type milestoneRow struct {
	Duty  visits.Duty
	Label string
	Done  bool
	On    roster.Date
	Note  string
}

// showCasePage shows one case: clock, deadlines, milestones, visits and the forms.
func (s *Server) showCasePage(c echo.Context) error {
	return s.renderCasePage(c, http.StatusOK, nil)
}

// renderCasePage renders the case as stored now; extra carries an error and
// the typed form values after a refused write.
func (s *Server) renderCasePage(c echo.Context, status int, extra map[string]any) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	today := s.today()
	file, err := s.svc.ReadCase(ctx, today, id)
	if err != nil {
		return err
	}
	n, err := s.workNames(ctx)
	if err != nil {
		return err
	}
	k := file.Case
	var dls []deadlineRow
	for _, d := range k.Deadlines {
		dls = append(dls, deadlineRow{Deadline: d, DaysLeft: d.DaysLeft(today), Overdue: d.Overdue(today), Alert: d.Alert(today).Label()})
	}
	var ms []milestoneRow
	var nextDuty visits.Duty
	for _, d := range visits.Duties {
		m := milestoneRow{Duty: d, Label: d.Label()}
		for _, x := range k.Milestones {
			if x.Duty == d {
				m.Done, m.On, m.Note = true, x.On, x.Note
			}
		}
		if !m.Done && nextDuty == "" && d != visits.DutyClose {
			nextDuty = d
		}
		ms = append(ms, m)
	}
	var acts []option
	for _, t := range transitionsFrom(k.State) {
		acts = append(acts, option{string(t), transitionLabels[t]})
	}
	var vrows []visitRow
	for _, v := range file.Visits {
		vrows = append(vrows, newVisitRow(v, n))
	}
	var duties []option
	for _, d := range visits.Duties {
		if d != visits.DutyClose && !k.Has(d) {
			duties = append(duties, option{string(d), d.Label()})
		}
	}
	data := map[string]any{
		"Case": newCaseRow(k, n), "Deadlines": dls, "Milestones": ms, "Actions": acts, "Duties": duties, "NextDuty": string(nextDuty),
		"Visits": vrows, "Names": n, "Today": today, "CanExtend": k.State == visits.StateAccepted && k.ExtensionDays == 0,
		"MaxExtension": visits.MaxExtensionDays, "Form": url.Values{}, "FormName": "", "Open": k.State.Open(),
	}
	if d := c.QueryParam("done"); d != "" {
		data["Notice"] = d
	}
	for key, v := range extra {
		data[key] = v
	}
	return s.renderStaff(c, status, "staff/case.html", "cases", "案件 "+k.Code, data)
}

// caseActFromForm reads a case form into the service's input; the values
// are checked by the use case, only their types here.
func caseActFromForm(c echo.Context) (service.CaseAct, error) {
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	in := service.CaseAct{Version: formVersion(c), Action: visits.Transition(v("action")), Duty: visits.Duty(v("duty")),
		Note: v("note"), Reason: v("reason"), Leader: v("leader")}
	var err error
	if in.On, err = formDate(c, "on"); err != nil {
		return in, err
	}
	in.Days, err = formInt(c, "days")
	return in, err
}

// postCaseAct runs a change of the case from one of the case page's forms
// and goes back to the page with what was done; a refusal re-renders the
// page with the message and the typed values.
func (s *Server) postCaseAct(c echo.Context, form string, act caseAct, done func(service.CaseAct, service.CaseChange) string) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	in, err := caseActFromForm(c)
	var res service.CaseChange
	if err == nil {
		res, err = act(c.Request().Context(), s.call(c), id, in)
	}
	if err != nil {
		return refusedForm(c, err, form, s.renderCasePage)
	}
	return redirectDone(c, fmt.Sprintf("/staff/cases/%d", id), done(in, res))
}

// postCaseTransition applies a state change; serving the handling opinion
// also plans the return visit, as in the API.
func (s *Server) postCaseTransition(c echo.Context) error {
	return s.postCaseAct(c, "transition", s.svc.TransitionCase, func(in service.CaseAct, res service.CaseChange) string {
		notice := "已" + transitionLabels[in.Action] + "，案件现为“" + res.Case.State.Label() + "”"
		if v := res.ReturnVisit; v != nil {
			notice += fmt.Sprintf("；已安排上门回访 %s %s", v.Date, v.Start)
		}
		return notice
	})
}

func (s *Server) postCaseMilestone(c echo.Context) error {
	return s.postCaseAct(c, "milestone", s.svc.AddMilestone, func(in service.CaseAct, _ service.CaseChange) string {
		return "已记录“" + in.Duty.Label() + "”"
	})
}

func (s *Server) postCaseExtension(c echo.Context) error {
	return s.postCaseAct(c, "extension", s.svc.ExtendCase, func(in service.CaseAct, _ service.CaseChange) string {
		return fmt.Sprintf("办理期限已延长 %d 日，请告知信访人", in.Days)
	})
}

func (s *Server) postCaseLeader(c echo.Context) error {
	return s.postCaseAct(c, "leader", s.svc.SetCaseLeader, func(service.CaseAct, service.CaseChange) string {
		return "已更换包案领导"
	})
}
