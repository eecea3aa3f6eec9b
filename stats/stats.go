package stats

import (
	"encoding/json"
	"sort"
	"strconv"

	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// Rate is a share: Num of Den. With no Den there is no rate (shown "—",
// null in JSON), never 0% or 100%.
type Rate struct {
	Num int `json:"num"`
	Den int `json:"den"`
}

// Value is Num/Den, false when Den is 0.
func (r Rate) Value() (float64, bool) {
	if r.Den == 0 {
		return 0, false
	}
	return float64(r.Num) / float64(r.Den), true
}

// MarshalJSON adds the value, null without a denominator.
func (r Rate) MarshalJSON() ([]byte, error) {
	var v *float64
	if x, ok := r.Value(); ok {
		v = &x
	}
	return json.Marshal(struct {
		Num   int      `json:"num"`
		Den   int      `json:"den"`
		Value *float64 `json:"value"`
	}{r.Num, r.Den, v})
}

func (r *Rate) add(ok bool) {
	r.Den++
	if ok {
		r.Num++
	}
}

// Count is visits received: 批次 (groups) and 人次 (people).
type Count struct {
	Batches int `json:"batches"`
	People  int `json:"people"`
}

func (c *Count) add(batches, people int) { c.Batches += batches; c.People += people }

// Sweep is the 矛盾大排查 of the period's months.
type Sweep struct {
	Tasks     int `json:"tasks"`
	OnTime    int `json:"on_time"` // filed (or 零报告) by the due day
	Late      int `json:"late"`    // filed after the due day
	Missing   int `json:"missing"` // not filed, due day passed
	Nil       int `json:"nil"`     // 零报告
	Findings  int `json:"findings"`
	Resolved  int `json:"resolved"`
	Escalated int `json:"escalated"`  // disputes put under a 包保领导 (cases from findings)
	Open      int `json:"still_open"` // unresolved at the last swept month of the period
}

// Figures are the indicators of one group: the county, a leader, a unit or a township.
type Figures struct {
	Open         Count `json:"open"`   // 开门接访
	Invite       Count `json:"invite"` // 主动约访
	Carry        Count `json:"carry"`  // 带案下访
	Return       Count `json:"return"` // 上门回访
	Cases        int   `json:"cases"`  // petitions received
	Acceptance   Rate  `json:"timely_acceptance"`
	Handling     Rate  `json:"on_time_handling"`
	Evaluation   Rate  `json:"evaluation"`   // 参评率
	Satisfaction Rate  `json:"satisfaction"` // 满意率
	Repeat       int   `json:"repeat_visits"`
	SkippedLevel int   `json:"skipped_level"`
	Sweep        Sweep `json:"sweep"`
	Duties       Rate  `json:"duties"` // signed in of planned
}

// Visits is the four visits' total.
func (f Figures) Visits() Count {
	return Count{f.Open.Batches + f.Invite.Batches + f.Carry.Batches + f.Return.Batches,
		f.Open.People + f.Invite.People + f.Carry.People + f.Return.People}
}

// Row is one group of a dimension.
type Row struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	Figures
}

// Tally is a count by name (a channel, a category).
type Tally struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Month is the county's rates and visits of one month, for the trend.
type Month struct {
	Month        string `json:"month"`
	Visits       Count  `json:"visits"`
	Acceptance   Rate   `json:"timely_acceptance"`
	Handling     Rate   `json:"on_time_handling"`
	Evaluation   Rate   `json:"evaluation"`
	Satisfaction Rate   `json:"satisfaction"`
}

// PersonDuties are one leader's duties: in the period, across every roster
// in its year, and across the years shown (Roster.Years).
type PersonDuties struct {
	Key        string `json:"key"` // the leader's id
	Name       string `json:"name"`
	Planned    int    `json:"planned"` // duties due by the as-of date, rosters that receive the public
	Signed     int    `json:"signed"`
	Replaced   int    `json:"replaced"`  // duties taken from them by hand (not swaps)
	ByRoster   []int  `json:"by_roster"` // the year's duties per roster, in Rosters order
	YearTotal  int    `json:"year_total"`
	ByYear     []int  `json:"by_year"`     // duties on every roster per year, in Years order
	YearsTotal int    `json:"years_total"` // the sum of ByYear
}

// PoolYears is fairness across the years: the duties of one pool's slots
// (every roster role drawing from it) per person and year, and their spread.
type PoolYears struct {
	Key    string       `json:"key"` // the pool's id
	Name   string       `json:"name"`
	Roles  []string     `json:"roles"` // "roster·role" of each slot drawing from the pool
	People []PoolPerson `json:"people"`
	// Spread is max − min of a year's duties among the pool's members
	// (Member), in Years order; TotalSpread is that of their totals.
	Spread      []int `json:"spread"`
	TotalSpread int   `json:"total_spread"`
}

// PoolPerson is one person's duties in a pool's slots.
type PoolPerson struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	Member bool   `json:"member"` // an active member of the pool now: only members count in the spread
	ByYear []int  `json:"by_year"`
	Total  int    `json:"total"`
}

// Roster is the roster's figures.
type Roster struct {
	Planned      int            `json:"planned"`
	Signed       int            `json:"signed"`
	Replacements int            `json:"replacements"`
	Swaps        int            `json:"swaps"`
	Rosters      []string       `json:"rosters"`
	People       []PersonDuties `json:"people"`
	// Years are the years fairness is shown for, oldest first: the period's
	// year and the two before it, and the two before those if they hold duties.
	Years []int       `json:"years"`
	Pools []PoolYears `json:"pools"`
}

// Report is every figure of a period.
type Report struct {
	Period     Period      `json:"period"`
	AsOf       roster.Date `json:"as_of"`
	County     Figures     `json:"county"`
	Leaders    []Row       `json:"leaders"`
	Units      []Row       `json:"units"`
	Townships  []Row       `json:"townships"`
	Channels   []Tally     `json:"channels"`
	Categories []Tally     `json:"categories"`
	Trend      []Month     `json:"trend"`
	Roster     Roster      `json:"roster"`
}

// Input is what Compute reads: the raw rows and the names.
type Input struct {
	Period Period
	AsOf   roster.Date // today: a clock still running on it is not late yet
	Cal    roster.Calendar
	Cases  []visits.Case // received on or before Period.To
	// Visits dated from the trend's first month through max(Period.To, AsOf):
	// a return visit after the period still evaluates a case replied in it.
	Visits        []store.StatVisit
	Registrations store.StatRegistrations // dated in the period
	// Evaluations (满意度评价) answered from the trend's first month through AsOf.
	Evaluations []visits.Evaluation
	Tasks       []store.StatTask // the period's months
	Rosters     []roster.Definition
	Pools       []roster.Pool
	Assignments []store.StoredAssignment // the period's year and the FairnessYears−1 before it
	Attendance  []store.Attendance       // the period
	Changes     []store.AssignmentChange // duties dated in the period
	People      []roster.Person
	Townships   [][2]string // id, name in county order
}

// unspecified names the group of rows without a leader or unit.
const unspecified = "（未指定）"

type group struct {
	order []string
	names map[string]string
	figs  map[string]*Figures
}

func newGroup() *group { return &group{names: map[string]string{}, figs: map[string]*Figures{}} }

func (g *group) known(key, name string) {
	if _, ok := g.names[key]; !ok {
		g.order = append(g.order, key)
		g.names[key] = name
	}
}

func (g *group) at(key string) *Figures {
	f, ok := g.figs[key]
	if !ok {
		f = &Figures{}
		g.figs[key] = f
		if _, named := g.names[key]; !named {
			name := key
			if key == "" {
				name = unspecified
			}
			g.known(key, name)
		}
	}
	return f
}

// rows are the groups with any figure, in the order they were made known.
func (g *group) rows() []Row {
	out := []Row{}
	for _, k := range g.order {
		if f, ok := g.figs[k]; ok {
			out = append(out, Row{Key: k, Name: g.names[k], Figures: *f})
		}
	}
	return out
}

type tally struct {
	county                Figures
	leaders, units, towns *group
}

// for the groups a row counts in; a dimension the row has none of is skipped
// (a visit has no responsible unit).
func (t *tally) each(leader string, hasLeader bool, unit string, hasUnit bool, town string, hasTown bool, fn func(*Figures)) {
	fn(&t.county)
	if hasLeader {
		fn(t.leaders.at(leader))
	}
	if hasUnit {
		fn(t.units.at(unit))
	}
	if hasTown {
		fn(t.towns.at(town))
	}
}

func (t *tally) forCase(c visits.Case, fn func(*Figures)) {
	t.each(c.Leader, true, c.Unit, true, c.Township, true, fn)
}

// clocks are a petition's 受理告知 and 办理 deadlines as the case page shows
// them (visits.Case.Deadlines), computed once per case.
type clocks struct {
	acceptance visits.Deadline
	handling   visits.Deadline // Kind "" before acceptance
}

func clocksOf(c *visits.Case, cal roster.Calendar) clocks {
	var k clocks
	for i, d := range c.Deadlines(cal) {
		switch {
		case i == 0:
			k.acceptance = d
		case d.Kind == visits.DeadlineHandling:
			k.handling = d
		}
	}
	return k
}

// acceptanceCounts reports whether a 受理告知 deadline belongs to [from, to]
// seen on asOf, and whether it was met in time (docs/statistics.md, 及时受理率).
func acceptanceCounts(d visits.Deadline, from, to, asOf roster.Date) (counts, onTime bool) {
	if d.Due < from || d.Due > to || !d.Met && asOf <= d.Due {
		return false, false
	}
	return true, d.Met && d.MetOn <= d.Due
}

// handlingCounts reports whether a 办理 deadline belongs to [from, to] seen on
// asOf, and whether it was met in time (docs/statistics.md, 按期办结率).
func handlingCounts(h visits.Deadline, from, to, asOf roster.Date) (counts, onTime bool) {
	if h.Kind == "" {
		return false, false
	}
	due := h.Due >= from && h.Due <= to && (h.Met || asOf > h.Due)
	done := h.Met && h.MetOn >= from && h.MetOn <= to
	if !due && !done {
		return false, false
	}
	return true, h.Met && h.MetOn <= h.Due
}

// evaluations maps a case to the satisfaction of its latest done return
// visit on or after its handling opinion, up to asOf: the 办理 stage's
// answer where no 满意度评价 was recorded.
func evaluations(cases map[int64]*visits.Case, vs []store.StatVisit, asOf roster.Date) map[int64]visits.Satisfaction {
	type seen struct {
		on roster.Date
		id int64
		s  visits.Satisfaction
	}
	best := map[int64]seen{}
	for _, v := range vs {
		if v.Kind != visits.KindReturn || v.State != visits.VisitDone || v.Satisfaction == "" || v.Date > asOf {
			continue
		}
		for _, id := range v.Cases {
			c, ok := cases[id]
			if !ok || c.Replied == 0 || v.Date < c.Replied {
				continue
			}
			if b, ok := best[id]; !ok || v.Date > b.on || v.Date == b.on && v.ID > b.id {
				best[id] = seen{v.Date, v.ID, v.Satisfaction}
			}
		}
	}
	out := make(map[int64]visits.Satisfaction, len(best))
	for id, b := range best {
		out[id] = b.s
	}
	return out
}

// answers are the petitioners' answers by case and stage: the 满意度评价
// recorded, and for the 办理 stage without one, the return visit's.
type answers struct {
	recorded map[evalKey]visits.Satisfaction
	visited  map[int64]visits.Satisfaction
}

type evalKey struct {
	id    int64
	stage visits.EvalStage
}

func (a answers) of(id int64, stage visits.EvalStage) (visits.Satisfaction, bool) {
	if s, ok := a.recorded[evalKey{id, stage}]; ok {
		return s, true
	}
	if stage == visits.StageHandle {
		s, ok := a.visited[id]
		return s, ok
	}
	return "", false
}

// evaluate counts case c's stages that fell due in [from, to] (参评率) and
// their answers (满意率).
func (a answers) evaluate(c *visits.Case, from, to roster.Date, add func(evaluated, satisfied bool)) {
	for _, stage := range visits.EvalStages {
		due, ok := visits.EvaluationDue(*c, stage)
		if !ok || due < from || due > to {
			continue
		}
		s, evaluated := a.of(c.ID, stage)
		add(evaluated, satisfied(s))
	}
}

// satisfied: 满意 and 基本满意 both count as satisfied.
func satisfied(s visits.Satisfaction) bool {
	return s == visits.Satisfied || s == visits.FairlySatisfed
}

// Compute builds the report of in.Period from the rows in in.
func Compute(in Input) Report {
	p := in.Period
	t := &tally{leaders: newGroup(), units: newGroup(), towns: newGroup()}
	for _, person := range in.People {
		t.leaders.known(person.ID, person.Name)
	}
	for _, tw := range in.Townships {
		t.towns.known(tw[0], tw[1])
	}
	byID := make(map[int64]*visits.Case, len(in.Cases))
	for i := range in.Cases {
		byID[in.Cases[i].ID] = &in.Cases[i]
	}
	units := map[string]bool{}
	for _, c := range in.Cases {
		if c.Unit != "" && !units[c.Unit] {
			units[c.Unit] = true
		}
	}
	unitNames := make([]string, 0, len(units))
	for u := range units {
		unitNames = append(unitNames, u)
	}
	sort.Strings(unitNames)
	for _, u := range unitNames {
		t.units.known(u, u)
	}

	// Cases: received, 受理告知, 办理, evaluation.
	channels, categories := map[visits.Channel]int{}, map[visits.Category]int{}
	ans := answers{recorded: map[evalKey]visits.Satisfaction{}, visited: evaluations(byID, in.Visits, in.AsOf)}
	for _, e := range in.Evaluations {
		if e.AnsweredOn <= in.AsOf {
			ans.recorded[evalKey{e.Case, e.Stage}] = e.Answer
		}
	}
	clock := make([]clocks, len(in.Cases))
	for i := range in.Cases {
		if !in.Cases[i].IsDispute() {
			clock[i] = clocksOf(&in.Cases[i], in.Cal)
		}
	}
	for i, c := range in.Cases {
		if c.IsDispute() {
			if c.FromFinding != 0 && p.Contains(c.Received) {
				t.each(c.Leader, true, "", false, c.Township, true, func(f *Figures) { f.Sweep.Escalated++ })
			}
			continue
		}
		if p.Contains(c.Received) {
			channels[c.Channel]++
			categories[c.Category]++
			t.forCase(c, func(f *Figures) { f.Cases++ })
		}
		if counts, ok := acceptanceCounts(clock[i].acceptance, p.From, p.To, in.AsOf); counts {
			t.forCase(c, func(f *Figures) { f.Acceptance.add(ok) })
		}
		if counts, ok := handlingCounts(clock[i].handling, p.From, p.To, in.AsOf); counts {
			t.forCase(c, func(f *Figures) { f.Handling.add(ok) })
		}
		ans.evaluate(&in.Cases[i], p.From, p.To, func(evaluated, ok bool) {
			t.forCase(c, func(f *Figures) {
				f.Evaluation.add(evaluated)
				if evaluated {
					f.Satisfaction.add(ok)
				}
			})
		})
	}

	// The four visits. 开门接访 counts the desk's registrations; a session
	// with none counts its recorded walk-ins.
	registered := in.Registrations.Sessions
	for _, v := range in.Visits {
		if !p.Contains(v.Date) {
			continue
		}
		if v.State != visits.VisitDone {
			continue
		}
		people := v.WalkIns
		if people == 0 {
			people = len(v.Cases)
		}
		switch v.Kind {
		case visits.KindOpen:
			if registered[v.ID] || v.WalkIns == 0 {
				continue
			}
			t.each(v.Leader, true, "", false, v.Township, v.Township != "", func(f *Figures) { f.Open.add(v.WalkIns, v.WalkIns) })
			continue
		case visits.KindInvite:
			t.each(v.Leader, true, "", false, v.Township, v.Township != "", func(f *Figures) { f.Invite.add(1, people) })
		case visits.KindCarry:
			t.each(v.Leader, true, "", false, v.Township, v.Township != "", func(f *Figures) { f.Carry.add(1, people) })
		case visits.KindReturn:
			t.each(v.Leader, true, "", false, v.Township, v.Township != "", func(f *Figures) { f.Return.add(1, people) })
		}
	}
	for _, g := range in.Registrations.Groups {
		t.each(g.Leader, g.Leader != "", "", false, g.Township, true, func(f *Figures) {
			f.Open.add(g.Batches, g.People)
			if g.Repeat {
				f.Repeat += g.Batches
			}
			if g.SkippedLevel {
				f.SkippedLevel += g.Batches
			}
		})
	}

	// The sweep.
	last := ""
	for _, task := range in.Tasks {
		if p.Contains(monthFirst(task.Month)) && task.Month > last {
			last = task.Month
		}
	}
	for _, task := range in.Tasks {
		if !p.Contains(monthFirst(task.Month)) {
			continue
		}
		t.each(task.Leader, true, "", false, task.Township, true, func(f *Figures) {
			s := &f.Sweep
			s.Tasks++
			switch {
			case task.Status != visits.TaskOpen && task.Filed <= task.Due:
				s.OnTime++
			case task.Status != visits.TaskOpen:
				s.Late++
			case in.AsOf > task.Due:
				s.Missing++
			}
			if task.Status == visits.TaskNil {
				s.Nil++
			}
			for _, fd := range task.Findings {
				if !fd.Rolled {
					s.Findings++
				}
				if fd.Resolved {
					s.Resolved++
				}
				if task.Month == last && !fd.Resolved {
					s.Open++
				}
			}
		})
	}

	// The roster.
	r := computeRoster(in, t)

	rep := Report{Period: p, AsOf: in.AsOf, County: t.county,
		Leaders: t.leaders.rows(), Units: t.units.rows(), Townships: t.towns.rows(), Roster: r}
	for _, ch := range visits.Channels {
		rep.Channels = append(rep.Channels, Tally{string(ch), channels[ch]})
	}
	for _, cat := range visits.Categories {
		rep.Categories = append(rep.Categories, Tally{string(cat), categories[cat]})
	}
	rep.Trend = trend(in, clock, ans)
	return rep
}

func monthFirst(m string) roster.Date {
	mm, err := roster.ParseMonth(m)
	if err != nil {
		return 0
	}
	return mm.First()
}

// TrendMonths are the months of the trend: the period's own months, or the
// twelve months ending with a month period; never past asOf's month.
func TrendMonths(p Period, asOf roster.Date) []roster.Month {
	ms := p.Months()
	if p.Kind == "month" {
		ms = ms[:0]
		for m := roster.MonthOf(p.From) - 11; m <= roster.MonthOf(p.From); m++ {
			ms = append(ms, m)
		}
	}
	out := []roster.Month{}
	for _, m := range ms {
		if m <= roster.MonthOf(asOf) {
			out = append(out, m)
		}
	}
	return out
}

func trend(in Input, clock []clocks, ans answers) []Month {
	out := []Month{}
	for _, m := range TrendMonths(in.Period, in.AsOf) {
		mp := MonthPeriod(m)
		x := Month{Month: m.String()}
		for i, c := range in.Cases {
			if c.IsDispute() {
				continue
			}
			if counts, ok := acceptanceCounts(clock[i].acceptance, mp.From, mp.To, in.AsOf); counts {
				x.Acceptance.add(ok)
			}
			if counts, ok := handlingCounts(clock[i].handling, mp.From, mp.To, in.AsOf); counts {
				x.Handling.add(ok)
			}
			ans.evaluate(&in.Cases[i], mp.From, mp.To, func(evaluated, ok bool) {
				x.Evaluation.add(evaluated)
				if evaluated {
					x.Satisfaction.add(ok)
				}
			})
		}
		out = append(out, x)
	}
	return out
}

// FairnessYears is how many years fairness looks at, at most: the period's
// year and the four before it. The two before it are always shown.
const FairnessYears = 5

// fairnessYears are the years shown for the period's year y: y−2 … y, from
// the earliest of y−4 and y−3 that holds a duty.
func fairnessYears(y int, as []store.StoredAssignment) []int {
	first := y - 2
	for _, a := range as {
		if yy := a.Date.Year(); a.Person != "" && yy < first && yy > y-FairnessYears {
			first = yy
		}
	}
	out := []int{}
	for yy := first; yy <= y; yy++ {
		out = append(out, yy)
	}
	return out
}

func computeRoster(in Input, t *tally) Roster {
	p := in.Period
	r := Roster{People: []PersonDuties{}, Pools: []PoolYears{}}
	r.Years = fairnessYears(p.From.Year(), in.Assignments)
	yearCol := make(map[int]int, len(r.Years))
	for i, y := range r.Years {
		yearCol[y] = i
	}
	receives := map[string]bool{}
	col := map[string]int{}
	for i, d := range in.Rosters {
		receives[d.ID] = d.ReceivesPublic
		col[d.ID] = i
		r.Rosters = append(r.Rosters, d.Name)
	}
	type signKey struct {
		k      roster.Key
		person string
	}
	signed := map[signKey]bool{}
	for _, a := range in.Attendance {
		signed[signKey{roster.Key{Roster: a.Roster, Date: a.Date, Role: a.Role}, a.Person}] = true
	}
	per := map[string]*PersonDuties{}
	person := func(id string) *PersonDuties {
		pd, ok := per[id]
		if !ok {
			pd = &PersonDuties{Key: id, Name: id, ByRoster: make([]int, len(in.Rosters)), ByYear: make([]int, len(r.Years))}
			per[id] = pd
		}
		return pd
	}
	pools := newPoolTally(in, len(r.Years))
	until := min(p.To, in.AsOf)
	for _, a := range in.Assignments {
		yi, shown := yearCol[a.Date.Year()]
		if !shown || a.Person == "" {
			continue
		}
		pd := person(a.Person)
		pd.ByYear[yi]++
		pd.YearsTotal++
		pools.add(a, yi)
		if a.Date.Year() != p.From.Year() {
			continue
		}
		pd.YearTotal++
		if i, ok := col[a.Roster]; ok {
			pd.ByRoster[i]++
		}
		if a.Date < p.From || a.Date > until || !receives[a.Roster] {
			continue
		}
		ok := signed[signKey{a.Key(), a.Person}]
		pd.Planned++
		r.Planned++
		if ok {
			pd.Signed++
			r.Signed++
		}
		t.each(a.Person, true, "", false, "", false, func(f *Figures) { f.Duties.add(ok) })
	}
	// A swap writes two changes in a row that trade the same two people on
	// two days of one roster and role; any other change is a replacement.
	cs := in.Changes
	for i := 0; i < len(cs); i++ {
		a := cs[i]
		if i+1 < len(cs) {
			b := cs[i+1]
			if b.Seq == a.Seq+1 && a.Key.Roster == b.Key.Roster && a.Key.Role == b.Key.Role && a.Key.Date != b.Key.Date &&
				a.Before == b.After && a.After == b.Before && a.Actor == b.Actor {
				if p.Contains(a.Key.Date) || p.Contains(b.Key.Date) {
					r.Swaps++
				}
				i++
				continue
			}
		}
		if p.Contains(a.Key.Date) {
			r.Replacements++
			person(a.Before).Replaced++
		}
	}
	for _, pp := range in.People {
		if pd, ok := per[pp.ID]; ok {
			pd.Name = pp.Name
			r.People = append(r.People, *pd)
			delete(per, pp.ID)
		}
	}
	rest := make([]string, 0, len(per))
	for id := range per {
		rest = append(rest, id)
	}
	sort.Strings(rest)
	for _, id := range rest {
		r.People = append(r.People, *per[id])
	}
	r.Pools = pools.rows()
	return r
}

// poolTally counts the duties of each pool's slots per person and year.
type poolTally struct {
	in     Input
	years  int
	poolOf map[[2]string]string // roster, role → pool
	counts map[string]map[string][]int
}

func newPoolTally(in Input, years int) *poolTally {
	pt := &poolTally{in: in, years: years, poolOf: map[[2]string]string{}, counts: map[string]map[string][]int{}}
	for _, d := range in.Rosters {
		for _, sl := range d.Slots {
			if sl.Pool != "" {
				pt.poolOf[[2]string{d.ID, sl.Role}] = sl.Pool
			}
		}
	}
	return pt
}

func (pt *poolTally) add(a store.StoredAssignment, year int) {
	pool, ok := pt.poolOf[[2]string{a.Roster, a.Role}]
	if !ok {
		return
	}
	byPerson := pt.counts[pool]
	if byPerson == nil {
		byPerson = map[string][]int{}
		pt.counts[pool] = byPerson
	}
	n := byPerson[a.Person]
	if n == nil {
		n = make([]int, pt.years)
		byPerson[a.Person] = n
	}
	n[year]++
}

// rows are the pools some slot draws from, in county order: their active
// members in member order (none served: zeros), then anyone else who served
// their slots, by id; and the spread among the members.
func (pt *poolTally) rows() []PoolYears {
	names := make(map[string]string, len(pt.in.People))
	active := make(map[string]bool, len(pt.in.People))
	for _, p := range pt.in.People {
		names[p.ID], active[p.ID] = p.Name, p.Active
	}
	roles := map[string][]string{}
	for _, d := range pt.in.Rosters {
		for _, sl := range d.Slots {
			if sl.Pool != "" {
				roles[sl.Pool] = append(roles[sl.Pool], d.Name+"·"+sl.Role)
			}
		}
	}
	out := []PoolYears{}
	for _, pl := range pt.in.Pools {
		if len(roles[pl.ID]) == 0 {
			continue
		}
		py := PoolYears{Key: pl.ID, Name: pl.Name, Roles: roles[pl.ID], People: []PoolPerson{}, Spread: make([]int, pt.years)}
		counts := pt.counts[pl.ID]
		listed := map[string]bool{}
		row := func(id string, member bool) {
			pp := PoolPerson{Key: id, Name: id, Member: member, ByYear: make([]int, pt.years)}
			if n, ok := names[id]; ok {
				pp.Name = n
			}
			copy(pp.ByYear, counts[id])
			for _, n := range pp.ByYear {
				pp.Total += n
			}
			listed[id] = true
			py.People = append(py.People, pp)
		}
		for _, m := range pl.Members {
			if active[m] && !listed[m] {
				row(m, true)
			}
		}
		others := []string{}
		for id := range counts {
			if !listed[id] {
				others = append(others, id)
			}
		}
		sort.Strings(others)
		for _, id := range others {
			row(id, false)
		}
		for i := range py.Spread {
			py.Spread[i] = spread(py.People, func(pp PoolPerson) int { return pp.ByYear[i] })
		}
		py.TotalSpread = spread(py.People, func(pp PoolPerson) int { return pp.Total })
		out = append(out, py)
	}
	return out
}

// spread is max − min of f over the members, 0 without any.
func spread(ps []PoolPerson, f func(PoolPerson) int) int {
	lo, hi, seen := 0, 0, false
	for _, pp := range ps {
		if !pp.Member {
			continue
		}
		v := f(pp)
		if !seen || v < lo {
			lo = v
		}
		if !seen || v > hi {
			hi = v
		}
		seen = true
	}
	return hi - lo
}

// String is the rate as the page shows it: 93.5%, or — without a denominator.
func (r Rate) String() string {
	if v, ok := r.Value(); ok {
		return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
	}
	return "—"
}
