package roster

// The fairness bound of a group (pool × day class) is the smallest spread of
// count − ⌊target⌋ over its members that any roster keeping the hard rules can
// reach. It is found exactly for the relaxation that keeps availability,
// fixed assignments, one duty a day and gaps against fixed duties, but drops
// the gaps between generated duties: a bipartite flow from slot instances to
// people, with each person's count held in a band [⌊t⌋+α, ⌊t⌋+α+s]. The
// smallest s for which some α is feasible is a true lower bound.

type flowNet struct {
	head, level, iter []int
	to, next, cap     []int
}

func newFlow(n int) *flowNet {
	f := &flowNet{head: make([]int, n), level: make([]int, n), iter: make([]int, n)}
	for i := range f.head {
		f.head[i] = -1
	}
	return f
}

func (f *flowNet) edge(u, v, c int) int {
	f.to = append(f.to, v, u)
	f.cap = append(f.cap, c, 0)
	f.next = append(f.next, f.head[u], f.head[v])
	e := len(f.to) - 2
	f.head[u], f.head[v] = e, e+1
	return e
}

func (f *flowNet) bfs(s, t int) bool {
	for i := range f.level {
		f.level[i] = -1
	}
	f.level[s] = 0
	q := []int{s}
	for len(q) > 0 {
		u := q[0]
		q = q[1:]
		for e := f.head[u]; e >= 0; e = f.next[e] {
			if v := f.to[e]; f.cap[e] > 0 && f.level[v] < 0 {
				f.level[v] = f.level[u] + 1
				q = append(q, v)
			}
		}
	}
	return f.level[t] >= 0
}

func (f *flowNet) dfs(u, t, push int) int {
	if u == t {
		return push
	}
	for ; f.iter[u] >= 0; f.iter[u] = f.next[f.iter[u]] {
		e := f.iter[u]
		v := f.to[e]
		if f.cap[e] > 0 && f.level[v] == f.level[u]+1 {
			if d := f.dfs(v, t, min(push, f.cap[e])); d > 0 {
				f.cap[e] -= d
				f.cap[e^1] += d
				return d
			}
		}
	}
	return 0
}

func (f *flowNet) maxFlow(s, t int) int {
	total := 0
	for f.bfs(s, t) {
		copy(f.iter, f.head)
		for {
			d := f.dfs(s, t, 1<<30)
			if d == 0 {
				break
			}
			total += d
		}
	}
	return total
}

// boundGraph is a group's slot-instance × person graph with fixed duties taken out.
type boundGraph struct {
	nm, nInst int
	fixed     []int   // per member: fixed duties in the group
	edges     [][]int // free instance -> eligible members
	dayOf     []int   // free instance -> day
}

func (p *problem) boundGraph(g int, fixedState *state) boundGraph {
	gr := p.groups[g]
	return p.boundGraphOf(gr.inst, gr.members, fixedState.cnt[g], fixedState)
}

// boundGraphOf is the graph of instances inst and people members, whose
// fixed duties among inst are fixed.
func (p *problem) boundGraphOf(inst, members, fixed []int, fixedState *state) boundGraph {
	bg := boundGraph{nm: len(members), fixed: append([]int(nil), fixed...)}
	for _, id := range inst {
		if fixedState.who[id] >= 0 {
			continue
		}
		var el []int
		for m, person := range members {
			if fixedState.eligible(id, person) {
				el = append(el, m)
			}
		}
		bg.edges = append(bg.edges, el)
		bg.dayOf = append(bg.dayOf, p.insts[id].day)
	}
	bg.nInst = len(bg.edges)
	return bg
}

// network builds source → instance → (person, day) → person → sink. The
// person-day layer keeps one duty a day when the group has two slots a day.
func (bg boundGraph) network(lo, hi []int, need int) (f *flowNet, src, snk, demand int) {
	type pd struct{ m, day int }
	pdNode := map[pd]int{}
	var pdList []pd
	for i, el := range bg.edges {
		for _, m := range el {
			k := pd{m, bg.dayOf[i]}
			if _, ok := pdNode[k]; !ok {
				pdNode[k] = len(pdList)
				pdList = append(pdList, k)
			}
		}
	}
	// nodes: 0 S, 1 T, 2 SS, 3 TT, instances, person-days, members
	instBase := 4
	pdBase := instBase + bg.nInst
	mBase := pdBase + len(pdList)
	f = newFlow(mBase + bg.nm)
	nEdges := bg.nInst + len(pdList) + 3*bg.nm + 4
	for _, el := range bg.edges {
		nEdges += len(el)
	}
	f.to, f.cap, f.next = make([]int, 0, 2*nEdges), make([]int, 0, 2*nEdges), make([]int, 0, 2*nEdges)
	for i, el := range bg.edges {
		f.edge(0, instBase+i, 1)
		for _, m := range el {
			f.edge(instBase+i, pdBase+pdNode[pd{m, bg.dayOf[i]}], 1)
		}
	}
	for k, x := range pdList {
		f.edge(pdBase+k, mBase+x.m, 1)
	}
	if lo == nil {
		for m := 0; m < bg.nm; m++ {
			f.edge(mBase+m, 1, 1<<20)
		}
		return f, 0, 1, 0
	}
	excess := make([]int, mBase+bg.nm)
	for m := 0; m < bg.nm; m++ {
		l := max(lo[m]-bg.fixed[m], 0)
		u := hi[m] - bg.fixed[m]
		f.edge(mBase+m, 1, u-l)
		excess[1] += l
		excess[mBase+m] -= l
	}
	// the circulation edge T → S carries exactly need units
	excess[0] += need
	excess[1] -= need
	for v, x := range excess {
		if x > 0 {
			f.edge(2, v, x)
			demand += x
		} else if x < 0 {
			f.edge(v, 3, -x)
		}
	}
	return f, 2, 3, demand
}

func (bg boundGraph) maxMatch() int {
	f, s, t, _ := bg.network(nil, nil, 0)
	return f.maxFlow(s, t)
}

func (bg boundGraph) feasible(lo, hi []int, need int) bool {
	for m := range lo {
		if hi[m] < bg.fixed[m] || hi[m] < lo[m] {
			return false
		}
	}
	f, s, t, demand := bg.network(lo, hi, need)
	return f.maxFlow(s, t) == demand
}

// computeBounds sets bound and alpha of every group and xgroup from the fixed-only state.
func (p *problem) computeBounds() {
	fs := newState(p)
	fs.placeFixed()
	for g, gr := range p.groups {
		if len(gr.members) == 0 {
			continue
		}
		gr.bound, gr.alpha, gr.hasBound = p.boundGraph(g, fs).bandBound(gr.floor, gr.target)
	}
	p.computeCrossBounds(fs)
}

// bandBound finds the smallest spread s, and the band offset alpha keeping
// everyone closest to target, for which the counts can all lie in
// [floor+alpha, floor+alpha+s].
func (bg boundGraph) bandBound(floor []int, target []float64) (bound, alpha int, ok bool) {
	nm := bg.nm
	need := bg.maxMatch()
	total := need
	for _, x := range bg.fixed {
		total += x
	}
	lo, hi := make([]int, nm), make([]int, nm)
	for s := 0; s <= total+1; s++ {
		// alpha from the smallest that can hold total duties upward
		sumFloor, amin := 0, -1<<30
		for m := range floor {
			sumFloor += floor[m]
			amin = max(amin, bg.fixed[m]-floor[m]-s)
		}
		amin = max(amin, ceilDiv(total-sumFloor-nm*s, nm))
		var best, bestAlpha = -1.0, 0
		for a := amin; ; a++ {
			sumLo := 0
			for m := range lo {
				lo[m] = floor[m] + a
				hi[m] = lo[m] + s
				sumLo += max(lo[m], bg.fixed[m])
			}
			if sumLo > total {
				break
			}
			if !bg.feasible(lo, hi, need) {
				continue
			}
			// prefer the band that keeps everyone closest to target
			dev := 0.0
			for m, t := range target {
				dev = max(dev, t-float64(lo[m]), float64(hi[m])-t)
			}
			if best < 0 || dev < best {
				best, bestAlpha = dev, a
			}
		}
		if best >= 0 {
			return s, bestAlpha, true
		}
	}
	return 0, 0, false
}

func ceilDiv(a, b int) int {
	if a >= 0 {
		return (a + b - 1) / b
	}
	return -((-a) / b)
}

// band returns member m's count range at the bound.
func (gr *group) band(m int) (lo, hi int) {
	lo = gr.floor[m] + gr.alpha
	return lo, lo + gr.bound
}
