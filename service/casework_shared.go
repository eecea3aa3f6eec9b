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

// EscalateFinding makes a high-risk finding a key case with a 包保领导 from
// visits.ChooseLeader; an escalated finding is a conflict, and nobody eligible
// is ChooseLeader's *visits.Refusal.
func EscalateFinding(ctx context.Context, e Env, f visits.Finding) (visits.Case, visits.Choice, error) {
	tx := e.Tx
	if f.Case != 0 {
		k, err := tx.Case(ctx, f.Case)
		if err != nil {
			return visits.Case{}, visits.Choice{}, err
		}
		return visits.Case{}, visits.Choice{}, &fault.Error{Kind: fault.Conflict, Code: "already_escalated",
			Msg: "该排查发现已转为案件 " + k.Code, Items: []any{k.Public()}}
	}
	task, err := tx.SweepTask(ctx, f.Task)
	if err != nil {
		return visits.Case{}, visits.Choice{}, err
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
