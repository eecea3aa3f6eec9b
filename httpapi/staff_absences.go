package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
)

var absenceKinds = []struct{ Value, Label string }{{"leave", "请假"}, {"trip", "出差"}, {"meeting", "开会"}}

func absenceKindLabel(k roster.AbsenceKind) string {
	for _, x := range absenceKinds {
		if x.Value == string(k) {
			return x.Label
		}
	}
	return string(k)
}

// showAbsences lists recent and coming absences with the form to record one.
func (s *Server) showAbsences(c echo.Context) error {
	return s.renderAbsences(c, http.StatusOK, map[string]any{})
}

func (s *Server) renderAbsences(c echo.Context, status int, data map[string]any) error {
	ctx := c.Request().Context()
	today := s.today()
	abs, err := s.store.Absences(ctx, today.AddDays(-31), 0)
	if err != nil {
		return err
	}
	people, err := s.store.People(ctx)
	if err != nil {
		return err
	}
	byID := map[string]roster.Person{}
	var active []roster.Person
	for _, p := range people {
		byID[p.ID] = p
		if p.Active {
			active = append(active, p)
		}
	}
	type row struct {
		roster.Absence
		Name, KindLabel string
	}
	var rows []row
	for _, a := range abs {
		rows = append(rows, row{a, byID[a.Person].Name, absenceKindLabel(a.Kind)})
	}
	data["Absences"] = rows
	data["People"] = active
	data["Kinds"] = absenceKinds
	if _, ok := data["Form"]; !ok {
		data["Form"] = absenceForm{From: today.String(), To: today.String(), Kind: "leave"}
	}
	if n := c.QueryParam("done"); n != "" {
		data["Notice"] = n
	}
	return s.renderStaff(c, status, "staff/absences.html", "absences", "请假/出差", data)
}

// absenceForm is the form as typed, re-shown on an error.
type absenceForm struct {
	Person, Kind, From, To, Reason string
}

func readAbsenceForm(c echo.Context) (absenceForm, roster.Absence, error) {
	f := absenceForm{Person: c.FormValue("person"), Kind: c.FormValue("kind"), From: strings.TrimSpace(c.FormValue("from")),
		To: strings.TrimSpace(c.FormValue("to")), Reason: strings.TrimSpace(c.FormValue("reason"))}
	a := roster.Absence{Person: f.Person, Kind: roster.AbsenceKind(f.Kind), Reason: f.Reason}
	var err error
	if a.Person == "" {
		return f, a, errors.New("请选择人员")
	}
	if absenceKindLabel(a.Kind) == f.Kind {
		return f, a, errors.New("类型无效")
	}
	if a.From, err = roster.ParseDate(f.From); err != nil {
		return f, a, fmt.Errorf("开始日期：%v", err)
	}
	if a.To, err = roster.ParseDate(f.To); err != nil {
		return f, a, fmt.Errorf("结束日期：%v", err)
	}
	if a.To < a.From {
		return f, a, errors.New("结束日期早于开始日期")
	}
	if a.To.DaysSince(a.From) > 366 {
		return f, a, errors.New("一次最多登记一年")
	}
	return f, a, nil
}

// brokenDuty is a stored duty an absence makes invalid, with the engine's proposal.
type brokenDuty struct {
	store.StoredAssignment
	Name, Proposed, ProposedName, Unfilled string
}

// absenceImpact finds the duties a new absence breaks and asks the engine
// for replacements, every other slot held fixed so only these move.
func (s *Server) absenceImpact(ctx context.Context, ab roster.Absence) ([]brokenDuty, error) {
	in, stored, err := planner.Input(ctx, s.store, ab.From, ab.To)
	if err != nil {
		return nil, err
	}
	people := map[string]roster.Person{}
	for _, p := range in.People {
		people[p.ID] = p
	}
	in.Absences = append(in.Absences, ab)
	var broken []brokenDuty
	isBroken := map[roster.Key]int{}
	for _, a := range stored {
		if a.Date < ab.From {
			continue
		}
		if a.Person == ab.Person && ab.Covers(a.Date) {
			isBroken[a.Key()] = len(broken)
			broken = append(broken, brokenDuty{StoredAssignment: a, Name: people[a.Person].Name})
			continue
		}
		in.Fixed = append(in.Fixed, a.Assignment)
	}
	if len(broken) == 0 {
		return nil, nil
	}
	plan, err := roster.Generate(in)
	if err != nil {
		return nil, err
	}
	for _, a := range plan.Assignments {
		if i, ok := isBroken[a.Key()]; ok {
			broken[i].Proposed, broken[i].ProposedName = a.Person, people[a.Person].Name
		}
	}
	for _, u := range plan.Unfilled {
		if i, ok := isBroken[roster.Key{Roster: u.Roster, Date: u.Date, Role: u.Role}]; ok {
			broken[i].Unfilled = u.Reason
		}
	}
	return broken, nil
}

// previewAbsence shows which duties an absence breaks and who would replace them.
func (s *Server) previewAbsence(c echo.Context) error {
	f, ab, err := readAbsenceForm(c)
	if err != nil {
		return s.renderAbsences(c, http.StatusBadRequest, map[string]any{"Form": f, "Error": err.Error()})
	}
	return s.renderAbsencePreview(c, http.StatusOK, f, ab, "")
}

func (s *Server) renderAbsencePreview(c echo.Context, status int, f absenceForm, ab roster.Absence, msg string) error {
	ctx := c.Request().Context()
	p, err := s.store.Person(ctx, ab.Person)
	if err != nil {
		return err
	}
	broken, err := s.absenceImpact(ctx, ab)
	if err != nil {
		return err
	}
	return s.renderStaff(c, status, "staff/absence_preview.html", "absences", "登记请假/出差：确认", map[string]any{
		"Form": f, "Person": p, "KindLabel": absenceKindLabel(ab.Kind), "Broken": broken, "Error": msg,
	})
}

// createAbsence records an absence and, in the same transaction, applies the
// replacements the editor kept ticked. Each replacement carries the version
// seen in the preview, so a duty changed meanwhile aborts the whole save.
func (s *Server) createAbsence(c echo.Context) error {
	ctx := c.Request().Context()
	f, ab, err := readAbsenceForm(c)
	if err != nil {
		return s.renderAbsences(c, http.StatusBadRequest, map[string]any{"Form": f, "Error": err.Error()})
	}
	form, _ := c.FormParams()
	var repl []struct {
		a       roster.Assignment
		version int
	}
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
		repl = append(repl, struct {
			a       roster.Assignment
			version int
		}{a, ver})
	}
	n := 0
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if _, err := tx.AddAbsence(ctx, ab, actor(c)); err != nil {
			return err
		}
		for _, r := range repl {
			cur, err := tx.Assignment(ctx, r.a.Key())
			if err != nil {
				return err
			}
			r.a.Pinned = cur.Pinned
			if _, err := tx.SetAssignment(ctx, r.a, r.version, actor(c)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	switch {
	case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrNotFound) && len(repl) > 0:
		return s.renderAbsencePreview(c, http.StatusConflict, f, ab, "保存失败：预览之后有班次已被他人修改，请假未登记。以下为最新情况，请重新确认。")
	case err != nil && strings.Contains(err.Error(), "UNIQUE"):
		return s.renderAbsences(c, http.StatusBadRequest, map[string]any{"Form": f, "Error": "这条请假/出差已登记过"})
	case err != nil:
		return err
	}
	msg := "已登记"
	if n > 0 {
		msg += fmt.Sprintf("，并替换 %d 个班次", n)
	}
	return c.Redirect(http.StatusSeeOther, "/staff/absences?"+doneQuery(msg))
}

// deleteAbsence removes an absence; the duties it freed stay as they are.
func (s *Server) deleteAbsence(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return fault.InvalidField("id", "编号无效")
	}
	if err := s.store.DeleteAbsence(c.Request().Context(), id, actor(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/absences?"+doneQuery("已删除"))
}
