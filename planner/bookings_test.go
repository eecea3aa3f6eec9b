package planner_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// book stores an active booking of the duty at a's roster and date, for
// leader ("" for whoever is on duty).
func book(t *testing.T, st *store.Store, a store.StoredAssignment, seat int, code, leader string) visits.Booking {
	t.Helper()
	b, err := st.CreateBooking(context.Background(), visits.Booking{Code: code, Roster: a.Roster, Date: a.Date, Seat: seat,
		SlotStart: 9 * 60, SlotEnd: 9*60 + 30, BookedLeader: leader, Category: "社会保障", Township: "t01", GroupSize: 2,
		Visitor:   visits.Visitor{Name: "预约人乙", IDNumber: "11010519491231002X", Phone: "13987654321"},
		Consented: time.Date(2027, 2, 27, 2, 0, 0, 0, time.UTC), State: visits.BookingActive, Made: a.Date.AddDays(-2)}, "public")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func bookingNow(t *testing.T, st *store.Store, id int64) visits.Booking {
	t.Helper()
	b, err := st.Booking(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// callFlags are the flags asking the office to phone about booking id.
func callFlags(t *testing.T, st *store.Store, id int64) []store.Flag {
	t.Helper()
	fs, err := st.Flags(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Flag
	for _, f := range fs {
		if f.Kind == planner.FlagCallVisitor && f.Entity == "booking" && f.EntityID == itoa(id) {
			out = append(out, f)
		}
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func personName(t *testing.T, st *store.Store, id string) string {
	t.Helper()
	p, err := st.Person(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Name
}

// Issue 15 item 3: a substitute on a booked duty (a manual edit, a swap)
// marks, in the edit's transaction, each active booking that named the
// leader for a call, with the reason, and flags it for the office without
// the visitor's data; a booking of whoever is on duty needs no call; saving
// again changes nothing, and a later change is flagged again.
func TestBookingsFollowTheDuty(t *testing.T) {
	ctx := context.Background()
	st, today := filled(t)
	head := dutyOn(t, st, today.AddDays(3))
	named := book(t, st, head, 1, "ABCD2345", head.Person)
	anyone := book(t, st, head, 2, "EFGH2345", "")
	next := okCandidate(t, st, head.Key())
	if _, err := planner.Assign(ctx, st, planner.Assignment{Key: head.Key(), Person: next, Version: head.Version, Today: today}, "ed"); err != nil {
		t.Fatal(err)
	}
	b := bookingNow(t, st, named.ID)
	want := "值班领导由" + personName(t, st, head.Person) + "改为" + personName(t, st, next) + "，请电话告知来访人"
	if !b.CallVisitor || b.CallReason != want || b.BookedLeader != head.Person {
		t.Fatalf("named booking after the edit: call %t %q (booked %s), want %q", b.CallVisitor, b.CallReason, b.BookedLeader, want)
	}
	if a := bookingNow(t, st, anyone.ID); a.CallVisitor || a.Version != anyone.Version {
		t.Fatalf("booking of whoever is on duty changed: %+v", a)
	}
	fs := callFlags(t, st, named.ID)
	if len(fs) != 1 || fs[0].Leader != next || fs[0].On != head.Date || strings.Contains(fs[0].Message, "ABCD") ||
		!strings.Contains(fs[0].Message, want) {
		t.Fatalf("flags %+v", fs)
	}
	for _, private := range []string{"预约人乙", "13987654321", "11010519491231002X", "4321", "2345"} {
		if strings.Contains(fs[0].Message, private) {
			t.Fatalf("flag shows %q: %s", private, fs[0].Message)
		}
	}
	// Following again is a no-op.
	if _, err := planner.FollowRoster(ctx, st, head.Date, head.Date, today, "job", "job"); err != nil {
		t.Fatal(err)
	}
	if again := bookingNow(t, st, named.ID); again.Version != b.Version || len(callFlags(t, st, named.ID)) != 1 {
		t.Fatalf("followed twice: version %d→%d, %d flags", b.Version, again.Version, len(callFlags(t, st, named.ID)))
	}
	// Back to the leader booked: the visitor may have heard of the change, so call again.
	cur, _ := st.Assignment(ctx, head.Key())
	if _, err := planner.Assign(ctx, st, planner.Assignment{Key: head.Key(), Person: head.Person, Version: cur.Version, Today: today}, "ed"); err != nil {
		t.Fatal(err)
	}
	b = bookingNow(t, st, named.ID)
	if !b.CallVisitor || !strings.Contains(b.CallReason, "改回") || len(callFlags(t, st, named.ID)) != 2 {
		t.Fatalf("after changing back: %t %q, %d flags", b.CallVisitor, b.CallReason, len(callFlags(t, st, named.ID)))
	}

	// A swap moves the leaders of two days: the bookings of both follow.
	other := dutyOn(t, st, head.Date.AddDays(1))
	onOther := book(t, st, other, 1, "JKMN2345", other.Person)
	cur, _ = st.Assignment(ctx, head.Key())
	if err := planner.SwapSlots(ctx, st, planner.Swap{Key: head.Key(), Version: cur.Version, Other: other.Date,
		OtherVersion: other.Version, Force: true, Today: today}, "ed"); err != nil {
		t.Fatal(err)
	}
	if b := bookingNow(t, st, onOther.ID); !b.CallVisitor || !strings.Contains(b.CallReason, personName(t, st, head.Person)) {
		t.Fatalf("booking of the swapped day: %t %q", b.CallVisitor, b.CallReason)
	}
	if len(callFlags(t, st, named.ID)) != 3 {
		t.Fatalf("the swap did not flag the first day's booking again")
	}
}

// A duty day that stops being one (a holiday added, the roster filled
// again) keeps its bookings, marked for a call, whoever they named; and the
// nightly fill after an absence moves a booked leader's duty and the booking follows.
func TestBookingsFollowRepairAndLostDay(t *testing.T) {
	ctx := context.Background()
	st, today := filled(t)
	head := dutyOn(t, st, today.AddDays(7))
	named := book(t, st, head, 1, "PQRS2345", head.Person)
	anyone := book(t, st, head, 2, "TUVW2345", "")

	// The booked leader goes on a trip: the nightly fill repairs the duty.
	if _, err := planner.AddAbsence(ctx, st, roster.Absence{Person: head.Person, From: head.Date, To: head.Date, Kind: roster.Trip}, nil, today, "ed", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := planner.Fill(ctx, st, today, today.AddDays(60), today, "job:extend-roster"); err != nil {
		t.Fatal(err)
	}
	now, err := st.Assignment(ctx, head.Key())
	if err != nil || now.Person == head.Person {
		t.Fatalf("repair left %+v (%v)", now, err)
	}
	if b := bookingNow(t, st, named.ID); !b.CallVisitor || !strings.Contains(b.CallReason, personName(t, st, now.Person)) {
		t.Fatalf("after the repair: %t %q", b.CallVisitor, b.CallReason)
	}
	if b := bookingNow(t, st, anyone.ID); b.CallVisitor {
		t.Fatalf("whoever-booking called after a substitute: %q", b.CallReason)
	}

	// The day becomes a holiday: no duty, the bookings stay and are called.
	year := head.Date.Year()
	if err := st.ReplaceHolidayYear(ctx, year, []roster.HolidayDay{{Date: head.Date, Kind: roster.Off, Name: "测试假日"}}, "ed"); err != nil {
		t.Fatal(err)
	}
	if _, err := planner.Fill(ctx, st, today, today.AddDays(60), today, "job:extend-roster"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Assignment(ctx, head.Key()); err == nil {
		t.Fatalf("the holiday still has its duty")
	}
	for _, id := range []int64{named.ID, anyone.ID} {
		b := bookingNow(t, st, id)
		if b.State != visits.BookingActive || !b.CallVisitor || !strings.Contains(b.CallReason, "不再安排开门接访") {
			t.Fatalf("booking %s on a lost day: %s %t %q", b.Code, b.State, b.CallVisitor, b.CallReason)
		}
	}
}
