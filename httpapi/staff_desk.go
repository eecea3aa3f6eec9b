package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"zhiban/auth"
	"zhiban/fault"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/visits"
)

// The reception desk page (接访台): today's 开门接访 sessions naming both
// leaders, the registration form, the repeats found before saving, and the
// queue. Server-rendered forms only; every write goes through service/desk.go.

type deskPage struct {
	staffLayout
	Date, Today roster.Date
	Prev, Next  roster.Date
	IsToday     bool // registration and the queue's forms are for today only
	CanEdit     bool
	Sessions    []deskSessionView
	Open        []deskSessionView // the sessions a visit can be registered at
	Townships   []service.Choice
	Categories  []visits.Category
	Outcomes    []visits.DeskOutcome
	Form        url.Values // after a refused write: what was typed
	FormName    string     // and in which form ("register", "start-ID", "finish-ID")
	Repeats     *service.Repeats
	Revealed    int64 // the registration whose visitor an editor just revealed
	Visitor     visits.Visitor
	// Bookings are the day's bookings (预约接访), received first, by slot.
	Bookings        []service.DeskBooking
	RevealedBooking int64 // the booking whose visitor an editor just revealed
	Booked          service.BookedVisitor
	Overdue         []service.UnitOverdue // units holding handed-over cases past due (today's desk only)
}

type deskSessionView struct {
	service.DeskSession
	Cancelled                bool
	Waiting, Receiving, Done []deskRow
	WaitingMax, WaitingTotal int // minutes, of those still waiting
}

// deskRow is one registration with its times in the county's zone.
type deskRow struct {
	service.RegistrationView
	Town                        string
	Reps                        string
	ArrivedAt, StartedAt, EndAt string // HH:MM
	WaitMin, ReceiveMin         int    // minutes waited (till now or the start), and received
	Long                        bool   // waited 30 minutes or more
}

// showDesk renders date's (default today's) desk.
func (s *Server) showDeskPage(c echo.Context) error {
	return s.renderDesk(c, http.StatusOK, deskExtras{})
}

// deskExtras is what a write adds to the desk it re-renders.
type deskExtras struct {
	refused  *refusal         // a refused write, with what was typed
	repeats  *service.Repeats // the possible repeats a registration found
	revealed int64            // the registration whose visitor was revealed
	visitor  visits.Visitor
	// revealedBooking is the booking whose visitor was revealed.
	revealedBooking int64
	booked          service.BookedVisitor
}

// renderDesk renders the desk with what a write adds.
func (s *Server) renderDesk(c echo.Context, status int, x deskExtras) error {
	ctx := c.Request().Context()
	date, err := optionalDate("date", c.QueryParam("date"))
	if err != nil {
		return err
	}
	today := s.today()
	// A write re-renders today's desk, or the day its form names (a booking's).
	if date == 0 || c.Request().Method == http.MethodPost && c.QueryParam("date") == "" {
		date = today
	}
	day, err := s.svc.Desk(ctx, s.call(c), date)
	if err != nil {
		return err
	}
	n, err := s.workNames(ctx)
	if err != nil {
		return err
	}
	a := authOf(c)
	p := &deskPage{staffLayout: staffLayout{Notice: c.QueryParam("done")}, Date: date, Today: today, Prev: date - 1, Next: date + 1,
		IsToday: date == today, CanEdit: a != nil && a.User.Role.AtLeast(auth.RoleEditor), Townships: n.Townships,
		Categories: visits.Categories, Outcomes: visits.DeskOutcomes, Form: url.Values{}, Repeats: x.repeats,
		Revealed: x.revealed, Visitor: x.visitor, Bookings: day.Bookings, RevealedBooking: x.revealedBooking, Booked: x.booked}
	if r := x.refused; r != nil {
		p.Error, p.Form, p.FormName = r.Msg, r.Form, r.FormName
	}
	if p.IsToday {
		if p.Overdue, err = s.svc.OverdueHandovers(ctx, s.call(c)); err != nil {
			return err
		}
	}
	now := s.now()
	for _, ds := range day.Sessions {
		v := deskSessionView{DeskSession: ds, Cancelled: ds.Visit.State == visits.VisitCancelled}
		for _, reg := range ds.Registrations {
			row := s.deskRow(reg, n, now)
			switch reg.State {
			case visits.DeskWaiting:
				v.Waiting = append(v.Waiting, row)
				v.WaitingMax = max(v.WaitingMax, row.WaitMin)
				v.WaitingTotal += row.WaitMin
			case visits.DeskReceiving:
				v.Receiving = append(v.Receiving, row)
			default:
				v.Done = append(v.Done, row)
			}
		}
		p.Sessions = append(p.Sessions, v)
		if !v.Cancelled {
			p.Open = append(p.Open, v)
		}
	}
	return s.renderStaff(c, status, "staff/desk.html", "desk", "接访台", p)
}

func (s *Server) deskRow(r service.RegistrationView, n workNames, now time.Time) deskRow {
	loc := s.cfg.Location
	clock := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("15:04")
	}
	row := deskRow{RegistrationView: r, Town: n.Town(r.Township), Reps: strings.Join(r.Representatives, "、"),
		ArrivedAt: clock(r.Arrived), StartedAt: clock(r.Started), EndAt: clock(r.Finished)}
	until := now
	if !r.Started.IsZero() {
		until = r.Started
	}
	row.WaitMin = max(0, int(until.Sub(r.Arrived).Minutes()))
	if !r.Started.IsZero() {
		end := now
		if !r.Finished.IsZero() {
			end = r.Finished
		}
		row.ReceiveMin = max(0, int(end.Sub(r.Started).Minutes()))
	}
	row.Long = r.State == visits.DeskWaiting && row.WaitMin >= 30
	return row
}

// deskInputFromForm reads the registration form; the use case checks the values.
func deskInputFromForm(c echo.Context) (service.RegistrationInput, error) {
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	in := service.RegistrationInput{
		Visitor:  visits.Visitor{Name: v("visitor.name"), IDNumber: v("visitor.id_number"), Phone: v("visitor.phone"), Address: v("visitor.address")},
		Township: v("township"), Matter: v("matter"), Category: visits.Category(v("category")),
		SkippedLevel: v("skipped_level") != "", CaseCode: v("case_code"), NotRepeat: v("not_repeat") != "",
	}
	form, _ := c.FormParams()
	for _, raw := range form["representatives"] {
		in.Representatives = append(in.Representatives, splitNames(raw)...)
		if len(in.Representatives) > visits.MaxRepresentatives {
			break // the use case refuses more than five; do not split a hostile list further
		}
	}
	var err error
	ids := map[string]*int64{"session": &in.Session, "case": &in.Case, "repeat_of": &in.RepeatOf}
	for _, name := range []string{"session", "case", "repeat_of"} {
		if *ids[name], err = formID(c, name); err != nil {
			return in, err
		}
	}
	in.GroupSize, err = formInt(c, "group_size")
	return in, err
}

// splitNames splits representatives typed in one field: 、，, or spaces between names.
func splitNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == ',' || r == '，' || r == ' ' || r == '　' || r == ';' || r == '；' || r == '\n' || r == '\r' || r == '\t'
	})
}

// formID reads an optional positive id; empty is 0.
func formID(c echo.Context, name string) (int64, error) {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, fault.InvalidField(name, "编号应为正整数")
	}
	return id, nil
}

// postDeskRegistration registers a visit from the desk form. A possible
// repeat re-renders the form with what was typed and the matches, each with
// a button that sends the form again linked to it.
func (s *Server) postDeskRegistration(c echo.Context) error {
	in, err := deskInputFromForm(c)
	var r service.RegistrationView
	if err == nil {
		r, err = s.svc.RegisterVisit(c.Request().Context(), s.call(c), in)
	}
	if fe := fault.Classify(err); fe != nil && fe.Code == "possible_repeat" {
		if found, ok := fe.Items.(service.Repeats); ok {
			params, _ := c.FormParams()
			ff := &formFailure{Status: http.StatusConflict, Msg: fe.Msg}
			return s.renderDesk(c, http.StatusConflict, deskExtras{refused: &refusal{formFailure: ff, Form: params, FormName: "register"}, repeats: &found})
		}
	}
	if err != nil {
		return refusedForm(c, err, "register", func(c echo.Context, status int, r *refusal) error {
			return s.renderDesk(c, status, deskExtras{refused: r})
		})
	}
	notice := fmt.Sprintf("已登记第 %d 号：%s（%s）", r.Number, r.Visitor.Name, r.StateLabel)
	if r.Repeat {
		notice += "，计为重复信访"
		if r.CaseCode != "" {
			notice += "，已关联案件 " + r.CaseCode
		}
	}
	return s.redirectDone(c, "/staff/desk", notice)
}

// deskActFromForm reads a start or finish form.
func deskActFromForm(c echo.Context) service.DeskAct {
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	return service.DeskAct{Version: formVersion(c), Leader: v("leader"), Outcome: visits.DeskOutcome(v("outcome")),
		Note: v("note"), Title: v("title"), CaseCode: v("case_code")}
}

// postDeskAct runs a queue move; a refusal re-renders the desk with the
// message and what was typed in that registration's form.
func (s *Server) postDeskAct(c echo.Context, form string, act deskAct, done func(service.RegistrationView) string) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	r, err := act(c.Request().Context(), s.call(c), id, deskActFromForm(c))
	if err != nil {
		return refusedForm(c, err, fmt.Sprintf("%s-%d", form, id), func(c echo.Context, status int, r *refusal) error {
			return s.renderDesk(c, status, deskExtras{refused: r})
		})
	}
	// The fragment brings the card back into view; it goes after the query.
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/desk?%s#r%d", s.doneQuery(done(r)), id))
}

func (s *Server) postDeskStart(c echo.Context) error {
	return s.postDeskAct(c, "start", s.svc.StartReception, func(r service.RegistrationView) string {
		return fmt.Sprintf("第 %d 号开始接待（%s）", r.Number, r.ReceivedByName)
	})
}

func (s *Server) postDeskFinish(c echo.Context) error {
	return s.postDeskAct(c, "finish", s.svc.FinishReception, func(r service.RegistrationView) string {
		msg := fmt.Sprintf("第 %d 号已接待：%s", r.Number, r.OutcomeLabel)
		if r.CaseCode != "" {
			msg += "，案件 " + r.CaseCode
			if r.Outcome == visits.OutcomeHanded {
				msg += "（请在案件页交办）"
			}
		}
		return msg
	})
}

// postDeskReveal shows an editor the desk with one visitor's ID number and
// phone in full, once, audited; a POST so no link, prefetch or history replays it.
func (s *Server) postDeskReveal(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	v, err := s.svc.RevealVisitor(c.Request().Context(), s.call(c), id)
	if err != nil {
		return err
	}
	return s.renderDesk(c, http.StatusOK, deskExtras{revealed: id, visitor: v})
}

// excerpt is the start of a private text for a list, at most n characters.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// deskCard is what a queue card reads: the page, the session and the registration.
type deskCard struct {
	Page    *deskPage
	Session deskSessionView
	Row     deskRow
}

// Card bundles a queue card's data for the template.
func (p *deskPage) Card(s deskSessionView, r deskRow) deskCard { return deskCard{p, s, r} }

// Brief is the start of a matter for the queue and the repeat list.
func (p *deskPage) Brief(s string) string { return excerpt(s, 60) }
