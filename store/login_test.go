package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// lockAfter5 refuses for 15 minutes after five failures.
func lockAfter5(n int) time.Duration {
	if n >= 5 {
		return 15 * time.Minute
	}
	return 0
}

// ReserveLoginAttempt is atomic: of many parallel attempts exactly max get
// through; a refused one moves nothing; the window starts the count again.
func TestReserveLoginAttempt(t *testing.T) {
	st := openTemp(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, got, err := st.ReserveLoginAttempt(ctx, "user:x", lockAfter5, 15*time.Minute, now)
			if err != nil {
				t.Error(err)
			}
			if got {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 5 {
		t.Fatalf("%d of 30 parallel attempts reserved, want 5", ok.Load())
	}
	later := now.Add(10 * time.Minute)
	if until, got, _ := st.ReserveLoginAttempt(ctx, "user:x", lockAfter5, 15*time.Minute, later); got || !until.Equal(now.Add(15*time.Minute)) {
		t.Fatalf("reserved while locked (retry at %v)", until)
	}
	if n, last, _ := st.LoginFailures(ctx, "user:x"); n != 5 || !last.Equal(now) {
		t.Fatalf("a refused attempt moved the count: %d at %v", n, last)
	}
	if _, got, _ := st.ReserveLoginAttempt(ctx, "user:x", lockAfter5, 15*time.Minute, now.Add(15*time.Minute)); !got {
		t.Fatal("still locked after the window")
	}
	if n, _, _ := st.LoginFailures(ctx, "user:x"); n != 1 {
		t.Fatalf("count after the window: %d, want 1", n)
	}
	if err := st.ReleaseLoginAttempt(ctx, "user:x"); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := st.LoginFailures(ctx, "user:x"); n != 0 {
		t.Fatalf("count after release: %d", n)
	}
	if err := st.ReleaseLoginAttempt(ctx, "user:none"); err != nil {
		t.Fatal(err)
	}
}
