package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"zhiban/store"
	"zhiban/store/storetest"
)

// A claim holds a row against other owners until its lease runs out; then
// another owner may take it (the first died), and the first can no longer
// record an outcome over the second's.
func TestOutboxClaimLease(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	for _, body := range []string{"一", "二", "三"} {
		if _, err := st.EnqueueNotification(ctx, store.Notification{Recipients: "[]", Subject: body, Body: body}, []string{"webhook"}); err != nil {
			t.Fatal(err)
		}
	}
	a, err := st.ClaimDeliveries(ctx, "a", now, now, time.Minute, 2)
	if err != nil || len(a) != 2 || a[0].Body != "一" || a[1].Body != "二" {
		t.Fatalf("a claimed %+v, %v", a, err)
	}
	b, err := st.ClaimDeliveries(ctx, "b", now.Add(30*time.Second), now.Add(30*time.Second), time.Minute, 10)
	if err != nil || len(b) != 1 || b[0].Body != "三" {
		t.Fatalf("b claimed %+v while a holds its rows, %v", b, err)
	}
	if err := st.FinishDelivery(ctx, "b", b[0].ID, "webhook", "sent", 1, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	// a's lease ran out: c takes a's rows.
	c, err := st.ClaimDeliveries(ctx, "c", now.Add(61*time.Second), now.Add(61*time.Second), time.Minute, 10)
	if err != nil || len(c) != 2 {
		t.Fatalf("c claimed %+v after a's lease, %v", c, err)
	}
	if err := st.FinishDelivery(ctx, "a", a[0].ID, "webhook", "sent", 1, "", time.Time{}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a recorded over c's claim: %v", err)
	}
	// A failure waits for its next try; a give-up (zero next) is never claimed again.
	retry := now.Add(10 * time.Minute)
	if err := st.FinishDelivery(ctx, "c", c[0].ID, "webhook", "failed", 3, "HTTP 502", retry); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishDelivery(ctx, "c", c[1].ID, "webhook", "failed", 3, "HTTP 502", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if d, _ := st.ClaimDeliveries(ctx, "d", retry.Add(-time.Second), retry.Add(-time.Second), time.Minute, 10); len(d) != 0 {
		t.Fatalf("claimed before the retry time: %+v", d)
	}
	d, err := st.ClaimDeliveries(ctx, "d", retry, retry, time.Minute, 10)
	if err != nil || len(d) != 1 || d[0].ID != c[0].ID || d[0].Attempts != 3 {
		t.Fatalf("retry claimed %+v, %v", d, err)
	}
	if err := st.ReleaseDeliveries(ctx, "d"); err != nil {
		t.Fatal(err)
	}
	if e, _ := st.ClaimDeliveries(ctx, "e", retry, retry, time.Minute, 10); len(e) != 1 {
		t.Fatalf("a released row is not claimable: %+v", e)
	}
}

// A row its owner could not record (say the disk was full) stays held: the
// owner's next claim returns only new rows, so the message does not go out twice.
func TestOutboxClaimReturnsOnlyNewRows(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	for _, body := range []string{"一", "二"} {
		if _, err := st.EnqueueNotification(ctx, store.Notification{Recipients: "[]", Subject: body, Body: body}, []string{"webhook"}); err != nil {
			t.Fatal(err)
		}
	}
	first, _ := st.ClaimDeliveries(ctx, "a", now, now, time.Minute, 1)
	second, _ := st.ClaimDeliveries(ctx, "a", now, now, time.Minute, 10)
	if len(first) != 1 || len(second) != 1 || first[0].ID == second[0].ID {
		t.Fatalf("first %+v, second %+v", first, second)
	}
	if third, _ := st.ClaimDeliveries(ctx, "a", now, now, time.Minute, 10); len(third) != 0 {
		t.Fatalf("held rows claimed again: %+v", third)
	}
}
