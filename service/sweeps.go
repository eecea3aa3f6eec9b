package service

import (
	"context"
	"errors"
	"fmt"

	"zhiban/fault"
	"zhiban/store"
	"zhiban/visits"
)

// FileReport files township's report of month's sweep: findings, or 零报告 when r.Nil.
// A second filing is a conflict naming who filed it and when.
func (s *Service) FileReport(ctx context.Context, c Call, month visits.Month, township string, r visits.Report) (visits.Task, []visits.Finding, error) {
	var task visits.Task
	added := []visits.Finding{}
	err := s.run(ctx, c, func(ctx context.Context, e Env) error {
		if err := cleanReport(&township, &r); err != nil {
			return err
		}
		tx := e.Tx
		if township == "" {
			return fault.InvalidField("township", "请选择乡镇")
		}
		// An unknown township is a mistake in the request, not a missing sweep.
		_, names, err := townships(ctx, tx)
		if err != nil {
			return err
		}
		if _, ok := names[township]; !ok {
			return fault.InvalidField("township", "乡镇不存在")
		}
		if err := e.ownTownship(ctx, township, "提交其他乡镇的排查报告"); err != nil {
			return err
		}
		if _, err := tx.Sweep(ctx, month); errors.Is(err, store.ErrNotFound) {
			return fault.Missing("month", string(month)+" 未开启矛盾大排查")
		} else if err != nil {
			return err
		}
		t, err := tx.SweepTaskOf(ctx, month, township)
		if errors.Is(err, store.ErrNotFound) {
			return fault.InvalidField("township", "该乡镇不在本月排查任务中")
		}
		if err != nil {
			return err
		}
		if t.Status != visits.TaskOpen {
			return &fault.Error{Kind: fault.Conflict, Code: "already_filed",
				Msg: fmt.Sprintf("该乡镇本月报告已由 %s 于 %s 提交，不能重复提交", t.FiledBy, t.Filed), Items: []visits.Task{t}}
		}
		// Identity and state of a finding are the service's, never the caller's.
		fs := make([]visits.Finding, len(r.Findings))
		for i, f := range r.Findings {
			f.ID, f.Case, f.Resolved, f.RolledFrom, f.Task = 0, 0, false, 0, t.ID
			fs[i] = f
		}
		r.Findings = fs
		if err := t.File(r, e.Today, e.Actor); err != nil {
			return err
		}
		if err := tx.SaveSweepTask(ctx, t, "file", e.Actor); err != nil {
			return err
		}
		stored, err := tx.AddFindings(ctx, r.Findings, e.Actor)
		if err != nil {
			return err
		}
		task, added = t, append(added, stored...)
		return nil
	})
	return task, added, err
}

// EscalateFinding turns finding id into a key case; see the package function EscalateFinding.
func (s *Service) EscalateFinding(ctx context.Context, c Call, id int64) (visits.Case, visits.Choice, error) {
	var k visits.Case
	var ch visits.Choice
	err := s.run(ctx, c, func(ctx context.Context, e Env) error {
		f, err := e.Tx.Finding(ctx, id)
		if err != nil {
			return err
		}
		if err := e.ownFinding(ctx, f); err != nil {
			return err
		}
		k, ch, err = EscalateFinding(ctx, e, f)
		return err
	})
	return k, ch, err
}

// LinkFinding records that finding id is about the dispute the open case
// code already covers (a petition or a dispute of the same township), instead
// of opening a second case.
func (s *Service) LinkFinding(ctx context.Context, c Call, id int64, code string) (visits.Finding, visits.Case, error) {
	var f visits.Finding
	var k visits.Case
	err := s.run(ctx, c, func(ctx context.Context, e Env) error {
		var err error
		if f, err = e.Tx.Finding(ctx, id); err != nil {
			return err
		}
		if err := e.ownFinding(ctx, f); err != nil {
			return err
		}
		if f.Case != 0 {
			cur, err := e.Tx.Case(ctx, f.Case)
			if err != nil {
				return err
			}
			return &fault.Error{Kind: fault.Conflict, Code: "already_escalated", Msg: "该排查发现已列入包保（案件 " + cur.Code + "）", Items: []any{cur.Public()}}
		}
		if code == "" {
			return fault.InvalidField("case", "请填写已有案件的编号")
		}
		k, err = e.Tx.CaseByCode(ctx, code)
		if errors.Is(err, store.ErrNotFound) {
			return fault.InvalidField("case", "案件 "+code+" 不存在")
		} else if err != nil {
			return err
		}
		task, err := e.Tx.SweepTask(ctx, f.Task)
		if err != nil {
			return err
		}
		switch {
		case k.Township != task.Township:
			return fault.InvalidField("case", "案件 "+code+" 属于其他乡镇，不是同一矛盾纠纷")
		case !k.State.Open():
			return fault.InvalidField("case", "案件 "+code+" 已"+k.State.Label()+"，矛盾纠纷再次出现请列入包保")
		}
		f.Case = k.ID
		return e.Tx.SaveFinding(ctx, f, "link", e.Actor)
	})
	return f, k, err
}

// ResolveFinding marks finding id resolved (化解) once, so it does not roll over.
func (s *Service) ResolveFinding(ctx context.Context, c Call, id int64) (visits.Finding, error) {
	var out visits.Finding
	err := s.run(ctx, c, func(ctx context.Context, e Env) error {
		f, err := e.Tx.Finding(ctx, id)
		if err != nil {
			return err
		}
		if err := e.ownFinding(ctx, f); err != nil {
			return err
		}
		if f.Resolved {
			return &fault.Error{Kind: fault.Conflict, Code: "already_resolved", Msg: "该排查发现已化解", Items: []visits.Finding{f}}
		}
		f.Resolved = true
		out = f
		return e.Tx.SaveFinding(ctx, f, "resolve", e.Actor)
	})
	return out, err
}
