package roster

import (
	"fmt"
	"math"
)

// ClassWeights weigh a duty of each day class in a person's total load.
// Zero values take the defaults 1 (workday), 2 (weekend) and 3 (holiday).
type ClassWeights struct {
	Workday float64 `json:"workday,omitempty" yaml:"workday,omitempty"`
	Weekend float64 `json:"weekend,omitempty" yaml:"weekend,omitempty"`
	Holiday float64 `json:"holiday,omitempty" yaml:"holiday,omitempty"`
}

func (w ClassWeights) array() [3]float64 {
	out := [3]float64{1, 2, 3}
	for i, v := range []float64{w.Workday, w.Weekend, w.Holiday} {
		if v > 0 {
			out[i] = v
		}
	}
	return out
}

// slotInst is one slot of one roster on one duty day of the period.
type slotInst struct {
	roster, slot int
	pool         int // -1 when the pool is unknown
	group        int // -1 when the pool is unknown
	day          int // offset from From
	class        DayClass
	fixed        bool
	fixedWho     int // person of a fixed instance, -1 if unknown
	prefer       int // person of the previous plan, -1 if none
}

// group is one pool × day class: the unit of fairness.
type group struct {
	pool     int
	class    DayClass
	inst     []int // slot instances in date order
	members  []int // person indices
	pos      []int // person index -> member position, -1 outside the pool
	avail    []int // per member: instances on which the member is available
	target   []float64
	floor    []int
	fillable int // instances at least one member could take
	bound    int // smallest spread of count-floor(target) any valid roster reaches
	alpha    int // band offset: member m is at bound when floor[m]+alpha <= x <= floor[m]+alpha+bound
	hasBound bool
}

// problem is Input turned into dense indices, shared by Generate, Validate and the metrics.
type problem struct {
	in           Input
	from, to     Date
	nDays        int
	margin       int // days kept on each side of the period for gap checks
	nExt         int
	people       []Person
	pidx         map[string]int
	rosters      []Definition
	ridx         map[string]int
	slotIdx      []map[string]int
	pools        []Pool
	poolIdx      map[string]int
	members      [][]int
	inPool       [][]bool
	avail        []bool // person*nDays+day: active and not absent
	weights      [3]float64
	insts        []slotInst
	dayStart     []int   // day -> first instance; instances are in date order
	rosterDay    [][]int // roster -> day -> first instance of that roster, -1 if no duty
	groups       []*group
	groupIdx     []int // pool*3+class -> group, -1
	fixedAsg     map[int]Assignment
	extras       []Assignment // fixed assignments in the period matching no slot
	hist         [][]int      // group -> member -> duties before the period
	xgroups      []*xgroup    // pools sharing members, per day class
	xOf          []int        // group -> its xgroup, -1 when its pool shares nobody
	personGroups [][]int      // person -> groups they belong to
}

func newProblem(in Input) (*problem, error) {
	if in.To < in.From {
		return nil, fmt.Errorf("排班区间无效：开始日期 %s 晚于结束日期 %s", in.From, in.To)
	}
	p := &problem{in: in, from: in.From, to: in.To, nDays: int(in.To-in.From) + 1,
		pidx: map[string]int{}, ridx: map[string]int{}, poolIdx: map[string]int{},
		weights: in.Weights.array(), fixedAsg: map[int]Assignment{}}
	for _, ps := range in.People {
		if _, dup := p.pidx[ps.ID]; dup {
			return nil, fmt.Errorf("人员编号 %q 重复", ps.ID)
		}
		p.pidx[ps.ID] = len(p.people)
		p.people = append(p.people, ps)
	}
	p.margin = 1
	for _, r := range in.Rosters {
		if _, dup := p.ridx[r.ID]; dup {
			return nil, fmt.Errorf("值班表编号 %q 重复", r.ID)
		}
		p.ridx[r.ID] = len(p.rosters)
		p.rosters = append(p.rosters, r)
		roles := map[string]int{}
		for i, s := range r.Slots {
			if _, dup := roles[s.Role]; dup {
				return nil, fmt.Errorf("值班表 %q 的岗位 %q 重复", r.ID, s.Role)
			}
			roles[s.Role] = i
		}
		p.slotIdx = append(p.slotIdx, roles)
		if r.MinGapDays > p.margin {
			p.margin = r.MinGapDays
		}
	}
	p.margin = max(p.margin, in.CrossGapDays)
	p.nExt = p.nDays + 2*p.margin
	n := len(p.people)
	for _, pl := range in.Pools {
		if _, dup := p.poolIdx[pl.ID]; dup {
			return nil, fmt.Errorf("值班池编号 %q 重复", pl.ID)
		}
		p.poolIdx[pl.ID] = len(p.pools)
		p.pools = append(p.pools, pl)
		in := make([]bool, n)
		var ms []int
		for _, id := range pl.Members {
			i, ok := p.pidx[id]
			if !ok || !p.people[i].Active || in[i] {
				continue
			}
			in[i] = true
			ms = append(ms, i)
		}
		p.inPool = append(p.inPool, in)
		p.members = append(p.members, ms)
	}
	p.avail = make([]bool, n*p.nDays)
	for i, ps := range p.people {
		if ps.Active {
			row := p.avail[i*p.nDays : (i+1)*p.nDays]
			for d := range row {
				row[d] = true
			}
		}
	}
	for _, a := range in.Absences {
		i, ok := p.pidx[a.Person]
		if !ok {
			continue
		}
		for d := max(a.From, p.from); d <= min(a.To, p.to); d++ {
			p.avail[i*p.nDays+int(d-p.from)] = false
		}
	}

	p.groupIdx = make([]int, 3*len(p.pools))
	for i := range p.groupIdx {
		p.groupIdx[i] = -1
	}
	p.rosterDay = make([][]int, len(p.rosters))
	for r := range p.rosters {
		p.rosterDay[r] = make([]int, p.nDays)
	}
	p.dayStart = make([]int, p.nDays+1)
	for day := 0; day < p.nDays; day++ {
		p.dayStart[day] = len(p.insts)
		d := p.from + Date(day)
		class := in.Calendar.Class(d)
		for r, def := range p.rosters {
			p.rosterDay[r][day] = -1
			if !def.Days.IsDutyDay(d, in.Calendar) || len(def.Slots) == 0 {
				continue
			}
			p.rosterDay[r][day] = len(p.insts)
			for s, sl := range def.Slots {
				pool, g := -1, -1
				if pi, ok := p.poolIdx[sl.Pool]; ok {
					pool = pi
					g = p.groupFor(pi, class)
				}
				id := len(p.insts)
				p.insts = append(p.insts, slotInst{roster: r, slot: s, pool: pool, group: g, day: day, class: class, fixedWho: -1, prefer: -1})
				if g >= 0 {
					p.groups[g].inst = append(p.groups[g].inst, id)
				}
			}
		}
	}
	p.dayStart[p.nDays] = len(p.insts)

	for _, a := range in.Fixed {
		if a.Date < p.from || a.Date > p.to {
			continue
		}
		if id, ok := p.instOf(a.Key()); ok {
			p.insts[id].fixed = true
			p.fixedAsg[id] = a
			if pi, ok := p.pidx[a.Person]; ok {
				p.insts[id].fixedWho = pi
			}
			continue
		}
		p.extras = append(p.extras, a)
	}
	p.computeTargets()
	return p, nil
}

func (p *problem) groupFor(pool int, class DayClass) int {
	k := pool*3 + int(class)
	if p.groupIdx[k] >= 0 {
		return p.groupIdx[k]
	}
	g := &group{pool: pool, class: class, members: p.members[pool], pos: make([]int, len(p.people))}
	for i := range g.pos {
		g.pos[i] = -1
	}
	for m, i := range g.members {
		g.pos[i] = m
	}
	p.groupIdx[k] = len(p.groups)
	p.groups = append(p.groups, g)
	return p.groupIdx[k]
}

// instOf finds the slot instance of k, if k is a duty slot of the period.
func (p *problem) instOf(k Key) (int, bool) {
	r, ok := p.ridx[k.Roster]
	if !ok || k.Date < p.from || k.Date > p.to {
		return 0, false
	}
	s, ok := p.slotIdx[r][k.Role]
	if !ok {
		return 0, false
	}
	first := p.rosterDay[r][int(k.Date-p.from)]
	if first < 0 {
		return 0, false
	}
	return first + s, true
}

func (p *problem) isAvail(person, day int) bool { return p.avail[person*p.nDays+day] }

// computeTargets sets each member's fair share of a group: proportional to the
// instances on which they are available, so leave neither earns catch-up duties
// nor excuses a share of the rest. History enters as a carry of at most one
// duty each way: whoever served more before gets the rounding last, while a new
// member is not piled with years of catch-up.
func (p *problem) computeTargets() {
	p.hist = make([][]int, len(p.groups))
	for g, gr := range p.groups {
		p.hist[g] = make([]int, len(gr.members))
	}
	countHist := func(a Assignment) {
		r, ok := p.ridx[a.Roster]
		if !ok {
			return
		}
		s, ok := p.slotIdx[r][a.Role]
		if !ok {
			return
		}
		pool, ok := p.poolIdx[p.rosters[r].Slots[s].Pool]
		if !ok {
			return
		}
		g := p.groupIdx[pool*3+int(p.in.Calendar.Class(a.Date))]
		pi, ok := p.pidx[a.Person]
		if g < 0 || !ok || p.groups[g].pos[pi] < 0 {
			return
		}
		p.hist[g][p.groups[g].pos[pi]]++
	}
	for _, a := range p.in.History {
		if a.Date < p.from {
			countHist(a)
		}
	}
	for _, a := range p.in.Fixed {
		if a.Date < p.from {
			countHist(a)
		}
	}
	for _, gr := range p.groups {
		nm := len(gr.members)
		gr.avail = make([]int, nm)
		gr.target = make([]float64, nm)
		gr.floor = make([]int, nm)
		for _, id := range gr.inst {
			in := p.insts[id]
			any := in.fixed
			for m, person := range gr.members {
				if p.isAvail(person, in.day) {
					gr.avail[m]++
					any = true
				}
			}
			if any {
				gr.fillable++
			}
		}
	}
	p.buildCross()
	joint := p.jointShares()
	for g, gr := range p.groups {
		nm := len(gr.members)
		total := 0
		for _, a := range gr.avail {
			total += a
		}
		if total == 0 || nm == 0 {
			continue
		}
		T := float64(gr.fillable)
		share := make([]float64, nm)
		for m := range share {
			share[m] = float64(gr.avail[m]) / float64(total)
		}
		if x := joint[g]; x != nil {
			var sx float64
			for _, v := range x {
				sx += v
			}
			if sx > 0 {
				for m := range share {
					share[m] = x[m] / sx
				}
			}
		}
		var hsum float64
		for _, h := range p.hist[g] {
			hsum += float64(h)
		}
		hmean := hsum / float64(nm)
		var csum float64
		carry := make([]float64, nm)
		for m, h := range p.hist[g] {
			carry[m] = math.Max(-1, math.Min(1, float64(h)-hmean))
			csum += carry[m]
		}
		var sum float64
		for m := range gr.target {
			t := T*share[m] - carry[m] + share[m]*csum
			if t < 0 || gr.avail[m] == 0 {
				t = 0
			}
			gr.target[m] = t
			sum += t
		}
		for m := range gr.target {
			if sum > 0 {
				gr.target[m] *= T / sum
			}
			gr.floor[m] = int(math.Floor(gr.target[m] + 1e-9))
		}
	}
	for _, x := range p.xgroups {
		for k, person := range x.members {
			var t float64
			for _, g := range x.groups {
				if m := p.groups[g].pos[person]; m >= 0 {
					t += p.groups[g].target[m]
				}
			}
			x.target[k] = t
			x.floor[k] = int(math.Floor(t + 1e-9))
		}
	}
}
