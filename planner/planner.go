// Package planner holds every roster use case (fill, regenerate, repair, slot
// edits, absences, imports, holidays), each in one transaction with the rules
// checked inside. Nothing here reads the clock: callers pass today and the actor.
package planner

import (
	"context"
	"fmt"
	"slices"

	"zhiban/holiday"
	"zhiban/roster"
	"zhiban/store"
)

// historyDays: a year, so last Spring Festival's leader is not picked first again.
const historyDays = 400

// Calendar is the official calendar for [from, to]: built-in State Council data
// overridden by staff; a year imported whole replaces the built-in one. Built-in
// entries of a year not yet confirmed (holiday.Provisional) are marked 暂定.
func Calendar(ctx context.Context, st *store.Store, from, to roster.Date) (roster.Calendar, error) {
	overrides, err := st.HolidayOverrides(ctx)
	if err != nil {
		return roster.Calendar{}, err
	}
	confirmed, err := st.ConfirmedHolidayYears(ctx)
	if err != nil {
		return roster.Calendar{}, err
	}
	var builtin, provisional []roster.HolidayDay
	for _, h := range holiday.BuiltinBetween(from, to) {
		if y := h.Date.Year(); !confirmed[y] {
			builtin = append(builtin, h)
			if holiday.Provisional(y) {
				provisional = append(provisional, h)
			}
		}
	}
	// A built-in entry staff overrode is theirs, not provisional: WithProvisional
	// keeps only entries the calendar still holds unchanged.
	return roster.NewCalendar(builtin, overrides).WithProvisional(provisional), nil
}

// CalendarWarnings warns of each year of [from, to] with no holiday data, whose
// holidays the engine can only treat as plain weekends.
func CalendarWarnings(from, to roster.Date, known map[int]bool) []string {
	builtin := map[int]bool{}
	for _, y := range holiday.BuiltinYears() {
		builtin[y] = true
	}
	var out []string
	for y := from.Year(); y <= to.Year(); y++ {
		if !builtin[y] && !known[y] {
			out = append(out, fmt.Sprintf("%d 年没有官方节假日数据，节假日按普通周末计算，请导入国务院办公厅通知", y))
		}
	}
	return out
}

// Input loads the engine's input for [from, to] plus stored history.
func Input(ctx context.Context, st *store.Store, from, to roster.Date) (roster.Input, []store.StoredAssignment, error) {
	in := roster.Input{From: from, To: to}
	histFrom := from.AddDays(-historyDays)
	var err error
	if in.Calendar, err = Calendar(ctx, st, histFrom, to); err != nil {
		return in, nil, err
	}
	if in.People, err = st.People(ctx); err != nil {
		return in, nil, err
	}
	if in.Pools, err = st.Pools(ctx); err != nil {
		return in, nil, err
	}
	if in.Rosters, err = st.Rosters(ctx); err != nil {
		return in, nil, err
	}
	if in.CrossGapDays, err = st.CrossGapDays(ctx); err != nil {
		return in, nil, err
	}
	if in.Absences, err = st.Absences(ctx, histFrom, to); err != nil {
		return in, nil, err
	}
	stored, err := st.Assignments(ctx, histFrom, to)
	if err != nil {
		return in, nil, err
	}
	for _, a := range stored {
		if a.Date < from {
			in.History = append(in.History, a.Assignment)
		}
	}
	return in, stored, nil
}

// Result says what Fill did.
type Result struct {
	Plan     roster.Plan
	Written  int      // slots inserted or changed
	Removed  int      // stale generated slots deleted
	Warnings []string // e.g. a year planned without official holiday data
}

// Fill generates [from, to]; manual, pinned, past and still-valid slots are kept,
// so only missing or invalidated slots change. Stale generated slots are removed.
func Fill(ctx context.Context, st *store.Store, from, to, today roster.Date, actor string) (Result, error) {
	return replan(ctx, st, from, to, today, actor, true, nil)
}

// Regenerate re-plans [from, to] for fairness, keeping generated slots only where
// that costs no fairness. One transaction, so callers can preview inside store.WithTx.
func Regenerate(ctx context.Context, st *store.Store, from, to, today roster.Date, actor string) (Result, error) {
	return replan(ctx, st, from, to, today, actor, false, nil)
}

// replan runs the engine and writes in one transaction; keepValid fixes valid
// generated slots (Fill), else they are only preferred (Regenerate). A non-nil
// only confines the writes to those rosters (a township clerk's regeneration):
// the others' stored slots are fixed and their empty ones stay empty.
func replan(ctx context.Context, st *store.Store, from, to, today roster.Date, actor string, keepValid bool, only map[string]bool) (Result, error) {
	if to < from {
		return Result{}, fmt.Errorf("planner: 结束日期 %s 早于开始日期 %s", to, from)
	}
	// Past days are history, never planned: the engine would otherwise fill
	// their empty slots and count those phantom duties toward fairness.
	if from < today {
		from = today
	}
	if to < from {
		return Result{}, nil
	}
	var res Result
	err := st.WithTx(ctx, func(tx *store.Store) error {
		in, stored, err := Input(ctx, tx, from, to)
		if err != nil {
			return err
		}
		slots := dutySlots(in)
		var candidates []roster.Assignment
		var remove []roster.Key
		for _, a := range stored {
			switch {
			case a.Date < from:
			case a.Source == roster.Manual || a.Pinned || a.Date < today || only != nil && !only[a.Roster]:
				in.Fixed = append(in.Fixed, a.Assignment)
			case !slots[a.Key()]:
				remove = append(remove, a.Key())
			default:
				candidates = append(candidates, a.Assignment)
			}
		}
		if keepValid {
			invalid := map[roster.Key]bool{}
			for _, v := range roster.Validate(in, append(append([]roster.Assignment{}, in.Fixed...), candidates...)) {
				invalid[v.Key] = true
			}
			for _, a := range candidates {
				if invalid[a.Key()] {
					in.Previous = append(in.Previous, a)
				} else {
					in.Fixed = append(in.Fixed, a)
				}
			}
		} else {
			in.Previous = candidates
		}
		plan, err := roster.Generate(in)
		if err != nil {
			return fmt.Errorf("planner: generate %s–%s: %w", from, to, err)
		}
		fixed := map[roster.Key]bool{}
		for _, a := range in.Fixed {
			fixed[a.Key()] = true
		}
		planned := map[roster.Key]bool{}
		var writes []roster.Assignment
		for _, a := range plan.Assignments {
			planned[a.Key()] = true
			if !fixed[a.Key()] && a.Date >= today && (only == nil || only[a.Roster]) {
				writes = append(writes, a)
			}
		}
		for _, a := range in.Previous {
			if !planned[a.Key()] {
				remove = append(remove, a.Key()) // nobody can take it: unfilled
			}
		}
		remove = slices.DeleteFunc(remove, func(k roster.Key) bool { return k.Date < today })
		confirmed, err := tx.ConfirmedHolidayYears(ctx)
		if err != nil {
			return err
		}
		written, removed, err := tx.SaveGenerated(ctx, writes, remove, actor)
		res = Result{Plan: plan, Written: written, Removed: removed, Warnings: CalendarWarnings(from, to, confirmed)}
		if err != nil {
			return err
		}
		// Sessions already opened follow; the others open on their day.
		_, err = FollowRoster(ctx, tx, from, to, 0, actor, actor)
		return err
	})
	return res, err
}

// Unfilled lists duty slots with no stored assignment, matching the metrics count.
func Unfilled(in roster.Input, stored []store.StoredAssignment) []roster.Unfilled {
	have := map[roster.Key]bool{}
	for _, a := range stored {
		have[a.Key()] = true
	}
	var out []roster.Unfilled
	for d := in.From; d <= in.To; d++ {
		for _, r := range in.Rosters {
			if !r.Days.IsDutyDay(d, in.Calendar) {
				continue
			}
			for _, sl := range r.Slots {
				if !have[roster.Key{Roster: r.ID, Date: d, Role: sl.Role}] {
					out = append(out, roster.Unfilled{Roster: r.ID, Date: d, Role: sl.Role, Reason: "未排班"})
				}
			}
		}
	}
	return out
}

func dutySlots(in roster.Input) map[roster.Key]bool {
	out := map[roster.Key]bool{}
	for _, r := range in.Rosters {
		for d := in.From; d <= in.To; d++ {
			if !r.Days.IsDutyDay(d, in.Calendar) {
				continue
			}
			for _, s := range r.Slots {
				out[roster.Key{Roster: r.ID, Date: d, Role: s.Role}] = true
			}
		}
	}
	return out
}
