package service

import (
	"context"
	"errors"
	"fmt"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// VisitInput is a visit to plan; the staff form may name cases by code (CaseCodes).
type VisitInput struct {
	Kind      visits.Kind  `json:"kind"`
	Leader    string       `json:"leader"`
	Date      roster.Date  `json:"date"`
	Start     roster.Clock `json:"start"`
	End       roster.Clock `json:"end"`
	Place     string       `json:"place"`
	Township  string       `json:"township"`
	Cases     []int64      `json:"cases"`
	CaseCodes []string     `json:"-"`
}

// CreateVisit plans a visit; a busy leader is a conflict listing what holds them.
func (s *Service) CreateVisit(ctx context.Context, c Call, in VisitInput) (visits.Visit, error) {
	var out visits.Visit
	err := s.run(ctx, c, func(ctx context.Context, e Env) error {
		if err := in.clean(e.Today); err != nil {
			return err
		}
		tx := e.Tx
		ids, err := resolveCases(ctx, tx, in.Cases, in.CaseCodes)
		if err != nil {
			return err
		}
		v := visits.Visit{Kind: in.Kind, Leader: in.Leader, Date: in.Date, Start: in.Start, End: in.End,
			Place: in.Place, Township: in.Township, Cases: ids, State: visits.VisitPlanned, CreatedBy: e.createdBy()}
		if err := v.Validate(); err != nil {
			return err
		}
		if err := v.NotInPast(e.Today); err != nil {
			return err
		}
		if err := checkLeader(ctx, tx, v.Leader); err != nil {
			return err
		}
		if v.Township != "" {
			if err := CheckTownship(ctx, tx, v.Township); err != nil {
				return err
			}
		}
		if err := e.ownTownship(ctx, v.Township, "安排其他乡镇或县里的走访"); err != nil {
			return err
		}
		if err := leaderFree(ctx, tx, v); err != nil {
			return err
		}
		out, err = tx.CreateVisit(ctx, v, e.Actor)
		return err
	})
	return out, err
}

// resolveCases resolves case ids and codes once; an unknown one is a bad "cases" value.
func resolveCases(ctx context.Context, tx *store.Store, ids []int64, codes []string) ([]int64, error) {
	out := append([]int64(nil), ids...)
	for _, code := range codes {
		k, err := tx.CaseByCode(ctx, code)
		if errors.Is(err, store.ErrNotFound) {
			if _, _, bad := visits.ParseCode(code); bad != nil {
				// Not a code at all: maybe a number typed in the wrong box, never echoed.
				return nil, fault.InvalidField("cases", "案件编号应为“年份-序号”，如 2027-0042")
			}
			return nil, fault.InvalidField("cases", fmt.Sprintf("案件 %s 不存在", code))
		}
		if err != nil {
			return nil, err
		}
		out = append(out, k.ID)
	}
	out = dedupe(out)
	if len(out) == 0 {
		return out, nil
	}
	found, err := tx.Cases(ctx, store.CaseFilter{IDs: out})
	if err != nil {
		return nil, err
	}
	if len(found) != len(out) {
		return nil, fault.InvalidField("cases", "关联的案件不存在")
	}
	return out, nil
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// leaderFree refuses v with a conflict listing what keeps its leader away.
func leaderFree(ctx context.Context, tx *store.Store, v visits.Visit) error {
	busy, err := tx.Busy(ctx, v.Date, v.Date)
	if err != nil {
		return err
	}
	if cs := visits.Conflicts(v, busy); len(cs) > 0 {
		return &fault.Error{Kind: fault.Conflict, Code: "leader_busy", Msg: "领导在该时间另有安排：" + cs[0].Message, Items: cs}
	}
	return nil
}

// VisitAct is a change of a planned visit; Version is the version the caller read.
// A reschedule with no Start and End keeps the hours.
type VisitAct struct {
	Version int          `json:"version"`
	Date    roster.Date  `json:"date"`
	Start   roster.Clock `json:"start"`
	End     roster.Clock `json:"end"`
	Reason  string       `json:"reason"`
	visits.Outcome
	CaseCodes []string `json:"-"`
}

// VisitChange is a saved visit; a dissatisfied return visit lists each linked
// case's 复查 window (Reviews), recorded as asked for when the petitioner did.
type VisitChange struct {
	Visit   visits.Visit
	Reviews []visits.ReviewWindow
}

// ConfirmVisit confirms a visit, rechecking the leader's time since things may have come up.
func (s *Service) ConfirmVisit(ctx context.Context, c Call, id int64, in VisitAct) (VisitChange, error) {
	return s.changeVisit(ctx, c, id, in, "confirm", func(ctx context.Context, e Env, v *visits.Visit, _ VisitAct) error {
		if err := v.Confirm(); err != nil {
			return err
		}
		return leaderFree(ctx, e.Tx, *v)
	})
}

// CancelVisit cancels a visit that has not happened, with the reason.
func (s *Service) CancelVisit(ctx context.Context, c Call, id int64, in VisitAct) (VisitChange, error) {
	return s.changeVisit(ctx, c, id, in, "cancel", func(_ context.Context, _ Env, v *visits.Visit, in VisitAct) error {
		return v.Cancel(in.Reason)
	})
}

// RescheduleVisit moves a visit, keeping the old time in history; conflicts are rechecked.
func (s *Service) RescheduleVisit(ctx context.Context, c Call, id int64, in VisitAct) (VisitChange, error) {
	return s.changeVisit(ctx, c, id, in, "reschedule", func(ctx context.Context, e Env, v *visits.Visit, in VisitAct) error {
		start, end := in.Start, in.End
		if start == 0 && end == 0 {
			start, end = v.Start, v.End
		}
		if err := v.Reschedule(in.Date, start, end, in.Reason, e.Actor); err != nil {
			return err
		}
		if err := v.NotInPast(e.Today); err != nil {
			return err
		}
		return leaderFree(ctx, e.Tx, *v)
	})
}

// RecordOutcome records how a visit went; a dissatisfied return visit opens its cases' 复查 windows.
func (s *Service) RecordOutcome(ctx context.Context, c Call, id int64, in VisitAct) (VisitChange, error) {
	return s.changeVisit(ctx, c, id, in, "outcome", func(ctx context.Context, e Env, v *visits.Visit, in VisitAct) error {
		o := in.Outcome
		var err error
		if o.Cases, err = resolveCases(ctx, e.Tx, o.Cases, in.CaseCodes); err != nil {
			return err
		}
		return v.Record(o, e.Today)
	})
}

// changeVisit checks the caller's version, applies fn with the act as cleaned
// (trimmed, checked) and saves in one transaction.
func (s *Service) changeVisit(ctx context.Context, c Call, id int64, in VisitAct, action string,
	fn func(ctx context.Context, e Env, v *visits.Visit, in VisitAct) error) (VisitChange, error) {
	var out VisitChange
	if err := checkVersion(in.Version); err != nil {
		return out, err
	}
	err := s.run(ctx, c, func(ctx context.Context, e Env) error {
		if err := in.clean(e.Today); err != nil {
			return err
		}
		v, err := e.Tx.Visit(ctx, id)
		if err != nil {
			return err
		}
		if err := e.ownTownship(ctx, v.Township, "修改其他乡镇或县里的走访"); err != nil {
			return err
		}
		if v.Version != in.Version {
			return fault.Conflicts(fmt.Sprintf("走访已被他人修改：当前为第 %d 版，%s %s–%s，状态“%s”。请核对最新内容后重新提交。",
				v.Version, v.Date, v.Start, v.End, v.State.Label()),
				[]StaleItem{{ID: v.ID, Version: v.Version, State: string(v.State), Date: v.Date}})
		}
		if err := fn(ctx, e, &v, in); err != nil {
			return err
		}
		saved, err := e.Tx.SaveVisit(ctx, v, in.Version, action, e.Actor)
		if err != nil {
			return err
		}
		out.Visit = saved
		if action == "outcome" && saved.Dissatisfied() {
			out.Reviews, err = reviewWindows(ctx, e, saved, in.ReviewRequested)
		}
		return err
	})
	return out, err
}

// reviewWindows applies a dissatisfied return visit to its cases: the 复查
// request when made, else a flag keeping the request window in sight.
func reviewWindows(ctx context.Context, e Env, v visits.Visit, requested bool) ([]visits.ReviewWindow, error) {
	out := []visits.ReviewWindow{}
	for _, id := range v.Cases {
		k, err := e.Tx.Case(ctx, id)
		if err != nil {
			return nil, err
		}
		before := k.State
		w := k.AfterDissatisfied(requested, v.Date, e.Today, e.Cal)
		out = append(out, w)
		if k.State != before {
			if _, err := e.Tx.SaveCase(ctx, k, k.Version, "review", e.Actor); err != nil {
				return nil, err
			}
			continue
		}
		if w.Due == 0 || w.Requested {
			continue
		}
		msg := fmt.Sprintf("案件 %s 回访不满意（%s），信访人可于 %s 前申请复查（信访工作条例第三十五条）", k.Code, v.Date, w.Due)
		if _, err := e.Tx.Flag(ctx, store.Flag{Kind: "dissatisfied", Entity: "case", EntityID: fmt.Sprint(k.ID),
			Level: v.Date.String(), On: e.Today, Message: msg, Leader: k.Leader}); err != nil {
			return nil, err
		}
	}
	return out, nil
}
