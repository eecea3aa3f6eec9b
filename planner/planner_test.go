package planner_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/store/storetest"
)

// demoStore is the demo county, its store's clock at 28 November 2026.
func demoStore(t *testing.T) *store.Store {
	t.Helper()
	return storetest.OpenDemo(t, func() time.Time { return time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC) })
}

func byKey(as []store.StoredAssignment) map[roster.Key]store.StoredAssignment {
	m := map[roster.Key]store.StoredAssignment{}
	for _, a := range as {
		m[a.Key()] = a
	}
	return m
}

func TestFillIsIdempotentAndValid(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	from, to := roster.MustDate("2027-03-01"), roster.MustDate("2027-04-30")
	res, err := planner.Fill(ctx, st, from, to, from, "test")
	if err != nil {
		t.Fatal(err)
	}
	if res.Written == 0 || len(res.Plan.Unfilled) != 0 || res.Plan.Metrics.HardViolations != 0 {
		t.Fatalf("first fill: written %d unfilled %v violations %d", res.Written, res.Plan.Unfilled, res.Plan.Metrics.HardViolations)
	}
	again, err := planner.Fill(ctx, st, from, to, from, "test")
	if err != nil {
		t.Fatal(err)
	}
	if again.Written != 0 || again.Removed != 0 {
		t.Fatalf("second fill changed %d/%d slots", again.Written, again.Removed)
	}
	in, stored, err := planner.Input(ctx, st, from, to)
	if err != nil {
		t.Fatal(err)
	}
	var as []roster.Assignment
	for _, a := range stored {
		if a.Date >= from {
			as = append(as, a.Assignment)
			if !in.Calendar.IsWorkday(a.Date) {
				t.Errorf("duty on non-working day %s", a.Date)
			}
		}
	}
	if v := roster.Validate(in, as); len(v) != 0 {
		t.Fatalf("stored roster breaks rules: %v", v)
	}
}

func TestFillRepairsOnlyWhatAnAbsenceBreaks(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	from, to := roster.MustDate("2027-03-01"), roster.MustDate("2027-04-30")
	if _, err := planner.Fill(ctx, st, from, to, from, "test"); err != nil {
		t.Fatal(err)
	}
	before, _ := st.Assignments(ctx, from, to)
	// Pin one slot and edit another by hand: neither may move.
	pinned := before[0].Assignment
	pinned.Pinned = true
	if _, err := st.SetAssignment(ctx, pinned, before[0].Version, "staff"); err != nil {
		t.Fatal(err)
	}
	// A week's absence for the person on duty on 2027-03-10.
	var victim store.StoredAssignment
	for _, a := range before {
		if a.Date == roster.MustDate("2027-03-10") {
			victim = a
			break
		}
	}
	if _, err := st.AddAbsence(ctx, roster.Absence{Person: victim.Person, From: roster.MustDate("2027-03-08"), To: roster.MustDate("2027-03-14"), Kind: roster.Trip}, "staff"); err != nil {
		t.Fatal(err)
	}
	res, err := planner.Fill(ctx, st, from, to, from, "test")
	if err != nil {
		t.Fatal(err)
	}
	after, _ := st.Assignments(ctx, from, to)
	old, now := byKey(before), byKey(after)
	changed := 0
	for k, a := range now {
		if old[k].Person != a.Person {
			changed++
			if a.Date < roster.MustDate("2027-03-08") || a.Date > roster.MustDate("2027-03-14") || old[k].Person != victim.Person {
				t.Errorf("slot %v changed (%s → %s) though the absence did not break it", k, old[k].Person, a.Person)
			}
		}
		if a.Person == victim.Person && a.Date >= roster.MustDate("2027-03-08") && a.Date <= roster.MustDate("2027-03-14") {
			t.Errorf("absent %s still on duty %s", a.Person, a.Date)
		}
	}
	if changed == 0 || changed != res.Written {
		t.Fatalf("changed %d slots, Fill reported %d", changed, res.Written)
	}
	if now[pinned.Key()].Person != pinned.Person || !now[pinned.Key()].Pinned {
		t.Fatalf("pinned slot moved")
	}
}

func TestFillRemovesDutiesOnNewHolidays(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	from, to := roster.MustDate("2027-06-01"), roster.MustDate("2027-06-30")
	if _, err := planner.Fill(ctx, st, from, to, from, "test"); err != nil {
		t.Fatal(err)
	}
	day := roster.MustDate("2027-06-15") // a Tuesday, declared a holiday by staff
	if err := st.ReplaceHolidayYear(ctx, 2027, []roster.HolidayDay{{Date: day, Kind: roster.Off, Name: "测试假日"}}, "staff"); err != nil {
		t.Fatal(err)
	}
	res, err := planner.Fill(ctx, st, from, to, from, "test")
	if err != nil {
		t.Fatal(err)
	}
	if res.Removed == 0 {
		t.Fatal("no stale slot removed")
	}
	if got, _ := st.Assignments(ctx, day, day); len(got) != 0 {
		t.Fatalf("duties remain on the new holiday: %v", got)
	}
}

// Filling a range that starts in the past never writes, moves or removes a
// slot before today: those days are history.
func TestFillNeverTouchesThePast(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	from, to := roster.MustDate("2027-03-01"), roster.MustDate("2027-03-31")
	today := roster.MustDate("2027-03-15")
	t.Run("empty past stays empty", func(t *testing.T) {
		t.Parallel()
		st := demoStore(t)
		res, err := planner.Fill(ctx, st, from, to, today, "test")
		if err != nil {
			t.Fatal(err)
		}
		past, _ := st.Assignments(ctx, from, today.AddDays(-1))
		if len(past) != 0 {
			t.Fatalf("%d slots written before today, e.g. %+v", len(past), past[0])
		}
		for _, a := range res.Plan.Assignments {
			if a.Date < today {
				t.Fatalf("plan covers the past: %+v", a)
			}
		}
		if res.Written == 0 {
			t.Fatal("nothing written from today on")
		}
	})
	t.Run("stale past slots stay", func(t *testing.T) {
		t.Parallel()
		st := demoStore(t)
		if _, err := planner.Fill(ctx, st, from, to, from, "test"); err != nil {
			t.Fatal(err)
		}
		past := roster.MustDate("2027-03-09") // a Tuesday, declared a holiday after the fact
		if err := st.ReplaceHolidayYear(ctx, 2027, []roster.HolidayDay{{Date: past, Kind: roster.Off, Name: "测试假日"}}, "staff"); err != nil {
			t.Fatal(err)
		}
		before, _ := st.Assignments(ctx, from, today.AddDays(-1))
		if _, err := planner.Fill(ctx, st, from, to, today, "test"); err != nil {
			t.Fatal(err)
		}
		after, _ := st.Assignments(ctx, from, today.AddDays(-1))
		if len(after) != len(before) {
			t.Fatalf("past slots %d → %d", len(before), len(after))
		}
		old := byKey(before)
		for _, a := range after {
			if old[a.Key()].Person != a.Person || old[a.Key()].Version != a.Version {
				t.Fatalf("past slot %v changed", a.Key())
			}
		}
	})
	t.Run("range wholly past", func(t *testing.T) {
		t.Parallel()
		st := demoStore(t)
		res, err := planner.Fill(ctx, st, from, today.AddDays(-1), today, "test")
		if err != nil || res.Written != 0 {
			t.Fatalf("written %d, err %v", res.Written, err)
		}
	})
}

// Unfilled lists exactly the duty slots with nothing stored, and agrees with
// the metrics' count of unfilled slots.
func TestUnfilledMatchesMetrics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := demoStore(t)
	from, to := roster.MustDate("2027-03-01"), roster.MustDate("2027-03-14")
	if _, err := planner.Fill(ctx, st, from, to, from, "test"); err != nil {
		t.Fatal(err)
	}
	all, _ := st.Assignments(ctx, from, to)
	gone := all[3] // a duty removed, as when nobody could take it
	if _, _, err := st.SaveGenerated(ctx, nil, []roster.Key{gone.Key()}, "test"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		from, to roster.Date
		want     []roster.Key
	}{
		{"whole range", from, to, []roster.Key{gone.Key()}},
		{"range without the gap", gone.Date.AddDays(1), to, nil},
		{"beyond what was planned", to.AddDays(1), to.AddDays(1), []roster.Key{
			{Roster: "county-duty", Date: to.AddDays(1), Role: "值班领导"},
			{Roster: "county-duty", Date: to.AddDays(1), Role: "跟班领导"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, stored, err := planner.Input(ctx, st, tc.from, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			got := planner.Unfilled(in, stored)
			if len(got) != len(tc.want) {
				t.Fatalf("unfilled %v, want %v", got, tc.want)
			}
			for i, u := range got {
				if (roster.Key{Roster: u.Roster, Date: u.Date, Role: u.Role}) != tc.want[i] || u.Reason != "未排班" {
					t.Errorf("unfilled[%d] = %+v, want %v", i, u, tc.want[i])
				}
			}
			var as []roster.Assignment
			for _, a := range stored {
				if a.Date >= tc.from {
					as = append(as, a.Assignment)
				}
			}
			if m := roster.ComputeMetrics(in, as); m.Unfilled != len(got) {
				t.Errorf("metrics count %d unfilled, Unfilled lists %d", m.Unfilled, len(got))
			}
		})
	}
}

// Planning a year with no official holiday data warns, until staff import it.
func TestFillWarnsWithoutOfficialCalendar(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := demoStore(t)
	today := roster.MustDate("2026-11-28")
	tests := []struct {
		name     string
		from, to string
		confirm  int // year to import first, 0 for none
		want     []string
	}{
		{"built-in year", "2027-03-01", "2027-03-07", 0, nil},
		{"year without data", "2030-03-01", "2030-03-07", 0, []string{"2030 年没有官方节假日数据，节假日按普通周末计算，请导入国务院办公厅通知"}},
		{"across two such years", "2030-12-28", "2031-01-03", 0, []string{"2030 年没有官方节假日数据", "2031 年没有官方节假日数据"}},
		{"imported by staff", "2030-03-01", "2030-03-07", 2030, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.confirm != 0 {
				if err := st.ReplaceHolidayYear(ctx, tc.confirm, []roster.HolidayDay{{Date: roster.NewDate(tc.confirm, 1, 1), Kind: roster.Off, Name: "元旦"}}, "staff"); err != nil {
					t.Fatal(err)
				}
			}
			res, err := planner.Fill(ctx, st, roster.MustDate(tc.from), roster.MustDate(tc.to), today, "test")
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) != len(tc.want) {
				t.Fatalf("warnings %q, want %q", res.Warnings, tc.want)
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(res.Warnings[i], w) {
					t.Errorf("warning %q, want %q", res.Warnings[i], w)
				}
			}
		})
	}
}
