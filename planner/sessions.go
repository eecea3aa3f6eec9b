package planner

import (
	"context"
	"maps"
	"slices"

	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// SessionsDone counts what FollowRoster changed.
type SessionsDone struct{ Opened, Cancelled, Updated int }

// FollowRoster makes the 开门接访 sessions of [from, to] match the roster, in
// the caller's transaction: a session whose 值班领导 is no longer on duty is
// cancelled (unless it has received someone), the 跟班领导 follows the roster,
// and a missing session is opened on today and on any later day whose
// sessions exist already; other future days get theirs on the day (follow-ups).
// Days before today are history. A zero today only follows days that have sessions.
// The day's bookings follow as well (FollowBookings).
func FollowRoster(ctx context.Context, tx *store.Store, from, to, today roster.Date, actor, createdBy string) (SessionsDone, error) {
	var done SessionsDone
	from = max(from, today)
	if to < from {
		return done, nil
	}
	// Every path that writes assignments ends here, so bookings follow too.
	if _, err := FollowBookings(ctx, tx, from, to, actor); err != nil {
		return done, err
	}
	existing, err := tx.Visits(ctx, store.VisitFilter{Kind: visits.KindOpen, From: from, To: to})
	if err != nil {
		return done, err
	}
	have := map[roster.Date][]visits.Visit{}
	for _, v := range existing {
		have[v.Date] = append(have[v.Date], v)
	}
	if today.Within(from, to) && have[today] == nil {
		have[today] = []visits.Visit{}
	}
	if len(have) == 0 {
		return done, nil
	}
	defs, err := tx.Rosters(ctx)
	if err != nil {
		return done, err
	}
	duties, err := tx.Duties(ctx, from, to)
	if err != nil {
		return done, err
	}
	want := map[roster.Date][]visits.Visit{}
	for _, w := range visits.OpenSessions(duties, defs) {
		want[w.Date] = append(want[w.Date], w)
	}
	// Days in order, so the sessions' ids do not depend on map order.
	for _, day := range slices.Sorted(maps.Keys(have)) {
		vs := have[day]
		kept := map[string]bool{}
		for _, w := range want[day] {
			i := sessionOf(vs, w.Leader)
			if i < 0 {
				w.CreatedBy = createdBy
				if _, err := tx.CreateVisit(ctx, w, actor); err != nil {
					return done, err
				}
				done.Opened++
				continue
			}
			kept[w.Leader] = true
			if v := vs[i]; v.State.Active() && v.Shadow != w.Shadow {
				v.Shadow = w.Shadow
				if _, err := tx.SaveVisit(ctx, v, v.Version, "roster", actor); err != nil {
					return done, err
				}
				done.Updated++
			}
		}
		for _, v := range vs {
			if kept[v.Leader] || !v.State.Active() || v.WalkIns > 0 {
				continue
			}
			if err := v.Cancel("值班调整，改由当日值班领导接访"); err != nil {
				return done, err
			}
			if _, err := tx.SaveVisit(ctx, v, v.Version, "cancel", actor); err != nil {
				return done, err
			}
			done.Cancelled++
		}
	}
	return done, nil
}

// sessionOf is the index of leader's session in vs that was not cancelled, or -1.
func sessionOf(vs []visits.Visit, leader string) int {
	for i, v := range vs {
		if v.Leader == leader && v.State != visits.VisitCancelled {
			return i
		}
	}
	return -1
}
