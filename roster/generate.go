package roster

import (
	"fmt"
	"math"
	"sort"
)

// Generate plans every duty slot of in's rosters from in.From to in.To. It
// keeps every hard rule, reports slots nobody can take in Plan.Unfilled, and
// optimises, in order: fairness per pool and day class (and the weighted
// total), pair variety between a day's slots, even spacing, and stability
// against in.Previous. Equal inputs give equal plans.
func Generate(in Input) (Plan, error) {
	p, err := newProblem(in)
	if err != nil {
		return Plan{}, err
	}
	s := solve(p)
	plan := s.plan()
	plan.Metrics = s.metrics()
	plan.Changed = plan.Metrics.Changed
	return plan, nil
}

// solve runs the whole engine: bounds, construction, repair and swaps.
func solve(p *problem) *state {
	p.computeBounds()
	s := newState(p)
	s.placeFixed()
	s.keepPrevious()
	s.construct()
	s.fillUnfilled()
	for range 3 {
		moved := false
		for g := range p.groups {
			if s.repairGroup(g) {
				moved = true
			}
		}
		for x := range p.xgroups {
			if s.repairCross(x) {
				moved = true
			}
		}
		if s.balanceTotals() {
			moved = true
		}
		if !moved {
			break
		}
	}
	s.improvePairs()
	return s
}

// keepPrevious re-places every previous assignment that is still valid, in date order.
func (s *state) keepPrevious() {
	p := s.p
	for _, a := range p.in.Previous {
		id, ok := p.instOf(a.Key())
		pi, okp := p.pidx[a.Person]
		if !ok || !okp || p.insts[id].fixed {
			continue
		}
		p.insts[id].prefer = pi
	}
	for id, in := range p.insts {
		if in.prefer >= 0 && s.who[id] < 0 && s.eligible(id, in.prefer) {
			s.place(id, in.prefer)
			s.kept[id] = true
		}
	}
}

func (s *state) regenerating() bool { return len(s.p.in.Previous) > 0 }

// pairWeight is how many duties of lag a repeated pair is worth when choosing
// the second person of a day: enough to break the lockstep of two rotations,
// small enough not to disturb fairness.
const pairWeight = 0.5

// construct fills the empty slots day by day. Each slot takes the eligible
// member most behind their pro-rata share so far (their target times the
// fraction of their available days already passed), so duties come evenly
// spaced and nobody catches up after leave. A slot whose previous person is no
// longer valid goes to whoever is furthest below their target for the whole
// period, which the repair then rarely has to undo.
func (s *state) construct() {
	p := s.p
	elapsed := make([][]int, len(p.groups))
	done := make([][]int, len(p.groups))
	for g, gr := range p.groups {
		elapsed[g] = make([]int, len(gr.members))
		done[g] = make([]int, len(gr.members))
	}
	regen := s.regenerating()
	for day := 0; day < p.nDays; day++ {
		for id := p.dayStart[day]; id < p.dayStart[day+1]; id++ {
			in := &p.insts[id]
			if in.group < 0 {
				continue
			}
			gr := p.groups[in.group]
			for m, person := range gr.members {
				if p.isAvail(person, day) {
					elapsed[in.group][m]++
				}
			}
		}
		for id := p.dayStart[day]; id < p.dayStart[day+1]; id++ {
			in := &p.insts[id]
			if in.group < 0 {
				continue
			}
			gr := p.groups[in.group]
			if w := s.who[id]; w >= 0 {
				if m := gr.pos[w]; m >= 0 {
					done[in.group][m]++
				}
				continue
			}
			best, bestScore := -1, math.Inf(-1)
			for m, person := range gr.members {
				if !s.eligible(id, person) {
					continue
				}
				var score float64
				if regen && in.prefer >= 0 {
					score = gr.target[m] - float64(s.cnt[in.group][m])
				} else {
					score = gr.target[m]*float64(elapsed[in.group][m])/float64(gr.avail[m]) - float64(done[in.group][m])
				}
				score -= pairWeight * float64(s.pairsWith(id, person))
				if score > bestScore+1e-12 {
					best, bestScore = m, score
				}
			}
			if best >= 0 {
				s.place(id, gr.members[best])
				done[in.group][best]++
			}
		}
	}
}

// fillUnfilled retries each empty slot by moving a member's duty that blocks
// them through the minimum gap to someone else.
func (s *state) fillUnfilled() {
	p := s.p
	for id, in := range p.insts {
		if s.who[id] >= 0 || in.group < 0 {
			continue
		}
		g := p.rosters[in.roster].MinGapDays
		for _, q := range p.groups[in.group].members {
			if s.who[id] >= 0 {
				break
			}
			if !p.isAvail(q, in.day) || s.busy[q*p.nExt+s.ext(in.day)] > 0 {
				continue
			}
			for k := -(g - 1); k < g && s.who[id] < 0; k++ {
				d := in.day + k
				if k == 0 || d < 0 || d >= p.nDays {
					continue
				}
				j := p.rosterDay[in.roster][d]
				if j < 0 {
					continue
				}
				for j2 := j; j2 < j+len(p.rosters[in.roster].Slots); j2++ {
					if s.who[j2] != q || p.insts[j2].fixed {
						continue
					}
					s.remove(j2)
					if s.eligible(id, q) {
						if r := s.anyEligible(j2, q); r >= 0 {
							s.place(j2, r)
							s.place(id, q)
							break
						}
					}
					s.place(j2, q)
				}
			}
		}
	}
}

func (s *state) anyEligible(id, except int) int {
	in := s.p.insts[id]
	if in.pool < 0 {
		return -1
	}
	for _, q := range s.p.members[in.pool] {
		if q != except && s.eligible(id, q) {
			return q
		}
	}
	return -1
}

// path is a chain of moves: instance inst goes to person to.
type move struct{ inst, to int }

// findPath searches the cheapest chain of hand-overs inside group g from a
// member with from(m) true to a different member with to(m) true: each member
// on the chain gives one duty to the next, so only the two ends change count.
// Moving a slot kept from the previous plan costs more, for stability.
func (s *state) findPath(g int, from, to func(m int) bool) []move {
	p := s.p
	gr := p.groups[g]
	nm := len(gr.members)
	held := make([][]int, nm)
	for _, id := range gr.inst {
		if w := s.who[id]; w >= 0 && !p.insts[id].fixed {
			if m := gr.pos[w]; m >= 0 {
				held[m] = append(held[m], id)
			}
		}
	}
	const inf = math.MaxInt32
	dist := make([]int, nm)
	prev := make([]move, nm)
	prevM := make([]int, nm)
	done := make([]bool, nm)
	for m := range dist {
		dist[m] = inf
		prevM[m] = -1
		if from(m) {
			dist[m] = 0
		}
	}
	for {
		u := -1
		for m := range dist {
			if !done[m] && dist[m] < inf && (u < 0 || dist[m] < dist[u]) {
				u = m
			}
		}
		if u < 0 {
			return nil
		}
		done[u] = true
		if dist[u] > 0 && to(u) {
			var path []move
			for v := u; prevM[v] >= 0; v = prevM[v] {
				path = append(path, prev[v])
			}
			return path // last hand-over first: apply in this order
		}
		for _, id := range held[u] {
			cost := 1
			if s.kept[id] {
				cost = 8
			}
			for v, person := range gr.members {
				if done[v] || dist[u]+cost >= dist[v] {
					continue
				}
				if s.eligible(id, person) {
					dist[v] = dist[u] + cost
					prev[v] = move{id, person}
					prevM[v] = u
				}
			}
		}
	}
}

// movesKept reports whether path moves a slot kept from the previous plan.
func (s *state) movesKept(path []move) bool {
	for _, mv := range path {
		if s.kept[mv.inst] {
			return true
		}
	}
	return false
}

func (s *state) apply(path []move) {
	for _, mv := range path {
		s.remove(mv.inst)
		s.place(mv.inst, mv.to)
		s.kept[mv.inst] = false
	}
}

// repairGroup moves duties along hand-over chains until every member's count
// lies in the band of the group's bound, or no chain helps any more.
func (s *state) repairGroup(g int) bool {
	gr := s.p.groups[g]
	if !gr.hasBound {
		return false
	}
	cnt := s.cnt[g]
	over := func(m int) bool { lo, hi := gr.band(m); _ = lo; return cnt[m] > hi }
	under := func(m int) bool { lo, _ := gr.band(m); return cnt[m] < lo }
	aboveLo := func(m int) bool { lo, _ := gr.band(m); return cnt[m] > lo }
	belowHi := func(m int) bool { _, hi := gr.band(m); return cnt[m] < hi }
	moved := false
	for iter := 0; iter < 4*len(gr.inst)+10; iter++ {
		var path []move
		if anyOf(len(cnt), under) {
			path = s.findPath(g, aboveLo, under)
		}
		if path == nil && anyOf(len(cnt), over) {
			path = s.findPath(g, over, belowHi)
		}
		if path == nil {
			break
		}
		s.apply(path)
		moved = true
	}
	return moved
}

func anyOf(n int, f func(int) bool) bool {
	for i := 0; i < n; i++ {
		if f(i) {
			return true
		}
	}
	return false
}

// personDev is person's weighted load minus weighted target over every
// group they belong to: for someone in one pool, that pool's total; for
// someone in several, the load of all of them together.
func (s *state) personDev(person int) float64 {
	p := s.p
	var d float64
	for _, g := range p.personGroups[person] {
		gr := p.groups[g]
		m := gr.pos[person]
		d += p.weights[gr.class] * (float64(s.cnt[g][m]) - gr.target[m])
	}
	return d
}

// balanceTotals evens the weighted total load of each pool without leaving
// any class band: a duty moves from the most to the least loaded member while
// that narrows their gap. A member's load counts every pool they sit in, so
// a person in two pools is not loaded by both.
func (s *state) balanceTotals() bool {
	p := s.p
	moved := false
	// On regeneration the previous plan's totals were already balanced: only
	// duties it did not fix may move for the totals, so a repair's ripple
	// does not spread through kept slots (stability beats a finer total).
	regen := s.regenerating()
	for pool, ms := range p.members {
		if len(ms) < 2 {
			continue
		}
		for iter := 0; iter < 4*len(ms); iter++ {
			order := append([]int(nil), ms...)
			dev := make([]float64, len(p.people))
			for _, q := range ms {
				dev[q] = s.personDev(q)
			}
			sort.SliceStable(order, func(i, j int) bool { return dev[order[i]] > dev[order[j]] })
			improved := false
			for c := 2; c >= 0 && !improved; c-- {
				g := p.groupIdx[pool*3+c]
				if g < 0 || !p.groups[g].hasBound {
					continue
				}
				gr := p.groups[g]
				w := p.weights[c]
				for i := 0; i < len(order) && !improved; i++ {
					a := order[i]
					ma := gr.pos[a]
					if lo, _ := gr.band(ma); s.cnt[g][ma] <= lo || !s.crossMayGive(g, a) {
						continue
					}
					for j := len(order) - 1; j > i && !improved; j-- {
						b := order[j]
						if dev[a]-dev[b] <= w+1e-9 {
							break
						}
						mb := gr.pos[b]
						if _, hi := gr.band(mb); s.cnt[g][mb] >= hi || !s.crossMayTake(g, b) {
							continue
						}
						path := s.findPath(g, func(m int) bool { return m == ma }, func(m int) bool { return m == mb })
						if path != nil && !(regen && s.movesKept(path)) {
							s.apply(path)
							improved, moved = true, true
						}
					}
				}
			}
			if !improved {
				break
			}
		}
	}
	return moved
}

// plan renders the state as a Plan, in date, roster and slot order.
func (s *state) plan() Plan {
	p := s.p
	out := Plan{Assignments: []Assignment{}, Unfilled: []Unfilled{}}
	for id, in := range p.insts {
		def := p.rosters[in.roster]
		k := Key{def.ID, p.from + Date(in.day), def.Slots[in.slot].Role}
		if in.fixed {
			out.Assignments = append(out.Assignments, p.fixedAsg[id])
			continue
		}
		if w := s.who[id]; w >= 0 {
			out.Assignments = append(out.Assignments, Assignment{Roster: k.Roster, Date: k.Date, Role: k.Role, Person: p.people[w].ID, Source: Generated})
			continue
		}
		out.Unfilled = append(out.Unfilled, Unfilled{k.Roster, k.Date, k.Role, s.unfilledReason(id)})
	}
	out.Assignments = append(out.Assignments, p.extras...)
	return out
}

func (s *state) unfilledReason(id int) string {
	p := s.p
	in := p.insts[id]
	sl := p.rosters[in.roster].Slots[in.slot]
	if in.pool < 0 {
		return fmt.Sprintf("值班池 %s 不存在", sl.Pool)
	}
	ms := p.members[in.pool]
	if len(ms) == 0 {
		return fmt.Sprintf("值班池 %s 没有在岗人员", sl.Pool)
	}
	free := 0
	for _, q := range ms {
		if p.isAvail(q, in.day) {
			free++
		}
	}
	if free == 0 {
		return fmt.Sprintf("值班池 %s 的 %d 人当天全部请假、出差或开会", sl.Pool, len(ms))
	}
	if g := p.in.CrossGapDays; g > 1 {
		return fmt.Sprintf("值班池 %s 当天可到岗的 %d 人已在其他岗位值班、与前后值班间隔不足 %d 天或与其他值班表的值班间隔不足 %d 天", sl.Pool, free, p.rosters[in.roster].MinGapDays, g)
	}
	return fmt.Sprintf("值班池 %s 当天可到岗的 %d 人已在其他岗位值班或与前后值班间隔不足 %d 天", sl.Pool, free, p.rosters[in.roster].MinGapDays)
}
