package service

import (
	"context"

	"zhiban/store"
	"zhiban/visits"
)

// OpenReceptions makes sure e.Today's 开门接访 session exists for each roster's
// 值班领导 and cancels sessions of leaders no longer on duty. Derived from the
// roster, so a rerun changes nothing; it returns how many it opened.
func OpenReceptions(ctx context.Context, e Env) (int, error) {
	tx, today := e.Tx, e.Today
	defs, err := tx.Rosters(ctx)
	if err != nil {
		return 0, err
	}
	heads := map[string]bool{}
	for _, d := range defs {
		if len(d.Slots) > 0 {
			heads[d.Slots[0].Role] = true
		}
	}
	duties, err := tx.Duties(ctx, today, today)
	if err != nil {
		return 0, err
	}
	existing, err := tx.Visits(ctx, store.VisitFilter{Kind: visits.KindOpen, From: today, To: today, ActiveOnly: true})
	if err != nil {
		return 0, err
	}
	onDuty := map[string]bool{}
	has := map[string]bool{}
	for _, v := range existing {
		has[v.Leader] = true
	}
	var sessions []visits.OnDuty
	for _, d := range duties {
		if heads[d.Role] {
			onDuty[d.Person] = true
			if !has[d.Person] {
				sessions = append(sessions, d)
			}
		}
	}
	for _, v := range existing {
		if onDuty[v.Leader] || v.WalkIns > 0 {
			continue
		}
		if err := v.Cancel("值班调整，改由当日值班领导接访"); err != nil {
			continue
		}
		if _, err := tx.SaveVisit(ctx, v, v.Version, "cancel", e.Actor); err != nil {
			return 0, err
		}
	}
	n := 0
	for _, v := range visits.OpenSessions(sessions) {
		v.CreatedBy = e.createdBy()
		if _, err := tx.CreateVisit(ctx, v, e.Actor); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}
