package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/county"
	"zhiban/scheduler"
	"zhiban/service"
	"zhiban/store"
	"zhiban/store/storetest"
)

// BenchmarkJobTick3Replicas is the cost of a job tick with three replicas
// on one PostgreSQL (issue 12, item 7): three schedulers, each on a store of
// its own (its own connection pool and sessions, as three processes have),
// tick at the same instant; an op is the wall time until all three are
// done. Needs ZHIBAN_TEST_POSTGRES.
//
//	one-due-period: a no-op daily job falls due each op: one replica takes
//	  the write lock and runs it; the others wait for the lock and find it
//	  done, or read it done before locking. The pure ledger cost.
//	idle: the real jobs on the demo county with nothing due: what every
//	  replica's minute heartbeat costs (ledger reads in the catch-up window).
func BenchmarkJobTick3Replicas(b *testing.B) {
	dsn := storetest.PostgresURL(b)
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg, err := config.Load("", func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	var stores [3]*store.Store
	for i := range stores {
		if stores[i], err = store.Open(ctx, dsn); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { stores[i].Close() })
	}
	// tick runs RunDue on every replica at once and returns each one's time and results.
	tick := func(reps []*scheduler.Scheduler, now time.Time) (durs []time.Duration, results [][]scheduler.Result) {
		durs, results = make([]time.Duration, len(reps)), make([][]scheduler.Result, len(reps))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, s := range reps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				t0 := time.Now()
				results[i] = s.RunDue(ctx, now)
				durs[i] = time.Since(t0)
			}()
		}
		close(start)
		wg.Wait()
		return durs, results
	}

	days := 0 // the ledger outlives each b.N round: every tick takes a new day
	b.Run("one-due-period", func(b *testing.B) {
		var reps []*scheduler.Scheduler
		for _, st := range stores {
			s := scheduler.New(st, scheduler.Options{Location: cfg.Location, Logger: quiet})
			if err := s.Add(scheduler.Job{Name: "tick-probe", Kind: scheduler.Daily, Spec: "0 0 * * *",
				Run: func(context.Context, scheduler.Run) (string, error) { return "", nil }}); err != nil {
				b.Fatal(err)
			}
			reps = append(reps, s)
		}
		day := time.Date(2030, 1, 1, 12, 0, 0, 0, cfg.Location)
		var winner, loser time.Duration
		waited := 0
		b.ResetTimer()
		for i := range b.N {
			days++
			durs, results := tick(reps, day.AddDate(0, 0, days))
			ran := 0
			for j, res := range results {
				if len(res) == 1 && res[0].Status == "done" {
					ran++
					winner += durs[j]
					continue
				}
				if len(res) == 1 { // read the period as due, then waited for the lock and found it done
					waited++
				}
				loser += durs[j]
			}
			if ran != 1 {
				b.Fatalf("tick %d: %d replicas ran the period: %v", i, ran, results)
			}
		}
		b.ReportMetric(float64(winner.Microseconds())/1000/float64(b.N), "winner-ms/op")
		b.ReportMetric(float64(loser.Microseconds())/1000/float64(2*b.N), "loser-ms/op")
		b.ReportMetric(float64(waited)/float64(2*b.N), "losers-locked/op")
	})

	b.Run("idle", func(b *testing.B) {
		if _, err := stores[0].ImportCounty(ctx, county.Demo(), "bench"); err != nil {
			b.Fatal(err)
		}
		now := time.Now()
		var reps []*scheduler.Scheduler
		for _, st := range stores {
			s := scheduler.New(st, scheduler.Options{Location: cfg.Location, CatchUpDays: cfg.Jobs.CatchUpDays, Logger: quiet})
			for _, j := range allJobs(service.New(st, cfg, nil)) {
				if err := s.Add(j); err != nil {
					b.Fatal(err)
				}
			}
			reps = append(reps, s)
		}
		tick(reps, now) // runs what is due once
		b.ResetTimer()
		for range b.N {
			if _, results := tick(reps, now); len(results[0])+len(results[1])+len(results[2]) != 0 {
				b.Fatalf("an idle tick ran something: %v", results)
			}
		}
	})
}
