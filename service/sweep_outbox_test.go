package service

import (
	"context"
	"testing"
	"time"

	"zhiban/config/configtest"
	"zhiban/notify"
	"zhiban/store"
	"zhiban/store/storetest"
)

// A staff action's messages are queued under the action's identity on
// every channel, committed with the action; the scheduler's delivery pass
// sends them (scheduler's TestStaffActionMessagesAreDelivered).
func TestStaffActionOutboxCarriesTheActorAndChannels(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	svc := New(st, configtest.Valid(t, nil), []string{"log", "webhook"})
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	m := notify.Message{To: []notify.Recipient{notify.Office}, Subject: "s", Text: "t"}
	err := svc.run(ctx, Call{Actor: "张科员", Now: now}, func(ctx context.Context, e Env) error {
		return e.Out.Put(ctx, e.Tx, m)
	})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := st.Deliveries(ctx, store.DeliveryFilter{Job: "action:张科员"})
	if err != nil || len(ds) != 2 || ds[0].Status != "pending" || ds[0].Channel != "log" || ds[1].Channel != "webhook" ||
		ds[0].Period != now.Format(time.RFC3339Nano) {
		t.Fatalf("deliveries %+v %v", ds, err)
	}
}
