package scheduler_test

import (
	"context"
	"testing"
	"time"

	"zhiban/service"
	"zhiban/store"
)

// A message a staff action queued (Outbox job "action:<actor>") is sent by
// the scheduler's delivery pass, which runs at start-up and on every minute
// heartbeat, without the action telling the scheduler anything.
func TestStaffActionMessagesAreDelivered(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	c := &clock{t: at("2026-12-02 09:00:00")}
	rec := &recorder{}
	s := newScheduler(t, st, c, rec)
	out := service.Outbox{Job: "action:张科员", Period: c.Now().Format(time.RFC3339Nano), Channels: []string{"test"}}
	if err := st.WithTx(ctx, func(tx *store.Store) error { return out.Put(ctx, tx, msgFor("案件已转办")) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(ctx)
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rec.got(); len(got) != 1 || got[0].Text != "案件已转办" {
		t.Fatalf("delivered %+v", got)
	}
	if ds, _ := st.Deliveries(ctx, store.DeliveryFilter{Job: "action:张科员"}); len(ds) != 1 || ds[0].Status != "sent" {
		t.Fatalf("delivery log %+v", ds)
	}
}
