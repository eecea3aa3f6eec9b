package service_test

import (
	"context"
	"testing"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/visits"
)

// Issue 11 item 7: a 主动约访 or 带案下访 is not planned, nor moved, into the
// past (today is 2026-12-01 in the fixture); a visit that happened is
// recorded through its outcome.
func TestVisitInThePastIsRefused(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.register(t, newCase())
	_, err := f.svc.CreateVisit(ctx, f.call, carry("2026-11-30"))
	wantFault(t, err, fault.Invalid, "date")
	invite := service.VisitInput{Kind: visits.KindInvite, Leader: "L02", Date: roster.MustDate("2026-11-27"), Start: roster.Clock(10 * 60),
		End: roster.Clock(11 * 60), Place: "县群众工作部约访室", Cases: []int64{k.ID}}
	_, err = f.svc.CreateVisit(ctx, f.call, invite)
	wantFault(t, err, fault.Invalid, "date")
	invite.Date = roster.MustDate("2026-12-01") // today is fine
	v, err := f.svc.CreateVisit(ctx, f.call, invite)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.RescheduleVisit(ctx, f.call, v.ID, service.VisitAct{Version: v.Version, Date: roster.MustDate("2026-11-30"), Reason: "补记"})
	wantFault(t, err, fault.Invalid, "date")
}
