package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/scheduler"
	"zhiban/store"
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

func newCaseRow(k visits.Case, today roster.Date, cal roster.Calendar, n workNames) caseRow {
	r := caseRow{Case: k, Clock: k.ClockOn(today, cal), TownName: n.Town(k.Township), LeaderName: n.Leader(k.Leader), StateLabel: k.State.Label()}
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

// caseListFilter is the case list's query: township, leader, state, overdue.
type caseListFilter struct {
	Township, Leader, State string
	Overdue                 bool
}

func (f caseListFilter) Query() string {
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
func (s *Server) loadCaseRows(ctx context.Context, c echo.Context) ([]caseRow, caseListFilter, workNames, error) {
	f := caseListFilter{Township: c.QueryParam("township"), Leader: c.QueryParam("leader"), State: c.QueryParam("state"),
		Overdue: c.QueryParam("overdue") == "1"}
	n, err := s.workNames(ctx)
	if err != nil {
		return nil, f, n, err
	}
	sf := store.CaseFilter{Township: f.Township, Leader: f.Leader}
	switch {
	case f.State == "open":
		sf.OpenOnly = true
	case f.State != "":
		if visits.CaseState(f.State).Label() == "" {
			return nil, f, n, fault.InvalidField("state", "状态无效")
		}
		sf.States = []visits.CaseState{visits.CaseState(f.State)}
	}
	cases, err := s.store.Cases(ctx, sf)
	if err != nil {
		return nil, f, n, err
	}
	cal, err := s.caseCalendar(ctx, s.store)
	if err != nil {
		return nil, f, n, err
	}
	today := s.today()
	var rows []caseRow
	for _, k := range cases {
		r := newCaseRow(k, today, cal, n)
		if f.Overdue && !r.Clock.Overdue {
			continue
		}
		rows = append(rows, r)
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
		"XLSX": "/staff/cases.xlsx" + f.Query(), "Today": s.today()}
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
	k, err := s.store.Case(ctx, id)
	if err != nil {
		return err
	}
	n, err := s.workNames(ctx)
	if err != nil {
		return err
	}
	cal, err := s.caseCalendar(ctx, s.store)
	if err != nil {
		return err
	}
	today := s.today()
	row := newCaseRow(k, today, cal, n)
	var dls []deadlineRow
	for _, d := range k.Deadlines(cal) {
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
	vs, err := s.store.Visits(ctx, store.VisitFilter{Case: id})
	if err != nil {
		return err
	}
	var vrows []visitRow
	for _, v := range vs {
		vrows = append(vrows, newVisitRow(v, n))
	}
	var duties []option
	for _, d := range visits.Duties {
		if d != visits.DutyClose && !k.Has(d) {
			duties = append(duties, option{string(d), d.Label()})
		}
	}
	data := map[string]any{
		"Case": row, "Deadlines": dls, "Milestones": ms, "Actions": acts, "Duties": duties, "NextDuty": string(nextDuty),
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

// changeCaseForm is the form side of changeCase: the version the page was
// rendered with must still be current, the domain must agree, and a refusal
// re-renders the case page with the message and the typed values.
func (s *Server) changeCaseForm(c echo.Context, action, form string, fn func(ctx context.Context, tx *store.Store, k *visits.Case, on roster.Date, cal roster.Calendar) (string, error)) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var notice string
	err = func() error {
		version, err := formVersion(c)
		if err != nil {
			return err
		}
		on, err := formDate(c, "on")
		if err != nil {
			return err
		}
		if on == 0 {
			on = s.today()
		}
		return s.store.WithTx(ctx, func(tx *store.Store) error {
			k, err := tx.Case(ctx, id)
			if err != nil {
				return err
			}
			if k.Version != version {
				return &fault.Error{Kind: fault.Conflict, Code: "conflict", Msg: fmt.Sprintf("案件 %s 已被他人修改：当前为第 %d 版，状态“%s”，负责领导 %s。下方显示的是最新内容，请核对后重新提交。",
					k.Code, k.Version, k.State.Label(), k.Leader)}
			}
			cal, err := s.caseCalendar(ctx, tx)
			if err != nil {
				return err
			}
			notice, err = fn(ctx, tx, &k, on, cal)
			if err != nil {
				return err
			}
			_, err = tx.SaveCase(ctx, k, version, action, actor(c))
			return err
		})
	}()
	if err != nil {
		ff, err := asFormFailure(err)
		if err != nil {
			return err
		}
		params, _ := c.FormParams()
		return s.renderCasePage(c, ff.Status, map[string]any{"Error": ff.Msg, "Form": params, "FormName": form})
	}
	return redirectDone(c, fmt.Sprintf("/staff/cases/%d", id), notice)
}

// postCaseTransition applies a state change; serving the handling opinion
// also plans the return visit, as in the API.
func (s *Server) postCaseTransition(c echo.Context) error {
	act := visits.Transition(c.FormValue("action"))
	return s.changeCaseForm(c, "transition", "transition", func(ctx context.Context, tx *store.Store, k *visits.Case, on roster.Date, cal roster.Calendar) (string, error) {
		if act == "" {
			return "", fault.InvalidField("action", "请选择操作")
		}
		if err := k.Apply(act, on, s.apiToday(), cal); err != nil {
			return "", err
		}
		notice := "已" + transitionLabels[act] + "，案件现为“" + k.State.Label() + "”"
		if act == visits.ActReply {
			v, err := scheduler.ScheduleReturnVisit(ctx, tx, *k, cal, s.cfg.Visits.ReturnVisitWithinDays, s.apiToday(), actor(c))
			if err != nil {
				return "", err
			}
			if v != nil {
				notice += fmt.Sprintf("；已安排上门回访 %s %s", v.Date, v.Start)
			}
		}
		return notice, nil
	})
}

func (s *Server) postCaseMilestone(c echo.Context) error {
	duty := visits.Duty(c.FormValue("duty"))
	note := strings.TrimSpace(c.FormValue("note"))
	return s.changeCaseForm(c, "milestone", "milestone", func(_ context.Context, _ *store.Store, k *visits.Case, on roster.Date, _ roster.Calendar) (string, error) {
		if err := k.Milestone(duty, on, s.apiToday(), note); err != nil {
			return "", err
		}
		return "已记录“" + duty.Label() + "”", nil
	})
}

func (s *Server) postCaseExtension(c echo.Context) error {
	reason := strings.TrimSpace(c.FormValue("reason"))
	return s.changeCaseForm(c, "extend", "extension", func(_ context.Context, _ *store.Store, k *visits.Case, on roster.Date, cal roster.Calendar) (string, error) {
		days, err := formInt(c, "days")
		if err != nil {
			return "", err
		}
		if err := k.Extend(days, reason, on, cal); err != nil {
			return "", err
		}
		return fmt.Sprintf("办理期限已延长 %d 日，请告知信访人", days), nil
	})
}

func (s *Server) postCaseLeader(c echo.Context) error {
	leader := c.FormValue("leader")
	reason := strings.TrimSpace(c.FormValue("reason"))
	return s.changeCaseForm(c, "assign", "leader", func(ctx context.Context, tx *store.Store, k *visits.Case, _ roster.Date, _ roster.Calendar) (string, error) {
		if leader == "" {
			return "", fault.InvalidField("leader", "请选择领导")
		}
		if err := apiCheckLeader(ctx, tx, leader); err != nil {
			return "", err
		}
		k.Leader, k.LeaderReason = leader, reason
		return "已更换包案领导", nil
	})
}
