package roster

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func mustRule(t testing.TB, s string) DaysRule {
	r, err := ParseDaysRule(s)
	if err != nil {
		panic(err)
	}
	return r
}

// smallInput is one roster with one slot drawn from people P1..Pn.
func smallInput(t testing.TB, n int, days string, gap int, from, to string) Input {
	in := Input{From: MustDate(from), To: MustDate(to)}
	pool := Pool{ID: "p"}
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("P%d", i)
		in.People = append(in.People, Person{ID: id, Active: true})
		pool.Members = append(pool.Members, id)
	}
	in.Pools = []Pool{pool}
	in.Rosters = []Definition{{ID: "r", Days: mustRule(t, days), MinGapDays: gap, Slots: []Slot{{Role: "值班领导", Pool: "p"}}}}
	return in
}

func counts(as []Assignment) map[string]int {
	c := map[string]int{}
	for _, a := range as {
		c[a.Person]++
	}
	return c
}

func mustGenerate(t testing.TB, in Input) Plan {
	t.Helper()
	p, err := Generate(in)
	if err != nil {
		t.Fatal(err)
	}
	if vs := Validate(in, p.Assignments); len(vs) > 0 {
		t.Fatalf("hard violations: %v", vs)
	}
	return p
}

func classStat(t testing.TB, m Metrics, pool string, c DayClass) ClassStat {
	t.Helper()
	for _, st := range m.Classes {
		if st.Pool == pool && st.Class == c.String() {
			return st
		}
	}
	t.Fatalf("no stat for %s/%s", pool, c)
	return ClassStat{}
}

// Hand-checked: 2027-03-01 is a Monday; two plain weeks hold 10 workdays.
func TestSmallBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		people     int
		gap        int
		absent     []Absence
		wantCounts map[string]int
		wantBound  int
	}{
		{"five share ten days evenly", 5, 1, nil, map[string]int{"P1": 2, "P2": 2, "P3": 2, "P4": 2, "P5": 2}, 0},
		{"three share ten days 4-3-3", 3, 1, nil, nil, 1},
		// P2 away the second week: targets 6.67 and 3.33, so 7 and 3, or 6 and 4
		{"leave lowers the target", 2, 1, []Absence{{Person: "P2", From: MustDate("2027-03-08"), To: MustDate("2027-03-12"), Kind: Leave}}, nil, 1},
		// P1 away all but one day: the bound cannot be reached by shares alone
		{"long leave", 2, 1, []Absence{{Person: "P1", From: MustDate("2027-03-02"), To: MustDate("2027-03-12"), Kind: Trip}}, map[string]int{"P1": 1, "P2": 9}, 1},
		{"gap two alternates", 2, 2, nil, map[string]int{"P1": 5, "P2": 5}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := smallInput(t, tc.people, "workdays", tc.gap, "2027-03-01", "2027-03-14")
			in.Absences = tc.absent
			p := mustGenerate(t, in)
			if len(p.Assignments) != 10 || len(p.Unfilled) != 0 {
				t.Fatalf("got %d assignments, %d unfilled", len(p.Assignments), len(p.Unfilled))
			}
			st := classStat(t, p.Metrics, "p", Workday)
			if st.Bound != tc.wantBound || st.Spread != st.Bound {
				t.Errorf("spread %d bound %d, want bound %d reached", st.Spread, st.Bound, tc.wantBound)
			}
			if tc.wantCounts != nil && !reflect.DeepEqual(counts(p.Assignments), tc.wantCounts) {
				t.Errorf("counts %v, want %v", counts(p.Assignments), tc.wantCounts)
			}
			if tc.name == "three share ten days 4-3-3" {
				c := counts(p.Assignments)
				if c["P1"]+c["P2"]+c["P3"] != 10 || max(c["P1"], c["P2"], c["P3"]) != 4 {
					t.Errorf("counts %v, want 4-3-3", c)
				}
			}
			if tc.name == "leave lowers the target" {
				if c := counts(p.Assignments); c["P1"] < 6 || c["P1"] > 7 {
					t.Errorf("counts %v: P1 should carry the absent week without P2 catching up", c)
				}
			}
		})
	}
}

func TestInfeasibleDayIsUnfilled(t *testing.T) {
	t.Parallel()
	in := smallInput(t, 2, "workdays", 1, "2027-03-01", "2027-03-05")
	in.Absences = []Absence{
		{Person: "P1", From: MustDate("2027-03-03"), To: MustDate("2027-03-03"), Kind: Leave},
		{Person: "P2", From: MustDate("2027-03-02"), To: MustDate("2027-03-04"), Kind: Meeting},
	}
	p := mustGenerate(t, in)
	if len(p.Unfilled) != 1 || p.Unfilled[0].Date != MustDate("2027-03-03") {
		t.Fatalf("unfilled %v, want 2027-03-03 only", p.Unfilled)
	}
	if !strings.Contains(p.Unfilled[0].Reason, "请假") {
		t.Errorf("reason %q should say everyone is away", p.Unfilled[0].Reason)
	}
	for _, a := range p.Assignments {
		if a.Date == MustDate("2027-03-03") {
			t.Errorf("filled the infeasible day with %s", a.Person)
		}
	}
	if p.Metrics.Unfilled != 1 || p.Metrics.HardViolations != 0 {
		t.Errorf("metrics %+v", p.Metrics)
	}
}

func TestGapMakesDayUnfilled(t *testing.T) {
	t.Parallel()
	// one person, gap 2: every other day at most
	in := smallInput(t, 1, "all", 2, "2027-03-01", "2027-03-04")
	p := mustGenerate(t, in)
	if len(p.Assignments) != 2 || len(p.Unfilled) != 2 {
		t.Fatalf("got %d assignments, %d unfilled", len(p.Assignments), len(p.Unfilled))
	}
	if !strings.Contains(p.Unfilled[0].Reason, "间隔") {
		t.Errorf("reason %q should name the gap", p.Unfilled[0].Reason)
	}
}

// A holiday Monday is no workday; a make-up Saturday is.
func TestWorkdaysFollowOfficialCalendar(t *testing.T) {
	t.Parallel()
	in := smallInput(t, 3, "workdays", 1, "2027-09-25", "2027-10-10")
	var hol []HolidayDay
	for d := MustDate("2027-10-01"); d <= MustDate("2027-10-07"); d++ {
		hol = append(hol, HolidayDay{Date: d, Kind: Off, Name: "国庆节"})
	}
	hol = append(hol, HolidayDay{Date: MustDate("2027-09-26"), Kind: Work, Name: "国庆节调休"}, HolidayDay{Date: MustDate("2027-10-09"), Kind: Work, Name: "国庆节调休"})
	in.Calendar = NewCalendar(hol)
	p := mustGenerate(t, in)
	got := map[Date]bool{}
	for _, a := range p.Assignments {
		got[a.Date] = true
	}
	for _, d := range []string{"2027-09-26", "2027-09-27", "2027-09-30", "2027-10-08", "2027-10-09"} {
		if !got[MustDate(d)] {
			t.Errorf("%s (workday) has no duty", d)
		}
	}
	for _, d := range []string{"2027-09-25", "2027-10-01", "2027-10-04", "2027-10-07", "2027-10-10"} {
		if got[MustDate(d)] {
			t.Errorf("%s (day off) has a duty", d)
		}
	}
	// 25 Sep Sat off, 26 Sun work, 27–30 work, 1–7 off, 8 Fri, 9 Sat work, 10 Sun off
	if len(p.Assignments) != 7 {
		t.Errorf("got %d duty days, want 7", len(p.Assignments))
	}
}

func TestOffdaysRoster(t *testing.T) {
	t.Parallel()
	in := smallInput(t, 4, "offdays", 1, "2027-09-25", "2027-10-10")
	var hol []HolidayDay
	for d := MustDate("2027-10-01"); d <= MustDate("2027-10-07"); d++ {
		hol = append(hol, HolidayDay{Date: d, Kind: Off, Name: "国庆节"})
	}
	hol = append(hol, HolidayDay{Date: MustDate("2027-09-26"), Kind: Work})
	in.Calendar = NewCalendar(hol)
	p := mustGenerate(t, in)
	// 25 Sep, 9 and 10 Oct (weekend), 1–7 Oct (holiday); 26 Sep is a make-up workday
	if len(p.Assignments) != 10 {
		t.Fatalf("got %d duty days, want 10", len(p.Assignments))
	}
	we := classStat(t, p.Metrics, "p", Weekend)
	ho := classStat(t, p.Metrics, "p", Holiday)
	if we.Slots != 3 || ho.Slots != 7 {
		t.Errorf("weekend %d holiday %d slots, want 3 and 7", we.Slots, ho.Slots)
	}
	if ho.Spread != ho.Bound || ho.Max-ho.Min > 1 {
		t.Errorf("holiday duties not shared: %+v", ho)
	}
}

func TestFixedAndPinnedKept(t *testing.T) {
	t.Parallel()
	in := smallInput(t, 3, "all", 2, "2027-03-01", "2027-03-20")
	pin := Assignment{Roster: "r", Date: MustDate("2027-03-05"), Role: "值班领导", Person: "P3", Source: Manual, Pinned: true}
	frozen := Assignment{Roster: "r", Date: MustDate("2027-03-01"), Role: "值班领导", Person: "P3", Source: Generated}
	in.Fixed = []Assignment{frozen, pin}
	p := mustGenerate(t, in)
	byKey := map[Key]Assignment{}
	for _, a := range p.Assignments {
		byKey[a.Key()] = a
	}
	if byKey[pin.Key()] != pin || byKey[frozen.Key()] != frozen {
		t.Errorf("fixed assignments moved: %v %v", byKey[pin.Key()], byKey[frozen.Key()])
	}
	// gap 2 around the fixed duties
	for _, d := range []string{"2027-03-02", "2027-03-04", "2027-03-06"} {
		if byKey[Key{"r", MustDate(d), "值班领导"}].Person == "P3" {
			t.Errorf("P3 on %s breaks the gap to a fixed duty", d)
		}
	}
}

func TestHistoryCarries(t *testing.T) {
	t.Parallel()
	// one holiday duty to give; P1 served the last one, so P2 gets it
	in := smallInput(t, 2, "offdays", 1, "2027-10-01", "2027-10-01")
	in.Calendar = NewCalendar([]HolidayDay{{Date: MustDate("2027-10-01"), Kind: Off, Name: "国庆节"}})
	in.History = []Assignment{{Roster: "r", Date: MustDate("2027-02-10"), Role: "值班领导", Person: "P1"}}
	in.Calendar = NewCalendar([]HolidayDay{{Date: MustDate("2027-10-01"), Kind: Off}, {Date: MustDate("2027-02-10"), Kind: Off}})
	p := mustGenerate(t, in)
	if len(p.Assignments) != 1 || p.Assignments[0].Person != "P2" {
		t.Errorf("got %v, want P2 (P1 had the last holiday)", p.Assignments)
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	in := SyntheticCounty(7, 12, 5, MustDate("2027-01-01"), MustDate("2027-06-30"))
	a := mustGenerate(t, in)
	for range 3 {
		b := mustGenerate(t, in)
		if !reflect.DeepEqual(a, b) {
			t.Fatal("same input gave different plans")
		}
	}
}

func TestCountyYearAtBound(t *testing.T) {
	t.Parallel()
	in := SyntheticCounty(1, 30, 10, MustDate("2027-01-01"), MustDate("2027-12-31"))
	p := mustGenerate(t, in)
	m := p.Metrics
	if m.HardViolations != 0 || !m.AllAtBound || m.Unfilled != 0 {
		t.Errorf("metrics:\n%s", m.Table())
	}
	for _, ps := range m.Pairs {
		if ps.Used != ps.Possible || ps.MaxRepeat > ps.Limit {
			t.Errorf("pairs %+v", ps)
		}
	}
	for _, g := range m.Gaps {
		if g.MinGap == nil || *g.MinGap < g.MinGapDays {
			t.Errorf("gaps %+v", g)
		}
	}
}

// randomInput builds a messy county: several rosters sharing people, pools
// overlapping, inactive people, leave, gaps and holidays.
func randomInput(seed uint64) Input {
	rng := rand.New(rand.NewPCG(seed, 1))
	from := MustDate("2027-01-01") + Date(rng.IntN(300))
	to := from + Date(10+rng.IntN(60))
	in := Input{From: from, To: to}
	np := 2 + rng.IntN(10)
	for i := 0; i < np; i++ {
		in.People = append(in.People, Person{ID: fmt.Sprintf("P%d", i), Active: rng.IntN(8) > 0})
	}
	for k := 0; k < 1+rng.IntN(3); k++ {
		pl := Pool{ID: fmt.Sprintf("pool%d", k)}
		for i := 0; i < np; i++ {
			if rng.IntN(2) == 0 {
				pl.Members = append(pl.Members, fmt.Sprintf("P%d", i))
			}
		}
		in.Pools = append(in.Pools, pl)
	}
	rules := []string{"workdays", "all", "offdays", "weekly:mon,thu"}
	for r := 0; r < 1+rng.IntN(2); r++ {
		def := Definition{ID: fmt.Sprintf("r%d", r), Days: mustRule(nil, rules[rng.IntN(len(rules))]), MinGapDays: rng.IntN(4)}
		for s := 0; s < 1+rng.IntN(3); s++ {
			def.Slots = append(def.Slots, Slot{Role: fmt.Sprintf("role%d", s), Pool: in.Pools[rng.IntN(len(in.Pools))].ID})
		}
		in.Rosters = append(in.Rosters, def)
	}
	for i := 0; i < rng.IntN(3*np); i++ {
		d := from + Date(rng.IntN(int(to-from)+1))
		in.Absences = append(in.Absences, Absence{Person: fmt.Sprintf("P%d", rng.IntN(np)), From: d, To: d + Date(rng.IntN(8)), Kind: Leave})
	}
	in.Calendar = NewCalendar(syntheticHolidays(from.Year()), syntheticHolidays(to.Year()))
	for i := 0; i < rng.IntN(5); i++ {
		def := in.Rosters[rng.IntN(len(in.Rosters))]
		in.History = append(in.History, Assignment{Roster: def.ID, Date: from - Date(1+rng.IntN(5)), Role: def.Slots[0].Role, Person: fmt.Sprintf("P%d", rng.IntN(np))})
	}
	return in
}

func TestPropertyNoHardViolation(t *testing.T) {
	t.Parallel()
	for seed := uint64(0); seed < 300; seed++ {
		in := randomInput(seed)
		p, err := Generate(in)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if vs := Validate(in, p.Assignments); len(vs) > 0 {
			t.Fatalf("seed %d: violations %v", seed, vs)
		}
		if p.Metrics.HardViolations != 0 {
			t.Fatalf("seed %d: metrics count %d violations", seed, p.Metrics.HardViolations)
		}
		// a second run fixing half of the first keeps them and stays valid
		in.Fixed = nil
		for i, a := range p.Assignments {
			if i%2 == 0 {
				in.Fixed = append(in.Fixed, a)
			}
		}
		q, err := Generate(in)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if vs := Validate(in, q.Assignments); len(vs) > 0 {
			t.Fatalf("seed %d with fixed: violations %v", seed, vs)
		}
		have := map[Key]string{}
		for _, a := range q.Assignments {
			have[a.Key()] = a.Person
		}
		for _, a := range in.Fixed {
			if have[a.Key()] != a.Person {
				t.Fatalf("seed %d: fixed %v moved", seed, a)
			}
		}
		// every slot either assigned or reported
		if len(q.Assignments)+len(q.Unfilled) != len(p.Assignments)+len(p.Unfilled) {
			t.Fatalf("seed %d: slot count changed", seed)
		}
	}
}

// The counters kept incrementally by place and remove match a recount.
func TestIncrementalMatchesRecount(t *testing.T) {
	t.Parallel()
	for seed := uint64(0); seed < 40; seed++ {
		in := randomInput(seed)
		if seed%4 == 0 {
			in = SyntheticCounty(int64(seed), 9, 4, MustDate("2027-01-01"), MustDate("2027-04-30"))
		}
		prob, err := newProblem(in)
		if err != nil {
			t.Fatal(err)
		}
		s := solve(prob)
		fresh := newState(prob)
		fresh.placeFixed()
		for id, w := range s.who {
			if w >= 0 && fresh.who[id] < 0 {
				fresh.place(id, w)
			}
		}
		if !reflect.DeepEqual(s.busy, fresh.busy) || !reflect.DeepEqual(s.occ, fresh.occ) ||
			!reflect.DeepEqual(s.cnt, fresh.cnt) || !reflect.DeepEqual(s.pairs, fresh.pairs) {
			t.Fatalf("seed %d: incremental counters differ from a recount", seed)
		}
		// and the swap deltas match full recomputation of the scores
		ideal := s.ideals()
		checked := 0
		for i1 := 0; i1 < len(prob.insts) && checked < 200; i1 += 3 {
			for i2 := i1 + 1; i2 < len(prob.insts) && checked < 200; i2 += 7 {
				a, b := prob.insts[i1], prob.insts[i2]
				if a.roster != b.roster || a.slot != b.slot || a.group != b.group || a.day == b.day || a.fixed || b.fixed {
					continue
				}
				dPair, dSpace, ok := s.swapDelta(i1, i2, ideal)
				if !ok || dPair > 0 {
					continue
				}
				p0, s0 := s.pairScore(), s.spacingScore(ideal)
				x, y := s.who[i1], s.who[i2]
				s.remove(i1)
				s.remove(i2)
				s.place(i1, y)
				s.place(i2, x)
				p1, s1 := s.pairScore(), s.spacingScore(ideal)
				if p1-p0 != dPair || s1-s0 != dSpace {
					t.Fatalf("seed %d: delta (%d,%d), recount (%d,%d)", seed, dPair, dSpace, p1-p0, s1-s0)
				}
				if !s.eligibleNow(i1) || !s.eligibleNow(i2) {
					t.Fatalf("seed %d: valid swap broke a hard rule", seed)
				}
				s.remove(i1)
				s.remove(i2)
				s.place(i1, x)
				s.place(i2, y)
				checked++
			}
		}
	}
}

// pairScore is the sum of squared pair counts, recomputed from scratch.
func (s *state) pairScore() int {
	total := 0
	for _, pc := range s.pairs {
		for _, c := range pc {
			total += int(c) * int(c)
		}
	}
	return total
}

// spacingScore sums the gap penalty of consecutive duties, recomputed from scratch.
func (s *state) spacingScore(ideal [][]int) int {
	total := 0
	for r := range s.p.rosters {
		for q := 0; q < s.n; q++ {
			row := s.occ[r][q*s.p.nExt : (q+1)*s.p.nExt]
			last := -1
			for e, c := range row {
				if c == 0 {
					continue
				}
				if last >= 0 && ideal[r][q] > 1 {
					total += gapPen(e-last, ideal[r][q])
				}
				last = e
			}
		}
	}
	return total
}

// eligibleNow reports whether the person on id could be placed there again.
func (s *state) eligibleNow(id int) bool {
	w := s.who[id]
	s.remove(id)
	ok := s.eligible(id, w)
	s.place(id, w)
	return ok
}

// After one new 7-day absence mid-year of a leader on duty that week,
// regeneration changes at most 3 slots beyond the invalidated ones and keeps
// spreads within bound+1.
func TestRegenerationStable(t *testing.T) {
	t.Parallel()
	for seed := int64(1); seed <= 6; seed++ {
		in := SyntheticCounty(seed, 30, 10, MustDate("2027-01-01"), MustDate("2027-12-31"))
		first := mustGenerate(t, in)
		r, err := RegenerateAfterAbsence(in, first, MustDate("2027-06-14"), 7)
		if err != nil {
			t.Fatal(err)
		}
		if r.Invalidated == 0 {
			t.Errorf("seed %d: the absence of %s broke no slot", seed, r.Absence.Person)
		}
		if r.Extra > 3 {
			t.Errorf("seed %d: %d changed, %d invalidated: %d beyond", seed, r.Changed, r.Invalidated, r.Extra)
		}
		if r.MaxOver > 1 {
			t.Errorf("seed %d: a spread %d over its bound\n%s", seed, r.MaxOver, r.Plan.Metrics.Table())
		}
		if r.Plan.Metrics.HardViolations != 0 {
			t.Errorf("seed %d: %d violations", seed, r.Plan.Metrics.HardViolations)
		}
		for _, a := range r.Plan.Assignments {
			if a.Person == r.Absence.Person && r.Absence.Covers(a.Date) {
				t.Errorf("seed %d: absent %s on duty %s", seed, a.Person, a.Date)
			}
		}
		t.Logf("seed %d: %s absent, %d invalidated, %d changed, %d beyond, max over bound %d", seed, r.Absence.Person, r.Invalidated, r.Changed, r.Extra, r.MaxOver)
	}
}

func TestMetricsJSONAndTable(t *testing.T) {
	t.Parallel()
	in := SyntheticCounty(3, 8, 4, MustDate("2027-01-01"), MustDate("2027-03-31"))
	p := mustGenerate(t, in)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"assignments", "unfilled", "metrics", "changed"} {
		if _, ok := top[k]; !ok {
			t.Errorf("plan JSON lacks %q", k)
		}
	}
	if !strings.Contains(string(top["assignments"]), `"roster":"county-duty","date":"2027-01-01","role":"值班领导","person":"C`) {
		t.Errorf("assignment shape: %.200s", top["assignments"])
	}
	for _, k := range []string{"hard_violations", "balance_score", "max_deviation", "max_repeat", "min_gap", "spread", "bound"} {
		if !strings.Contains(string(top["metrics"]), `"`+k+`"`) {
			t.Errorf("metrics JSON lacks %q", k)
		}
	}
	tab := p.Metrics.Table()
	for _, h := range []string{"硬约束违反", "下界", "可能搭配", "平均间隔"} {
		if !strings.Contains(tab, h) {
			t.Errorf("table lacks %q:\n%s", h, tab)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	in := smallInput(t, 3, "all", 3, "2027-03-01", "2027-03-10")
	in.People[2].Active = false
	in.Absences = []Absence{{Person: "P1", From: MustDate("2027-03-05"), To: MustDate("2027-03-05"), Kind: Trip}}
	in.Fixed = []Assignment{{Roster: "r", Date: MustDate("2027-03-08"), Role: "值班领导", Person: "P2", Pinned: true}}
	a := func(d, who string) Assignment {
		return Assignment{Roster: "r", Date: MustDate(d), Role: "值班领导", Person: who}
	}
	tests := []struct {
		name string
		as   []Assignment
		want string // reason fragment, "" for valid
	}{
		{"valid", []Assignment{a("2027-03-01", "P1"), a("2027-03-04", "P1")}, ""},
		{"absent", []Assignment{a("2027-03-05", "P1")}, "出差"},
		{"inactive", []Assignment{a("2027-03-01", "P3")}, "不在岗"},
		{"outside pool", []Assignment{a("2027-03-01", "X")}, "不存在"},
		{"gap", []Assignment{a("2027-03-01", "P1"), a("2027-03-03", "P1")}, "最少间隔"},
		{"gap to fixed", []Assignment{a("2027-03-07", "P2")}, "最少间隔"},
		{"unknown role", []Assignment{{Roster: "r", Date: MustDate("2027-03-01"), Role: "x", Person: "P1"}}, "没有岗位"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vs := Validate(in, tc.as)
			if tc.want == "" {
				if len(vs) != 0 {
					t.Errorf("violations %v", vs)
				}
				return
			}
			if len(vs) != 1 || !strings.Contains(vs[0].Reason, tc.want) {
				t.Errorf("violations %v, want one with %q", vs, tc.want)
			}
		})
	}
}

// Extending the horizon keeps the planned months and fills the rest fairly.
func TestExtendHorizon(t *testing.T) {
	t.Parallel()
	in := SyntheticCounty(4, 20, 8, MustDate("2027-01-01"), MustDate("2027-06-30"))
	first := mustGenerate(t, in)
	in.To = MustDate("2027-12-31")
	in.Previous = first.Assignments
	second := mustGenerate(t, in)
	m := second.Metrics
	t.Logf("changed %d of %d\n%s", second.Changed, len(first.Assignments), m.Table())
	if second.Changed > len(first.Assignments)/10 {
		t.Errorf("changed %d of %d kept slots", second.Changed, len(first.Assignments))
	}
	for _, c := range m.Classes {
		if c.Spread > c.Bound+1 {
			t.Errorf("%s/%s spread %d bound %d", c.Pool, c.Class, c.Spread, c.Bound)
		}
	}
}

// With nobody serving twice there is no gap to measure: min and mean gap are
// absent (JSON null, "—" in the table), not a 0 that reads as a violation.
func TestGapsAbsentWithoutPairsOfDuties(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		people  int
		to      string
		wantGap int // -1 for absent
	}{
		{"five people, five days", 5, "2027-03-05", -1},
		{"two people, five days", 2, "2027-03-05", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := smallInput(t, tc.people, "workdays", 2, "2027-03-01", tc.to)
			m := mustGenerate(t, in).Metrics
			g := m.Gaps[0]
			b, _ := json.Marshal(g)
			if tc.wantGap < 0 {
				if g.MinGap != nil || g.MeanGap != nil || !strings.Contains(string(b), `"min_gap":null`) {
					t.Errorf("gap stat %s, want min_gap null", b)
				}
				lines := strings.Split(strings.TrimSpace(m.Table()), "\n")
				if got := strings.Fields(lines[len(lines)-1]); !reflect.DeepEqual(got, []string{"r", "2", "—", "—"}) {
					t.Errorf("table lacks — for the gaps:\n%s", m.Table())
				}
				return
			}
			if g.MinGap == nil || *g.MinGap != tc.wantGap || g.MeanGap == nil {
				t.Errorf("gap stat %s, want min_gap %d", b, tc.wantGap)
			}
		})
	}
}
