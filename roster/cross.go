package roster

import "math"

// Fairness across pools. A person may sit in several pools (a county leader
// in the county pool and in a township's pool, a minister in two rosters'
// pools). Balancing each pool alone would give such a person the sum of
// every pool's share; instead the pools linked by shared members are planned
// as one: per day class, the duties of all their slots are shared so that
// each person's load is proportional to their availability as far as the
// pools allow. Precisely, the fair loads are the weighted max-min fair
// allocation (Fujishige's lexicographically optimal base): the fractional
// split x[pool][person] of each pool's duties among its members that
// minimises Σ L_i²/a_i, where L_i is person i's load over all pools and a_i
// their availability (duty days available, a day counting the most slots any
// one of their pools has that day). No one's load/a can be lowered without
// raising someone's who is already at or above it. A pool nobody shares
// keeps exactly its proportional targets: there x_i = T·a_i/Σa.
//
// x becomes the targets of each pool × class group, so every per-pool
// measure (bands, bounds, repair) reads as before; the person's total target
// in a class is the sum over their groups. The cross bound of a linked set
// (xgroup) is found like a group's: the smallest spread of count − ⌊target⌋
// over its people that any roster keeping availability, fixed duties and one
// duty a day can reach (a flow over all its slots), and the engine repairs
// each person's total towards it by hand-over chains inside one pool at a
// time, never leaving that pool's band.

// xgroup is the pools linked by shared members, on one day class.
type xgroup struct {
	class    DayClass
	pools    []int // pool indices, ascending
	groups   []int // their groups of this class
	members  []int // person indices, ascending
	pos      []int // person -> member position, -1 outside
	inst     []int // every slot instance of the groups, in date order
	target   []float64
	floor    []int
	bound    int
	alpha    int
	hasBound bool
}

// buildCross links pools that share an active member and makes one xgroup
// per linked set of two or more pools and day class.
func (p *problem) buildCross() {
	// in pool and class order, so a one-pool person's load sums as it always did
	p.personGroups = make([][]int, len(p.people))
	for _, g := range p.groupIdx {
		if g < 0 {
			continue
		}
		for _, q := range p.groups[g].members {
			p.personGroups[q] = append(p.personGroups[q], g)
		}
	}
	p.xOf = make([]int, len(p.groups))
	for g := range p.xOf {
		p.xOf[g] = -1
	}
	parent := make([]int, len(p.pools))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	first := make([]int, len(p.people)) // person -> first pool, -1
	for i := range first {
		first[i] = -1
	}
	for pl, ms := range p.members {
		for _, q := range ms {
			if first[q] < 0 {
				first[q] = pl
				continue
			}
			a, b := find(first[q]), find(pl)
			if a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	comps := map[int][]int{}
	var roots []int
	for pl := range p.pools {
		r := find(pl)
		if _, ok := comps[r]; !ok {
			roots = append(roots, r)
		}
		comps[r] = append(comps[r], pl)
	}
	for _, r := range roots {
		pools := comps[r]
		if len(pools) < 2 {
			continue
		}
		for c := range 3 {
			x := &xgroup{class: DayClass(c), pools: pools, pos: make([]int, len(p.people))}
			seen := make([]bool, len(p.people))
			for _, pl := range pools {
				g := p.groupIdx[pl*3+c]
				if g < 0 {
					continue
				}
				x.groups = append(x.groups, g)
				for _, q := range p.groups[g].members {
					seen[q] = true
				}
			}
			if len(x.groups) < 2 {
				continue // one pool has duties this class: its own group is the whole story
			}
			for q := range seen {
				x.pos[q] = -1
				if seen[q] {
					x.pos[q] = len(x.members)
					x.members = append(x.members, q)
				}
			}
			inG := map[int]bool{}
			for _, g := range x.groups {
				inG[g] = true
			}
			for id, in := range p.insts {
				if in.group >= 0 && inG[in.group] {
					x.inst = append(x.inst, id)
				}
			}
			x.target = make([]float64, len(x.members))
			x.floor = make([]int, len(x.members))
			for _, g := range x.groups {
				p.xOf[g] = len(p.xgroups)
			}
			p.xgroups = append(p.xgroups, x)
		}
	}
}

// jointShares returns, per group of an xgroup, its members' fair split of the
// group's duties (nil for groups of unshared pools).
func (p *problem) jointShares() [][]float64 {
	out := make([][]float64, len(p.groups))
	for _, x := range p.xgroups {
		// availability weight: per day, the most slots one of the person's pools has
		a := make([]float64, len(x.members))
		perDay := make([]int, p.nDays)
		for k, q := range x.members {
			clear(perDay)
			for _, g := range x.groups {
				gr := p.groups[g]
				if gr.pos[q] < 0 {
					continue
				}
				cnt := map[int]int{}
				for _, id := range gr.inst {
					cnt[p.insts[id].day]++
				}
				for d, n := range cnt {
					if p.isAvail(q, d) {
						perDay[d] = max(perDay[d], n)
					}
				}
			}
			for _, n := range perDay {
				a[k] += float64(n)
			}
		}
		load := make([]float64, len(x.members))
		xs := make([][]float64, len(x.groups))
		for j, g := range x.groups {
			gr := p.groups[g]
			xs[j] = make([]float64, len(gr.members))
			total := 0
			for _, v := range gr.avail {
				total += v
			}
			for m, q := range gr.members {
				if total > 0 {
					xs[j][m] = float64(gr.fillable) * float64(gr.avail[m]) / float64(total)
				}
				load[x.pos[q]] += xs[j][m]
			}
		}
		// Block coordinate descent on Σ L²/a: each pool in turn re-splits its
		// duties given the others' (water-filling). Strictly convex in L, so
		// it converges to the unique fair loads.
		for sweep := 0; sweep < 2000; sweep++ {
			change := 0.0
			for j, g := range x.groups {
				gr := p.groups[g]
				nm := len(gr.members)
				o, w, c := make([]float64, nm), make([]float64, nm), make([]float64, nm)
				for m, q := range gr.members {
					k := x.pos[q]
					o[m], w[m], c[m] = load[k]-xs[j][m], a[k], float64(gr.avail[m])
				}
				nx := waterFill(o, w, c, float64(gr.fillable))
				for m, q := range gr.members {
					d := nx[m] - xs[j][m]
					change = max(change, math.Abs(d))
					load[x.pos[q]] += d
					xs[j][m] = nx[m]
				}
			}
			if change < 1e-9 {
				break
			}
		}
		for j, g := range x.groups {
			out[g] = xs[j]
		}
	}
	return out
}

// waterFill splits T among members with other loads o, weights w and caps c
// so that (o+x)/w is level wherever 0 < x < c: x = clamp(μw − o, 0, c).
func waterFill(o, w, c []float64, T float64) []float64 {
	x := make([]float64, len(o))
	var capSum float64
	hi := 0.0
	for m := range o {
		if w[m] <= 0 {
			continue
		}
		capSum += c[m]
		hi = max(hi, (o[m]+c[m])/w[m])
	}
	fill := func(mu float64) float64 {
		var s float64
		for m := range o {
			if w[m] > 0 {
				x[m] = math.Max(0, math.Min(c[m], mu*w[m]-o[m]))
				s += x[m]
			}
		}
		return s
	}
	if capSum <= T {
		fill(hi)
		return x
	}
	lo := 0.0
	for range 100 {
		mid := (lo + hi) / 2
		if fill(mid) < T {
			lo = mid
		} else {
			hi = mid
		}
	}
	fill(hi)
	return x
}

// xcount is person k's duties over every group of x.
func (s *state) xcount(x *xgroup, person int) int {
	n := 0
	for _, g := range x.groups {
		if m := s.p.groups[g].pos[person]; m >= 0 {
			n += s.cnt[g][m]
		}
	}
	return n
}

// band returns member k's count range at the cross bound.
func (x *xgroup) band(k int) (lo, hi int) {
	lo = x.floor[k] + x.alpha
	return lo, lo + x.bound
}

// repairCross moves duties along hand-over chains inside one pool at a time
// until each person's total in the xgroup lies in its band, or no chain
// helps. A chain never leaves a pool's own band.
func (s *state) repairCross(xi int) bool {
	p := s.p
	x := p.xgroups[xi]
	if !x.hasBound {
		return false
	}
	moved := false
	for iter := 0; iter < 2*len(x.inst)+10; iter++ {
		var path []move
		for _, g := range x.groups {
			gr := p.groups[g]
			if !gr.hasBound {
				continue
			}
			cnt := s.cnt[g]
			xc := func(m int) (int, int, int) {
				k := x.pos[gr.members[m]]
				lo, hi := x.band(k)
				return s.xcount(x, gr.members[m]), lo, hi
			}
			giveOK := func(m int) bool { lo, _ := gr.band(m); return cnt[m] > lo }
			takeOK := func(m int) bool { _, hi := gr.band(m); return cnt[m] < hi }
			under := func(m int) bool { n, lo, _ := xc(m); return n < lo && takeOK(m) }
			over := func(m int) bool { n, _, hi := xc(m); return n > hi && giveOK(m) }
			if anyOf(len(cnt), under) {
				path = s.findPath(g, func(m int) bool { n, lo, _ := xc(m); return n > lo && giveOK(m) }, under)
			}
			if path == nil && anyOf(len(cnt), over) {
				path = s.findPath(g, over, func(m int) bool { n, _, hi := xc(m); return n < hi && takeOK(m) })
			}
			if path != nil {
				break
			}
		}
		if path == nil {
			break
		}
		s.apply(path)
		moved = true
	}
	return moved
}

// computeCrossBounds sets bound and alpha of every xgroup from the fixed-only state.
func (p *problem) computeCrossBounds(fs *state) {
	for _, x := range p.xgroups {
		fixed := make([]int, len(x.members))
		for k, q := range x.members {
			fixed[k] = fs.xcount(x, q)
		}
		bg := p.boundGraphOf(x.inst, x.members, fixed, fs)
		x.bound, x.alpha, x.hasBound = bg.bandBound(x.floor, x.target)
	}
}

// crossMayGive reports whether person may give up a duty of group g without
// leaving the band of g's xgroup (always, when g's pool shares nobody).
func (s *state) crossMayGive(g, person int) bool {
	xi := s.p.xOf[g]
	if xi < 0 || !s.p.xgroups[xi].hasBound {
		return true
	}
	x := s.p.xgroups[xi]
	lo, _ := x.band(x.pos[person])
	return s.xcount(x, person) > lo
}

// crossMayTake reports whether person may take one more duty of group g
// without leaving the band of g's xgroup.
func (s *state) crossMayTake(g, person int) bool {
	xi := s.p.xOf[g]
	if xi < 0 || !s.p.xgroups[xi].hasBound {
		return true
	}
	x := s.p.xgroups[xi]
	_, hi := x.band(x.pos[person])
	return s.xcount(x, person) < hi
}
