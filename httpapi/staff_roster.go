package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
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

// parseMonth reads YYYY-MM.
func parseStaffMonth(s string) (roster.Date, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return 0, fault.InvalidField("month", fmt.Sprintf("月份 %q 无效，应为 YYYY-MM", s))
	}
	return roster.NewDate(t.Year(), t.Month(), 1), nil
}

func (s *Server) today() roster.Date { return roster.Today(s.now(), s.cfg.Location) }

// rosterDef returns one roster definition or ErrNotFound.
func (s *Server) rosterDef(ctx context.Context, id string) (roster.Definition, error) {
	defs, err := s.store.Rosters(ctx)
	if err != nil {
		return roster.Definition{}, err
	}
	for _, d := range defs {
		if d.ID == id {
			return d, nil
		}
	}
	return roster.Definition{}, fmt.Errorf("httpapi: roster %s: %w", id, store.ErrNotFound)
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
		return s.renderStaff(c, http.StatusOK, "staff/roster.html", "roster", "值班表", map[string]any{"Empty": true})
	}
	q := ""
	if m := c.QueryParam("msg"); m == "password" {
		q = "?msg=password"
	}
	return c.Redirect(http.StatusSeeOther, "/staff/roster/"+url.PathEscape(defs[0].ID)+"/"+s.today().String()[:7]+q)
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
}

type gridDay struct {
	Date       roster.Date
	Class, CSS string
	Holiday    string
	Duty       bool
	Today      bool
	Cells      []gridCell
}

// showStaffMonth shows a month of one roster as days × roles, or sends the
// month as .xlsx when the last segment ends in .xlsx.
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
	def, err := s.rosterDef(ctx, c.Param("roster"))
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
	data := map[string]any{
		"Roster": def, "Rosters": defs, "Month": month, "Days": days,
		"Prev": month.AddDays(-1).MonthStart().String()[:7], "Next": month.MonthEnd().AddDays(1).String()[:7],
		"MonthS": month.String()[:7], "Pub": pub,
	}
	if c.QueryParam("msg") == "password" {
		data["Notice"] = "密码已修改，其他设备上的登录已注销。"
	}
	if n := c.QueryParam("done"); n != "" {
		data["Notice"] = n
	}
	return s.renderStaff(c, http.StatusOK, "staff/roster.html", "roster", fmt.Sprintf("%s %d年%d月", def.Name, month.Year(), int(month.Month())), data)
}

// monthGrid builds the rows of a month: every day, with the slots of duty days.
func (s *Server) monthGrid(ctx context.Context, def roster.Definition, month roster.Date) ([]gridDay, error) {
	from, to := month, month.MonthEnd()
	in, stored, err := planner.Input(ctx, s.store, from, to)
	if err != nil {
		return nil, err
	}
	people := map[string]roster.Person{}
	for _, p := range in.People {
		people[p.ID] = p
	}
	byKey := map[roster.Key]store.StoredAssignment{}
	var current []roster.Assignment
	for _, a := range stored {
		if a.Date >= from {
			byKey[a.Key()] = a
			current = append(current, a.Assignment)
		}
	}
	bad := map[roster.Key]string{}
	for _, v := range roster.Validate(in, current) {
		bad[v.Key] = v.Reason
	}
	today := s.today()
	var out []gridDay
	for d := from; d <= to; d++ {
		label, css := dayClassLabel(in.Calendar, d)
		gd := gridDay{Date: d, Class: label, CSS: css, Duty: def.Days.IsDutyDay(d, in.Calendar), Today: d == today}
		if h, ok := in.Calendar.Entry(d); ok {
			gd.Holiday = h.Name
		}
		for _, sl := range def.Slots {
			k := roster.Key{Roster: def.ID, Date: d, Role: sl.Role}
			a, ok := byKey[k]
			if !gd.Duty && !ok {
				continue
			}
			cell := gridCell{Role: sl.Role, Href: slotHref(k), Violates: bad[k]}
			if ok {
				cell.Person, cell.Name, cell.Pinned, cell.Manual, cell.Version = a.Person, people[a.Person].Name, a.Pinned, a.Source == roster.Manual, a.Version
			}
			gd.Cells = append(gd.Cells, cell)
		}
		out = append(out, gd)
	}
	return out, nil
}

func slotHref(k roster.Key) string {
	return "/staff/roster/" + url.PathEscape(k.Roster) + "/slot?date=" + k.Date.String() + "&role=" + url.QueryEscape(k.Role)
}

// candidate is one pool member for a slot, eligible or with the reason not.
type candidate struct {
	ID, Name, Title string
	OK              bool
	Reason          string
	Current         bool
	YearCount       int // duties in this slot's pool this year, a fairness hint
}

// slotState is what the slot page and its writes need.
type slotState struct {
	Def        roster.Definition
	Key        roster.Key
	Cur        store.StoredAssignment
	Exists     bool
	Candidates []candidate
	Swaps      []swapOption
	Class      string
	in         roster.Input
	others     []roster.Assignment // every stored duty around the day but this slot
}

type swapOption struct {
	Value, Label string
}

// loadSlot loads a slot and judges each pool member with roster.Validate on
// a trial assignment, everything else held fixed, so the reason shown is
// exactly the rule the engine enforces.
func (s *Server) loadSlot(ctx context.Context, rosterID string, date roster.Date, role string) (*slotState, error) {
	def, err := s.rosterDef(ctx, rosterID)
	if err != nil {
		return nil, err
	}
	var slot *roster.Slot
	for i := range def.Slots {
		if def.Slots[i].Role == role {
			slot = &def.Slots[i]
		}
	}
	if slot == nil {
		return nil, fmt.Errorf("httpapi: roster %s has no role %s: %w", rosterID, role, store.ErrNotFound)
	}
	span := max(def.MinGapDays, 1) + 31
	in, stored, err := planner.Input(ctx, s.store, date, date.AddDays(span))
	if err != nil {
		return nil, err
	}
	st := &slotState{Def: def, Key: roster.Key{Roster: def.ID, Date: date, Role: role}, in: in}
	st.Class, _ = dayClassLabel(in.Calendar, date)
	yearStart := roster.NewDate(date.Year(), 1, 1)
	count := map[string]int{}
	poolOf := map[[2]string]string{}
	for _, d := range in.Rosters {
		for _, sl := range d.Slots {
			poolOf[[2]string{d.ID, sl.Role}] = sl.Pool
		}
	}
	for _, a := range append(append([]roster.Assignment{}, in.History...), assignmentsOf(stored)...) {
		if a.Date >= yearStart && a.Date.Year() == date.Year() && poolOf[[2]string{a.Roster, a.Role}] == slot.Pool {
			count[a.Person]++
		}
	}
	for _, a := range stored {
		if a.Date < date {
			continue
		}
		if a.Key() == st.Key {
			st.Cur, st.Exists = a, true
			continue
		}
		st.others = append(st.others, a.Assignment)
		if a.Roster == def.ID && a.Role == role && a.Date != date && a.Date.DaysSince(date) <= 31 {
			st.Swaps = append(st.Swaps, swapOption{Value: a.Date.String() + "/" + strconv.Itoa(a.Version), Label: ""})
		}
	}
	people := map[string]roster.Person{}
	for _, p := range in.People {
		people[p.ID] = p
	}
	for i := range st.Swaps {
		d, _ := roster.ParseDate(st.Swaps[i].Value[:10])
		for _, a := range stored {
			if a.Key() == (roster.Key{Roster: def.ID, Date: d, Role: role}) {
				st.Swaps[i].Label = fmt.Sprintf("%d月%d日 %s %s", int(d.Month()), d.Day(), weekdayLabels[d.Weekday()], people[a.Person].Name)
			}
		}
	}
	trialIn := in
	trialIn.Fixed = st.others
	for _, pool := range in.Pools {
		if pool.ID != slot.Pool {
			continue
		}
		for _, id := range pool.Members {
			p := people[id]
			c := candidate{ID: id, Name: p.Name, Title: p.Title, Current: st.Exists && st.Cur.Person == id, YearCount: count[id]}
			vs := roster.Validate(trialIn, []roster.Assignment{{Roster: def.ID, Date: date, Role: role, Person: id}})
			c.OK = len(vs) == 0
			if !c.OK {
				c.Reason = vs[0].Reason
			}
			if !p.Active && c.OK {
				c.OK, c.Reason = false, p.Name+" 已不在岗"
			}
			st.Candidates = append(st.Candidates, c)
		}
	}
	return st, nil
}

func assignmentsOf(as []store.StoredAssignment) []roster.Assignment {
	out := make([]roster.Assignment, len(as))
	for i, a := range as {
		out[i] = a.Assignment
	}
	return out
}

func slotParams(c echo.Context) (roster.Date, string, error) {
	d, err := roster.ParseDate(c.FormValue("date"))
	if err != nil {
		return 0, "", fault.InvalidField("date", err.Error())
	}
	role := c.FormValue("role")
	if role == "" {
		return 0, "", fault.InvalidField("role", "缺少岗位")
	}
	return d, role, nil
}

// showSlot shows one slot: who is on it, eligible replacements, pin and swap.
func (s *Server) showSlot(c echo.Context) error {
	d, role, err := slotParams(c)
	if err != nil {
		return err
	}
	return s.renderSlot(c, http.StatusOK, c.Param("roster"), d, role, map[string]any{"Notice": c.QueryParam("done")})
}

func (s *Server) renderSlot(c echo.Context, status int, rosterID string, d roster.Date, role string, data map[string]any) error {
	st, err := s.loadSlot(c.Request().Context(), rosterID, d, role)
	if err != nil {
		return err
	}
	people, err := s.peopleByID(c.Request().Context())
	if err != nil {
		return err
	}
	data["Slot"] = st
	data["CurName"] = people[st.Cur.Person].Name
	data["MonthHref"] = "/staff/roster/" + url.PathEscape(rosterID) + "/" + d.String()[:7]
	data["Loc"] = s.cfg.Location
	title := fmt.Sprintf("%s %s %s", d, weekdayLabels[d.Weekday()], role)
	return s.renderStaff(c, status, "staff/slot.html", "roster", title, data)
}

// conflictMessage tells the editor what the slot holds now.
func (s *Server) conflictMessage(ctx context.Context, k roster.Key) string {
	cur, err := s.store.Assignment(ctx, k)
	if err != nil {
		return "保存失败：此班次已被他人修改或删除，您的修改未保存。请核对当前内容后重新操作。"
	}
	p, _ := s.store.Person(ctx, cur.Person)
	return fmt.Sprintf("保存失败：%s %s 已于 %s 被 %s 修改，现为「%s」（第 %d 版）。您的修改未保存，请核对后重新操作。",
		k.Date, k.Role, cur.UpdatedAt.In(s.cfg.Location).Format("15:04:05"), cur.UpdatedBy, p.Name, cur.Version)
}

// assignSlot replaces the person on a slot.
func (s *Server) assignSlot(c echo.Context) error {
	ctx := c.Request().Context()
	d, role, err := slotParams(c)
	if err != nil {
		return err
	}
	rosterID := c.Param("roster")
	person := c.FormValue("person")
	version, _ := strconv.Atoi(c.FormValue("version"))
	form := map[string]any{"Chosen": person}
	st, err := s.loadSlot(ctx, rosterID, d, role)
	if err != nil {
		return err
	}
	var cand *candidate
	for i := range st.Candidates {
		if st.Candidates[i].ID == person {
			cand = &st.Candidates[i]
		}
	}
	switch {
	case person == "":
		form["Error"] = "请选择接替人员"
		return s.renderSlot(c, http.StatusBadRequest, rosterID, d, role, form)
	case cand == nil:
		form["Error"] = "所选人员不在此岗位的值班池中"
		return s.renderSlot(c, http.StatusBadRequest, rosterID, d, role, form)
	case !cand.OK && !cand.Current:
		form["Error"] = "不能安排 " + cand.Name + "：" + cand.Reason
		return s.renderSlot(c, http.StatusBadRequest, rosterID, d, role, form)
	}
	a := roster.Assignment{Roster: rosterID, Date: d, Role: role, Person: person, Pinned: st.Cur.Pinned}
	if _, err := s.store.SetAssignment(ctx, a, version, actor(c)); err != nil {
		if errors.Is(err, store.ErrConflict) {
			form["Error"] = s.conflictMessage(ctx, a.Key())
			return s.renderSlot(c, http.StatusConflict, rosterID, d, role, form)
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, slotHref(a.Key())+"&"+doneQuery("已改为 "+cand.Name))
}

// pinSlot pins or unpins a slot: a pinned slot is never moved by the generator.
func (s *Server) pinSlot(c echo.Context) error {
	ctx := c.Request().Context()
	d, role, err := slotParams(c)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	k := roster.Key{Roster: c.Param("roster"), Date: d, Role: role}
	pinned := c.FormValue("pinned") == "1"
	if _, err := s.store.SetPinned(ctx, k, version, pinned, actor(c)); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return s.renderSlot(c, http.StatusConflict, k.Roster, d, role, map[string]any{"Error": s.conflictMessage(ctx, k)})
		}
		return err
	}
	msg := "已固定"
	if !pinned {
		msg = "已取消固定"
	}
	return c.Redirect(http.StatusSeeOther, slotHref(k)+"&"+doneQuery(msg))
}

// swapSlots exchanges the people of one role on two days in one transaction.
// A swap that breaks a rule is shown with the reasons and needs a second,
// explicit confirmation.
func (s *Server) swapSlots(c echo.Context) error {
	ctx := c.Request().Context()
	d, role, err := slotParams(c)
	if err != nil {
		return err
	}
	rosterID := c.Param("roster")
	version, _ := strconv.Atoi(c.FormValue("version"))
	other := c.FormValue("other") // DATE/VERSION
	dateS, versionS, _ := strings.Cut(other, "/")
	d2, err := roster.ParseDate(dateS)
	if err != nil {
		return s.renderSlot(c, http.StatusBadRequest, rosterID, d, role, map[string]any{"Error": "请选择要交换的日期"})
	}
	version2, _ := strconv.Atoi(versionS)
	ka, kb := roster.Key{Roster: rosterID, Date: d, Role: role}, roster.Key{Roster: rosterID, Date: d2, Role: role}
	a, err := s.store.Assignment(ctx, ka)
	if err != nil {
		return err
	}
	b, err := s.store.Assignment(ctx, kb)
	if err != nil {
		return err
	}
	if a.Version != version || b.Version != version2 {
		k := ka
		if a.Version == version {
			k = kb
		}
		return s.renderSlot(c, http.StatusConflict, rosterID, d, role, map[string]any{"Error": s.conflictMessage(ctx, k)})
	}
	// Judge the swapped pair against everything else, held fixed.
	lo, hi := min(d, d2), max(d, d2)
	in, stored, err := planner.Input(ctx, s.store, lo, hi.AddDays(31))
	if err != nil {
		return err
	}
	for _, x := range stored {
		if x.Date >= lo && x.Key() != ka && x.Key() != kb {
			in.Fixed = append(in.Fixed, x.Assignment)
		}
	}
	na := roster.Assignment{Roster: rosterID, Date: d, Role: role, Person: b.Person, Pinned: a.Pinned}
	nb := roster.Assignment{Roster: rosterID, Date: d2, Role: role, Person: a.Person, Pinned: b.Pinned}
	if vs := roster.Validate(in, []roster.Assignment{na, nb}); len(vs) > 0 && c.FormValue("force") != "1" {
		var reasons []string
		for _, v := range vs {
			reasons = append(reasons, v.Reason)
		}
		return s.renderSlot(c, http.StatusBadRequest, rosterID, d, role, map[string]any{
			"SwapWarning": reasons, "SwapOther": other,
			"Error": "交换后违反排班规则，未保存。如确需交换，请确认后再次提交。",
		})
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if _, err := tx.SetAssignment(ctx, na, version, actor(c)); err != nil {
			return err
		}
		_, err := tx.SetAssignment(ctx, nb, version2, actor(c))
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		return s.renderSlot(c, http.StatusConflict, rosterID, d, role, map[string]any{"Error": s.conflictMessage(ctx, ka)})
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, slotHref(ka)+"&"+doneQuery("已与 "+d2.String()+" 交换"))
}
