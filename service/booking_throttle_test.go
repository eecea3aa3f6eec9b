package service

import (
	"fmt"
	"testing"
	"time"
)

// TestAddressThrottle: limit requests an hour, then an hour after the last
// counted one; an idle hour forgets the count, and idle addresses are
// pruned once the map grows, so it stays bounded whatever addresses ask.
func TestAddressThrottle(t *testing.T) {
	var th addressThrottle
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		if _, ok := th.reserve("a", 3, t0.Add(time.Duration(i)*time.Minute)); !ok {
			t.Fatalf("request %d refused", i+1)
		}
	}
	until, ok := th.reserve("a", 3, t0.Add(10*time.Minute))
	if ok || !until.Equal(t0.Add(2*time.Minute+time.Hour)) {
		t.Fatalf("fourth: %v %v", until, ok)
	}
	if _, ok := th.reserve("b", 3, t0.Add(10*time.Minute)); !ok {
		t.Fatal("another address refused")
	}
	if _, ok := th.reserve("a", 3, t0.Add(2*time.Minute+time.Hour)); !ok {
		t.Fatal("an hour after the last counted request")
	}
	later := t0.Add(3 * time.Hour)
	for i := range minThrottlePrune + 1 {
		th.reserve(fmt.Sprint("x", i), 3, later)
	}
	if _, kept := th.seen["a"]; kept || len(th.seen) != minThrottlePrune+1 {
		t.Fatalf("after pruning: %d addresses, idle kept %v", len(th.seen), kept)
	}
}

// TestDutyGates: a day's key always picks the same gate.
func TestDutyGates(t *testing.T) {
	g := newDutyGates()
	if g.of("county-duty/2026-12-02") != g.of("county-duty/2026-12-02") {
		t.Fatal("one day, two gates")
	}
}
