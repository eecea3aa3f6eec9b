package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
)

type absencesPage struct {
	staffLayout
	Absences []absenceRow
	People   []roster.Person // active, to choose from
	Kinds    []struct{ Value, Label string }
	Form     absenceForm
}

type absenceRow struct {
	roster.Absence
	Name, KindLabel string
}

type absencePreviewPage struct {
	staffLayout
	Form      absenceForm
	Person    roster.Person
	KindLabel string
	Broken    []planner.BrokenDuty
}

func (s *Server) showAbsences(c echo.Context) error {
	today := s.today()
	return s.renderAbsences(c, http.StatusOK, absenceForm{From: today.String(), To: today.String(), Kind: "leave"}, "")
}

func (s *Server) renderAbsences(c echo.Context, status int, f absenceForm, msg string) error {
	ctx := c.Request().Context()
	abs, err := s.store.Absences(ctx, s.today().AddDays(-31), 0)
	if err != nil {
		return err
	}
	people, err := s.store.People(ctx)
	if err != nil {
		return err
	}
	// A township account lists and picks only the people whose leave it may change.
	mine := func(string) bool { return true }
	if unit := unitOf(c); unit != "" {
		own, err := planner.UnitPeople(ctx, s.store, unit)
		if err != nil {
			return err
		}
		mine = func(id string) bool { return own[id] }
	}
	p := &absencesPage{Kinds: planner.AbsenceKinds, Form: f}
	p.Error, p.Notice = msg, c.QueryParam("done")
	byID := map[string]roster.Person{}
	for _, x := range people {
		byID[x.ID] = x
		if x.Active && mine(x.ID) {
			p.People = append(p.People, x)
		}
	}
	for _, a := range abs {
		if mine(a.Person) {
			p.Absences = append(p.Absences, absenceRow{a, byID[a.Person].Name, planner.AbsenceKindLabel(a.Kind)})
		}
	}
	return s.renderStaff(c, status, "staff/absences.html", "absences", "请假/出差", p)
}

type absenceForm struct {
	Person, Kind, From, To, Reason string
}

// readAbsenceForm reads the form; a refusal's fault Msg is shown as is.
func readAbsenceForm(c echo.Context, today roster.Date) (absenceForm, roster.Absence, error) {
	f := absenceForm{Person: c.FormValue("person"), Kind: c.FormValue("kind"), From: strings.TrimSpace(c.FormValue("from")),
		To: strings.TrimSpace(c.FormValue("to")), Reason: strings.TrimSpace(c.FormValue("reason"))}
	a := roster.Absence{Person: f.Person, Kind: roster.AbsenceKind(f.Kind), Reason: f.Reason}
	if err := planner.CheckAbsence(a, today); err != nil {
		return f, a, err
	}
	var err error
	if a.From, err = roster.ParseDate(f.From); err != nil {
		return f, a, fault.InvalidField("from", "开始日期应为 YYYY-MM-DD")
	}
	if a.To, err = roster.ParseDate(f.To); err != nil {
		return f, a, fault.InvalidField("to", "结束日期应为 YYYY-MM-DD")
	}
	return f, a, planner.CheckAbsence(a, today)
}

func (s *Server) absenceFailure(c echo.Context, f absenceForm, err error) error {
	fe := fault.Classify(err)
	if fe == nil || fe.Kind != fault.Invalid {
		return err
	}
	msg := fe.Msg
	if l := fieldLabel(fe.Field); !strings.HasPrefix(msg, strings.TrimSuffix(l, "：")) {
		msg = l + msg
	}
	return s.renderAbsences(c, http.StatusBadRequest, f, msg)
}

func (s *Server) previewAbsence(c echo.Context) error {
	f, ab, err := readAbsenceForm(c, s.today())
	if err != nil {
		return s.absenceFailure(c, f, err)
	}
	return s.renderAbsencePreview(c, http.StatusOK, f, ab, "")
}

func (s *Server) renderAbsencePreview(c echo.Context, status int, f absenceForm, ab roster.Absence, msg string) error {
	ctx := c.Request().Context()
	p, err := s.store.Person(ctx, ab.Person)
	if err != nil {
		return err
	}
	broken, err := planner.AbsenceImpact(ctx, s.store, ab, unitOf(c))
	if err != nil {
		return err
	}
	page := &absencePreviewPage{Form: f, Person: p, KindLabel: planner.AbsenceKindLabel(ab.Kind), Broken: broken}
	page.Error = msg
	return s.renderStaff(c, status, "staff/absence_preview.html", "absences", "登记请假/出差：确认", page)
}

// createAbsence records an absence and applies the kept replacements in one
// transaction; a duty changed since the preview aborts the whole save.
func (s *Server) createAbsence(c echo.Context) error {
	ctx := c.Request().Context()
	f, ab, err := readAbsenceForm(c, s.today())
	if err != nil {
		return s.absenceFailure(c, f, err)
	}
	form, _ := c.FormParams()
	var repl []planner.Replacement
	for _, v := range form["replace"] { // ROSTER|DATE|ROLE|PERSON|VERSION
		parts := strings.Split(v, "|")
		if len(parts) != 5 {
			return fault.InvalidField("replace", "替换项格式错误")
		}
		d, err := roster.ParseDate(parts[1])
		if err != nil {
			return fault.InvalidField("replace", err.Error())
		}
		ver, _ := strconv.Atoi(parts[4])
		a := roster.Assignment{Roster: parts[0], Date: d, Role: parts[2], Person: parts[3]}
		repl = append(repl, planner.Replacement{Assignment: a, Version: ver})
	}
	n, err := planner.AddAbsence(ctx, s.store, ab, repl, s.today(), actor(c), unitOf(c))
	if fe := fault.Classify(err); fe != nil && fe.Kind == fault.Conflict {
		return s.renderAbsencePreview(c, http.StatusConflict, f, ab, "保存失败：预览之后有班次已被他人修改，请假未登记。以下为最新情况，请重新确认。")
	}
	if err != nil {
		return s.absenceFailure(c, f, err)
	}
	msg := "已登记"
	if n > 0 {
		msg += fmt.Sprintf("，并替换 %d 个班次", n)
	}
	return c.Redirect(http.StatusSeeOther, "/staff/absences?"+s.doneQuery(msg))
}

// deleteAbsence removes an absence; the duties it freed stay as they are.
func (s *Server) deleteAbsence(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return fault.InvalidField("id", "编号无效")
	}
	if err := planner.DeleteAbsence(c.Request().Context(), s.store, id, actor(c), unitOf(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/absences?"+s.doneQuery("已删除"))
}
