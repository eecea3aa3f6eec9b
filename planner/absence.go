package planner

import (
	"context"
	"errors"
	"fmt"

	"zhiban/clean"
	"zhiban/fault"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// AbsenceKinds are the kinds of absence staff record, with their labels.
var AbsenceKinds = []struct{ Value, Label string }{{"leave", "请假"}, {"trip", "出差"}, {"meeting", "开会"}}

// AbsenceKindLabel names a kind of absence; an unknown kind is named by itself.
func AbsenceKindLabel(k roster.AbsenceKind) string {
	for _, x := range AbsenceKinds {
		if x.Value == string(k) {
			return x.Label
		}
	}
	return string(k)
}

// CheckAbsence refuses an absence without a person, of unknown kind, reversed,
// over a year, outside the date window on today, or with an unclean reason.
func CheckAbsence(a roster.Absence, today roster.Date) error {
	if _, err := fault.Text("reason", a.Reason, clean.Line); err != nil {
		return err
	}
	if err := visits.CheckDate("from", a.From, today); err != nil {
		return err
	}
	if err := visits.CheckDate("to", a.To, today); err != nil {
		return err
	}
	switch {
	case a.Person == "":
		return fault.InvalidField("person", "请选择人员")
	case AbsenceKindLabel(a.Kind) == string(a.Kind):
		return fault.InvalidField("kind", "类型无效")
	case a.To < a.From:
		return fault.InvalidField("to", "结束日期早于开始日期")
	case a.To.DaysSince(a.From) > 366:
		return fault.InvalidField("to", "一次最多登记一年")
	}
	return nil
}

// BrokenDuty is a duty an absence invalidates, with the engine's proposal or why nobody can take it.
type BrokenDuty struct {
	store.StoredAssignment
	Name, Proposed, ProposedName, Unfilled string
}

// AbsenceImpact asks the engine for replacements with every other slot fixed, so only these move.
// A township account (unit != "") may preview only the leave of its township's people (CheckPerson).
func AbsenceImpact(ctx context.Context, st *store.Store, ab roster.Absence, unit string) ([]BrokenDuty, error) {
	if err := CheckPerson(ctx, st, unit, ab.Person); err != nil {
		return nil, err
	}
	in, stored, err := Input(ctx, st, ab.From, ab.To)
	if err != nil {
		return nil, err
	}
	people := peopleByID(in.People)
	in.Absences = append(in.Absences, ab)
	var broken []BrokenDuty
	isBroken := map[roster.Key]int{}
	for _, a := range stored {
		if a.Date < ab.From {
			continue
		}
		if a.Person == ab.Person && ab.Covers(a.Date) {
			isBroken[a.Key()] = len(broken)
			broken = append(broken, BrokenDuty{StoredAssignment: a, Name: people[a.Person].Name})
			continue
		}
		in.Fixed = append(in.Fixed, a.Assignment)
	}
	if len(broken) == 0 {
		return nil, nil
	}
	plan, err := roster.Generate(in)
	if err != nil {
		return nil, err
	}
	for _, a := range plan.Assignments {
		if i, ok := isBroken[a.Key()]; ok {
			broken[i].Proposed, broken[i].ProposedName = a.Person, people[a.Person].Name
		}
	}
	for _, u := range plan.Unfilled {
		if i, ok := isBroken[roster.Key{Roster: u.Roster, Date: u.Date, Role: u.Role}]; ok {
			broken[i].Unfilled = u.Reason
		}
	}
	return broken, nil
}

// Replacement is a kept replacement with the duty version seen in the preview.
type Replacement struct {
	Assignment roster.Assignment
	Version    int
}

// ErrDuplicateAbsence refuses an absence recorded before.
var ErrDuplicateAbsence = fault.InvalidField("", "这条请假/出差已登记过")

// AddAbsence records an absence and applies the kept replacements in the same
// transaction; a duty changed since the preview aborts the whole save. unit
// confines the editor to the people of one township (CheckPerson); "" is county-wide.
func AddAbsence(ctx context.Context, st *store.Store, ab roster.Absence, repl []Replacement, today roster.Date, actor, unit string) (int, error) {
	if err := CheckAbsence(ab, today); err != nil {
		return 0, err
	}
	n := 0
	err := st.WithTx(ctx, func(tx *store.Store) error {
		if err := CheckPerson(ctx, tx, unit, ab.Person); err != nil {
			return err
		}
		if _, err := tx.AddAbsence(ctx, ab, actor); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return ErrDuplicateAbsence
			}
			return err
		}
		for _, r := range repl {
			cur, err := tx.Assignment(ctx, r.Assignment.Key())
			if errors.Is(err, store.ErrNotFound) {
				return stale(ctx, tx, r.Assignment.Key(), store.ErrConflict)
			}
			if err != nil {
				return err
			}
			pinned := cur.Pinned
			req := Assignment{Key: r.Assignment.Key(), Person: r.Assignment.Person, Version: r.Version, Pinned: &pinned, Unit: unit}
			if _, err := Assign(ctx, tx, req, actor); err != nil {
				return fmt.Errorf("planner: replace %s %s: %w", req.Key.Date, req.Key.Role, err)
			}
			n++
		}
		return nil
	})
	return n, err
}

// DeleteAbsence removes an absence; the duties it freed stay as they are.
// unit confines the editor to the people of one township; "" is county-wide.
func DeleteAbsence(ctx context.Context, st *store.Store, id int64, actor, unit string) error {
	return st.WithTx(ctx, func(tx *store.Store) error {
		if unit != "" {
			person, err := tx.AbsencePerson(ctx, id)
			if err != nil {
				return err
			}
			if err := CheckPerson(ctx, tx, unit, person); err != nil {
				return err
			}
		}
		return tx.DeleteAbsence(ctx, id, actor)
	})
}
