package scheduler_test

import (
	"context"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/config/configtest"
	"zhiban/roster"
	"zhiban/scheduler"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

// The purge job deletes, once a day at 03:20 in the county's zone, the
// bookings whose duty day is more than booking.retention_days past, and
// keeps the others; the clock moves, nothing waits.
func TestPurgeBookingsJobAfterRetention(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	for i, d := range []string{"2026-11-01", "2026-11-02", "2026-11-20"} {
		_, err := st.CreateBooking(ctx, visits.Booking{Code: "ABCDEFG" + string("234"[i]), Roster: "county-duty", Date: roster.MustDate(d),
			Seat: 1, SlotStart: 9 * 60, SlotEnd: 9*60 + 30, Category: "社会保障", Township: "t01", GroupSize: 1,
			Visitor:   visits.Visitor{Name: "预约人", IDNumber: "11010519491231002X", Phone: "13912345678"},
			Consented: time.Date(2026, 10, 30, 2, 0, 0, 0, time.UTC), State: visits.BookingActive, Made: roster.MustDate("2026-10-30")}, "public")
		if err != nil {
			t.Fatal(err)
		}
	}
	svc := service.New(st, configtest.Valid(t, func(c *config.Config) { c.Booking.RetentionDays = 30 }), nil)
	c := &clock{t: at("2026-12-02 03:19:00")}
	s := newScheduler(t, st, c, &recorder{}, scheduler.PurgeBookingsJob(svc))
	left := func() int {
		bs, err := st.Bookings(ctx, store.BookingFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(bs)
	}
	s.RunDue(ctx, c.Now()) // yesterday's missed run, caught up: before 2026-10-31
	if n := left(); n != 3 {
		t.Fatalf("before 03:20 on 2 December: %d bookings left, want 3", n)
	}
	c.Set(at("2026-12-02 03:20:00"))
	res := s.RunDue(ctx, c.Now())
	if len(res) != 1 || res[0].Status != "done" || res[0].Period != "2026-12-02" {
		t.Fatalf("at 03:20: %+v", res)
	}
	if n := left(); n != 2 {
		t.Fatalf("after the 2 December purge: %d left, want 2 (1 November is 31 days past)", n)
	}
	c.Set(at("2026-12-03 03:20:00"))
	s.RunDue(ctx, c.Now())
	if n := left(); n != 1 {
		t.Fatalf("after the 3 December purge: %d left, want 1", n)
	}
	c.Set(at("2026-12-19 03:20:00"))
	s.RunDue(ctx, c.Now())
	if n := left(); n != 1 {
		t.Fatalf("20 November purged early: %d left", n)
	}
	c.Set(at("2026-12-21 03:20:00"))
	s.RunDue(ctx, c.Now())
	if n := left(); n != 0 {
		t.Fatalf("20 November kept past retention: %d left", n)
	}
}
