package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/auth"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/visits"
)

// caseRow is one line of the case list, and the head of the case page.
type caseRow struct {
	service.CaseLine
	CSS string // the class of a case whose deadline is near or past
}

// alertCSS is the class of a row whose deadline is near or past.
var alertCSS = map[visits.Alert]string{visits.AlertOverdue: "overdue", visits.Alert90: "alert90", visits.Alert75: "alert75"}

func newCaseRow(k service.CaseView, n workNames) caseRow {
	return caseRow{CaseLine: n.CaseLine(k), CSS: alertCSS[k.Clock.Alert]}
}

// caseListQuery is the query string of list f, e.g. for its export or next page.
func caseListQuery(f service.CaseQuery, after string) string {
	q := url.Values{}
	for k, v := range map[string]string{"township": f.Township, "leader": f.Leader, "state": f.State, "q": f.Search, "after": after} {
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

func caseQuery(c echo.Context) service.CaseQuery {
	return service.CaseQuery{Township: c.QueryParam("township"), Leader: c.QueryParam("leader"), State: c.QueryParam("state"),
		Overdue: c.QueryParam("overdue") == "1", Search: c.QueryParam("q")}
}

type casesPage struct {
	staffLayout
	Rows          []caseRow
	F             service.CaseQuery
	Names         workNames
	States        []option
	Overdue, Near int // how many of the list's cases are past or near a deadline
	Paged         bool
	First, Next   string // links to the first and the next page; empty when there is none
	XLSX          string
	Today         roster.Date
}

// showCaseList lists one page of cases, newest received first, with their next deadline.
func (s *Server) showCaseList(c echo.Context) error {
	ctx := c.Request().Context()
	f := caseQuery(c)
	n, err := s.workNames(ctx)
	if err != nil {
		return err
	}
	after := c.QueryParam("after")
	list, err := s.svc.ListCasePage(ctx, s.today(), f, after, service.CasePageSize)
	if err != nil {
		return err
	}
	var rows []caseRow
	for _, k := range list.Cases {
		rows = append(rows, newCaseRow(k, n))
	}
	var states []option
	states = append(states, option{"open", "未办结（全部在办）"})
	for _, st := range visits.CaseStates {
		states = append(states, option{string(st), st.Label()})
	}
	p := &casesPage{staffLayout: staffLayout{Notice: c.QueryParam("done")}, Rows: rows, F: f, Names: n, States: states,
		Overdue: list.Overdue, Near: list.Near, XLSX: "/staff/cases.xlsx" + caseListQuery(f, ""), Today: s.today()}
	if after != "" {
		p.First = "/staff/cases" + caseListQuery(f, "")
	}
	if list.Next != "" {
		p.Next = "/staff/cases" + caseListQuery(f, list.Next)
	}
	p.Paged = p.First != "" || p.Next != ""
	return s.renderStaff(c, http.StatusOK, "staff/cases.html", "cases", "案件", p)
}

// transitionLabels names each state change as the office says it.
var transitionLabels = map[visits.Transition]string{
	visits.ActAccept: "受理", visits.ActReject: "不予受理", visits.ActReply: "出具处理意见（送达）",
	visits.ActReview: "信访人申请复查", visits.ActReviewed: "出具复查意见", visits.ActRecheck: "信访人申请复核",
	visits.ActRechckd: "出具复核意见", visits.ActClose: "办结", visits.ActReopen: "重新办理", visits.ActWriteOff: "销号（五包完成）",
}

type casePage struct {
	staffLayout
	Case         caseRow
	Deadlines    []service.DeadlineLine
	Milestones   []service.DutyLine
	Actions      []option // the state changes offered now
	Duties       []option // the duties still to record
	NextDuty     string   // preselected
	Visits       []service.VisitLine
	Names        workNames
	Today        roster.Date
	CanExtend    bool
	MaxExtension int
	Open         bool
	Form         url.Values // after a refused write: what was typed
	FormName     string     // and in which of the page's forms
	CanReveal    bool       // an editor may ask for the full phone
	Phone        string     // the full phone, after an audited reveal
	Handovers    service.CaseHandovers
	Documents    []service.CaseDocument  // editors: issued documents and those the state supports
	Evaluations  service.CaseEvaluations // 满意度评价 (staff_evaluations.go)
}

func (s *Server) showCasePage(c echo.Context) error {
	return s.renderCasePage(c, http.StatusOK, nil)
}

// postRevealPhone shows an editor the case page with the petitioner's full
// phone, once, and audits it; pages and lists otherwise show it masked.
func (s *Server) postRevealPhone(c echo.Context) error {
	phone, err := s.revealed(c)
	if err != nil {
		return err
	}
	return s.renderCase(c, http.StatusOK, nil, phone)
}

// renderCasePage renders the case as stored, with a write's refusal and typed values.
func (s *Server) renderCasePage(c echo.Context, status int, r *refusal) error {
	return s.renderCase(c, status, r, "")
}

// renderCase renders the case page; phone is the full number an editor just revealed.
func (s *Server) renderCase(c echo.Context, status int, r *refusal, phone string) error {
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
	p := &casePage{staffLayout: staffLayout{Notice: c.QueryParam("done")}, Case: newCaseRow(k, n), Names: n, Today: today,
		CanExtend: k.State == visits.StateAccepted && k.ExtensionDays == 0 && !k.IsDispute(), MaxExtension: visits.MaxExtensionDays,
		Open: k.State.Open(), Form: url.Values{}}
	if r != nil {
		p.Error, p.Form, p.FormName = r.Msg, r.Form, r.FormName
	}
	if a := authOf(c); a != nil && a.User.Role.AtLeast(auth.RoleEditor) {
		p.CanReveal = k.Petitioner.Phone != ""
		p.Phone = phone
		if p.Documents, err = s.svc.CaseDocuments(ctx, k.Case); err != nil {
			return err
		}
	}
	if p.Handovers, err = s.svc.ReadCaseHandovers(ctx, s.call(c), id); err != nil {
		return err
	}
	if p.Evaluations, err = s.svc.ReadCaseEvaluations(ctx, s.call(c), id); err != nil {
		return err
	}
	p.Deadlines = service.DeadlinesOn(k, today)
	var next visits.Duty
	p.Milestones, next = service.Duties(k.Case)
	p.NextDuty = string(next)
	for _, d := range p.Milestones {
		if d.Open {
			p.Duties = append(p.Duties, option{string(d.Duty), d.Label})
		}
	}
	for _, t := range k.Transitions() {
		p.Actions = append(p.Actions, option{string(t), transitionLabels[t]})
	}
	for _, v := range file.Visits {
		p.Visits = append(p.Visits, n.VisitLine(v))
	}
	return s.renderStaff(c, status, "staff/case.html", "cases", "案件 "+k.Code, p)
}

// caseActFromForm checks only types; the use case checks the values.
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

// postCaseAct runs a change from one of the case page's forms; a refusal
// re-renders the page with the message and the typed values.
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
	return s.redirectDone(c, fmt.Sprintf("/staff/cases/%d", id), done(in, res))
}

// postCaseTransition applies a state change; serving the opinion also plans the return visit.
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

func (s *Server) exportCaseLedger(c echo.Context) error {
	name, b, err := s.svc.CaseLedger(c.Request().Context(), s.today(), caseQuery(c))
	if err != nil {
		return err
	}
	return sendXLSX(c, name, b)
}
