package stats_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"zhiban/stats"
	"zhiban/stats/statstest"
	"zhiban/store/storetest"
)

func rowsByKey(rows []stats.Row) map[string]stats.Figures {
	out := map[string]stats.Figures{}
	for _, r := range rows {
		out[r.Key] = r.Figures
	}
	return out
}

func compareDim(t *testing.T, name string, got []stats.Row, want map[string]*stats.Figures) {
	t.Helper()
	g := rowsByKey(got)
	if len(g) != len(want) {
		t.Errorf("%s: %d groups, want %d", name, len(g), len(want))
	}
	for k, w := range want {
		if !reflect.DeepEqual(g[k], *w) {
			t.Errorf("%s %q:\n got %+v\nwant %+v", name, k, g[k], *w)
		}
	}
}

// TestIndicatorsMatchTheRawRows generates a year and checks every figure of
// several periods against the computation above.
func TestIndicatorsMatchTheRawRows(t *testing.T) {
	st := storetest.OpenDemo(t, func() time.Time { return time.Date(2027, 12, 20, 9, 0, 0, 0, time.UTC) })
	w := statstest.Generate(t, st)
	if w.Cases() < 2000 || w.Visits() < 5000 || w.Sweeps() < 12 {
		t.Fatalf("generated %d cases, %d registrations and visits, %d sweeps", w.Cases(), w.Visits(), w.Sweeps())
	}
	for _, key := range []string{"2027", "2027-Q2", "2027-02", "2027-12", "2026-12"} {
		t.Run(key, func(t *testing.T) {
			p, err := stats.ParsePeriod(key)
			if err != nil {
				t.Fatal(err)
			}
			r, err := stats.Load(context.Background(), st, p, w.AsOf)
			if err != nil {
				t.Fatal(err)
			}
			e := w.Expect(p)
			if !reflect.DeepEqual(r.County, e.County) {
				t.Errorf("county:\n got %+v\nwant %+v", r.County, e.County)
			}
			compareDim(t, "leader", r.Leaders, e.Leaders)
			compareDim(t, "unit", r.Units, e.Units)
			compareDim(t, "township", r.Townships, e.Towns)
			for _, x := range r.Channels {
				if x.Count != e.Channels[x.Name] {
					t.Errorf("channel %s: %d, want %d", x.Name, x.Count, e.Channels[x.Name])
				}
			}
			for _, x := range r.Categories {
				if x.Count != e.Categories[x.Name] {
					t.Errorf("category %s: %d, want %d", x.Name, x.Count, e.Categories[x.Name])
				}
			}
			if r.Roster.Planned != e.Planned || r.Roster.Signed != e.Signed || r.Roster.Replacements != e.Replacements || r.Roster.Swaps != e.Swaps {
				t.Errorf("roster: planned %d signed %d replaced %d swaps %d; want %d %d %d %d", r.Roster.Planned, r.Roster.Signed,
					r.Roster.Replacements, r.Roster.Swaps, e.Planned, e.Signed, e.Replacements, e.Swaps)
			}
			if len(r.Roster.People) != len(e.People) {
				t.Errorf("roster: %d people, want %d", len(r.Roster.People), len(e.People))
			}
			for _, got := range r.Roster.People {
				want := e.People[got.Key]
				if want == nil || got.Planned != want.Planned || got.Signed != want.Signed || got.Replaced != want.Replaced || got.YearTotal != want.YearTotal ||
					!sameCounts(got.ByYear, want.ByYear, len(e.Years)) || got.YearsTotal != want.YearsTotal {
					t.Errorf("roster %s: %+v, want %+v", got.Key, got, want)
				}
			}
			checkFairness(t, r.Roster, e)
			for _, m := range r.Trend {
				mp, _ := stats.ParsePeriod(m.Month)
				em := w.Expect(mp).County
				if m.Acceptance != em.Acceptance || m.Handling != em.Handling || m.Evaluation != em.Evaluation || m.Satisfaction != em.Satisfaction {
					t.Errorf("trend %s: %+v, want %+v %+v %+v %+v", m.Month, m, em.Acceptance, em.Handling, em.Evaluation, em.Satisfaction)
				}
			}
			if key == "2027" && (len(r.Roster.Years) != 3 || len(r.Roster.Pools) == 0 || r.Roster.Pools[0].TotalSpread == 0 || r.Roster.People[0].ByYear[0] == 0) {
				t.Errorf("fairness across the years is too thin to test: %v %+v", r.Roster.Years, r.Roster.Pools)
			}
			if key == "2027" && (r.County.Acceptance.Den < 1500 || r.County.Handling.Den < 1000 || r.County.Evaluation.Num == 0 || r.Roster.Swaps == 0 || r.Roster.Replacements == 0) {
				t.Errorf("the year's data is too thin to test: %+v %+v", r.County, r.Roster)
			}
		})
	}
}

// sameCounts compares per-year counts, a nil want being n zeros.
func sameCounts(got, want []int, n int) bool {
	if want == nil {
		want = make([]int, n)
	}
	return reflect.DeepEqual(got, want)
}

// checkFairness compares the years shown and each pool's duties per person
// and year, its members and its spreads with the independent computation.
func checkFairness(t *testing.T, r stats.Roster, e *statstest.Expected) {
	t.Helper()
	if !reflect.DeepEqual(r.Years, e.Years) {
		t.Errorf("fairness years %v, want %v", r.Years, e.Years)
	}
	if len(r.Pools) != len(e.Pools) {
		t.Errorf("%d pools, want %d", len(r.Pools), len(e.Pools))
	}
	for _, pl := range r.Pools {
		want := e.Pools[pl.Key]
		if want == nil {
			t.Errorf("pool %s not expected", pl.Key)
			continue
		}
		if len(pl.People) != len(want.ByYear) {
			t.Errorf("pool %s: %d people, want %d", pl.Key, len(pl.People), len(want.ByYear))
		}
		for _, pp := range pl.People {
			total := 0
			for _, n := range want.ByYear[pp.Key] {
				total += n
			}
			if !sameCounts(pp.ByYear, want.ByYear[pp.Key], len(e.Years)) || pp.Total != total || pp.Member != want.Member[pp.Key] {
				t.Errorf("pool %s, %s: %+v, want %v (member %v)", pl.Key, pp.Key, pp, want.ByYear[pp.Key], want.Member[pp.Key])
			}
		}
		if !reflect.DeepEqual(pl.Spread, want.Spread) || pl.TotalSpread != want.TotalSpread {
			t.Errorf("pool %s: spread %v, total %d; want %v, %d", pl.Key, pl.Spread, pl.TotalSpread, want.Spread, want.TotalSpread)
		}
	}
}
