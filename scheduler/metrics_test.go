package scheduler_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"zhiban/metrics"
	"zhiban/metrics/metricstest"
	"zhiban/scheduler"
)

// Each run reaches Observe with its result: /metrics counts runs by outcome,
// failures and the duration of the runs that did work.
func TestObserveCountsJobRuns(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	c := &clock{t: at("2026-12-02 10:00:00")}
	m := metrics.New()
	m.InitJobs([]string{"count", "broken", "idle"})
	if err := m.Store(st); err != nil {
		t.Fatal(err)
	}
	s := scheduler.New(st, scheduler.Options{Location: shanghai, Logger: quiet(), Now: c.Now,
		Observe: func(r scheduler.Result, took time.Duration) { m.ObserveJob(r.Job, r.Status, took) }})
	var runs []string
	for _, j := range []scheduler.Job{
		counter("count", scheduler.Daily, "0 9 * * *", &runs),
		{Name: "broken", Kind: scheduler.Daily, Spec: "0 8 * * *",
			Run: func(context.Context, scheduler.Run) (string, error) { return "", errors.New("robot is down") }},
		counter("idle", scheduler.Daily, "0 9 * * *", &runs),
	} {
		if err := s.Add(j); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"count", "count", "broken"} {
		if _, err := s.RunNow(ctx, name, c.Now()); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	sc := metricstest.Get(t, srv.URL)
	sc.Want(t, 1, "zhiban_job_runs_total", "job=count", "status=done")
	sc.Want(t, 1, "zhiban_job_runs_total", "job=count", "status=already-done")
	sc.Want(t, 1, "zhiban_job_runs_total", "job=broken", "status=failed")
	sc.Want(t, 1, "zhiban_job_failures_total", "job=broken")
	sc.Want(t, 0, "zhiban_job_failures_total", "job=count")
	sc.Want(t, 1, "zhiban_job_duration_seconds_count", "job=count") // the already-done run did no work
	sc.Want(t, 1, "zhiban_job_duration_seconds_count", "job=broken")
	// The last success comes from the ledger, so it is there for runs by any process.
	sc.Want(t, float64(c.Now().Unix()), "zhiban_job_last_success_timestamp_seconds", "job=count")
	if v, ok := sc.Value("zhiban_job_last_success_timestamp_seconds", "job=broken"); ok {
		t.Errorf("a job that never succeeded has a last success: %v", v)
	}
	// A job that never ran is there at zero, so an alert on it works from the start.
	sc.Want(t, 0, "zhiban_job_runs_total", "job=idle", "status=done")
	sc.Want(t, 0, "zhiban_job_failures_total", "job=idle")
}
