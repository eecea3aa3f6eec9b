package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"zhiban/store"
)

// A period's writes and its ledger row commit together; a failed run
// leaves neither; a period done is not run again.
func TestRunJobHoldsTheLedgerRowInItsTransaction(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	started := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
	boom := errors.New("boom")
	err := st.RunJob(ctx, "j", "2026-12-02", func(tx *store.Store) (store.JobRun, error) {
		if err := tx.SetSetting(ctx, "half", "yes"); err != nil {
			return store.JobRun{}, err
		}
		return store.JobRun{}, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("failed run: %v", err)
	}
	if v, _ := st.Setting(ctx, "half"); v != "" {
		t.Fatal("a failed run's write survived")
	}
	if _, err := st.JobRun(ctx, "j", "2026-12-02"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a failed run left a ledger row: %v", err)
	}
	runs := 0
	run := func(tx *store.Store) (store.JobRun, error) {
		runs++
		return store.JobRun{StartedAt: started, FinishedAt: started.Add(time.Second), Summary: "ok"}, tx.SetSetting(ctx, "done", "yes")
	}
	if err := st.RunJob(ctx, "j", "2026-12-02", run); err != nil {
		t.Fatal(err)
	}
	r, err := st.JobRun(ctx, "j", "2026-12-02")
	if err != nil || r.Status != "done" || r.Summary != "ok" || !r.StartedAt.Equal(started) {
		t.Fatalf("ledger %+v %v", r, err)
	}
	if v, _ := st.Setting(ctx, "done"); v != "yes" {
		t.Fatal("the run's write is missing")
	}
	if err := st.RunJob(ctx, "j", "2026-12-02", run); !errors.Is(err, store.ErrPeriodDone) || runs != 1 {
		t.Fatalf("second run: %v, ran %d times", err, runs)
	}
}
