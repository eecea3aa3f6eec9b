package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/visits"
)

// dayClassLabel names a day as staff see it: a weekend turned working day is
// 调休补班, not just 工作日, because it is easy to forget.
func dayClassLabel(cal roster.Calendar, d roster.Date) (label, css string) {
	if cal.IsMakeupWorkday(d) {
		return "调休补班", "makeup"
	}
	switch cal.Class(d) {
	case roster.Holiday:
		return "节假日", "holiday"
	case roster.Weekend:
		return "周末", "weekend"
	}
	return "工作日", "workday"
}

func parseStaffMonth(s string) (roster.Date, error) {
	m, err := roster.ParseMonth(s)
	if err != nil {
		return 0, fault.InvalidField("month", err.Error())
	}
	return m.First(), nil
}

func (s *Server) peopleByID(ctx context.Context) (map[string]roster.Person, error) {
	ps, err := s.store.People(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]roster.Person, len(ps))
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, nil
}

// showRosterIndex sends staff to this month of the first roster.
func (s *Server) showRosterIndex(c echo.Context) error {
	defs, err := s.store.Rosters(c.Request().Context())
	if err != nil {
		return err
	}
	if len(defs) == 0 {
		return s.renderStaff(c, http.StatusOK, "staff/roster.html", "roster", "值班表", &rosterPage{Empty: true})
	}
	q := ""
	if m := c.QueryParam("msg"); m == "password" {
		q = "?msg=password"
	}
	home := planner.HomeRoster(defs, unitOf(c))
	return c.Redirect(http.StatusSeeOther, "/staff/roster/"+url.PathEscape(home.ID)+"/"+s.today().String()[:7]+q)
}

type rosterPage struct {
	staffLayout
	Empty              bool // no roster defined yet
	Roster             roster.Definition
	Rosters            []roster.Definition
	Days               []gridDay
	Pub                pubState
	MonthS, Prev, Next string // YYYY-MM of this, the previous and the next month
	// ProvisionalYears have 暂定 days in this month: built-in holidays not yet confirmed.
	ProvisionalYears []int
}

type gridCell struct {
	Role     string
	Person   string
	Name     string
	Pinned   bool
	Manual   bool
	Version  int
	Href     string
	Violates string
	Adjusted bool   // changed since the month was published (调整)
	Was      string // the name published for the slot, "" when it was empty
	Signin   string // 已到岗 08:31 or 未签到, on days up to today of a roster receiving the public
}

type gridDay struct {
	Date        roster.Date
	Class, CSS  string
	Holiday     string
	Provisional bool // the class comes from the unconfirmed built-in calendar
	Duty        bool
	Today       bool
	Cells       []gridCell
}

// showStaffMonth shows a roster month as days × roles, or .xlsx when the path ends in .xlsx.
func (s *Server) showStaffMonth(c echo.Context) error {
	ctx := c.Request().Context()
	monthS := c.Param("month")
	if m, ok := strings.CutSuffix(monthS, ".xlsx"); ok {
		return s.exportRosterMonth(c, c.Param("roster"), m)
	}
	month, err := parseStaffMonth(monthS)
	if err != nil {
		return err
	}
	def, err := planner.RosterDef(ctx, s.store, c.Param("roster"))
	if err != nil {
		return err
	}
	defs, err := s.store.Rosters(ctx)
	if err != nil {
		return err
	}
	days, err := s.monthGrid(ctx, def, month)
	if err != nil {
		return err
	}
	pub, err := s.markAdjustments(ctx, def, month, days)
	if err != nil {
		return err
	}
	if err := s.markGridAttendance(ctx, def, days); err != nil {
		return err
	}
	p := &rosterPage{
		Roster: def, Rosters: defs, Days: days, Pub: pub, MonthS: month.String()[:7],
		Prev: month.AddDays(-1).MonthStart().String()[:7], Next: month.MonthEnd().AddDays(1).String()[:7],
	}
	p.ProvisionalYears = provisionalYears(days)
	if c.QueryParam("msg") == "password" {
		p.Notice = "密码已修改，其他设备上的登录已注销。"
	}
	if n := c.QueryParam("done"); n != "" {
		p.Notice = n
	}
	return s.renderStaff(c, http.StatusOK, "staff/roster.html", "roster", fmt.Sprintf("%s %d年%d月", def.Name, month.Year(), int(month.Month())), p)
}

func (s *Server) monthGrid(ctx context.Context, def roster.Definition, month roster.Date) ([]gridDay, error) {
	days, cal, err := planner.Month(ctx, s.store, def, month, month.MonthEnd())
	if err != nil {
		return nil, err
	}
	today := s.today()
	out := make([]gridDay, len(days))
	for i, d := range days {
		label, css := dayClassLabel(cal, d.Date)
		gd := gridDay{Date: d.Date, Class: label, CSS: css, Duty: d.Duty, Holiday: d.Holiday, Today: d.Date == today,
			Provisional: cal.Provisional(d.Date)}
		for _, c := range d.Cells {
			cell := gridCell{Role: c.Key.Role, Href: slotHref(c.Key), Violates: c.Violates}
			if c.Exists {
				a := c.Duty
				cell.Person, cell.Name, cell.Pinned, cell.Manual, cell.Version = a.Person, c.Name, a.Pinned, a.Source == roster.Manual, a.Version
			}
			gd.Cells = append(gd.Cells, cell)
		}
		out[i] = gd
	}
	return out, nil
}

// provisionalYears lists the years of days' 暂定 entries, in order.
func provisionalYears(days []gridDay) []int {
	var out []int
	for _, d := range days {
		if y := d.Date.Year(); d.Provisional && !slices.Contains(out, y) {
			out = append(out, y)
		}
	}
	return out
}

func slotHref(k roster.Key) string {
	return "/staff/roster/" + url.PathEscape(k.Roster) + "/slot?date=" + k.Date.String() + "&role=" + url.QueryEscape(k.Role)
}

type slotPage struct {
	staffLayout
	Slot        *planner.SlotView
	Class       string
	Swaps       []swapOption
	MonthHref   string
	Loc         *time.Location
	Chosen      string   // the person the refused form had picked
	Clashes     []string // the duties a refused edit clashes with
	SwapWarning []string // the rules a swap would break, to confirm
	SwapOther   string
	Attendance  slotAttendance
}

type swapOption struct {
	Value, Label string
}

func slotParams(c echo.Context, today roster.Date) (roster.Key, error) {
	d, err := slotDate(c.FormValue("date"), today)
	if err != nil {
		return roster.Key{}, err
	}
	role := c.FormValue("role")
	if role == "" {
		return roster.Key{}, fault.InvalidField("role", "缺少岗位")
	}
	return roster.Key{Roster: c.Param("roster"), Date: d, Role: role}, nil
}

// slotDate reads a roster slot's date, within visits.CheckDate's window.
func slotDate(v string, today roster.Date) (roster.Date, error) {
	d, err := roster.ParseDate(v)
	if err != nil {
		return 0, fault.InvalidField("date", "日期应为 YYYY-MM-DD")
	}
	return d, visits.CheckDate("date", d, today)
}

// showSlot shows one slot: who is on it, eligible replacements, pin and swap.
func (s *Server) showSlot(c echo.Context) error {
	k, err := slotParams(c, s.today())
	if err != nil {
		return err
	}
	return s.renderSlot(c, http.StatusOK, k, &slotPage{staffLayout: staffLayout{Notice: c.QueryParam("done")}})
}

func (s *Server) renderSlot(c echo.Context, status int, k roster.Key, p *slotPage) error {
	v, err := planner.LoadSlot(c.Request().Context(), s.store, k)
	if err != nil {
		return err
	}
	p.Slot, p.Loc = v, s.cfg.Location
	if p.Attendance, err = s.loadSlotAttendance(c.Request().Context(), k, v.Def.ReceivesPublic); err != nil {
		return err
	}
	p.Class, _ = dayClassLabel(v.Cal, k.Date)
	if v.Cal.Provisional(k.Date) {
		p.Class += "（暂定）"
	}
	p.MonthHref = "/staff/roster/" + url.PathEscape(k.Roster) + "/" + k.Date.String()[:7]
	for _, o := range v.Swaps {
		p.Swaps = append(p.Swaps, swapOption{Value: o.Date.String() + "/" + strconv.Itoa(o.Version),
			Label: fmt.Sprintf("%d月%d日 %s %s", int(o.Date.Month()), o.Date.Day(), weekdayLabels[o.Date.Weekday()], o.Name)})
	}
	title := fmt.Sprintf("%s %s %s", k.Date, weekdayLabels[k.Date.Weekday()], k.Role)
	return s.renderStaff(c, status, "staff/slot.html", "roster", title, p)
}

// staleMessage tells the editor what the slot holds now.
func (s *Server) staleMessage(e *planner.Stale) string {
	if e.Current == nil {
		return "保存失败：此班次已被他人修改或删除，您的修改未保存。请核对当前内容后重新操作。"
	}
	cur := e.Current
	return fmt.Sprintf("保存失败：%s %s 已于 %s 被 %s 修改，现为「%s」（第 %d 版）。您的修改未保存，请核对后重新操作。",
		e.Key.Date, e.Key.Role, cur.UpdatedAt.In(s.cfg.Location).Format("15:04:05"), cur.UpdatedBy, e.Name, cur.Version)
}

// slotRefused re-renders the slot page with a refusal's reason; other errors are returned.
func (s *Server) slotRefused(c echo.Context, k roster.Key, p *slotPage, err error) error {
	var st *planner.Stale
	if errors.As(err, &st) {
		p.Error = s.staleMessage(st)
		return s.renderSlot(c, http.StatusConflict, k, p)
	}
	fe := fault.Classify(err)
	if fe == nil || fe.Kind != fault.Invalid && fe.Kind != fault.Conflict {
		return err
	}
	switch items := fe.Items.(type) {
	case []planner.Clash:
		for _, x := range items {
			p.Clashes = append(p.Clashes, x.String())
		}
	case []roster.Violation:
		for _, v := range items {
			p.SwapWarning = append(p.SwapWarning, v.Reason)
		}
	}
	p.Error = fe.Msg
	if fe.Kind == fault.Invalid {
		p.Error = fieldLabel(fe.Field) + fe.Msg // as every other staff form says it
	}
	return s.renderSlot(c, kindStatus[fe.Kind], k, p)
}

func (s *Server) assignSlot(c echo.Context) error {
	k, err := slotParams(c, s.today())
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	req := planner.Assignment{Key: k, Person: c.FormValue("person"), Version: version, Today: s.today(), Unit: unitOf(c)}
	a, err := planner.Assign(c.Request().Context(), s.store, req, actor(c))
	if err != nil {
		return s.slotRefused(c, k, &slotPage{Chosen: req.Person}, err)
	}
	p, err := s.store.Person(c.Request().Context(), a.Person)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, slotHref(k)+"&"+s.doneQuery("已改为 "+p.Name))
}

func (s *Server) pinSlot(c echo.Context) error {
	k, err := slotParams(c, s.today())
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	pinned := c.FormValue("pinned") == "1"
	if _, err := planner.Pin(c.Request().Context(), s.store, k, version, pinned, actor(c), unitOf(c)); err != nil {
		return s.slotRefused(c, k, &slotPage{}, err)
	}
	msg := "已固定"
	if !pinned {
		msg = "已取消固定"
	}
	return c.Redirect(http.StatusSeeOther, slotHref(k)+"&"+s.doneQuery(msg))
}

// swapSlots exchanges one role's people on two days; a rule-breaking swap needs
// an explicit second confirmation.
func (s *Server) swapSlots(c echo.Context) error {
	k, err := slotParams(c, s.today())
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	other := c.FormValue("other") // DATE/VERSION
	dateS, versionS, _ := strings.Cut(other, "/")
	d2, err := slotDate(dateS, s.today())
	if err != nil {
		return s.renderSlot(c, http.StatusBadRequest, k, &slotPage{staffLayout: staffLayout{Error: "请选择要交换的日期"}})
	}
	version2, _ := strconv.Atoi(versionS)
	req := planner.Swap{Key: k, Version: version, Other: d2, OtherVersion: version2, Force: c.FormValue("force") == "1", Today: s.today(), Unit: unitOf(c)}
	if err := planner.SwapSlots(c.Request().Context(), s.store, req, actor(c)); err != nil {
		return s.slotRefused(c, k, &slotPage{SwapOther: other}, err)
	}
	return c.Redirect(http.StatusSeeOther, slotHref(k)+"&"+s.doneQuery("已与 "+d2.String()+" 交换"))
}
