package planner

import (
	"context"

	"zhiban/store"
)

// PublishMonth publishes rosterID's month (store.PublishMonth) after checking,
// in the same transaction, that a township account (unit != "") publishes only
// its own township's roster; "" is county-wide.
func PublishMonth(ctx context.Context, st *store.Store, rosterID, month, actor, unit string) (store.Publication, error) {
	var p store.Publication
	err := st.WithTx(ctx, func(tx *store.Store) error {
		if err := CheckRoster(ctx, tx, unit, rosterID); err != nil {
			return err
		}
		var err error
		p, err = tx.PublishMonth(ctx, rosterID, month, actor)
		return err
	})
	return p, err
}
