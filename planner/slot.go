package planner

import (
	"context"
	"fmt"

	"zhiban/roster"
	"zhiban/store"
)

// swapWindow is how far apart two days of a slot may be swapped.
const swapWindow = 31

// SlotView is one slot with every pool member judged; edits rebuild it inside
// the writing transaction, so the check and the write see the same data.
type SlotView struct {
	Def        roster.Definition
	Slot       roster.Slot
	Key        roster.Key
	Cur        store.StoredAssignment
	Exists     bool
	CurName    string
	Cal        roster.Calendar
	Candidates []Candidate
	Swaps      []SwapOption

	in     roster.Input // Fixed holds every stored duty around the day but this slot
	people map[string]roster.Person
}

// Candidate is a pool member for a slot: eligible, or the rule and duties it clashes with.
type Candidate struct {
	ID, Name, Title string
	OK              bool
	Reason          string
	Clashes         []Clash
	Current         bool
	YearCount       int // duties in this slot's pool this year, a fairness hint
}

// SwapOption is another day of the same roster and role, to swap with.
type SwapOption struct {
	Date         roster.Date
	Version      int
	Person, Name string
}

// Clash is a stored duty an edit would break a rule with (same day, within
// the roster's minimum gap, or within the cross-roster gap in another roster).
type Clash struct {
	Roster string      `json:"roster"`
	Date   roster.Date `json:"date"`
	Role   string      `json:"role"`
	Person string      `json:"person"`
	Name   string      `json:"name"`
}

func (c Clash) String() string { return fmt.Sprintf("%s %s %s %s", c.Date, c.Roster, c.Role, c.Name) }

// RosterDef returns one roster definition or store.ErrNotFound.
func RosterDef(ctx context.Context, st *store.Store, id string) (roster.Definition, error) {
	defs, err := st.Rosters(ctx)
	if err != nil {
		return roster.Definition{}, err
	}
	for _, d := range defs {
		if d.ID == id {
			return d, nil
		}
	}
	return roster.Definition{}, fmt.Errorf("planner: roster %s: %w", id, store.ErrNotFound)
}

// LoadSlot judges each pool member with roster.Validate on a trial assignment, so
// the reason shown is exactly the rule the engine enforces.
func LoadSlot(ctx context.Context, st *store.Store, k roster.Key) (*SlotView, error) {
	def, err := RosterDef(ctx, st, k.Roster)
	if err != nil {
		return nil, err
	}
	v := &SlotView{Def: def, Key: k}
	found := false
	for _, sl := range def.Slots {
		if sl.Role == k.Role {
			v.Slot, found = sl, true
		}
	}
	if !found {
		return nil, fmt.Errorf("planner: roster %s has no role %s: %w", k.Roster, k.Role, store.ErrNotFound)
	}
	cross, err := st.CrossGapDays(ctx)
	if err != nil {
		return nil, err
	}
	span := max(def.MinGapDays, cross, 1) + swapWindow
	in, stored, err := Input(ctx, st, k.Date, k.Date.AddDays(span))
	if err != nil {
		return nil, err
	}
	v.Cal = in.Calendar
	v.people = peopleByID(in.People)
	for _, a := range stored {
		switch {
		case a.Date < k.Date:
		case a.Key() == k:
			v.Cur, v.Exists, v.CurName = a, true, v.people[a.Person].Name
		default:
			in.Fixed = append(in.Fixed, a.Assignment)
			if a.Roster == k.Roster && a.Role == k.Role && a.Date.DaysSince(k.Date) <= swapWindow {
				v.Swaps = append(v.Swaps, SwapOption{Date: a.Date, Version: a.Version, Person: a.Person, Name: v.people[a.Person].Name})
			}
		}
	}
	v.in = in
	count := PoolCounts(in, stored, k.Date.Year())[v.Slot.Pool]
	for _, pool := range in.Pools {
		if pool.ID != v.Slot.Pool {
			continue
		}
		for _, id := range pool.Members {
			p := v.people[id]
			c := Candidate{ID: id, Name: p.Name, Title: p.Title, Current: v.Exists && v.Cur.Person == id, YearCount: count[id]}
			c.Reason, c.Clashes = v.judge(id)
			c.OK = c.Reason == ""
			v.Candidates = append(v.Candidates, c)
		}
	}
	return v, nil
}

func (v *SlotView) judge(id string) (string, []Clash) {
	trial := roster.Assignment{Roster: v.Key.Roster, Date: v.Key.Date, Role: v.Key.Role, Person: id}
	vs := roster.Validate(v.in, []roster.Assignment{trial})
	if len(vs) == 0 {
		if p := v.people[id]; !p.Active {
			return p.Name + " 已不在岗", nil
		}
		return "", nil
	}
	return vs[0].Reason, clashesOf(v.in, trial, v.people)
}

func (v *SlotView) candidate(id string) *Candidate {
	for i := range v.Candidates {
		if v.Candidates[i].ID == id {
			return &v.Candidates[i]
		}
	}
	return nil
}

func clashesOf(in roster.Input, a roster.Assignment, people map[string]roster.Person) []Clash {
	gap := 0
	for _, d := range in.Rosters {
		if d.ID == a.Roster {
			gap = d.MinGapDays
		}
	}
	var out []Clash
	for _, x := range append(append([]roster.Assignment{}, in.History...), in.Fixed...) {
		if x.Person != a.Person || x.Key() == a.Key() {
			continue
		}
		dist := max(x.Date.DaysSince(a.Date), a.Date.DaysSince(x.Date))
		if x.Date == a.Date || x.Roster == a.Roster && dist < gap || x.Roster != a.Roster && dist < in.CrossGapDays {
			out = append(out, Clash{Roster: x.Roster, Date: x.Date, Role: x.Role, Person: x.Person, Name: people[x.Person].Name})
		}
	}
	return out
}

// PoolCounts counts each person's duties per pool in year: the fairness hint beside each candidate.
func PoolCounts(in roster.Input, stored []store.StoredAssignment, year int) map[string]map[string]int {
	poolOf := slotPools(in.Rosters)
	out := map[string]map[string]int{}
	seen := map[roster.Key]bool{}
	count := func(a roster.Assignment) {
		if a.Date.Year() != year || seen[a.Key()] {
			return
		}
		seen[a.Key()] = true
		pool := poolOf[[2]string{a.Roster, a.Role}]
		if out[pool] == nil {
			out[pool] = map[string]int{}
		}
		out[pool][a.Person]++
	}
	for _, a := range in.History {
		count(a)
	}
	for _, a := range stored {
		count(a.Assignment)
	}
	return out
}

func slotPools(defs []roster.Definition) map[[2]string]string {
	out := map[[2]string]string{}
	for _, d := range defs {
		for _, sl := range d.Slots {
			out[[2]string{d.ID, sl.Role}] = sl.Pool
		}
	}
	return out
}

func peopleByID(ps []roster.Person) map[string]roster.Person {
	out := make(map[string]roster.Person, len(ps))
	for _, p := range ps {
		out[p.ID] = p
	}
	return out
}
