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
	for k := 1; k < ideal; k++ {
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

type pairDelta struct {
	idx []int
	d   []int32
}

func (pd *pairDelta) add(idx int, d int32) {
	for i, x := range pd.idx {
		if x == idx {
			pd.d[i] += d
			return
		}
	}
	pd.idx = append(pd.idx, idx)
	pd.d = append(pd.d, d)
}

// swapDelta returns the change in the pair score and the spacing penalty of
// swapping the people of instances i1 and i2, and whether the swap is valid.
func (s *state) swapDelta(i1, i2 int, ideal [][]int, pd *pairDelta) (dPair, dSpace int, ok bool) {
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
		pd.idx, pd.d = pd.idx[:0], pd.d[:0]
		f1, f2 := p.rosterDay[r][d1], p.rosterDay[r][d2]
		for j := range p.rosters[r].Slots {
			if j == in1.slot {
				continue
			}
			if o := s.who[f1+j]; o >= 0 {
				pd.add(s.pairIndex(r, in1.slot, j, a, o), -1)
				pd.add(s.pairIndex(r, in1.slot, j, b, o), +1)
			}
			if o := s.who[f2+j]; o >= 0 {
				pd.add(s.pairIndex(r, in1.slot, j, b, o), -1)
				pd.add(s.pairIndex(r, in1.slot, j, a, o), +1)
			}
		}
		for i, idx := range pd.idx {
			c, d := int(pc[idx]), int(pd.d[i])
			dPair += (c+d)*(c+d) - c*c
		}
	}
	if dPair > 0 {
		return dPair, 0, true
	}
	if !s.gapOKIgnoring(r, a, d2, d1) || !s.gapOKIgnoring(r, b, d1, d2) {
		return 0, 0, false
	}
	ia, ib := ideal[r][a], ideal[r][b]
	dSpace = s.around(r, a, d2, d1, ia) - s.around(r, a, d1, d1, ia) +
		s.around(r, b, d1, d2, ib) - s.around(r, b, d2, d2, ib)
	return dPair, dSpace, true
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
	var pd pairDelta
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
	bunched := func(id int) bool {
		in := &p.insts[id]
		w := s.who[id]
		return s.around(in.roster, w, in.day, in.day, ideal[in.roster][w]) > 0
	}
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
					dPair, dSpace, ok := s.swapDelta(i1, i2, ideal, &pd)
					if ok && (dPair < 0 || dPair == 0 && dSpace < 0) {
						a, b := s.who[i1], s.who[i2]
						s.remove(i1)
						s.remove(i2)
						s.place(i1, b)
						s.place(i2, a)
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
