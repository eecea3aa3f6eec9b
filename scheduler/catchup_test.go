package scheduler_test

import (
	"context"
	"testing"
	"time"

	"zhiban/config/configtest"
	"zhiban/notify"
	"zhiban/scheduler"
	"zhiban/service"
	"zhiban/store"
)

func TestMonthlyJobRunsItsCurrentMonthBeyondTheWindow(t *testing.T) {
	for _, tc := range []struct {
		name, now string
		lastRun   string // a ledger row before the outage; "" for a fresh install
	}{
		{"down from the 1st to the 9th", "2027-01-10 09:00:00", "2026-12"},
		{"fresh install on the 28th", "2026-12-28 10:00:00", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st := openDemo(t)
			c := &clock{t: at(tc.now)}
			var runs []string
			s := newScheduler(t, st, c, nil, counter("open-sweep", scheduler.Monthly, "0 8 1 * *", &runs))
			if tc.lastRun != "" {
				st.RecordJobRun(ctx, store.JobRun{Job: "open-sweep", Period: tc.lastRun, Status: "done", FinishedAt: at("2026-12-01 08:00:00")})
			}
			res := s.RunDue(ctx, c.Now())
			want := tc.now[:7]
			if len(res) != 1 || res[0].Period != want || res[0].Status != "done" {
				t.Fatalf("ran %+v, want the period %s", res, want)
			}
			// Still once per month.
			c.Set(c.Now().Add(time.Hour))
			if res := s.RunDue(ctx, c.Now()); len(res) != 0 {
				t.Fatalf("ran again %+v", res)
			}
		})
	}
}

func TestSkippedPeriodIsListedAsSkipped(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	c := &clock{t: at("2026-12-02 09:00:00")}
	s := newScheduler(t, st, c, nil, scheduler.DutyReminder(service.New(st, configtest.Valid(t, nil), nil)))
	st.RecordJobRun(ctx, store.JobRun{Job: "duty-reminder", Period: "2026-11-30", Status: "done", FinishedAt: at("2026-11-30 17:00:00")})
	s.RunDue(ctx, c.Now())
	list, err := s.List(ctx, c.Now())
	if err != nil {
		t.Fatal(err)
	}
	if list[0].Last == nil || list[0].Last.Status != scheduler.StatusSkipped {
		t.Fatalf("last run %+v", list[0].Last)
	}
}

func TestFailedDeliveriesAreRetriedOnLaterTicksForADay(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	c := &clock{t: at("2026-12-02 09:00:00")}
	st.Now = c.Now
	rec := &recorder{fail: 3} // the first pass (3 tries) fails
	job := scheduler.Job{Name: "tell", Kind: scheduler.Daily, Spec: "0 9 * * *",
		Run: func(ctx context.Context, r scheduler.Run) (string, error) {
			return "ok", r.Out.Put(ctx, r.Tx, msgFor("今日提醒"))
		}}
	s := newScheduler(t, st, c, rec, job)
	if r, _ := s.RunNow(ctx, "tell", c.Now()); r.Status != "done" {
		t.Fatalf("%+v", r)
	}
	s.Flush(ctx)
	if ds, _ := st.Deliveries(ctx, store.DeliveryFilter{Status: "failed"}); len(ds) != 1 {
		t.Fatalf("failed deliveries %+v", ds)
	}
	// Right away: still backing off.
	if sent, failed := s.Deliver(ctx); sent+failed != 0 {
		t.Fatalf("retried at once: %d sent, %d failed", sent, failed)
	}
	c.Set(c.Now().Add(15 * time.Minute))
	if sent, _ := s.Deliver(ctx); sent != 1 || len(rec.got()) != 1 {
		t.Fatalf("not retried on a later tick: sent %d, got %d", sent, len(rec.got()))
	}
	if ds, _ := st.Deliveries(ctx, store.DeliveryFilter{Status: "sent"}); len(ds) != 1 {
		t.Fatalf("sent deliveries %+v", ds)
	}

	// A delivery failing for more than a day is given up.
	rec.mu.Lock()
	rec.fail = 1 << 20
	rec.mu.Unlock()
	c.Set(c.Now().Add(24 * time.Hour))
	s.RunNow(ctx, "tell", c.Now())
	s.Flush(ctx)
	c.Set(c.Now().Add(25 * time.Hour))
	if sent, failed := s.Deliver(ctx); sent+failed != 0 {
		t.Fatalf("a day-old delivery was retried: %d sent, %d failed", sent, failed)
	}
}

func msgFor(text string) notify.Message {
	return notify.Message{To: []notify.Recipient{notify.Office}, Subject: text, Text: text}
}
