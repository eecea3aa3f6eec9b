package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

type calDay struct {
	Date    roster.Date
	InRange bool // inside the month shown (month view)
	Today   bool
	Off     bool // weekend or holiday
	Visits  []service.VisitLine
}

type calWeek struct {
	Days []calDay
}

type visitForm struct {
	Kind, Leader, Date, Start, End, Place, Township, Cases string
}

// showVisitsCalendar shows visits by week or month, with the form to plan one.
func (s *Server) showVisitsCalendar(c echo.Context) error {
	q := c.QueryParams()
	f := visitForm{Kind: q.Get("kind"), Leader: q.Get("leader"), Date: q.Get("date"), Start: "09:00", End: "11:30",
		Township: q.Get("township"), Cases: q.Get("cases")}
	if f.Kind == "" {
		f.Kind = string(visits.KindInvite)
	}
	if f.Township == "" {
		f.Township = unitOf(c) // a township account plans its own township's visits
	}
	return s.renderVisitsCalendar(c, http.StatusOK, f, nil)
}

type visitsPage struct {
	staffLayout
	View, Heading, At         string // week or month; its title; the day it shows
	Weeks                     []calWeek
	Weekdays                  []string
	Count                     int
	Names                     workNames
	Kinds                     []option
	Prev, Next, Now           string // links keeping the filters
	WeekHref, MonthHref       string
	FLeader, FTownship, FKind string // the filters
	Form                      visitForm
	Offer                     *visitOffer // the chosen leader's free days
	Conflicts                 []string    // after a refused plan: what holds the leader
	ConflictVisits            []int64
}

// renderVisitsCalendar renders the calendar with form and a plan's refusal (nil if none).
func (s *Server) renderVisitsCalendar(c echo.Context, status int, form visitForm, r *formFailure) error {
	ctx := c.Request().Context()
	view := c.QueryParam("view")
	if view != "month" {
		view = "week"
	}
	anchor := s.today()
	if v := c.QueryParam("at"); v != "" {
		d, err := roster.ParseDate(v)
		if err != nil {
			return fault.InvalidField("at", "日期应为 YYYY-MM-DD")
		}
		anchor = d
	}
	from, to, prev, next := service.CalendarSpan(anchor, view == "month")
	title := fmt.Sprintf("%s – %s", from, to)
	if view == "month" {
		title = fmt.Sprintf("%d年%d月", anchor.Year(), int(anchor.Month()))
	}
	filter := store.VisitFilter{From: from, To: to, Leader: c.QueryParam("f_leader"), Township: c.QueryParam("f_township"),
		Kind: visits.Kind(c.QueryParam("f_kind"))}
	if filter.Kind != "" && !filter.Kind.Valid() {
		return fault.InvalidField("f_kind", "类型无效")
	}
	filter, err := service.VisitFilterFor(unitOf(c), filter)
	if err != nil {
		return err
	}
	n, err := s.workNames(ctx)
	if err != nil {
		return err
	}
	days, err := s.svc.VisitDays(ctx, filter, s.today())
	if err != nil {
		return err
	}
	today, count := s.today(), 0
	var weeks []calWeek
	for i, d := range days {
		if i%7 == 0 {
			weeks = append(weeks, calWeek{})
		}
		in := view == "week" || d.Date.Month() == anchor.Month() && d.Date.Year() == anchor.Year()
		count += len(d.Visits)
		weeks[len(weeks)-1].Days = append(weeks[len(weeks)-1].Days, calDay{Date: d.Date, InRange: in, Today: d.Date == today, Off: d.Off, Visits: d.Visits})
	}
	if form.Date == "" {
		form.Date = today.String()
	}
	keep := url.Values{}
	for _, k := range []string{"f_leader", "f_township", "f_kind"} {
		if v := c.QueryParam(k); v != "" {
			keep.Set(k, v)
		}
	}
	link := func(view string, at roster.Date) string {
		q := url.Values{}
		for k, v := range keep {
			q[k] = v
		}
		q.Set("view", view)
		q.Set("at", at.String())
		return "/staff/visits?" + q.Encode()
	}
	var kinds []option
	for _, k := range visits.Kinds {
		kinds = append(kinds, option{string(k), k.Label()})
	}
	p := &visitsPage{staffLayout: staffLayout{Notice: c.QueryParam("done")},
		View: view, Weeks: weeks, Heading: title, Count: count, Names: n, Kinds: kinds, Form: form,
		Prev: link(view, prev), Next: link(view, next), Now: link(view, today),
		WeekHref: link("week", anchor), MonthHref: link("month", anchor),
		FLeader: filter.Leader, FTownship: filter.Township, FKind: string(filter.Kind),
		At: anchor.String(), Weekdays: []string{"一", "二", "三", "四", "五", "六", "日"},
	}
	if r != nil {
		p.Error, p.Conflicts, p.ConflictVisits = r.Msg, r.Items, r.Visits
	}
	if form.Leader != "" {
		if p.Offer, err = s.visitOffer(ctx, form, n, today); err != nil {
			return err
		}
	}
	return s.renderStaff(c, status, "staff/visits.html", "visits", "走访 "+title, p)
}

// visitOffer lists the chosen leader's free days (主动约访: slots avoid duties and
// absences), each a link filling the form, and what holds the other days.
type visitOffer struct {
	LeaderName string
	From, To   roster.Date
	Days       []option // date → link filling in the form
	Busy       []visits.Conflict
}

func (s *Server) visitOffer(ctx context.Context, f visitForm, n workNames, today roster.Date) (*visitOffer, error) {
	from, to := service.OfferWindow(today, 0, 0)
	free, busy, err := s.svc.FreeSlots(ctx, f.Leader, from, to)
	if err != nil {
		return nil, err
	}
	o := &visitOffer{LeaderName: n.Leader(f.Leader), From: from, To: to, Busy: busy}
	for _, d := range free {
		q := url.Values{"kind": {f.Kind}, "leader": {f.Leader}, "date": {d.String()}, "township": {f.Township}, "cases": {f.Cases}}
		o.Days = append(o.Days, option{"/staff/visits?" + q.Encode() + "#new", fmt.Sprintf("%s（周%s）", d, roster.WeekdayCN(d.Weekday()))})
	}
	return o, nil
}

// visitInputFromForm checks only types; CreateVisit checks the values.
func visitInputFromForm(c echo.Context, f visitForm) (service.VisitInput, error) {
	in := service.VisitInput{Kind: visits.Kind(f.Kind), Leader: f.Leader, Place: f.Place, Township: f.Township}
	in.Cases, in.CaseCodes = formCaseRefs(c, "cases")
	var err error
	if in.Date, err = formDate(c, "date"); err != nil {
		return in, err
	}
	if in.Start, err = formClock(c, "start"); err != nil {
		return in, err
	}
	in.End, err = formClock(c, "end")
	return in, err
}

// postVisit plans a visit; a busy leader is a 409 and the typed values stay.
func (s *Server) postVisit(c echo.Context) error {
	form := visitForm{Kind: c.FormValue("kind"), Leader: c.FormValue("leader"), Date: strings.TrimSpace(c.FormValue("date")),
		Start: strings.TrimSpace(c.FormValue("start")), End: strings.TrimSpace(c.FormValue("end")), Place: strings.TrimSpace(c.FormValue("place")),
		Township: c.FormValue("township"), Cases: strings.TrimSpace(c.FormValue("cases"))}
	in, err := visitInputFromForm(c, form)
	var created visits.Visit
	if err == nil {
		created, err = s.svc.CreateVisit(c.Request().Context(), s.call(c), in)
	}
	if err != nil {
		ff, err := asFormFailure(err)
		if err != nil {
			return err
		}
		return s.renderVisitsCalendar(c, ff.Status, form, ff)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/visits/%d?%s", created.ID,
		s.doneQuery("已安排"+created.Kind.Label()+"，状态“拟安排”，待确认")))
}

// showVisitPage shows one visit with its history, cases and the forms.
func (s *Server) showVisitPage(c echo.Context) error {
	return s.renderVisitPage(c, http.StatusOK, nil)
}

type visitPage struct {
	staffLayout
	Visit          service.VisitLine
	Cases          []visits.Case
	Active         bool // still holds the leader's time: the forms show
	CanRecord      bool // on or after the day: the outcome form shows
	Satisfactions  []visits.Satisfaction
	Form           url.Values // after a refused write: what was typed
	FormName       string     // and in which of the page's forms
	Conflicts      []string   // what holds the leader
	ConflictVisits []int64
}

// renderVisitPage renders the visit as stored, with a write's refusal and typed values.
func (s *Server) renderVisitPage(c echo.Context, status int, r *refusal) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v, err := s.svc.VisitFor(ctx, unitOf(c), id)
	if err != nil {
		return err
	}
	n, err := s.workNames(ctx)
	if err != nil {
		return err
	}
	p := &visitPage{staffLayout: staffLayout{Notice: c.QueryParam("done")}, Visit: n.VisitLine(v), Form: url.Values{},
		Active: v.State.Active(), CanRecord: v.State.Active() && s.today() >= v.Date,
		Satisfactions: []visits.Satisfaction{visits.Satisfied, visits.FairlySatisfed, visits.Dissatisfied}}
	if r != nil {
		p.Error, p.Conflicts, p.ConflictVisits, p.Form, p.FormName = r.Msg, r.Items, r.Visits, r.Form, r.FormName
	}
	if len(v.Cases) > 0 {
		if p.Cases, err = s.store.Cases(ctx, store.CaseFilter{IDs: v.Cases}); err != nil {
			return err
		}
	}
	return s.renderStaff(c, status, "staff/visit.html", "visits", fmt.Sprintf("%s %s", v.Kind.Label(), v.Date), p)
}

// visitActFromForm checks only types; the use case checks the values.
func visitActFromForm(c echo.Context, action string) (service.VisitAct, error) {
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	in := service.VisitAct{Version: formVersion(c), Reason: v("reason")}
	var err error
	switch action {
	case "reschedule":
		if in.Date, err = formDate(c, "date"); err != nil {
			return in, err
		}
		if in.Start, err = formClock(c, "start"); err != nil {
			return in, err
		}
		in.End, err = formClock(c, "end")
	case "outcome":
		in.Outcome = visits.Outcome{State: visits.VisitState(v("state")), Notes: v("notes"), Satisfaction: visits.Satisfaction(v("satisfaction")),
			ReviewRequested: v("review_requested") == "1"}
		in.Cases, in.CaseCodes = formCaseRefs(c, "cases")
		in.WalkIns, err = formInt(c, "walk_ins")
	}
	return in, err
}

// postVisitAct runs a change from one of the visit page's forms; a refusal
// re-renders the page with the message and the typed values.
func (s *Server) postVisitAct(c echo.Context, action string, act visitAct, done func(service.VisitChange) string) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	in, err := visitActFromForm(c, action)
	var res service.VisitChange
	if err == nil {
		res, err = act(c.Request().Context(), s.call(c), id, in)
	}
	if err != nil {
		return refusedForm(c, err, action, s.renderVisitPage)
	}
	notice := done(res)
	for _, r := range res.Reviews {
		switch {
		case r.Reason != "":
			notice += "；案件 " + r.Code + "：" + r.Reason
		case r.Requested:
			notice += "；案件 " + r.Code + " 已登记复查申请，复查意见应于 " + r.Due.String() + " 前出具"
		default:
			notice += "；信访人不满意：案件 " + r.Code + " 可于 " + r.Due.String() + " 前申请复查（第三十五条）"
		}
	}
	return s.redirectDone(c, fmt.Sprintf("/staff/visits/%d", id), notice)
}

func (s *Server) postVisitConfirm(c echo.Context) error {
	return s.postVisitAct(c, "confirm", s.svc.ConfirmVisit, func(service.VisitChange) string { return "已确认" })
}

func (s *Server) postVisitCancel(c echo.Context) error {
	return s.postVisitAct(c, "cancel", s.svc.CancelVisit, func(service.VisitChange) string { return "已取消" })
}

// postVisitReschedule moves a visit; the old time stays in the history.
func (s *Server) postVisitReschedule(c echo.Context) error {
	return s.postVisitAct(c, "reschedule", s.svc.RescheduleVisit, func(r service.VisitChange) string {
		return fmt.Sprintf("已改期至 %s %s–%s，待确认", r.Visit.Date, r.Visit.Start, r.Visit.End)
	})
}

// postVisitOutcome records how the visit went; a dissatisfied return visit reopens its cases.
func (s *Server) postVisitOutcome(c echo.Context) error {
	return s.postVisitAct(c, "outcome", s.svc.RecordOutcome, func(r service.VisitChange) string {
		return "已记录结果：" + r.Visit.State.Label()
	})
}
