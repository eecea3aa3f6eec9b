package roster

// Metrics is filled in by the roster engine (placeholder until it lands).
type Metrics struct{}

// Generate is a placeholder round-robin until the fair engine lands.
func Generate(in Input) (Plan, error) {
	var p Plan
	fixed := map[Key]Assignment{}
	for _, a := range in.Fixed {
		fixed[a.Key()] = a
	}
	pools := map[string]Pool{}
	for _, pl := range in.Pools {
		pools[pl.ID] = pl
	}
	next := map[string]int{}
	for _, r := range in.Rosters {
		for d := in.From; d <= in.To; d++ {
			if !r.Days.IsDutyDay(d, in.Calendar) {
				continue
			}
			for _, s := range r.Slots {
				k := Key{r.ID, d, s.Role}
				if a, ok := fixed[k]; ok {
					p.Assignments = append(p.Assignments, a)
					continue
				}
				m := pools[s.Pool].Members
				if len(m) == 0 {
					p.Unfilled = append(p.Unfilled, Unfilled{r.ID, d, s.Role, "值班池为空"})
					continue
				}
				p.Assignments = append(p.Assignments, Assignment{Roster: r.ID, Date: d, Role: s.Role, Person: m[next[s.Pool]%len(m)], Source: Generated})
				next[s.Pool]++
			}
		}
	}
	return p, nil
}
