package service

import (
	"context"
	"fmt"
)

// PurgeExpiredBookings deletes, in e's transaction (the purge job's), the
// bookings whose duty day is more than booking.retention_days before
// e.Today, with the visitor's sealed data; the summary says how many.
func PurgeExpiredBookings(ctx context.Context, e Env) (string, error) {
	before := e.Today.AddDays(-e.Cfg.Booking.RetentionDays)
	n, err := e.Tx.PurgeBookings(ctx, before, e.Actor)
	if err != nil {
		return "", err
	}
	if n == 0 {
		return fmt.Sprintf("没有 %s 之前的预约需要清除", before), nil
	}
	return fmt.Sprintf("清除 %s 之前的预约 %d 条", before, n), nil
}
