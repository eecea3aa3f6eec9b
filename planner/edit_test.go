package planner_test

import (
	"context"
	"errors"
	"testing"

	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
)

// filled is the demo county with March–April 2027 generated, today 1 March.
func filled(t *testing.T) (*store.Store, roster.Date) {
	t.Helper()
	st := demoStore(t)
	from := roster.MustDate("2027-03-01")
	if _, err := planner.Fill(context.Background(), st, from, from.AddDays(60), from, "test"); err != nil {
		t.Fatal(err)
	}
	return st, from
}

// dutyOn is the stored 值班领导 duty of the first duty day on or after d,
// within the 60 days filled.
func dutyOn(t *testing.T, st *store.Store, d roster.Date) store.StoredAssignment {
	t.Helper()
	start := d
	for end := d.AddDays(60); d <= end; d++ {
		as, err := st.Assignments(context.Background(), d, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if a.Role == "值班领导" {
				return a
			}
		}
	}
	t.Fatalf("no 值班领导 duty within 60 days of %s", start)
	return store.StoredAssignment{}
}

func TestAssignRefusals(t *testing.T) {
	ctx := context.Background()
	st, today := filled(t)
	// Two adjacent duty days: the next day's leader is closer than the minimum gap.
	a := dutyOn(t, st, today.AddDays(2))
	b := dutyOn(t, st, a.Date.AddDays(1))
	for b.Date != a.Date.AddDays(1) {
		if b.Date > today.AddDays(40) {
			t.Fatal("no two adjacent duty days in the filled roster")
		}
		a, b = b, dutyOn(t, st, b.Date.AddDays(1))
	}
	_, err := planner.Assign(ctx, st, planner.Assignment{Key: a.Key(), Person: b.Person, Version: a.Version}, "ed")
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind != fault.Conflict {
		t.Fatalf("rule break: %v", err)
	}
	clashes, _ := fe.Items.([]planner.Clash)
	if len(clashes) == 0 || clashes[0].Date != b.Date || clashes[0].Person != b.Person {
		t.Fatalf("clashes %+v, want the duty of %s", fe.Items, b.Date)
	}
	_, err = planner.Assign(ctx, st, planner.Assignment{Key: a.Key(), Person: "nobody", Version: a.Version}, "ed")
	if !errors.As(err, &fe) || fe.Kind != fault.Invalid || fe.Field != "person" {
		t.Fatalf("outside the pool: %v", err)
	}
	v, err := planner.LoadSlot(ctx, st, a.Key())
	if err != nil {
		t.Fatal(err)
	}
	var who string
	for _, c := range v.Candidates {
		if c.OK && !c.Current {
			who = c.ID
			break
		}
	}
	_, err = planner.Assign(ctx, st, planner.Assignment{Key: a.Key(), Person: who, Version: a.Version + 1}, "ed")
	var stale *planner.Stale
	if !errors.As(err, &stale) || !errors.Is(err, store.ErrConflict) || stale.Current == nil || stale.Current.Person != a.Person {
		t.Fatalf("stale version: %v", err)
	}
	got, err := planner.Assign(ctx, st, planner.Assignment{Key: a.Key(), Person: who, Version: a.Version}, "ed")
	if err != nil || got.Person != who || got.Source != roster.Manual {
		t.Fatalf("assign: %+v %v", got, err)
	}
}

// Repair counts what it changes: an absence re-plans the duty it breaks,
// an emptied slot is filled again, and the roster is not extended.
func TestRepairCounts(t *testing.T) {
	ctx := context.Background()
	st, today := filled(t)
	a := dutyOn(t, st, today.AddDays(3))
	b := dutyOn(t, st, a.Date.AddDays(7))
	if _, err := st.AddAbsence(ctx, roster.Absence{Person: a.Person, Kind: roster.Leave, From: a.Date, To: a.Date}, "test"); err != nil {
		t.Fatal(err)
	}
	if _, n, err := st.SaveGenerated(ctx, nil, []roster.Key{b.Key()}, "test"); err != nil || n != 1 {
		t.Fatalf("empty %s: %d %v", b.Date, n, err)
	}
	stored, _ := st.Assignments(ctx, today, 0)
	last := stored[len(stored)-1].Date
	c, err := planner.Repair(ctx, st, today, today.AddDays(365), today, "test")
	if err != nil {
		t.Fatal(err)
	}
	if !c.Ran || c.Replanned != 1 || c.Added != 1 || c.Removed != 0 || len(c.Unfilled) != 0 || len(c.Diff) != 2 || c.To != last {
		t.Fatalf("repair %+v (last stored %s)", c, last)
	}
	if want := "重新安排 1 个失效班次，补排 1 个空缺班次"; c.Summary() != want {
		t.Fatalf("summary %q, want %q", c.Summary(), want)
	}
	if again, err := planner.Repair(ctx, st, today, today.AddDays(365), today, "test"); err != nil || len(again.Diff) != 0 {
		t.Fatalf("second repair %+v %v", again, err)
	}
	empty := demoStore(t)
	if c, err := planner.Repair(ctx, empty, today, today.AddDays(60), today, "test"); err != nil || c.Ran {
		t.Fatalf("repair without a roster: %+v %v", c, err)
	}
}
