package roster

// Pair variety and even spacing are improved by swapping the people of one
// slot on two days of the same class: every count per pool and class stays
// as it is, so fairness cannot get worse. A swap is taken when it lowers the
// sum of squared pair counts (which uses every pair before repeating one), or
// keeps it and lowers the spacing penalty.

const maxIdealGap = 60

// ideal returns the even spacing, in days, of each person's duties per roster.
func (s *state) ideals() [][]int {
	p := s.p
	out := make([][]int, len(p.rosters))
	for r := range p.rosters {
		c := make([]int, s.n)
		for id := range p.insts {
			if p.insts[id].roster == r && s.who[id] >= 0 {
				c[s.who[id]]++
			}
		}
		out[r] = make([]int, s.n)
		for q, k := range c {
			if k > 0 {
				out[r][q] = min(maxIdealGap, p.nDays/k)
			}
		}
	}
	return out
}

func gapPen(gap, ideal int) int {
	if gap >= ideal {
		return 0
	}
	return (ideal - gap) * (ideal - gap)
}

// around is the spacing penalty a duty of person on day adds to roster r,
// ignoring any duty on day ignore.
func (s *state) around(r, person, day, ignore, ideal int) int {
	if ideal <= 1 {
		return 0
	}
	row := s.occ[r][person*s.p.nExt : (person+1)*s.p.nExt]
	e, ig := s.ext(day), s.ext(ignore)
	prev, next := -1, -1
	for k := 1; k < ideal && (prev < 0 || next < 0); k++ {
		if x := e - k; prev < 0 && x >= 0 && x != ig && row[x] > 0 {
			prev = k
		}
		if x := e + k; next < 0 && x < len(row) && x != ig && row[x] > 0 {
			next = k
		}
	}
	pen := 0
	if prev > 0 {
		pen += gapPen(prev, ideal)
	}
	if next > 0 {
		pen += gapPen(next, ideal)
	}
	if prev > 0 && next > 0 {
		pen -= gapPen(prev+next, ideal)
	}
	return pen
}

func (s *state) gapOKIgnoring(r, person, day, ignore int) bool {
	if !s.crossOK(r, person, day) {
		return false
	}
	g := s.p.rosters[r].MinGapDays
	if g <= 1 {
		return true
	}
	row := s.occ[r][person*s.p.nExt : (person+1)*s.p.nExt]
	e, ig := s.ext(day), s.ext(ignore)
	for k := 1; k < g; k++ {
		if x := e - k; x >= 0 && x != ig && row[x] > 0 {
			return false
		}
		if x := e + k; x < len(row) && x != ig && row[x] > 0 {
			return false
		}
	}
	return true
}

// penCache keeps each instance's current spacing penalty during the swap
// passes. Only swaps change the state then, and a swap bumps the version of
// the two people moved, so an entry is stale exactly when its person's
// version moved on.
type penCache struct {
	ver   []uint32 // roster*n+person: bumped whenever the person's row changes
	pen   []int    // instance -> cached penalty
	at    []uint32 // instance -> version+1 the entry was computed at, 0 for none
	whoAt []int    // instance -> person the entry was computed for
}

func newPenCache(s *state) *penCache {
	return &penCache{ver: make([]uint32, len(s.p.rosters)*s.n), pen: make([]int, len(s.p.insts)),
		at: make([]uint32, len(s.p.insts)), whoAt: make([]int, len(s.p.insts))}
}

// current is around(r, w, day, day, ideal) for the person now on id.
func (c *penCache) current(s *state, id int, ideal [][]int) int {
	in := &s.p.insts[id]
	w := s.who[id]
	v := c.ver[in.roster*s.n+w] + 1
	if c.at[id] != v || c.whoAt[id] != w {
		c.pen[id], c.at[id], c.whoAt[id] = s.around(in.roster, w, in.day, in.day, ideal[in.roster][w]), v, w
	}
	return c.pen[id]
}

func (c *penCache) moved(s *state, r, person int) { c.ver[r*s.n+person]++ }

// swapDelta returns the change in the pair score and the spacing penalty of
// swapping the people of instances i1 and i2, and whether the swap is valid.
func (s *state) swapDelta(i1, i2 int, ideal [][]int) (dPair, dSpace int, ok bool) {
	return s.swapDeltaWith(i1, i2, ideal, nil)
}

// swapDeltaWith is swapDelta for the swap passes: with a cache, the spacing
// delta is exact only when it can decide the swap (dPair == 0 and dSpace < 0);
// otherwise it may stop at a value that already rules the swap out.
func (s *state) swapDeltaWith(i1, i2 int, ideal [][]int, c *penCache) (dPair, dSpace int, ok bool) {
	p := s.p
	in1, in2 := &p.insts[i1], &p.insts[i2]
	a, b := s.who[i1], s.who[i2]
	if a == b || a < 0 || b < 0 {
		return 0, 0, false
	}
	d1, d2 := in1.day, in2.day
	if !p.isAvail(a, d2) || !p.isAvail(b, d1) ||
		s.busy[a*p.nExt+s.ext(d2)] > 0 || s.busy[b*p.nExt+s.ext(d1)] > 0 {
		return 0, 0, false
	}
	r := in1.roster
	if pc := s.pairs[r]; pc != nil {
		// Per other slot j, a leaves o1 for o2 and b the reverse. The four
		// pair counts are distinct unless o1 == o2, when the moves cancel.
		f1, f2 := p.rosterDay[r][d1], p.rosterDay[r][d2]
		for j := range p.rosters[r].Slots {
			o1, o2 := s.who[f1+j], s.who[f2+j]
			if j == in1.slot || o1 == o2 {
				continue
			}
			if o1 >= 0 {
				dPair += 2 + 2*int(pc[s.pairIndex(r, in1.slot, j, b, o1)]-pc[s.pairIndex(r, in1.slot, j, a, o1)])
			}
			if o2 >= 0 {
				dPair += 2 + 2*int(pc[s.pairIndex(r, in1.slot, j, a, o2)]-pc[s.pairIndex(r, in1.slot, j, b, o2)])
			}
		}
	}
	if dPair > 0 {
		return dPair, 0, true
	}
	ia, ib := ideal[r][a], ideal[r][b]
	if c != nil && dPair == 0 {
		// Spacing decides; a's move alone often rules the swap out, and is
		// cheaper than the gap checks (many one-slot rosters spend most of
		// their swap passes here).
		old := c.current(s, i1, ideal) + c.current(s, i2, ideal)
		if dSpace = s.around(r, a, d2, d1, ia) - old; dSpace >= 0 {
			return dPair, dSpace, true
		}
		if !s.gapOKIgnoring(r, a, d2, d1) || !s.gapOKIgnoring(r, b, d1, d2) {
			return 0, 0, false
		}
		return dPair, dSpace + s.around(r, b, d1, d2, ib), true
	}
	if !s.gapOKIgnoring(r, a, d2, d1) || !s.gapOKIgnoring(r, b, d1, d2) {
		return 0, 0, false
	}
	if c == nil {
		dSpace = s.around(r, a, d2, d1, ia) - s.around(r, a, d1, d1, ia) +
			s.around(r, b, d1, d2, ib) - s.around(r, b, d2, d2, ib)
		return dPair, dSpace, true
	}
	return dPair, 0, true // dPair < 0: taken whatever the spacing
}

// improvePairs runs swap passes for pair variety, then for spacing.
func (s *state) improvePairs() {
	p := s.p
	regen := s.regenerating()
	movable := func(id int) bool { return !p.insts[id].fixed && s.who[id] >= 0 && !(regen && s.kept[id]) }
	// candidates: instances of the same roster, slot and group
	type ck struct{ r, slot, g int }
	index := map[ck]int{}
	var lists [][]int
	listOf := make([]int, len(p.insts))
	for id, in := range p.insts {
		listOf[id] = -1
		if in.group < 0 || !movable(id) {
			continue
		}
		k := ck{in.roster, in.slot, in.group}
		li, ok := index[k]
		if !ok {
			li = len(lists)
			index[k] = li
			lists = append(lists, nil)
		}
		lists[li] = append(lists[li], id)
		listOf[id] = li
	}
	ideal := s.ideals()
	cache := newPenCache(s)
	repeated := func(id int) bool {
		in := &p.insts[id]
		pc := s.pairs[in.roster]
		if pc == nil {
			return false
		}
		f := p.rosterDay[in.roster][in.day]
		for j := range p.rosters[in.roster].Slots {
			if o := s.who[f+j]; j != in.slot && o >= 0 && pc[s.pairIndex(in.roster, in.slot, j, s.who[id], o)] >= 2 {
				return true
			}
		}
		return false
	}
	bunched := func(id int) bool { return cache.current(s, id, ideal) > 0 }
	for _, bad := range []func(int) bool{repeated, bunched} {
		for pass := 0; pass < 6; pass++ {
			improved := false
			for i1 := range p.insts {
				li := listOf[i1]
				if li < 0 || !bad(i1) {
					continue
				}
				for _, i2 := range lists[li] {
					if i2 == i1 {
						continue
					}
					dPair, dSpace, ok := s.swapDeltaWith(i1, i2, ideal, cache)
					if ok && (dPair < 0 || dPair == 0 && dSpace < 0) {
						a, b := s.who[i1], s.who[i2]
						s.remove(i1)
						s.remove(i2)
						s.place(i1, b)
						s.place(i2, a)
						cache.moved(s, p.insts[i1].roster, a)
						cache.moved(s, p.insts[i1].roster, b)
						improved = true
						if !bad(i1) {
							break
						}
					}
				}
			}
			if !improved {
				break
			}
		}
	}
}
