package service

import (
	"context"
	"testing"
	"time"

	"zhiban/config/configtest"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/visits"
)

// TestBookingCodeCollisionDrawsAgain: a drawn code already taken is drawn
// again, never stored twice; one that stays taken is an error, not a repeat.
func TestBookingCodeCollisionDrawsAgain(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenDemo(t, nil)
	date := roster.MustDate("2026-12-03")
	if _, err := st.SetAssignment(ctx, roster.Assignment{Roster: "county-duty", Date: date, Role: "值班领导", Person: "L01"}, 0, "test"); err != nil {
		t.Fatal(err)
	}
	svc := New(st, configtest.Valid(t, nil), nil)
	draws := []string{"AAAA2222", "AAAA2222", "AAAA2222", "BBBB3333"}
	orig := newBookingCode
	defer func() { newBookingCode = orig }()
	newBookingCode = func() (string, error) {
		code := draws[0]
		if len(draws) > 1 {
			draws = draws[1:]
		}
		return code, nil
	}
	now := time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC)
	in := func(n int, id string) BookingInput {
		return BookingInput{Roster: "county-duty", Date: date, Category: "其他", Township: "t01", Name: "甲",
			IDNumber: id, Phone: "1390000000" + string(rune('0'+n)), Consent: true}
	}
	a, err := svc.Book(ctx, Call{Actor: BookingActor, Now: now}, in(1, "11010519491231002X"))
	if err != nil || a.Code != "AAAA-2222" {
		t.Fatalf("first: %+v %v", a, err)
	}
	b, err := svc.Book(ctx, Call{Actor: BookingActor, Now: now}, in(2, "110105194912310038"))
	if err != nil || b.Code != "BBBB-3333" {
		t.Fatalf("after two collisions: %+v %v", b, err)
	}
	// Every draw taken: refused with an error, nothing stored.
	draws = []string{"AAAA2222"}
	if _, err := svc.Book(ctx, Call{Actor: BookingActor, Now: now}, in(3, "110105194912310046")); err == nil {
		t.Fatal("a taken code was stored")
	}
	all, err := st.Bookings(ctx, store.BookingFilter{})
	if err != nil || len(all) != 2 || all[0].State != visits.BookingActive {
		t.Fatalf("stored: %d %v", len(all), err)
	}
}
