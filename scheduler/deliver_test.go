package scheduler_test

import (
	"context"
	"testing"
	"time"

	"zhiban/notify"
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

// blocker holds each message until released, as a slow robot would.
type blocker struct {
	started, release chan struct{}
}

func (b *blocker) Notify(ctx context.Context, m notify.Message) error {
	b.started <- struct{}{}
	<-b.release
	return nil
}

// A run with --now in the past (its clock days behind) claims messages on the
// wall clock: a server delivering at the same time must not see the claim
// as expired and send the message a second time.
func TestClaimsRunOnTheWallClock(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	out := service.Outbox{Job: "action:张科员", Period: "x", Channels: []string{"test"}}
	if err := st.WithTx(ctx, func(tx *store.Store) error { return out.Put(ctx, tx, msgFor("案件已转办")) }); err != nil {
		t.Fatal(err)
	}
	slow := &blocker{started: make(chan struct{}), release: make(chan struct{})}
	past := newScheduler(t, st, &clock{t: at("2026-11-30 09:00:00")}, slow)
	done := make(chan struct{})
	go func() { past.Deliver(ctx); close(done) }()
	<-slow.started
	rec := &recorder{}
	server := newScheduler(t, st, &clock{t: time.Now()}, rec)
	if sent, failed := server.Deliver(ctx); sent+failed != 0 || len(rec.got()) != 0 {
		t.Errorf("the server took a message another process holds: %d sent, %d failed", sent, failed)
	}
	close(slow.release)
	<-done
}
