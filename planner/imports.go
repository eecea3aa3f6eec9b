package planner

import (
	"context"

	"zhiban/county"
	"zhiban/roster"
	"zhiban/store"
)

// Bulk changes and the repair they force are one transaction: the public
// page never shows a duty a new absence or pool makes invalid.

// ImportCounty loads a county file and repairs [today, to] in one transaction.
func ImportCounty(ctx context.Context, st *store.Store, c *county.County, today, to roster.Date, actor string) (store.ImportResult, Change, error) {
	var res store.ImportResult
	var fix Change
	err := st.WithTx(ctx, func(tx *store.Store) error {
		var err error
		if res, err = tx.ImportCounty(ctx, c, actor); err != nil || res.Changed == 0 {
			return err
		}
		fix, err = Repair(ctx, tx, today, to, today, actor)
		return err
	})
	return res, fix, err
}

// Leader is a person to insert or update, with the pools to put them in.
type Leader struct {
	Person roster.Person
	Pools  []string
}

// ImportPeople writes checked Excel rows and repairs [today, to] in one transaction.
func ImportPeople(ctx context.Context, st *store.Store, leaders []Leader, absences []roster.Absence, today, to roster.Date, actor string) (int, Change, error) {
	n := 0
	var fix Change
	err := st.WithTx(ctx, func(tx *store.Store) error {
		for _, l := range leaders {
			changed, err := tx.UpsertPerson(ctx, l.Person, l.Pools, actor)
			if err != nil {
				return err
			}
			if changed {
				n++
			}
		}
		for _, a := range absences {
			if _, err := tx.AddAbsence(ctx, a, actor); err != nil {
				return err
			}
			n++
		}
		if n == 0 {
			return nil
		}
		var err error
		fix, err = Repair(ctx, tx, today, to, today, actor)
		return err
	})
	return n, fix, err
}
