package planner

import (
	"context"

	"zhiban/roster"
	"zhiban/store"
)

// MonthDay is one day of a roster month, with a cell per slot on duty days or stored duty.
type MonthDay struct {
	Date    roster.Date
	Duty    bool
	Holiday string // the official holiday's name, if any
	Cells   []MonthCell
}

// MonthCell is a slot's stored duty, if any, and the rule it breaks now ("" when none).
type MonthCell struct {
	Key      roster.Key
	Duty     store.StoredAssignment
	Exists   bool
	Name     string
	Violates string
}

// Month lists def's days in [from, to], judging stored duties against today's rules.
func Month(ctx context.Context, st *store.Store, def roster.Definition, from, to roster.Date) ([]MonthDay, roster.Calendar, error) {
	in, stored, err := Input(ctx, st, from, to)
	if err != nil {
		return nil, roster.Calendar{}, err
	}
	people := peopleByID(in.People)
	byKey := map[roster.Key]store.StoredAssignment{}
	var current []roster.Assignment
	for _, a := range stored {
		if a.Date >= from {
			byKey[a.Key()] = a
			current = append(current, a.Assignment)
		}
	}
	bad := map[roster.Key]string{}
	for _, v := range roster.Validate(in, current) {
		bad[v.Key] = v.Reason
	}
	var out []MonthDay
	for d := from; d <= to; d++ {
		day := MonthDay{Date: d, Duty: def.Days.IsDutyDay(d, in.Calendar)}
		if h, ok := in.Calendar.Entry(d); ok {
			day.Holiday = h.Name
		}
		for _, sl := range def.Slots {
			k := roster.Key{Roster: def.ID, Date: d, Role: sl.Role}
			a, ok := byKey[k]
			if !day.Duty && !ok {
				continue
			}
			day.Cells = append(day.Cells, MonthCell{Key: k, Duty: a, Exists: ok, Name: people[a.Person].Name, Violates: bad[k]})
		}
		out = append(out, day)
	}
	return out, in.Calendar, nil
}

// FairRow is one leader's duties in one pool, by day class.
type FairRow struct {
	Pool, Person, Name string
	Year, All          [3]int // by roster.DayClass
	YearTotal, Total   int
}

// PersonTotal is one person's duties over every roster they serve in, in the
// measured part of the year, against their fair share (see roster/cross.go).
type PersonTotal struct {
	Person, Name string
	Pools        []string // pool names; two or more: flagged on the page
	Rosters      []string // names of the rosters served in the year
	Counts       [3]int   // by roster.DayClass
	Targets      [3]float64
	Total        int
	Load, Target float64 // weighted by day class
	Dev          float64 // Load − Target
}

// Multi reports whether the person sits in several pools.
func (t PersonTotal) Multi() bool { return len(t.Pools) > 1 }

// Fairness is a year's duties per pool and leader, with the engine's bounds and balance.
type Fairness struct {
	Year         int
	Since, Until roster.Date // the stored history counted, and the year's last duty
	Rows         []FairRow
	People       []PersonTotal // every pool member, over all their rosters
	Multi        int           // how many of them sit in several pools
	Metrics      roster.Metrics
	PoolNames    map[string]string
}

// CountFairness counts the duties of year.
func CountFairness(ctx context.Context, st *store.Store, year int) (Fairness, error) {
	f := Fairness{Year: year}
	from, to := roster.NewDate(year, 1, 1), roster.NewDate(year, 12, 31)
	all, err := st.Assignments(ctx, 0, to)
	if err != nil {
		return f, err
	}
	// Measure only from the year's first to last stored duty: other days would
	// count as unfilled and swamp the figures.
	if len(all) > 0 && all[len(all)-1].Date >= from {
		to = all[len(all)-1].Date
	}
	for _, a := range all {
		if a.Date >= from {
			from = a.Date
			break
		}
	}
	in, stored, err := Input(ctx, st, from, to)
	if err != nil {
		return f, err
	}
	f.Since, f.Until = from, to
	if len(all) > 0 && all[0].Date < f.Since {
		f.Since = all[0].Date
	}
	cal, err := Calendar(ctx, st, f.Since, to)
	if err != nil {
		return f, err
	}
	poolOf := slotPools(in.Rosters)
	people := peopleByID(in.People)
	rows := map[[2]string]*FairRow{}
	var order []*FairRow
	f.PoolNames = map[string]string{}
	for _, pl := range in.Pools {
		f.PoolNames[pl.ID] = pl.Name
		for _, m := range pl.Members {
			r := &FairRow{Pool: pl.Name, Person: m, Name: people[m].Name}
			rows[[2]string{pl.ID, m}] = r
			order = append(order, r)
		}
	}
	for _, a := range all {
		r := rows[[2]string{poolOf[[2]string{a.Roster, a.Role}], a.Person}]
		if r == nil {
			continue
		}
		cl := cal.Class(a.Date)
		r.All[cl]++
		r.Total++
		if a.Date >= from {
			r.Year[cl]++
			r.YearTotal++
		}
	}
	for _, r := range order {
		f.Rows = append(f.Rows, *r)
	}
	var inYear []roster.Assignment
	for _, a := range stored {
		if a.Date >= from {
			inYear = append(inYear, a.Assignment)
		}
	}
	f.Metrics = roster.ComputeMetrics(in, inYear)
	served := map[[2]string]bool{}
	for _, a := range inYear {
		served[[2]string{a.Person, a.Roster}] = true
	}
	for _, ps := range f.Metrics.Persons {
		t := PersonTotal{Person: ps.Person, Name: people[ps.Person].Name, Counts: ps.Counts, Targets: ps.Targets,
			Load: ps.Load, Target: ps.Target, Dev: ps.Load - ps.Target}
		for _, pl := range ps.Pools {
			t.Pools = append(t.Pools, f.PoolNames[pl])
		}
		for _, d := range in.Rosters {
			if served[[2]string{ps.Person, d.ID}] {
				t.Rosters = append(t.Rosters, d.Name)
			}
		}
		for _, n := range ps.Counts {
			t.Total += n
		}
		if t.Multi() {
			f.Multi++
		}
		f.People = append(f.People, t)
	}
	return f, nil
}
