package planner

import (
	"context"
	"fmt"

	"zhiban/roster"
	"zhiban/store"
)

// Regenerate re-plans [from, to] for fairness. Unlike Fill, which keeps every
// still-valid generated slot, it hands them to the engine as Previous: kept
// where that costs no fairness, moved where it does. Manual, pinned and past
// slots stay. It writes in one transaction, so a caller can preview by
// running it inside store.WithTx and rolling back.
func Regenerate(ctx context.Context, st *store.Store, from, to, today roster.Date, actor string) (Result, error) {
	if to < from {
		return Result{}, fmt.Errorf("planner: 结束日期 %s 早于开始日期 %s", to, from)
	}
	var res Result
	err := st.WithTx(ctx, func(tx *store.Store) error {
		in, stored, err := Input(ctx, tx, from, to)
		if err != nil {
			return err
		}
		slots := dutySlots(in)
		var remove []roster.Key
		for _, a := range stored {
			switch {
			case a.Date < from:
			case a.Source == roster.Manual || a.Pinned || a.Date < today:
				in.Fixed = append(in.Fixed, a.Assignment)
			case !slots[a.Key()]:
				remove = append(remove, a.Key())
			default:
				in.Previous = append(in.Previous, a.Assignment)
			}
		}
		plan, err := roster.Generate(in)
		if err != nil {
			return fmt.Errorf("planner: regenerate %s–%s: %w", from, to, err)
		}
		fixed := map[roster.Key]bool{}
		for _, a := range in.Fixed {
			fixed[a.Key()] = true
		}
		planned := map[roster.Key]bool{}
		var writes []roster.Assignment
		for _, a := range plan.Assignments {
			planned[a.Key()] = true
			if !fixed[a.Key()] {
				writes = append(writes, a)
			}
		}
		for _, a := range in.Previous {
			if !planned[a.Key()] {
				remove = append(remove, a.Key())
			}
		}
		written, removed, err := tx.SaveGenerated(ctx, writes, remove, actor)
		res = Result{Plan: plan, Written: written, Removed: removed}
		return err
	})
	return res, err
}
