package roster

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// Metrics says how good a roster is, beside the bounds no roster can beat.
type Metrics struct {
	HardViolations int          `json:"hard_violations"`
	Assigned       int          `json:"assigned"`
	Unfilled       int          `json:"unfilled"`
	AllAtBound     bool         `json:"all_at_bound"`
	MaxDeviation   float64      `json:"max_deviation"` // largest |count - target| of any person, pool and class
	BalanceScore   float64      `json:"balance_score"` // Grafana OnCall's mean over pairs of min/max, of load ÷ fair load
	Classes        []ClassStat  `json:"classes"`
	Totals         []TotalStat  `json:"totals"`
	Pairs          []PairStat   `json:"pairs"`
	Gaps           []GapStat    `json:"gaps"`
	Cross          []CrossStat  `json:"cross"`   // pools linked by shared members
	Persons        []PersonStat `json:"persons"` // everyone in a pool: totals over all their pools
	Changed        int          `json:"changed"` // slots that differ from the previous plan
}

// ClassStat is the fairness of one pool on one day class. Spread is the
// spread of count − ⌊target⌋ (the plain count spread when everyone has the
// same target); Bound is the smallest spread any valid roster can reach.
type ClassStat struct {
	Pool         string  `json:"pool"`
	Class        string  `json:"class"`
	People       int     `json:"people"`
	Slots        int     `json:"slots"`
	Min          int     `json:"min"`
	Max          int     `json:"max"`
	Spread       int     `json:"spread"`
	Bound        int     `json:"bound"`
	MaxDeviation float64 `json:"max_deviation"`
}

// TotalStat is the weighted total load of one pool.
type TotalStat struct {
	Pool         string  `json:"pool"`
	People       int     `json:"people"`
	Min          float64 `json:"min"`
	Max          float64 `json:"max"`
	Spread       float64 `json:"spread"` // spread of load − target load
	MaxDeviation float64 `json:"max_deviation"`
	BalanceScore float64 `json:"balance_score"`
}

// CrossStat is the fairness of pools that share members, on one day class:
// each person's duties over all of them. Spread is the spread of
// count − ⌊target⌋ over the people, target being their joint fair share (see
// cross.go); Bound is the smallest spread any valid roster can reach.
type CrossStat struct {
	Pools        []string `json:"pools"`
	Class        string   `json:"class"`
	People       int      `json:"people"`
	Slots        int      `json:"slots"`
	Spread       int      `json:"spread"`
	Bound        int      `json:"bound"`
	MaxDeviation float64  `json:"max_deviation"`
}

// PersonStat is one person's duties over every pool they sit in, beside
// their fair share, per day class and weighted. Pools has two or more
// entries for a person in several pools.
type PersonStat struct {
	Person  string     `json:"person"`
	Pools   []string   `json:"pools"`
	Counts  [3]int     `json:"counts"`
	Targets [3]float64 `json:"targets"`
	Load    float64    `json:"load"`
	Target  float64    `json:"target"`
}

// PairStat is the variety of people meeting in two slots of one roster.
type PairStat struct {
	Roster    string `json:"roster"`
	RoleA     string `json:"role_a"`
	RoleB     string `json:"role_b"`
	Days      int    `json:"days"`
	Used      int    `json:"used"`
	Possible  int    `json:"possible"`
	MaxRepeat int    `json:"max_repeat"`
	Limit     int    `json:"limit"` // ⌈days/possible⌉, the least max repeat possible
}

// GapStat is the spacing of duties in one roster. MinGap and MeanGap are nil
// (JSON null) when nobody has two duties: there is no gap to measure, and a
// 0 would read as two duties on one day.
type GapStat struct {
	Roster     string   `json:"roster"`
	MinGapDays int      `json:"min_gap_days"`
	MinGap     *int     `json:"min_gap"`
	MeanGap    *float64 `json:"mean_gap"`
}

// ComputeMetrics measures a roster as (e.g. a stored one) against in.
func ComputeMetrics(in Input, as []Assignment) Metrics {
	p, err := newProblem(in)
	if err != nil {
		return Metrics{HardViolations: len(Validate(in, as))}
	}
	p.computeBounds()
	s := newState(p)
	s.placeFixed()
	for _, a := range as {
		id, ok := p.instOf(a.Key())
		pi, okp := p.pidx[a.Person]
		if !ok || !okp || p.insts[id].fixed || s.who[id] >= 0 {
			continue
		}
		s.place(id, pi)
	}
	m := s.metricsWith(as)
	return m
}

func (s *state) metrics() Metrics {
	pl := s.plan()
	return s.metricsWith(pl.Assignments)
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func (s *state) metricsWith(as []Assignment) Metrics {
	p := s.p
	m := Metrics{Classes: []ClassStat{}, Totals: []TotalStat{}, Pairs: []PairStat{}, Gaps: []GapStat{}, Cross: []CrossStat{}, Persons: []PersonStat{}}
	m.HardViolations = len(Validate(p.in, as))
	for id := range p.insts {
		if s.who[id] >= 0 || p.insts[id].fixed {
			m.Assigned++
		} else {
			m.Unfilled++
		}
	}
	m.AllAtBound = true
	var balSum float64
	var balN int
	for pool, pl := range p.pools {
		ms := p.members[pool]
		load := make([]float64, len(ms))
		tload := make([]float64, len(ms))
		seen := false
		for c := 0; c < 3; c++ {
			g := p.groupIdx[pool*3+c]
			if g < 0 {
				continue
			}
			seen = true
			gr := p.groups[g]
			st := ClassStat{Pool: pl.ID, Class: DayClass(c).String(), People: len(ms), Slots: len(gr.inst), Bound: gr.bound}
			first := true
			lmin, lmax := 0, 0
			for k := range ms {
				x := s.cnt[g][k]
				load[k] += p.weights[c] * float64(x)
				tload[k] += p.weights[c] * gr.target[k]
				st.MaxDeviation = max(st.MaxDeviation, math.Abs(float64(x)-gr.target[k]))
				l := x - gr.floor[k]
				if gr.avail[k] > 0 {
					if first || x < st.Min {
						st.Min = x
					}
					if first || x > st.Max {
						st.Max = x
					}
				}
				if k == 0 || l < lmin {
					lmin = l
				}
				if k == 0 || l > lmax {
					lmax = l
				}
				if gr.avail[k] > 0 {
					first = false
				}
			}
			st.Spread = lmax - lmin
			st.MaxDeviation = round3(st.MaxDeviation)
			m.MaxDeviation = max(m.MaxDeviation, st.MaxDeviation)
			if !gr.hasBound || st.Spread > gr.bound {
				m.AllAtBound = false
			}
			m.Classes = append(m.Classes, st)
		}
		if !seen || len(ms) == 0 {
			continue
		}
		ts := TotalStat{Pool: pl.ID, People: len(ms)}
		dmin, dmax := math.Inf(1), math.Inf(-1)
		ts.Min, ts.Max = math.Inf(1), math.Inf(-1)
		for k := range ms {
			ts.Min = min(ts.Min, load[k])
			ts.Max = max(ts.Max, load[k])
			d := load[k] - tload[k]
			dmin, dmax = min(dmin, d), max(dmax, d)
			ts.MaxDeviation = max(ts.MaxDeviation, math.Abs(d))
		}
		ts.Spread = round3(dmax - dmin)
		ts.MaxDeviation = round3(ts.MaxDeviation)
		// Loads are compared as shares of each person's fair load, which
		// allows for leave and history: someone away half the month owes
		// half the duties, and raw loads would score honouring that as
		// imbalance (a regeneration around new leave once fell 0.742 → 0.655).
		var share []float64
		for k := range ms {
			if tload[k] > 0 {
				share = append(share, load[k]/tload[k])
			}
		}
		var sum float64
		var n int
		for i := range share {
			for j := i + 1; j < len(share); j++ {
				hi := max(share[i], share[j])
				r := 1.0
				if hi > 0 {
					r = min(share[i], share[j]) / hi
				}
				sum += r
				n++
			}
		}
		ts.BalanceScore = 1
		if n > 0 {
			ts.BalanceScore = round3(sum / float64(n))
		}
		balSum += sum
		balN += n
		m.Totals = append(m.Totals, ts)
	}
	s.crossMetrics(&m)
	m.BalanceScore = 1
	if balN > 0 {
		m.BalanceScore = round3(balSum / float64(balN))
	}

	for r, def := range p.rosters {
		k := len(def.Slots)
		for i := 0; i < k; i++ {
			for j := i + 1; j < k; j++ {
				st := PairStat{Roster: def.ID, RoleA: def.Slots[i].Role, RoleB: def.Slots[j].Role}
				pi, oki := p.poolIdx[def.Slots[i].Pool]
				pj, okj := p.poolIdx[def.Slots[j].Pool]
				if oki && okj {
					for _, a := range p.members[pi] {
						for _, b := range p.members[pj] {
							if a != b {
								st.Possible++
							}
						}
					}
				}
				count := make([]int, s.n*s.n)
				for day := 0; day < p.nDays; day++ {
					f := p.rosterDay[r][day]
					if f < 0 {
						continue
					}
					a, b := s.who[f+i], s.who[f+j]
					if a < 0 || b < 0 {
						continue
					}
					st.Days++
					if count[a*s.n+b] == 0 {
						st.Used++
					}
					count[a*s.n+b]++
					st.MaxRepeat = max(st.MaxRepeat, count[a*s.n+b])
				}
				if st.Possible > 0 {
					st.Limit = ceilDiv(st.Days, st.Possible)
				}
				m.Pairs = append(m.Pairs, st)
			}
		}
		gs := GapStat{Roster: def.ID, MinGapDays: def.MinGapDays}
		var sum, n, minGap int
		for q := 0; q < s.n; q++ {
			row := s.occ[r][q*p.nExt+p.margin : q*p.nExt+p.margin+p.nDays]
			last := -1
			for d, c := range row {
				if c == 0 {
					continue
				}
				if last >= 0 {
					g := d - last
					if n == 0 || g < minGap {
						minGap = g
					}
					sum += g
					n++
				}
				last = d
			}
		}
		if n > 0 {
			mean := round3(float64(sum) / float64(n))
			gs.MinGap, gs.MeanGap = &minGap, &mean
		}
		m.Gaps = append(m.Gaps, gs)
	}
	m.Changed = s.changed(as)
	return m
}

// crossMetrics adds the cross-pool figures: per xgroup, and per person over all their pools.
func (s *state) crossMetrics(m *Metrics) {
	p := s.p
	for _, x := range p.xgroups {
		st := CrossStat{Class: x.class.String(), People: len(x.members), Slots: len(x.inst), Bound: x.bound}
		for _, pl := range x.pools {
			st.Pools = append(st.Pools, p.pools[pl].ID)
		}
		lmin, lmax := 0, 0
		for k, q := range x.members {
			n := s.xcount(x, q)
			l := n - x.floor[k]
			if k == 0 || l < lmin {
				lmin = l
			}
			if k == 0 || l > lmax {
				lmax = l
			}
			st.MaxDeviation = max(st.MaxDeviation, math.Abs(float64(n)-x.target[k]))
		}
		st.Spread = lmax - lmin
		st.MaxDeviation = round3(st.MaxDeviation)
		if !x.hasBound || st.Spread > x.bound {
			m.AllAtBound = false
		}
		m.Cross = append(m.Cross, st)
	}
	for q, gs := range p.personGroups {
		var pools []string
		var ps PersonStat
		for _, g := range gs {
			gr := p.groups[g]
			if id := p.pools[gr.pool].ID; len(pools) == 0 || pools[len(pools)-1] != id {
				pools = append(pools, id)
			}
			mi := gr.pos[q]
			ps.Counts[gr.class] += s.cnt[g][mi]
			ps.Targets[gr.class] += gr.target[mi]
		}
		if len(pools) == 0 {
			continue
		}
		ps.Person, ps.Pools = p.people[q].ID, pools
		for c := range 3 {
			ps.Load += p.weights[c] * float64(ps.Counts[c])
			ps.Target += p.weights[c] * ps.Targets[c]
			ps.Targets[c] = round3(ps.Targets[c])
		}
		ps.Target = round3(ps.Target)
		m.Persons = append(m.Persons, ps)
	}
}

// changed counts previous, non-fixed slots of the period whose person differs in as.
func (s *state) changed(as []Assignment) int {
	p := s.p
	now := make(map[Key]string, len(as))
	for _, a := range as {
		now[a.Key()] = a.Person
	}
	fixed := map[Key]bool{}
	for _, a := range p.in.Fixed {
		fixed[a.Key()] = true
	}
	n := 0
	for _, a := range p.in.Previous {
		if a.Date < p.from || a.Date > p.to || fixed[a.Key()] {
			continue
		}
		if now[a.Key()] != a.Person {
			n++
		}
	}
	return n
}

// Table renders the metrics for operators.
func (m Metrics) Table() string {
	var b strings.Builder
	m.WriteTable(&b)
	return b.String()
}

// WriteTable writes the metrics as aligned tables with Chinese headings.
func (m Metrics) WriteTable(w io.Writer) {
	atBound := "否"
	if m.AllAtBound {
		atBound = "是"
	}
	fmt.Fprintf(w, "硬约束违反 %d　已排 %d　未排 %d　全部达到下界 %s　最大偏差 %.3f　均衡分 %.3f　变动 %d\n\n",
		m.HardViolations, m.Assigned, m.Unfilled, atBound, m.MaxDeviation, m.BalanceScore, m.Changed)
	rows := [][]string{{"值班池", "日类", "人数", "班次", "最少", "最多", "差距", "下界", "最大偏差"}}
	for _, c := range m.Classes {
		rows = append(rows, []string{c.Pool, classLabel(c.Class), itoa(c.People), itoa(c.Slots), itoa(c.Min), itoa(c.Max), itoa(c.Spread), itoa(c.Bound), fmt.Sprintf("%.3f", c.MaxDeviation)})
	}
	writeRows(w, rows)
	fmt.Fprintln(w)
	rows = [][]string{{"值班池", "人数", "加权最少", "加权最多", "偏差差距", "最大偏差", "均衡分"}}
	for _, t := range m.Totals {
		rows = append(rows, []string{t.Pool, itoa(t.People), fmt.Sprintf("%.1f", t.Min), fmt.Sprintf("%.1f", t.Max), fmt.Sprintf("%.3f", t.Spread), fmt.Sprintf("%.3f", t.MaxDeviation), fmt.Sprintf("%.3f", t.BalanceScore)})
	}
	writeRows(w, rows)
	if len(m.Pairs) > 0 {
		fmt.Fprintln(w)
		rows = [][]string{{"值班表", "岗位搭配", "天数", "已用搭配", "可能搭配", "最多重复", "重复下限"}}
		for _, p := range m.Pairs {
			rows = append(rows, []string{p.Roster, p.RoleA + "+" + p.RoleB, itoa(p.Days), itoa(p.Used), itoa(p.Possible), itoa(p.MaxRepeat), itoa(p.Limit)})
		}
		writeRows(w, rows)
	}
	if len(m.Cross) > 0 {
		fmt.Fprintln(w)
		rows = [][]string{{"跨池（共有人员的值班池）", "日类", "人数", "班次", "差距", "下界", "最大偏差"}}
		for _, c := range m.Cross {
			rows = append(rows, []string{strings.Join(c.Pools, "+"), classLabel(c.Class), itoa(c.People), itoa(c.Slots), itoa(c.Spread), itoa(c.Bound), fmt.Sprintf("%.3f", c.MaxDeviation)})
		}
		writeRows(w, rows)
	}
	fmt.Fprintln(w)
	rows = [][]string{{"值班表", "规定最少间隔", "实际最小间隔", "平均间隔"}}
	for _, g := range m.Gaps {
		minGap, mean := "—", "—"
		if g.MinGap != nil {
			minGap = itoa(*g.MinGap)
		}
		if g.MeanGap != nil {
			mean = fmt.Sprintf("%.1f", *g.MeanGap)
		}
		rows = append(rows, []string{g.Roster, itoa(g.MinGapDays), minGap, mean})
	}
	writeRows(w, rows)
}

func classLabel(s string) string {
	for _, c := range Classes {
		if c.String() == s {
			return c.Label()
		}
	}
	return s
}

func itoa(n int) string { return fmt.Sprint(n) }

// displayWidth counts East Asian characters as two columns.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115f || r >= 0x2e80 && r <= 0xa4cf || r >= 0xac00 && r <= 0xd7a3 ||
			r >= 0xf900 && r <= 0xfaff || r >= 0xfe30 && r <= 0xfe4f || r >= 0xff00 && r <= 0xff60 || r >= 0xffe0 && r <= 0xffe6) {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// WriteRows writes rows as columns aligned for a terminal, East Asian
// characters counting two columns.
func WriteRows(w io.Writer, rows [][]string) { writeRows(w, rows) }

func writeRows(w io.Writer, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, c := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for i, c := range row {
			b.WriteString(c)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
