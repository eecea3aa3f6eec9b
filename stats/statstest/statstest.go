// Package statstest generates a year of synthetic casework through the store
// and computes the figures statistics should show from what it generated,
// with plain loops, apart from package stats' code path.
package statstest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"zhiban/planner"
	"zhiban/roster"
	"zhiban/stats"
	"zhiban/store"
	"zhiban/visits"
)

// The truth the generator wrote, kept apart from the store: the expected
// figures are computed from these with plain loops, not through Compute.
type genCase struct {
	id                           int64
	dispute                      bool
	channel                      visits.Channel
	category                     visits.Category
	town, leader, unit           string
	received, accepted, rejected roster.Date
	replied, reopened            roster.Date
	ext                          int
}

type genVisit struct {
	id           int64
	kind         visits.Kind
	leader, town string
	date         roster.Date
	state        visits.VisitState
	satisfaction visits.Satisfaction
	walkIns      int
	cases        []int64
}

type genReg struct {
	session          int64
	date             roster.Date
	town, receivedBy string
	size             int
	repeat, skipped  bool
}

type evalKey struct {
	id    int64
	stage visits.EvalStage
}

type genFinding struct{ resolved, rolled bool }

type genTask struct {
	month        string
	town, leader string
	due, filed   roster.Date
	status       visits.TaskStatus
	findings     []genFinding
}

type genDuty struct {
	key      roster.Key
	person   string
	receives bool
	signed   bool // by the person on duty
}

// World is what Generate wrote.
type World struct {
	AsOf     roster.Date
	cal      roster.Calendar
	cases    []genCase
	visits   []genVisit
	regs     []genReg
	evals    map[evalKey]visits.Satisfaction // 满意度评价 recorded
	tasks    []genTask
	duties   []genDuty
	replaced []string // the people taken off, one per replacement
	swapDays [][2]roster.Date
	repDays  []roster.Date
	// For fairness across the years: the pools, who is active, and which
	// pool each roster role draws from.
	pools  []roster.Pool
	active map[string]bool
	poolOf map[[2]string]string
	roles  map[string]int // slots drawing from each pool
}

var (
	units  = []string{"县人社局", "县住建局", "县自然资源局", "县公安局", ""}
	asOf   = roster.MustDate("2027-12-20")
	yearOf = 2027
)

// Generate writes a year of synthetic data through the store: ≥ 2,000
// cases, ≥ 5,000 desk registrations and visits, 12 sweeps, and three years
// of duties (the year and the two before it), each slot filled from its pool.
func Generate(t testing.TB, st *store.Store) *World {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(14, 2027))
	w := &World{AsOf: asOf, evals: map[evalKey]visits.Satisfaction{}}
	var err error
	if w.cal, err = planner.Calendar(ctx, st, roster.MustDate("2023-01-01"), roster.MustDate("2029-12-31")); err != nil {
		t.Fatal(err)
	}
	people, err := st.People(ctx)
	if err != nil {
		t.Fatal(err)
	}
	us, err := st.Units(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var towns []string
	for _, u := range us {
		if u.Kind == "township" {
			towns = append(towns, u.ID)
		}
	}
	defs, err := st.Rosters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	var leaders []string
	w.active = map[string]bool{}
	for _, p := range people {
		leaders = append(leaders, p.ID)
		w.active[p.ID] = p.Active
	}
	if w.pools, err = st.Pools(ctx); err != nil {
		t.Fatal(err)
	}
	members := map[string][]string{}
	for _, pl := range w.pools {
		members[pl.ID] = pl.Members
	}
	w.poolOf, w.roles = map[[2]string]string{}, map[string]int{}
	for _, d := range defs {
		for _, sl := range d.Slots {
			w.poolOf[[2]string{d.ID, sl.Role}] = sl.Pool
			w.roles[sl.Pool]++
		}
	}
	start := roster.MustDate("2026-11-01")
	span := asOf.DaysSince(start)
	err = st.WithTx(ctx, func(tx *store.Store) error {
		// Cases.
		for i := 0; i < 2300; i++ {
			g := genCase{channel: visits.Channels[rng.IntN(4)], category: visits.Categories[rng.IntN(len(visits.Categories))],
				town: pick(towns), unit: units[rng.IntN(len(units))], received: start.AddDays(rng.IntN(span + 1))}
			if rng.IntN(6) > 0 {
				g.leader = pick(leaders)
			}
			k := visits.Case{Code: fmt.Sprintf("S-%05d", i), Title: "合成", Category: g.category, Township: g.town,
				Received: g.received, Channel: g.channel, Petitioner: visits.Petitioner{Name: "合成人"}, GroupSize: 1,
				Leader: g.leader, Unit: g.unit, State: visits.StateReceived}
			decide := g.received.AddDays(rng.IntN(24))
			switch r := rng.IntN(100); {
			case r < 8 || decide > asOf: // still waiting for 受理
			case r < 14:
				g.rejected, k.State, k.Closed = decide, visits.StateRejected, decide
			default:
				g.accepted, k.State, k.Accepted = decide, visits.StateAccepted, decide
				if rng.IntN(6) == 0 {
					g.ext = 1 + rng.IntN(30)
					k.ExtensionDays, k.ExtensionReason, k.Extended = g.ext, "调查", decide.AddDays(30)
				}
				if reply := decide.AddDays(5 + rng.IntN(95)); rng.IntN(5) > 0 && reply <= asOf {
					g.replied, k.State, k.Replied = reply, visits.StateReplied, reply
					if rng.IntN(3) == 0 {
						k.State, k.Closed = visits.StateClosed, min(reply.AddDays(10), asOf)
					}
					if again := reply.AddDays(20); rng.IntN(25) == 0 && again <= asOf {
						g.reopened, k.State, k.Reopened, k.Closed = again, visits.StateAccepted, again, 0
						k.ExtensionDays, k.ExtensionReason, k.Extended, g.ext = 0, "", 0, 0
					}
				}
			}
			k.Accepted, k.Replied = g.accepted, g.replied
			c, err := tx.CreateCase(ctx, k, "gen")
			if err != nil {
				return err
			}
			g.id = c.ID
			w.cases = append(w.cases, g)
		}
		// 满意度评价 at 受理 and 办理 for some cases, answered a few days later.
		answers := []visits.Satisfaction{visits.Satisfied, visits.Satisfied, visits.FairlySatisfed, visits.Dissatisfied}
		for _, c := range w.cases {
			for _, st := range []struct {
				stage visits.EvalStage
				due   roster.Date
			}{{visits.StageAccept, max(c.accepted, c.rejected)}, {visits.StageHandle, c.replied}} {
				on := st.due.AddDays(rng.IntN(12))
				if st.due == 0 || on > asOf || rng.IntN(5) < 2 {
					continue
				}
				a := answers[rng.IntN(len(answers))]
				if _, err := tx.CreateEvaluation(ctx, visits.Evaluation{Case: c.id, Stage: st.stage, Answer: a,
					Source: visits.SourceStaff, AnsweredOn: on, RecordedBy: "gen"}, "gen"); err != nil {
					return err
				}
				w.evals[evalKey{c.id, st.stage}] = a
			}
		}
		// Visits: a 开门接访 session most working days, registrations at the desk.
		var sessions []genVisit
		for d := roster.MustDate("2027-01-01"); d <= roster.MustDate("2027-12-31"); d++ {
			if !w.cal.IsWorkday(d) {
				continue
			}
			v := genVisit{kind: visits.KindOpen, leader: pick(leaders), date: d, state: visits.VisitDone}
			if d > asOf {
				v.state = visits.VisitPlanned
			}
			if rng.IntN(8) == 0 {
				v.town = pick(towns)
			}
			noDesk := rng.IntN(10) == 0
			if noDesk && v.state == visits.VisitDone {
				v.walkIns = rng.IntN(6)
			}
			sv, err := tx.CreateVisit(ctx, visits.Visit{Kind: v.kind, Leader: v.leader, Date: d, Start: 9 * 60, End: 17 * 60,
				Place: "接待中心", Township: v.town, State: v.state, WalkIns: v.walkIns, CreatedBy: "gen"}, "gen")
			if err != nil {
				return err
			}
			v.id = sv.ID
			sessions = append(sessions, v)
			w.visits = append(w.visits, v)
			if noDesk || d > asOf {
				continue
			}
			for n := 18 + rng.IntN(10); n > 0; n-- {
				r := genReg{session: v.id, date: d, town: pick(towns), size: 1 + rng.IntN(8), repeat: rng.IntN(9) == 0, skipped: rng.IntN(20) == 0}
				if rng.IntN(4) > 0 {
					r.receivedBy = pick(leaders)
				}
				if _, err := tx.CreateRegistration(ctx, visits.Registration{Session: r.session, Date: d,
					Visitor: visits.Visitor{Name: "来访人"}, Township: r.town, GroupSize: r.size, Matter: "合成",
					Category: visits.Categories[rng.IntN(len(visits.Categories))], SkippedLevel: r.skipped,
					ReceivedBy: r.receivedBy, State: visits.DeskDone, Repeat: r.repeat, Arrived: d.In(time.UTC), CreatedBy: "gen"}, "gen"); err != nil {
					return err
				}
				w.regs = append(w.regs, r)
			}
		}
		// 主动约访 and 带案下访 on cases, 上门回访 after handling opinions.
		states := []visits.VisitState{visits.VisitDone, visits.VisitDone, visits.VisitDone, visits.VisitCancelled, visits.VisitNoShow, visits.VisitPlanned}
		sats := []visits.Satisfaction{visits.Satisfied, visits.Satisfied, visits.FairlySatisfed, visits.Dissatisfied}
		for i := 0; i < 900; i++ {
			c := w.cases[rng.IntN(len(w.cases))]
			v := genVisit{kind: visits.KindInvite, leader: pick(leaders), town: c.town, date: roster.MustDate("2027-01-01").AddDays(rng.IntN(365)),
				state: states[rng.IntN(len(states))], cases: []int64{c.id}}
			if i%2 == 1 {
				v.kind = visits.KindCarry
				v.cases = append(v.cases, w.cases[rng.IntN(len(w.cases))].id)
			}
			if v.state == visits.VisitDone && rng.IntN(3) == 0 {
				v.walkIns = 1 + rng.IntN(5)
			}
			w.visits = append(w.visits, v)
		}
		for _, c := range w.cases {
			if c.replied == 0 || rng.IntN(5) == 0 {
				continue
			}
			for n := 1 + rng.IntN(2); n > 0; n-- {
				v := genVisit{kind: visits.KindReturn, leader: pick(leaders), town: c.town, date: c.replied.AddDays(rng.IntN(40) - 2),
					state: visits.VisitDone, cases: []int64{c.id}}
				if rng.IntN(10) == 0 {
					v.state = visits.VisitNoShow
				}
				if v.date > asOf {
					v.state = visits.VisitPlanned
				}
				if v.state == visits.VisitDone {
					v.satisfaction = sats[rng.IntN(len(sats))]
				}
				w.visits = append(w.visits, v)
			}
		}
		for i := range w.visits {
			v := &w.visits[i]
			if v.id != 0 {
				continue
			}
			sv, err := tx.CreateVisit(ctx, visits.Visit{Kind: v.kind, Leader: v.leader, Date: v.date, Start: 9 * 60, End: 11 * 60,
				Place: "村委会", Township: v.town, State: v.state, Satisfaction: v.satisfaction, WalkIns: v.walkIns, Cases: v.cases,
				CreatedBy: "gen"}, "gen")
			if err != nil {
				return err
			}
			v.id = sv.ID
		}
		// Twelve sweeps, one task per township; findings roll over unless resolved.
		carried := map[string][]int64{} // unresolved findings of last month, by township
		for m := roster.NewMonth(yearOf, time.January); m <= roster.NewMonth(yearOf, time.December); m++ {
			due := m.First().AddDays(9)
			var ts []visits.Task
			leaderOf := map[string]string{}
			for _, tw := range towns {
				if rng.IntN(7) > 0 {
					leaderOf[tw] = pick(leaders)
				}
				ts = append(ts, visits.Task{Township: tw, Leader: leaderOf[tw], Due: due})
			}
			if _, err := tx.CreateSweep(ctx, visits.Sweep{Month: visits.Month(m.String()), Opened: m.First(), Due: due}, ts, "gen"); err != nil {
				return err
			}
			stored, err := tx.SweepTasks(ctx, visits.Month(m.String()))
			if err != nil {
				return err
			}
			for _, task := range stored {
				g := genTask{month: m.String(), town: task.Township, leader: leaderOf[task.Township], due: due, status: visits.TaskOpen}
				var fs []visits.Finding
				for _, from := range carried[task.Township] {
					fs = append(fs, visits.Finding{Task: task.ID, Summary: "结转", Category: "其他", Parties: 2, Risk: "中", RolledFrom: from})
				}
				if due < asOf || rng.IntN(2) == 0 {
					switch r := rng.IntN(10); {
					case r < 6:
						g.status, g.filed = visits.TaskFiled, due.AddDays(-rng.IntN(9))
					case r < 8:
						g.status, g.filed = visits.TaskNil, due.AddDays(-rng.IntN(5))
					case r < 9:
						g.status, g.filed = visits.TaskFiled, due.AddDays(1+rng.IntN(10))
					}
				}
				if g.filed > asOf {
					g.status, g.filed = visits.TaskOpen, 0
				}
				if g.status == visits.TaskFiled {
					for n := rng.IntN(4); n > 0; n-- {
						fs = append(fs, visits.Finding{Task: task.ID, Summary: "新发现", Category: "劳资", Parties: 3, Risk: "低"})
					}
				}
				for j := range fs {
					fs[j].Resolved = rng.IntN(3) == 0
					g.findings = append(g.findings, genFinding{resolved: fs[j].Resolved, rolled: fs[j].RolledFrom != 0})
				}
				saved, err := tx.AddFindings(ctx, fs, "gen")
				if err != nil {
					return err
				}
				carried[task.Township] = nil
				for _, f := range saved {
					if !f.Resolved {
						carried[task.Township] = append(carried[task.Township], f.ID)
					}
				}
				if g.status != visits.TaskOpen {
					task.Status, task.Filed, task.FiledBy = g.status, g.filed, "gen"
					if err := tx.SaveSweepTask(ctx, task, "file", "gen"); err != nil {
						return err
					}
				}
				w.tasks = append(w.tasks, g)
			}
		}
		// Disputes the sweep put under a 包保领导.
		for i := 0; i < 120; i++ {
			g := genCase{dispute: true, town: pick(towns), leader: pick(leaders), received: roster.MustDate("2027-01-05").AddDays(rng.IntN(350))}
			if g.received > asOf {
				continue
			}
			c, err := tx.CreateCase(ctx, visits.Case{Kind: visits.CaseDispute, Code: fmt.Sprintf("D-%04d", i), Title: "纠纷",
				Category: "劳资", Township: g.town, Received: g.received, Leader: g.leader, State: visits.StateAccepted,
				Accepted: g.received, FromFinding: int64(1 + i), GroupSize: 1}, "gen")
			if err != nil {
				return err
			}
			g.id = c.ID
			w.cases = append(w.cases, g)
		}
		// Three years of duties on every roster, each slot from its pool (a
		// pool without members: anyone), some people drawn more often in the
		// earlier years so the spread is not flat; sign-ins; replacements and
		// swaps by hand in the year itself.
		var plan, earlier []roster.Assignment
		receives := map[string]bool{}
		for _, d := range defs {
			receives[d.ID] = d.ReceivesPublic
			for day := roster.NewDate(yearOf-2, time.January, 1); day <= roster.NewDate(yearOf, time.December, 31); day++ {
				for _, sl := range d.Slots {
					from := members[sl.Pool]
					if len(from) == 0 {
						from = leaders
					}
					who := pick(from)
					if day.Year() < yearOf && rng.IntN(4) == 0 {
						who = from[0]
					}
					a := roster.Assignment{Roster: d.ID, Date: day, Role: sl.Role, Person: who}
					if day.Year() == yearOf {
						plan = append(plan, a)
					} else {
						earlier = append(earlier, a)
					}
				}
			}
		}
		if _, _, err := tx.SaveGenerated(ctx, append(earlier, plan...), nil, "gen"); err != nil {
			return err
		}
		person := map[roster.Key]string{}
		for _, a := range plan {
			person[a.Key()] = a.Person
		}
		used := map[roster.Key]bool{}
		set := func(k roster.Key, p string) error {
			// Each duty is changed once: the generated row is version 1.
			_, err := tx.SetAssignment(ctx, roster.Assignment{Roster: k.Roster, Date: k.Date, Role: k.Role, Person: p}, 1, "gen")
			person[k] = p
			return err
		}
		for i := 0; i < 80; i++ {
			a := plan[rng.IntN(len(plan))]
			k := a.Key()
			if used[k] {
				continue
			}
			used[k] = true
			if i%3 == 0 { // a swap with the same slot some days later
				k2 := roster.Key{Roster: k.Roster, Date: k.Date.AddDays(1 + rng.IntN(20)), Role: k.Role}
				if _, ok := person[k2]; !ok || used[k2] || person[k2] == person[k] || k2.Date.Year() != yearOf {
					continue
				}
				used[k2] = true
				p1, p2 := person[k], person[k2]
				if err := set(k, p2); err != nil {
					return err
				}
				if err := set(k2, p1); err != nil {
					return err
				}
				w.swapDays = append(w.swapDays, [2]roster.Date{k.Date, k2.Date})
				continue
			}
			other := pick(leaders)
			if other == person[k] {
				continue
			}
			w.replaced = append(w.replaced, person[k])
			w.repDays = append(w.repDays, k.Date)
			if err := set(k, other); err != nil {
				return err
			}
		}
		for _, a := range append(earlier, plan...) {
			k := a.Key()
			if _, ok := person[k]; !ok {
				person[k] = a.Person
			}
			g := genDuty{key: k, person: person[k], receives: receives[k.Roster]}
			if g.receives && k.Date <= asOf && rng.IntN(10) < 8 {
				who := g.person
				if rng.IntN(15) == 0 {
					who = pick(leaders) // someone else came; not the planned person's sign-in
				}
				if err := tx.SignIn(ctx, store.Attendance{Roster: k.Roster, Date: k.Date, Role: k.Role, Person: who,
					SignedAt: k.Date.In(time.UTC), How: "staff", SignedBy: "gen"}); err != nil {
					return err
				}
				g.signed = who == g.person
			}
			w.duties = append(w.duties, g)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// Expected are the figures of a period computed from the generated rows.
type Expected struct {
	County                stats.Figures
	Leaders, Units, Towns map[string]*stats.Figures
	Channels, Categories  map[string]int
	Planned, Signed       int
	Replacements, Swaps   int
	People                map[string]*stats.PersonDuties // by leader id: Planned, Signed, Replaced, YearTotal, ByYear, YearsTotal
	Years                 []int
	Pools                 map[string]*ExpectedPool // by pool id
}

// ExpectedPool is one pool's duties across the years.
type ExpectedPool struct {
	ByYear      map[string][]int // by person: members (zeros if none) and others who served
	Member      map[string]bool
	Spread      []int
	TotalSpread int
}

func (e *Expected) at(m map[string]*stats.Figures, k string) *stats.Figures {
	if m[k] == nil {
		m[k] = &stats.Figures{}
	}
	return m[k]
}

func inc(r *stats.Rate, ok bool) {
	r.Den++
	if ok {
		r.Num++
	}
}

// Expect computes the figures of p from the generated rows.
func (w *World) Expect(p stats.Period) *Expected {
	e := &Expected{Leaders: map[string]*stats.Figures{}, Units: map[string]*stats.Figures{}, Towns: map[string]*stats.Figures{},
		Channels: map[string]int{}, Categories: map[string]int{}, People: map[string]*stats.PersonDuties{}}
	person := func(id string) *stats.PersonDuties {
		if e.People[id] == nil {
			e.People[id] = &stats.PersonDuties{}
		}
		return e.People[id]
	}
	in := func(d roster.Date) bool { return d != 0 && d >= p.From && d <= p.To }
	all := func(leader *string, unit *string, town *string, fn func(*stats.Figures)) {
		fn(&e.County)
		if leader != nil {
			fn(e.at(e.Leaders, *leader))
		}
		if unit != nil {
			fn(e.at(e.Units, *unit))
		}
		if town != nil && *town != "" {
			fn(e.at(e.Towns, *town))
		}
	}
	// The latest done return visit on or after the reply, by case.
	type ev struct {
		on  roster.Date
		id  int64
		sat visits.Satisfaction
	}
	latest := map[int64]ev{}
	replied := map[int64]roster.Date{}
	for _, c := range w.cases {
		replied[c.id] = c.replied
	}
	for _, v := range w.visits {
		if v.kind != visits.KindReturn || v.state != visits.VisitDone || v.date > w.AsOf {
			continue
		}
		for _, id := range v.cases {
			if r := replied[id]; r == 0 || v.date < r {
				continue
			}
			if b, ok := latest[id]; !ok || v.date > b.on || v.date == b.on && v.id > b.id {
				latest[id] = ev{v.date, v.id, v.satisfaction}
			}
		}
	}
	for _, c := range w.cases {
		c := c
		if c.dispute {
			if in(c.received) {
				all(&c.leader, nil, &c.town, func(f *stats.Figures) { f.Sweep.Escalated++ })
			}
			continue
		}
		if in(c.received) {
			e.Channels[string(c.channel)]++
			e.Categories[string(c.category)]++
			all(&c.leader, &c.unit, &c.town, func(f *stats.Figures) { f.Cases++ })
		}
		// 及时受理: 15 days, the last day moved off holidays.
		due := visits.DueAfter(c.received, 15, w.cal)
		decision := max(c.accepted, c.rejected)
		if in(due) && (decision != 0 || w.AsOf > due) {
			all(&c.leader, &c.unit, &c.town, func(f *stats.Figures) { inc(&f.Acceptance, decision != 0 && decision <= due) })
		}
		// 按期办结: 60 days from acceptance (or reopening), the extension counted from day 60.
		if c.accepted != 0 {
			start := c.accepted
			if c.reopened != 0 {
				start = c.reopened
			}
			hdue := visits.DueAfter(start, 60, w.cal)
			if c.ext > 0 {
				hdue = visits.DueAfter(start.AddDays(60), c.ext, w.cal)
			}
			met := c.replied != 0 && c.replied >= start
			if in(hdue) && (met || w.AsOf > hdue) || met && in(c.replied) {
				all(&c.leader, &c.unit, &c.town, func(f *stats.Figures) { inc(&f.Handling, met && c.replied <= hdue) })
			}
		}
		// 参评: each stage due in the period; 办理 falls back to the return visit.
		decided := c.accepted
		if decided == 0 {
			decided = c.rejected
		}
		for _, st := range []struct {
			stage visits.EvalStage
			due   roster.Date
		}{{visits.StageAccept, decided}, {visits.StageHandle, c.replied}} {
			if !in(st.due) {
				continue
			}
			a, ok := w.evals[evalKey{c.id, st.stage}]
			if x, visited := latest[c.id]; !ok && visited && st.stage == visits.StageHandle {
				a, ok = x.sat, true
			}
			all(&c.leader, &c.unit, &c.town, func(f *stats.Figures) {
				inc(&f.Evaluation, ok)
				if ok {
					inc(&f.Satisfaction, a != visits.Dissatisfied)
				}
			})
		}
	}
	hasDesk := map[int64]bool{}
	sessionLeader := map[int64]string{}
	for _, r := range w.regs {
		hasDesk[r.session] = true
	}
	for _, v := range w.visits {
		v := v
		if v.kind == visits.KindOpen {
			sessionLeader[v.id] = v.leader
		}
		if !in(v.date) || v.state != visits.VisitDone {
			continue
		}
		people := v.walkIns
		if people == 0 {
			people = len(v.cases)
		}
		switch v.kind {
		case visits.KindOpen:
			if !hasDesk[v.id] && v.walkIns > 0 {
				all(&v.leader, nil, &v.town, func(f *stats.Figures) { f.Open.Batches += v.walkIns; f.Open.People += v.walkIns })
			}
		case visits.KindInvite:
			all(&v.leader, nil, &v.town, func(f *stats.Figures) { f.Invite.Batches++; f.Invite.People += people })
		case visits.KindCarry:
			all(&v.leader, nil, &v.town, func(f *stats.Figures) { f.Carry.Batches++; f.Carry.People += people })
		case visits.KindReturn:
			all(&v.leader, nil, &v.town, func(f *stats.Figures) { f.Return.Batches++; f.Return.People += people })
		}
	}
	for _, r := range w.regs {
		r := r
		if !in(r.date) {
			continue
		}
		leader := r.receivedBy
		if leader == "" {
			leader = sessionLeader[r.session]
		}
		all(&leader, nil, &r.town, func(f *stats.Figures) {
			f.Open.Batches++
			f.Open.People += r.size
			if r.repeat {
				f.Repeat++
			}
			if r.skipped {
				f.SkippedLevel++
			}
		})
	}
	last := ""
	for _, t := range w.tasks {
		if in(roster.MustMonth(t.month).First()) && t.month > last {
			last = t.month
		}
	}
	for _, t := range w.tasks {
		t := t
		if !in(roster.MustMonth(t.month).First()) {
			continue
		}
		all(&t.leader, nil, &t.town, func(f *stats.Figures) {
			f.Sweep.Tasks++
			if t.status != visits.TaskOpen && t.filed <= t.due {
				f.Sweep.OnTime++
			} else if t.status != visits.TaskOpen {
				f.Sweep.Late++
			} else if w.AsOf > t.due {
				f.Sweep.Missing++
			}
			if t.status == visits.TaskNil {
				f.Sweep.Nil++
			}
			for _, fd := range t.findings {
				if !fd.rolled {
					f.Sweep.Findings++
				}
				if fd.resolved {
					f.Sweep.Resolved++
				}
				if t.month == last && !fd.resolved {
					f.Sweep.Open++
				}
			}
		})
	}
	// Fairness across the years: y−2 … y, and y−4, y−3 from the first that holds a duty.
	y := p.From.Year()
	first := y - 2
	for _, d := range w.duties {
		if yy := d.key.Date.Year(); yy >= y-4 && yy < first {
			first = yy
		}
	}
	for yy := first; yy <= y; yy++ {
		e.Years = append(e.Years, yy)
	}
	e.Pools = map[string]*ExpectedPool{}
	for _, pl := range w.pools {
		if w.roles[pl.ID] == 0 {
			continue
		}
		ep := &ExpectedPool{ByYear: map[string][]int{}, Member: map[string]bool{}}
		for _, m := range pl.Members {
			if w.active[m] {
				ep.Member[m] = true
				ep.ByYear[m] = make([]int, len(e.Years))
			}
		}
		e.Pools[pl.ID] = ep
	}
	for _, d := range w.duties {
		yi := d.key.Date.Year() - first
		if yi < 0 || yi >= len(e.Years) {
			continue
		}
		pd := person(d.person)
		if pd.ByYear == nil {
			pd.ByYear = make([]int, len(e.Years))
		}
		pd.ByYear[yi]++
		pd.YearsTotal++
		if ep := e.Pools[w.poolOf[[2]string{d.key.Roster, d.key.Role}]]; ep != nil {
			if ep.ByYear[d.person] == nil {
				ep.ByYear[d.person] = make([]int, len(e.Years))
			}
			ep.ByYear[d.person][yi]++
		}
	}
	for _, ep := range e.Pools {
		ep.Spread = make([]int, len(e.Years))
		for i := range e.Years {
			lo, hi := 1<<30, -1
			for id, n := range ep.ByYear {
				if ep.Member[id] {
					lo, hi = min(lo, n[i]), max(hi, n[i])
				}
			}
			if hi >= 0 {
				ep.Spread[i] = hi - lo
			}
		}
		lo, hi := 1<<30, -1
		for id, n := range ep.ByYear {
			if ep.Member[id] {
				total := 0
				for _, x := range n {
					total += x
				}
				lo, hi = min(lo, total), max(hi, total)
			}
		}
		if hi >= 0 {
			ep.TotalSpread = hi - lo
		}
	}
	for _, d := range w.duties {
		if d.key.Date.Year() == p.From.Year() {
			person(d.person).YearTotal++
		}
		if !d.receives || !in(d.key.Date) || d.key.Date > w.AsOf {
			continue
		}
		e.Planned++
		person(d.person).Planned++
		if d.signed {
			e.Signed++
			person(d.person).Signed++
		}
		inc(&e.County.Duties, d.signed)
		inc(&e.at(e.Leaders, d.person).Duties, d.signed)
	}
	for i, day := range w.repDays {
		if in(day) {
			e.Replacements++
			person(w.replaced[i]).Replaced++
		}
	}
	for _, days := range w.swapDays {
		if in(days[0]) || in(days[1]) {
			e.Swaps++
		}
	}
	return e
}

// Cases counts the generated cases, petitions and disputes.
func (w *World) Cases() int { return len(w.cases) }

// Visits counts the desk registrations and the visits.
func (w *World) Visits() int { return len(w.regs) + len(w.visits) }

// Sweeps counts the months swept.
func (w *World) Sweeps() int {
	ms := map[string]bool{}
	for _, t := range w.tasks {
		ms[t.month] = true
	}
	return len(ms)
}
