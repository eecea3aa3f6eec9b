package roster

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// SyntheticCounty builds a county for benchmarks and tests: countyLeaders
// county-level leaders (值班领导) and deptLeaders department leaders (跟班领导)
// on a reception roster open every day, a holiday calendar shaped like the
// official one, and random leave, trips and meetings. Equal seeds give equal inputs.
func SyntheticCounty(seed int64, countyLeaders, deptLeaders int, from, to Date) Input {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x7a686962616e))
	in := Input{From: from, To: to}
	county := Pool{ID: "county-leaders", Name: "县领导"}
	dept := Pool{ID: "dept-leaders", Name: "群众工作部领导"}
	for i := 1; i <= countyLeaders; i++ {
		id := fmt.Sprintf("C%02d", i)
		in.People = append(in.People, Person{ID: id, Name: "县领导" + id, Title: "副县长", Rank: RankCounty, Active: true})
		county.Members = append(county.Members, id)
	}
	for i := 1; i <= deptLeaders; i++ {
		id := fmt.Sprintf("D%02d", i)
		in.People = append(in.People, Person{ID: id, Name: "部领导" + id, Title: "副部长", Rank: RankDepartment, Active: true})
		dept.Members = append(dept.Members, id)
	}
	in.Pools = []Pool{county, dept}
	gap := 3
	if deptLeaders < 8 {
		gap = 2
	}
	days, _ := ParseDaysRule("all")
	in.Rosters = []Definition{{
		ID: "county-duty", Name: "县领导接访值班", Days: days,
		Start: 8 * 60, End: 18 * 60, Place: "县来访接待中心", MinGapDays: gap,
		Slots: []Slot{{Role: "值班领导", Pool: county.ID}, {Role: "跟班领导", Pool: dept.ID}},
	}}
	var hol []HolidayDay
	for y := from.Year(); y <= to.Year(); y++ {
		hol = append(hol, syntheticHolidays(y)...)
	}
	in.Calendar = NewCalendar(hol)
	span := int(to-from) + 1
	kinds := []AbsenceKind{Leave, Leave, Trip, Meeting}
	for _, ps := range in.People {
		for range rng.IntN(4) {
			start := from + Date(rng.IntN(span))
			n := 1 + rng.IntN(10)
			k := kinds[rng.IntN(len(kinds))]
			if k == Meeting {
				n = 1 + rng.IntN(2)
			}
			in.Absences = append(in.Absences, Absence{Person: ps.ID, From: start, To: start + Date(n-1), Kind: k})
		}
	}
	return in
}

// SyntheticProvince builds n counties of 8–30 county leaders and 4–10
// department leaders, each planned from from to to.
func SyntheticProvince(seed int64, n int, from, to Date) []Input {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x70726f76))
	out := make([]Input, n)
	for i := range out {
		out[i] = SyntheticCounty(seed*1000+int64(i), 8+rng.IntN(23), 4+rng.IntN(7), from, to)
	}
	return out
}

// syntheticHolidays approximates a year of the State Council's schedule:
// seven-day breaks at the Spring Festival and National Day, shorter ones
// for the other festivals, with make-up working weekends around the long breaks.
func syntheticHolidays(y int) []HolidayDay {
	var out []HolidayDay
	add := func(m time.Month, d, n int, name string, makeup int) {
		start := NewDate(y, m, d)
		for i := 0; i < n; i++ {
			out = append(out, HolidayDay{Date: start + Date(i), Kind: Off, Name: name})
		}
		// make-up workdays: the nearest weekend days before and after the break
		before, after := start-1, start+Date(n)
		for k := 0; k < makeup; k++ {
			if k%2 == 0 {
				for !isWeekend(before) {
					before--
				}
				out = append(out, HolidayDay{Date: before, Kind: Work, Name: name + "调休"})
				before--
			} else {
				for !isWeekend(after) {
					after++
				}
				out = append(out, HolidayDay{Date: after, Kind: Work, Name: name + "调休"})
				after++
			}
		}
	}
	add(time.January, 1, 1, "元旦", 0)
	add(time.February, 6+y%7, 8, "春节", 2)
	add(time.April, 4, 3, "清明节", 0)
	add(time.May, 1, 5, "劳动节", 1)
	add(time.June, 1+y%20, 3, "端午节", 0)
	add(time.September, 10+y%15, 3, "中秋节", 0)
	add(time.October, 1, 7, "国庆节", 2)
	return out
}

// GenerateAll plans independent inputs (e.g. the counties of a province) on
// workers goroutines; plans come back in input order.
func GenerateAll(ins []Input, workers int) ([]Plan, error) {
	out := make([]Plan, len(ins))
	errs := make([]error, len(ins))
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(workers, 1) {
		wg.Go(func() {
			for i := range next {
				out[i], errs[i] = Generate(ins[i])
			}
		})
	}
	for i := range ins {
		next <- i
	}
	close(next)
	wg.Wait()
	return out, errors.Join(errs...)
}

// Regeneration is how a plan changed when regenerated after one new absence.
type Regeneration struct {
	Absence     Absence
	Invalidated int     // slots of the old plan the absence breaks
	Changed     int     // slots that differ in the new plan
	Extra       int     // Changed − Invalidated; the issue allows at most 3
	MaxOver     int     // largest spread − bound of any pool and class; at most 1 allowed
	Plan        Plan    // the regenerated plan
	Took        float64 // seconds the regeneration took
}

// RegenerateAfterAbsence adds a days-long trip from start to the plan first
// (generated from in) and regenerates with first as Previous. The absent
// person is whoever has the most duties in those days (the earliest on a
// tie), so the absence always breaks something.
func RegenerateAfterAbsence(in Input, first Plan, start Date, days int) (Regeneration, error) {
	end := start + Date(days-1)
	n := map[string]int{}
	who := ""
	for _, a := range first.Assignments {
		if a.Date < start || a.Date > end {
			continue
		}
		n[a.Person]++
		if who == "" || n[a.Person] > n[who] {
			who = a.Person
		}
	}
	if who == "" {
		return Regeneration{}, fmt.Errorf("roster: nobody on duty %s–%s", start, end)
	}
	r := Regeneration{Absence: Absence{Person: who, From: start, To: end, Kind: Trip}}
	in.Absences = append(append([]Absence{}, in.Absences...), r.Absence)
	in.Previous = first.Assignments
	r.Invalidated = len(Validate(in, first.Assignments))
	t0 := time.Now()
	second, err := Generate(in)
	if err != nil {
		return r, err
	}
	r.Took = time.Since(t0).Seconds()
	r.Plan, r.Changed = second, second.Changed
	r.Extra = r.Changed - r.Invalidated
	for _, c := range second.Metrics.Classes {
		r.MaxOver = max(r.MaxOver, c.Spread-c.Bound)
	}
	return r, nil
}

// SyntheticTownships builds a county whose pools overlap: the county
// reception roster (every day: 值班领导 from countyLeaders county leaders,
// 跟班领导 from 8 department leaders) and townships township rosters (working
// days, one 值班领导 from a pool of 4–6 township leaders). Every third
// county leader also sits in one or two township pools, and every second
// department leader in one, so people serve two or three pools across
// several rosters; with the holiday calendar, random leave and crossGap as
// the cross-roster gap. Equal seeds give equal inputs.
func SyntheticTownships(seed int64, countyLeaders, townships, crossGap int, from, to Date) Input {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x746f776e))
	in := SyntheticCounty(seed, countyLeaders, 8, from, to)
	in.Absences = nil
	in.CrossGapDays = crossGap
	workdays, _ := ParseDaysRule("workdays")
	for t := 1; t <= townships; t++ {
		pool := Pool{ID: fmt.Sprintf("town%03d", t), Name: fmt.Sprintf("乡镇%03d领导", t)}
		for i := 1; i <= 4+rng.IntN(3); i++ {
			id := fmt.Sprintf("T%03d-%d", t, i)
			in.People = append(in.People, Person{ID: id, Name: "乡镇领导" + id, Title: "副镇长", Rank: RankDepartment, Active: true})
			pool.Members = append(pool.Members, id)
		}
		in.Pools = append(in.Pools, pool)
		in.Rosters = append(in.Rosters, Definition{
			ID: fmt.Sprintf("town%03d-duty", t), Name: fmt.Sprintf("乡镇%03d值班", t), Unit: fmt.Sprintf("U%03d", t),
			Days: workdays, Start: 8*60 + 30, End: 17*60 + 30, Place: fmt.Sprintf("乡镇%03d群众工作站", t), MinGapDays: 2,
			Slots: []Slot{{Role: "值班领导", Pool: pool.ID}},
		})
	}
	link := func(person string, pools int) {
		for range pools {
			t := 2 + rng.IntN(townships-1) // pool 0 and 1 are the county's
			in.Pools[t].Members = append(in.Pools[t].Members, person)
		}
	}
	for i := 1; i <= countyLeaders && townships > 0; i += 3 {
		link(fmt.Sprintf("C%02d", i), 1+rng.IntN(2))
	}
	for i := 1; i <= 8 && townships > 0; i += 2 {
		link(fmt.Sprintf("D%02d", i), 1)
	}
	span := int(to-from) + 1
	kinds := []AbsenceKind{Leave, Leave, Trip, Meeting}
	for _, ps := range in.People {
		for range rng.IntN(3) {
			start := from + Date(rng.IntN(span))
			n := 1 + rng.IntN(10)
			k := kinds[rng.IntN(len(kinds))]
			if k == Meeting {
				n = 1 + rng.IntN(2)
			}
			in.Absences = append(in.Absences, Absence{Person: ps.ID, From: start, To: start + Date(n-1), Kind: k})
		}
	}
	return in
}
