package planner

import (
	"context"
	"fmt"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/store"
)

// A staff account may be confined to one township (store.User.Unit; "" is
// county-wide). The checks below run inside the transaction of the write
// they guard, so the JSON API, the staff forms and the CLI refuse alike.
// Rules and reasons: docs/staff-scope.md.

// UnitName is the name of unit id, or the id itself when it is unknown.
func UnitName(ctx context.Context, st *store.Store, id string) (string, error) {
	units, err := st.Units(ctx)
	if err != nil {
		return "", err
	}
	for _, u := range units {
		if u.ID == id {
			return u.Name, nil
		}
	}
	return id, nil
}

// denied is the refusal of a township account acting on what is not its own.
func denied(ctx context.Context, st *store.Store, unit, what string) error {
	name, err := UnitName(ctx, st, unit)
	if err != nil {
		return err
	}
	return fault.Denied(fmt.Sprintf("没有权限：本账号只管理%s，不能%s", name, what))
}

// CheckRoster refuses a township account on a roster kept by another unit or
// by the county. An unknown roster passes: the use case reports it missing.
func CheckRoster(ctx context.Context, st *store.Store, unit, rosterID string) error {
	if unit == "" {
		return nil
	}
	defs, err := st.Rosters(ctx)
	if err != nil {
		return err
	}
	for _, d := range defs {
		if d.ID == rosterID && d.Unit != unit {
			return denied(ctx, st, unit, "修改"+d.Name+"的值班安排")
		}
	}
	return nil
}

// CheckPerson refuses a township account on a person's leave unless the person
// serves only in that township: a member of a pool one of its rosters draws
// from, and of no pool a county or other township roster draws from. Leave
// takes a person off every roster they serve in and AddAbsence replaces their
// broken duties there, so a clerk entering leave for a county leader would
// rearrange the county's duty.
func CheckPerson(ctx context.Context, st *store.Store, unit, personID string) error {
	if unit == "" {
		return nil
	}
	own, err := servesOnlyIn(ctx, st, unit, personID)
	if err != nil || own {
		return err
	}
	name := personID
	if p, err := st.Person(ctx, personID); err == nil {
		name = p.Name
	}
	return denied(ctx, st, unit, "登记"+name+"的请假、出差（此人不只在本乡镇值班）")
}

func servesOnlyIn(ctx context.Context, st *store.Store, unit, personID string) (bool, error) {
	people, err := UnitPeople(ctx, st, unit)
	return people[personID], err
}

// UnitPeople are the people whose leave a township account of unit may
// change (CheckPerson's rule): every roster they serve in is unit's.
func UnitPeople(ctx context.Context, st *store.Store, unit string) (map[string]bool, error) {
	pools, err := st.Pools(ctx)
	if err != nil {
		return nil, err
	}
	defs, err := st.Rosters(ctx)
	if err != nil {
		return nil, err
	}
	// Which units' rosters draw on each pool ("" for the county's).
	units := map[string]map[string]bool{}
	for _, d := range defs {
		for _, sl := range d.Slots {
			if units[sl.Pool] == nil {
				units[sl.Pool] = map[string]bool{}
			}
			units[sl.Pool][d.Unit] = true
		}
	}
	own, elsewhere := map[string]bool{}, map[string]bool{}
	for _, p := range pools {
		for u := range units[p.ID] {
			for _, m := range p.Members {
				if u == unit {
					own[m] = true
				} else {
					elsewhere[m] = true
				}
			}
		}
	}
	for m := range elsewhere {
		delete(own, m)
	}
	return own, nil
}

// UnitRosters is the set of roster ids unit keeps.
func UnitRosters(ctx context.Context, st *store.Store, unit string) (map[string]bool, error) {
	defs, err := st.Rosters(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, d := range defs {
		if d.Unit == unit {
			out[d.ID] = true
		}
	}
	return out, nil
}

// HomeRoster is the roster a staff member's pages open on: unit's first, else
// the first of defs (county staff, or a township without a roster). defs is not empty.
func HomeRoster(defs []roster.Definition, unit string) roster.Definition {
	for _, d := range defs {
		if unit != "" && d.Unit == unit {
			return d
		}
	}
	return defs[0]
}
