package roster

// state is a (partial) roster over a problem with the counters every move
// needs, kept up to date incrementally by place and remove.
type state struct {
	p     *problem
	who   []int     // instance -> person, -1 when empty
	busy  []int16   // person*nExt+ext: duties that day in any roster
	occ   [][]uint8 // roster -> person*nExt+ext: duties that day in that roster
	cnt   [][]int   // group -> member -> duties in the period
	pairs [][]int32 // roster -> slot pair and person pair -> days together
	kept  []bool    // instance kept from the previous plan
	n     int
}

func newState(p *problem) *state {
	n := len(p.people)
	s := &state{p: p, n: n, who: make([]int, len(p.insts)), busy: make([]int16, n*p.nExt),
		occ: make([][]uint8, len(p.rosters)), cnt: make([][]int, len(p.groups)),
		pairs: make([][]int32, len(p.rosters)), kept: make([]bool, len(p.insts))}
	for i := range s.who {
		s.who[i] = -1
	}
	for r, def := range p.rosters {
		s.occ[r] = make([]uint8, n*p.nExt)
		if k := len(def.Slots); k >= 2 {
			s.pairs[r] = make([]int32, k*k*n*n)
		}
	}
	for g, gr := range p.groups {
		s.cnt[g] = make([]int, len(gr.members))
	}
	return s
}

// mark records a duty outside the slot instances (history, off-slot fixed).
func (s *state) mark(a Assignment) {
	pi, ok := s.p.pidx[a.Person]
	if !ok {
		return
	}
	e := int(a.Date-s.p.from) + s.p.margin
	if e < 0 || e >= s.p.nExt {
		return
	}
	s.busy[pi*s.p.nExt+e]++
	if r, ok := s.p.ridx[a.Roster]; ok {
		s.occ[r][pi*s.p.nExt+e]++
	}
}

// placeFixed puts history and fixed assignments into the state.
func (s *state) placeFixed() {
	for _, a := range s.p.in.History {
		if a.Date < s.p.from {
			s.mark(a)
		}
	}
	for _, a := range s.p.in.Fixed {
		if a.Date < s.p.from || a.Date > s.p.to {
			s.mark(a)
		}
	}
	for _, a := range s.p.extras {
		s.mark(a)
	}
	for id, in := range s.p.insts {
		if in.fixed && in.fixedWho >= 0 {
			s.place(id, in.fixedWho)
		}
	}
}

func (s *state) ext(day int) int { return day + s.p.margin }

func (s *state) pairIndex(r, i, j, a, b int) int {
	k := len(s.p.rosters[r].Slots)
	if i > j {
		i, j, a, b = j, i, b, a
	}
	return ((i*k+j)*s.n+a)*s.n + b
}

func (s *state) place(id, person int) {
	in := &s.p.insts[id]
	s.who[id] = person
	e := person*s.p.nExt + s.ext(in.day)
	s.busy[e]++
	s.occ[in.roster][e]++
	if in.group >= 0 {
		if m := s.p.groups[in.group].pos[person]; m >= 0 {
			s.cnt[in.group][m]++
		}
	}
	if pc := s.pairs[in.roster]; pc != nil {
		first := s.p.rosterDay[in.roster][in.day]
		for j := range s.p.rosters[in.roster].Slots {
			if o := s.who[first+j]; j != in.slot && o >= 0 {
				pc[s.pairIndex(in.roster, in.slot, j, person, o)]++
			}
		}
	}
}

func (s *state) remove(id int) {
	in := &s.p.insts[id]
	person := s.who[id]
	if person < 0 {
		return
	}
	if pc := s.pairs[in.roster]; pc != nil {
		first := s.p.rosterDay[in.roster][in.day]
		for j := range s.p.rosters[in.roster].Slots {
			if o := s.who[first+j]; j != in.slot && o >= 0 {
				pc[s.pairIndex(in.roster, in.slot, j, person, o)]--
			}
		}
	}
	s.who[id] = -1
	e := person*s.p.nExt + s.ext(in.day)
	s.busy[e]--
	s.occ[in.roster][e]--
	if in.group >= 0 {
		if m := s.p.groups[in.group].pos[person]; m >= 0 {
			s.cnt[in.group][m]--
		}
	}
}

// gapOK reports whether person may serve roster r on day without breaking
// its min gap or the cross-roster gap.
func (s *state) gapOK(r, person, day int) bool {
	if !s.crossOK(r, person, day) {
		return false
	}
	g := s.p.rosters[r].MinGapDays
	if g <= 1 {
		return true
	}
	row := s.occ[r][person*s.p.nExt : (person+1)*s.p.nExt]
	e := s.ext(day)
	for k := 1; k < g; k++ {
		if e-k >= 0 && row[e-k] > 0 || e+k < len(row) && row[e+k] > 0 {
			return false
		}
	}
	return true
}

// eligible reports whether person may take the empty instance id under every hard rule.
func (s *state) eligible(id, person int) bool {
	in := &s.p.insts[id]
	if in.pool < 0 || !s.p.inPool[in.pool][person] || !s.p.isAvail(person, in.day) {
		return false
	}
	if s.busy[person*s.p.nExt+s.ext(in.day)] > 0 {
		return false
	}
	return s.gapOK(in.roster, person, in.day)
}

// pairsWith counts earlier days on which person met the others on duty in id's roster-day.
func (s *state) pairsWith(id, person int) int {
	in := &s.p.insts[id]
	pc := s.pairs[in.roster]
	if pc == nil {
		return 0
	}
	first := s.p.rosterDay[in.roster][in.day]
	c := 0
	for j := range s.p.rosters[in.roster].Slots {
		if o := s.who[first+j]; j != in.slot && o >= 0 {
			c += int(pc[s.pairIndex(in.roster, in.slot, j, person, o)])
		}
	}
	return c
}

// crossOK reports whether person has no duty in another roster than r within
// the cross-roster gap of day. A duty of r itself never blocks here, so a
// swap inside r needs no "ignoring" variant.
func (s *state) crossOK(r, person, day int) bool {
	g := s.p.in.CrossGapDays
	if g <= 1 {
		return true
	}
	base := person * s.p.nExt
	busy, own := s.busy[base:base+s.p.nExt], s.occ[r][base:base+s.p.nExt]
	e := s.ext(day)
	for k := 1; k < g; k++ {
		if x := e - k; x >= 0 && int(busy[x]) > int(own[x]) {
			return false
		}
		if x := e + k; x < len(busy) && int(busy[x]) > int(own[x]) {
			return false
		}
	}
	return true
}
