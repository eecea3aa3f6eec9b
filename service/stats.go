package service

import (
	"context"

	"zhiban/roster"
	"zhiban/stats"
	"zhiban/store"
)

// Statistics computes the figures of period p as seen on asOf (the county's
// today). Every row is read in one read-only transaction, so figures counted
// from several queries come from one state of the database; the computing
// runs after it ends.
func (s *Service) Statistics(ctx context.Context, p stats.Period, asOf roster.Date) (stats.Report, error) {
	var in stats.Input
	err := s.st.ReadTx(ctx, func(tx *store.Store) error {
		var err error
		in, err = stats.Read(ctx, tx, p, asOf)
		return err
	})
	if err != nil {
		return stats.Report{}, err
	}
	return stats.Compute(in), nil
}
