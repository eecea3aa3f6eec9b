package service

import (
	"context"
	"errors"
	"time"

	"zhiban/fault"
	"zhiban/store"
	"zhiban/visits"
)

// JobActor is who the audit log says wrote a job's changes.
const JobActor = "scheduler"

// JobEnv is a job run's Env: its transaction, day, the job actor and its outbox.
func (s *Service) JobEnv(ctx context.Context, tx *store.Store, now time.Time, out Outbox) (Env, error) {
	return NewEnv(ctx, tx, s.cfg, s.Today(now), JobActor, out)
}

func (e Env) createdBy() string {
	if e.Actor == JobActor && e.Out.Job != "" {
		return "job:" + e.Out.Job
	}
	return e.Actor
}

// ScheduleReturnVisit stores a served case's 上门回访 on the leader's first free
// day in the review window, returning any existing one; nil when no day is free
// (follow-ups retry daily and flag it).
func ScheduleReturnVisit(ctx context.Context, e Env, k visits.Case) (*visits.Visit, error) {
	tx := e.Tx
	existing, err := tx.Visits(ctx, store.VisitFilter{Case: k.ID, Kind: visits.KindReturn, From: k.Replied})
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		return &existing[0], nil
	}
	busy, err := tx.Busy(ctx, max(k.Replied, e.Today), k.Replied.AddDays(visits.ReviewDays+15))
	if err != nil {
		return nil, err
	}
	v, err := visits.PlanReturnVisit(k, e.Cal, busy, e.Cfg.Visits.ReturnVisitWithinDays, e.Today)
	var rf *visits.Refusal
	if errors.As(err, &rf) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v.CreatedBy = e.createdBy()
	saved, err := tx.CreateVisit(ctx, v, e.Actor)
	return &saved, err
}

// EscalateFinding puts a high-risk finding under 包保 as a dispute case with a
// 包保领导 from visits.ChooseLeader, or links it to the open case its dispute
// already has (the case's FromFinding is then another finding). An escalated
// finding is a conflict, and nobody eligible is ChooseLeader's *visits.Refusal.
func EscalateFinding(ctx context.Context, e Env, f visits.Finding) (visits.Case, visits.Choice, error) {
	tx := e.Tx
	if f.Case != 0 {
		k, err := tx.Case(ctx, f.Case)
		if err != nil {
			return visits.Case{}, visits.Choice{}, err
		}
		return visits.Case{}, visits.Choice{}, &fault.Error{Kind: fault.Conflict, Code: "already_escalated",
			Msg: "该排查发现已列入包保（案件 " + k.Code + "）", Items: []any{k.Public()}}
	}
	task, err := tx.SweepTask(ctx, f.Task)
	if err != nil {
		return visits.Case{}, visits.Choice{}, err
	}
	if k, ok, err := disputeCase(ctx, tx, f, task.Township); err != nil || ok {
		if err != nil {
			return visits.Case{}, visits.Choice{}, err
		}
		f.Case = k.ID
		ch := visits.Choice{Leader: k.Leader, Explanation: "同一矛盾纠纷已有案件 " + k.Code + "，归入该案件，不另立案"}
		return k, ch, tx.SaveFinding(ctx, f, "link", e.Actor)
	}
	people, err := tx.People(ctx)
	if err != nil {
		return visits.Case{}, visits.Choice{}, err
	}
	load, err := tx.OpenCaseLoad(ctx)
	if err != nil {
		return visits.Case{}, visits.Choice{}, err
	}
	ch, err := visits.ChooseLeader(task.Township, people, load)
	if err != nil {
		return visits.Case{}, visits.Choice{}, err
	}
	code, err := tx.NextCaseCode(ctx, e.Today.Year())
	if err != nil {
		return visits.Case{}, visits.Choice{}, err
	}
	k, err := tx.CreateCase(ctx, visits.CaseFromFinding(f, task, code, ch, e.Today), e.Actor)
	if err != nil {
		return visits.Case{}, visits.Choice{}, err
	}
	f.Case = k.ID
	if err := tx.SaveFinding(ctx, f, "escalate", e.Actor); err != nil {
		return visits.Case{}, visits.Choice{}, err
	}
	return k, ch, nil
}

// disputeCase finds the open case f's dispute already has: the case of a
// finding f continues (rolled over), or an open case from a finding of the
// same township about the same dispute.
func disputeCase(ctx context.Context, tx *store.Store, f visits.Finding, township string) (visits.Case, bool, error) {
	for id, n := f.RolledFrom, 0; id != 0 && n < 120; n++ {
		g, err := tx.Finding(ctx, id)
		if err != nil {
			return visits.Case{}, false, err
		}
		if g.Case != 0 {
			k, err := tx.Case(ctx, g.Case)
			if err != nil || !k.State.Open() {
				return k, false, err
			}
			return k, true, nil
		}
		id = g.RolledFrom
	}
	open, err := tx.Cases(ctx, store.CaseFilter{Township: township, OpenOnly: true})
	if err != nil {
		return visits.Case{}, false, err
	}
	for _, k := range open {
		if k.FromFinding == 0 || k.FromFinding == f.ID {
			continue
		}
		g, err := tx.Finding(ctx, k.FromFinding)
		if err != nil {
			return visits.Case{}, false, err
		}
		if visits.SameDispute(f, g) {
			return k, true, nil
		}
	}
	return visits.Case{}, false, nil
}
