package planner

import (
	"context"
	"errors"
	"fmt"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/store"
)

// Edits check the rules inside the writing transaction. SQLite runs one write
// transaction at a time (BEGIN IMMEDIATE), so of two edits that clash only
// together, the second sees the first and is refused.

// Stale is an edit against a version someone else changed first; it unwraps to store.ErrConflict.
type Stale struct {
	Key     roster.Key
	Current *store.StoredAssignment // nil when the slot is gone
	Name    string                  // the current person's name
}

func (e *Stale) Error() string {
	if e.Current == nil {
		return fmt.Sprintf("planner: %s/%s/%s was removed", e.Key.Roster, e.Key.Date, e.Key.Role)
	}
	return fmt.Sprintf("planner: %s/%s/%s changed (now %s, version %d)", e.Key.Roster, e.Key.Date, e.Key.Role, e.Current.Person, e.Current.Version)
}

func (e *Stale) Unwrap() error { return store.ErrConflict }

// stale turns a store conflict on k into a Stale with what k holds now.
func stale(ctx context.Context, tx *store.Store, k roster.Key, err error) error {
	if !errors.Is(err, store.ErrConflict) {
		return err
	}
	out := &Stale{Key: k}
	if cur, err := tx.Assignment(ctx, k); err == nil {
		out.Current = &cur
		if p, err := tx.Person(ctx, cur.Person); err == nil {
			out.Name = p.Name
		}
	}
	return out
}

// Assignment is a requested edit of one slot.
type Assignment struct {
	Key     roster.Key
	Person  string
	Version int   // the version the editor saw; 0 for an empty slot
	Pinned  *bool // nil keeps the slot's pin
	// Today lets the edit open today's 开门接访 for the new leader; zero only
	// follows sessions that exist (see FollowRoster).
	Today roster.Date
	// Unit confines the editor to one township's rosters; "" is county-wide.
	Unit string
}

// Assign puts a person on a slot as a manual edit. Outside the pool is invalid, a
// rule break is a conflict and a stale version a *Stale. Keeping the current person
// is allowed unless it newly pins a rule-breaking duty, which repair could never move.
func Assign(ctx context.Context, st *store.Store, req Assignment, actor string) (store.StoredAssignment, error) {
	var out store.StoredAssignment
	if req.Person == "" {
		return out, fault.InvalidField("person", "请选择接替人员")
	}
	err := st.WithTx(ctx, func(tx *store.Store) error {
		if err := CheckRoster(ctx, tx, req.Unit, req.Key.Roster); err != nil {
			return err
		}
		v, err := LoadSlot(ctx, tx, req.Key)
		if err != nil {
			return err
		}
		c := v.candidate(req.Person)
		if c == nil {
			return fault.InvalidField("person", "人员 "+req.Person+" 不在此岗位的值班池中")
		}
		pinned := v.Cur.Pinned
		if req.Pinned != nil {
			pinned = *req.Pinned
		}
		if !c.OK && (!c.Current || pinned && !v.Cur.Pinned) {
			return ruleBreak("不能安排 "+c.Name+"：", c)
		}
		a := roster.Assignment{Roster: req.Key.Roster, Date: req.Key.Date, Role: req.Key.Role, Person: req.Person, Pinned: pinned}
		if out, err = tx.SetAssignment(ctx, a, req.Version, actor); err != nil {
			return stale(ctx, tx, req.Key, err)
		}
		_, err = FollowRoster(ctx, tx, req.Key.Date, req.Key.Date, req.Today, actor, actor)
		return err
	})
	return out, err
}

// ruleBreak is the conflict of a candidate the rules forbid.
func ruleBreak(prefix string, c *Candidate) error {
	return fault.Conflicts(prefix+c.Reason, c.Clashes)
}

// Pin pins or unpins a slot; the generator never moves a pinned slot, so it must keep every rule.
// unit confines the editor to one township's rosters ("" is county-wide).
func Pin(ctx context.Context, st *store.Store, k roster.Key, version int, pinned bool, actor, unit string) (store.StoredAssignment, error) {
	var out store.StoredAssignment
	err := st.WithTx(ctx, func(tx *store.Store) error {
		if err := CheckRoster(ctx, tx, unit, k.Roster); err != nil {
			return err
		}
		if pinned {
			v, err := LoadSlot(ctx, tx, k)
			if err != nil {
				return err
			}
			if !v.Exists || v.Cur.Version != version {
				return stale(ctx, tx, k, store.ErrConflict)
			}
			if c := v.candidate(v.Cur.Person); c != nil && !c.OK && !v.Cur.Pinned {
				return ruleBreak("不能固定：", c)
			}
		}
		var err error
		out, err = tx.SetPinned(ctx, k, version, pinned, actor)
		return stale(ctx, tx, k, err)
	})
	return out, err
}

// Swap is a requested exchange of the people of one role on two days.
type Swap struct {
	Key          roster.Key
	Version      int
	Other        roster.Date
	OtherVersion int
	Force        bool // the editor confirmed a swap that breaks rules
	Today        roster.Date
	Unit         string // confines the editor to one township's rosters; "" is county-wide
}

// SwapMsg is the refusal of a swap that breaks rules and was not confirmed.
const SwapMsg = "交换后违反排班规则，未保存。如确需交换，请确认后再次提交。"

// SwapSlots exchanges one role's people on two days in one transaction, keeping
// pins. A rule break is a conflict unless Force is set: staff may override.
func SwapSlots(ctx context.Context, st *store.Store, req Swap, actor string) error {
	ka, kb := req.Key, roster.Key{Roster: req.Key.Roster, Date: req.Other, Role: req.Key.Role}
	if ka == kb {
		return fault.InvalidField("other", "请选择要交换的日期")
	}
	return st.WithTx(ctx, func(tx *store.Store) error {
		if err := CheckRoster(ctx, tx, req.Unit, ka.Roster); err != nil {
			return err
		}
		a, err := tx.Assignment(ctx, ka)
		if err != nil {
			return err
		}
		b, err := tx.Assignment(ctx, kb)
		if err != nil {
			return err
		}
		if a.Version != req.Version {
			return stale(ctx, tx, ka, store.ErrConflict)
		}
		if b.Version != req.OtherVersion {
			return stale(ctx, tx, kb, store.ErrConflict)
		}
		lo, hi := min(ka.Date, kb.Date), max(ka.Date, kb.Date)
		cross, err := tx.CrossGapDays(ctx)
		if err != nil {
			return err
		}
		in, stored, err := Input(ctx, tx, lo, hi.AddDays(max(swapWindow, cross)))
		if err != nil {
			return err
		}
		for _, x := range stored {
			if x.Date >= lo && x.Key() != ka && x.Key() != kb {
				in.Fixed = append(in.Fixed, x.Assignment)
			}
		}
		na := roster.Assignment{Roster: ka.Roster, Date: ka.Date, Role: ka.Role, Person: b.Person, Pinned: a.Pinned}
		nb := roster.Assignment{Roster: kb.Roster, Date: kb.Date, Role: kb.Role, Person: a.Person, Pinned: b.Pinned}
		if vs := roster.Validate(in, []roster.Assignment{na, nb}); len(vs) > 0 && !req.Force {
			return fault.Conflicts(SwapMsg, vs)
		}
		if _, err := tx.SetAssignment(ctx, na, req.Version, actor); err != nil {
			return stale(ctx, tx, ka, err)
		}
		if _, err = tx.SetAssignment(ctx, nb, req.OtherVersion, actor); err != nil {
			return stale(ctx, tx, kb, err)
		}
		for _, d := range []roster.Date{ka.Date, kb.Date} {
			if _, err := FollowRoster(ctx, tx, d, d, req.Today, actor, actor); err != nil {
				return err
			}
		}
		return nil
	})
}
