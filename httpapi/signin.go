package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
)

// 到岗签到: the leader's page behind the signed link (no login), the desk's
// mark and undo on the slot page, and the attendance API.

type signinPage struct {
	Title, Desc string
	Duty        service.SigninDuty
	Token       string
	Day         string // 12月2日 星期三
	At          string // 08:31, the sign-in's time in the county's zone
	Just        bool   // signed in by this request
}

// showSignin shows the duty a link names with a button: a GET never signs in,
// since chat apps fetch links to preview them.
func (s *Server) showSignin(c echo.Context) error {
	d, err := s.svc.SigninPage(c.Request().Context(), s.now(), c.QueryParam("t"))
	if err != nil {
		return err
	}
	return s.renderSignin(c, d, c.QueryParam("t"), false)
}

// postSignin signs the link's leader in; a second visit says when they did.
func (s *Server) postSignin(c echo.Context) error {
	tok := c.FormValue("t")
	d, err := s.svc.SigninByLink(c.Request().Context(), s.now(), tok)
	if err != nil {
		return err
	}
	return s.renderSignin(c, d, tok, !d.Already)
}

func (s *Server) renderSignin(c echo.Context, d service.SigninDuty, tok string, just bool) error {
	// The page carries the token: never kept by a cache or a shared proxy.
	c.Response().Header().Set("Cache-Control", "no-store")
	p := signinPage{Title: "到岗签到", Duty: d, Token: tok, Just: just,
		Day: fmt.Sprintf("%d月%d日 %s", int(d.Key.Date.Month()), d.Key.Date.Day(), weekdayLabels[d.Key.Date.Weekday()])}
	if d.Signed != nil {
		p.At = d.Signed.SignedAt.In(s.cfg.Location).Format("15:04")
	}
	return s.render(c, http.StatusOK, "signin.html", p)
}

// attendanceInput reads a mark or undo from a staff form or the API.
func attendanceForm(c echo.Context, today roster.Date) (service.AttendanceInput, error) {
	k, err := slotParams(c, today)
	if err != nil {
		return service.AttendanceInput{}, err
	}
	return service.AttendanceInput{Roster: k.Roster, Date: k.Date, Role: k.Role, Person: c.FormValue("person")}, nil
}

// postAttendance marks the slot's leader 已到岗 from the slot page.
func (s *Server) postAttendance(c echo.Context) error {
	return s.attendanceAct(c, func(ctx context.Context, call service.Call, in service.AttendanceInput) error {
		_, err := s.svc.MarkAttendance(ctx, call, in)
		return err
	}, "已登记到岗")
}

// postAttendanceUndo takes a mistaken mark back.
func (s *Server) postAttendanceUndo(c echo.Context) error {
	return s.attendanceAct(c, s.svc.UndoAttendance, "已撤销到岗记录")
}

func (s *Server) attendanceAct(c echo.Context, act func(context.Context, service.Call, service.AttendanceInput) error, done string) error {
	in, err := attendanceForm(c, s.today())
	if err != nil {
		return err
	}
	k := roster.Key{Roster: in.Roster, Date: in.Date, Role: in.Role}
	if err := act(c.Request().Context(), s.call(c), in); err != nil {
		return s.slotRefused(c, k, &slotPage{}, err)
	}
	return c.Redirect(http.StatusSeeOther, slotHref(k)+"&"+s.doneQuery(done))
}

// listAttendance is GET /api/v1/attendance?from=&to= (default today).
func (s *Server) listAttendance(c echo.Context) error {
	from, err := apiQueryDate(c, "from")
	if err != nil {
		return err
	}
	to, err := apiQueryDate(c, "to")
	if err != nil {
		return err
	}
	if from == 0 {
		from = s.today()
	}
	if to == 0 {
		to = from
	}
	list, err := s.svc.Attendance(c.Request().Context(), from, to)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"from": from, "to": to, "attendance": list})
}

// markAttendanceJSON is POST /api/v1/attendance {roster, date, role, person?}.
func (s *Server) markAttendanceJSON(c echo.Context) error {
	var in service.AttendanceInput
	if err := apiDecode(c, &in); err != nil {
		return err
	}
	a, err := s.svc.MarkAttendance(c.Request().Context(), s.call(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"attendance": a})
}

// undoAttendanceJSON is POST /api/v1/attendance/undo {roster, date, role, person?}.
func (s *Server) undoAttendanceJSON(c echo.Context) error {
	var in service.AttendanceInput
	if err := apiDecode(c, &in); err != nil {
		return err
	}
	if err := s.svc.UndoAttendance(c.Request().Context(), s.call(c), in); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// slotAttendance is the sign-in section of a slot page.
type slotAttendance struct {
	Takes  bool // the roster receives the public and the day has come
	Duties []service.DutyAttendance
}

func (s *Server) loadSlotAttendance(ctx context.Context, k roster.Key, receives bool) (slotAttendance, error) {
	if !receives || k.Date > s.today() {
		return slotAttendance{}, nil
	}
	list, err := s.svc.Attendance(ctx, k.Date, k.Date)
	if err != nil {
		return slotAttendance{}, err
	}
	out := slotAttendance{Takes: true}
	for _, d := range list {
		if d.Roster == k.Roster && d.Role == k.Role {
			out.Duties = append(out.Duties, d)
		}
	}
	return out, nil
}

// signinLabel says a duty's attendance on the grid: 已到岗 08:31 or 未签到.
func signinLabel(a *store.Attendance, loc *time.Location) string {
	if a == nil {
		return "未签到"
	}
	return "已到岗 " + a.SignedAt.In(loc).Format("15:04")
}

// markGridAttendance fills the grid's attendance for days up to today of a
// roster that receives the public.
func (s *Server) markGridAttendance(ctx context.Context, def roster.Definition, days []gridDay) error {
	today := s.today()
	if !def.ReceivesPublic || len(days) == 0 || days[0].Date > today {
		return nil
	}
	to := min(days[len(days)-1].Date, today)
	list, err := s.svc.Attendance(ctx, days[0].Date, to)
	if err != nil {
		return err
	}
	signed := map[roster.Key]map[string]*store.Attendance{}
	for _, d := range list {
		k := roster.Key{Roster: d.Roster, Date: d.Date, Role: d.Role}
		if signed[k] == nil {
			signed[k] = map[string]*store.Attendance{}
		}
		signed[k][d.Person] = d.Signed
	}
	for i := range days {
		if days[i].Date > today {
			break
		}
		for j := range days[i].Cells {
			cell := &days[i].Cells[j]
			if cell.Person == "" {
				continue
			}
			k := roster.Key{Roster: def.ID, Date: days[i].Date, Role: cell.Role}
			cell.Signin = signinLabel(signed[k][cell.Person], s.cfg.Location)
		}
	}
	return nil
}
