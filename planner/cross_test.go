package planner_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"zhiban/county"
	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
)

// crossCounty is the demo county with a township roster (城关镇, working
// days) whose pool holds twelve township leaders and the county leaders L01
// and L02, with a 3-day cross-roster gap, filled March–April 2027. Twelve,
// so that L01 and L02's fair share takes duties from both rosters (with
// fewer, the township needs all of their load; with more, none).
func crossCounty(t *testing.T) (*store.Store, roster.Date) {
	t.Helper()
	ctx := context.Background()
	st := demoStore(t)
	c := county.Demo()
	c.CrossRosterGapDays = 3
	pool := county.Pool{ID: "t01-leaders", Name: "城关镇领导", Members: []string{"L01", "L02"}}
	for i := 1; i <= 12; i++ {
		id := fmt.Sprintf("T%02d", i)
		pool.Members = append(pool.Members, id)
		c.People = append(c.People, county.Person{ID: id, Name: "城关镇领导" + id, Title: "副镇长", Rank: "department"})
	}
	c.Pools = append(c.Pools, pool)
	c.Rosters = append(c.Rosters, county.Roster{ID: "t01-duty", Name: "城关镇值班", Days: "workdays", Start: "08:30", End: "17:30",
		Place: "城关镇群众工作站", Unit: "t01", MinGapDays: 2, Slots: []county.Slot{{Role: "值班领导", Pool: pool.ID}}})
	if _, err := st.ImportCounty(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	from := roster.MustDate("2027-03-01")
	if _, err := planner.Fill(ctx, st, from, from.AddDays(60), from, "test"); err != nil {
		t.Fatal(err)
	}
	return st, from
}

// The county file's cross_roster_gap_days reaches the engine, every stored
// duty keeps it, the two linked pools are at their cross bound, a manual
// edit that breaks it is refused with the rule named, and export carries it.
func TestCrossRosterGapStoredAndKept(t *testing.T) {
	ctx := context.Background()
	st, today := crossCounty(t)
	in, stored, err := planner.Input(ctx, st, today, today.AddDays(60))
	if err != nil {
		t.Fatal(err)
	}
	if in.CrossGapDays != 3 {
		t.Fatalf("CrossGapDays = %d, want 3", in.CrossGapDays)
	}
	var as []roster.Assignment
	for _, a := range stored {
		as = append(as, a.Assignment)
	}
	if vs := roster.Validate(in, as); len(vs) != 0 {
		t.Fatalf("stored roster breaks rules: %v", vs)
	}
	m := roster.ComputeMetrics(in, as)
	multi := 0
	for _, p := range m.Persons {
		if len(p.Pools) > 1 {
			multi++
		}
	}
	if len(m.Cross) == 0 || multi != 2 {
		t.Fatalf("cross %+v persons %+v", m.Cross, m.Persons)
	}
	for _, c := range m.Cross {
		if c.Spread > c.Bound {
			t.Errorf("%v %s spread %d over bound %d", c.Pools, c.Class, c.Spread, c.Bound)
		}
	}

	// L01 or L02 on the county roster; the township slot two days later is closer than 3 days.
	var county, town store.StoredAssignment
	byK := byKey(stored)
	for _, a := range stored {
		if a.Roster != "county-duty" || a.Role != "值班领导" || (a.Person != "L01" && a.Person != "L02") {
			continue
		}
		for k := 1; k <= 2; k++ {
			if x, ok := byK[roster.Key{Roster: "t01-duty", Date: a.Date.AddDays(k), Role: "值班领导"}]; ok && x.Person != a.Person {
				county, town = a, x
			}
		}
		if town.Roster != "" {
			break
		}
	}
	if town.Roster == "" {
		t.Fatal("no county duty of L01/L02 followed by a township duty within two days")
	}
	_, err = planner.Assign(ctx, st, planner.Assignment{Key: town.Key(), Person: county.Person, Version: town.Version}, "ed")
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind != fault.Conflict || !strings.Contains(fe.Msg, "跨值班表最少间隔 3 天") {
		t.Fatalf("assign across the gap: %v", err)
	}
	clashes, _ := fe.Items.([]planner.Clash)
	if len(clashes) == 0 || clashes[0].Roster != "county-duty" || clashes[0].Date != county.Date {
		t.Fatalf("clashes %+v, want the county duty of %s", fe.Items, county.Date)
	}

	out, err := st.ExportCounty(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := out.Marshal()
	if out.CrossRosterGapDays != 3 || !strings.Contains(string(b), "\ncross_roster_gap_days: 3\n") {
		t.Fatalf("export lost the gap: %d", out.CrossRosterGapDays)
	}
	out.CrossRosterGapDays = 0
	if _, err := st.ImportCounty(ctx, out, "test"); err != nil {
		t.Fatal(err)
	}
	if g, err := st.CrossGapDays(ctx); err != nil || g != 0 {
		t.Fatalf("gap after import without it: %d %v", g, err)
	}
}

// A swap inside the county roster that puts L01 or L02 within 3 days of
// their township duty is refused unless the editor confirms it.
func TestSwapAcrossTheCrossGap(t *testing.T) {
	ctx := context.Background()
	st, today := crossCounty(t)
	in, stored, err := planner.Input(ctx, st, today, today.AddDays(60))
	if err != nil {
		t.Fatal(err)
	}
	var fixed []roster.Assignment
	for _, x := range stored {
		fixed = append(fixed, x.Assignment)
	}
	var a, b store.StoredAssignment
	found := false
	for _, x := range stored {
		if found || x.Roster != "county-duty" || x.Role != "值班领导" || (x.Person != "L01" && x.Person != "L02") || x.Date <= today {
			continue
		}
		for _, y := range stored {
			if y.Roster != x.Roster || y.Role != x.Role || y.Person == x.Person || y.Date <= today || y.Date.DaysSince(x.Date) > 30 || x.Date.DaysSince(y.Date) > 30 {
				continue
			}
			trial := in
			trial.Fixed = nil
			for _, f := range fixed {
				if f.Key() != x.Key() && f.Key() != y.Key() {
					trial.Fixed = append(trial.Fixed, f)
				}
			}
			na, nb := x.Assignment, y.Assignment
			na.Person, nb.Person = y.Person, x.Person
			vs := roster.Validate(trial, []roster.Assignment{na, nb})
			if len(vs) == 1 && strings.Contains(vs[0].Reason, "跨值班表最少间隔 3 天") {
				a, b, found = x, y, true
				break
			}
		}
	}
	if !found {
		t.Fatal("no county swap that breaks only the cross-roster gap")
	}
	req := planner.Swap{Key: a.Key(), Version: a.Version, Other: b.Date, OtherVersion: b.Version, Today: today}
	err = planner.SwapSlots(ctx, st, req, "ed")
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind != fault.Conflict || fe.Msg != planner.SwapMsg {
		t.Fatalf("swap across the gap: %v", err)
	}
	req.Force = true
	if err := planner.SwapSlots(ctx, st, req, "ed"); err != nil {
		t.Fatalf("confirmed swap: %v", err)
	}
}
