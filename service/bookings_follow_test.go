package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
)

var staffCall = service.Call{Actor: "ed", Now: cst("2026-12-02 15:00")}

// Issue 15 item 3: after a substitute, the lookup shows the new leader and
// that the office will call; the desk lists the day's bookings masked, with
// the call flag; 已电话告知 clears it once (version-checked, audited); the
// visitor is revealed in full only on request, audited; the office's flag
// names the code, never the visitor.
func TestBookingFollowsSubstituteToLookupAndDesk(t *testing.T) {
	ctx := context.Background()
	st, svc := bookingFixture(t, nil)
	in := booking(thu, 1, "社会保障")
	in.Representatives = []string{"代表甲"}
	r, err := svc.Book(ctx, bookNow, in)
	if err != nil {
		t.Fatal(err)
	}
	anyone := booking(thu, 2, "征地拆迁")
	anyone.AnyLeader = true
	if _, err := svc.Book(ctx, bookNow, anyone); err != nil {
		t.Fatal(err)
	}
	k := roster.Key{Roster: "county-duty", Date: thu, Role: "值班领导"}
	cur, err := st.Assignment(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	err = st.WithTx(ctx, func(tx *store.Store) error {
		if _, err := tx.SetAssignment(ctx, roster.Assignment{Roster: k.Roster, Date: k.Date, Role: k.Role, Person: "L01"}, cur.Version, "ed"); err != nil {
			return err
		}
		_, err := planner.FollowRoster(ctx, tx, thu, thu, roster.MustDate("2026-12-02"), "ed", "ed")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	l01, _ := st.Person(ctx, "L01")
	l03, _ := st.Person(ctx, "L03")
	got, err := svc.LookupBooking(ctx, bookNow, service.BookingKey{Code: r.Code, Phone: in.Phone})
	if err != nil {
		t.Fatal(err)
	}
	if got.LeaderName != l01.Name || got.BookedLeaderName != l03.Name || !got.LeaderChanged || !got.CallVisitor {
		t.Fatalf("lookup after the substitute: %+v", got)
	}

	day, err := svc.Desk(ctx, staffCall, thu)
	if err != nil {
		t.Fatal(err)
	}
	if len(day.Bookings) != 2 {
		t.Fatalf("desk bookings: %+v", day.Bookings)
	}
	b := day.Bookings[0]
	if b.Code != r.Code || b.SlotStart > day.Bookings[1].SlotStart || !b.CallVisitor || b.LeaderName != l01.Name ||
		b.BookedLeaderName != l03.Name || b.CallReason != "值班领导由"+l03.Name+"改为"+l01.Name+"，请电话告知来访人" ||
		b.Representatives != 1 || b.TownshipName == "" || b.Category != "社会保障" {
		t.Fatalf("desk booking: %+v", b)
	}
	if day.Bookings[1].CallVisitor {
		t.Fatalf("booking of whoever is on duty to be called: %+v", day.Bookings[1])
	}
	for _, d := range day.Bookings {
		shown := d.Name + d.Phone + d.IDNumber
		for _, private := range []string{"预约人1", "预约人2", in.Phone, in.IDNumber, anyone.Phone, anyone.IDNumber, "代表甲"} {
			if strings.Contains(shown, private) {
				t.Fatalf("desk shows %q unmasked: %+v", private, d)
			}
		}
	}
	flags, err := svc.Flags(ctx, "call_visitor", 10)
	if err != nil || len(flags.Lines) != 1 || flags.Lines[0].KindLabel != "预约变动待电话" || !strings.Contains(flags.Lines[0].Message, "08:30–09:00") {
		t.Fatalf("flags %+v %v", flags, err)
	}
	if strings.Contains(flags.Lines[0].Message, "预约人1") || strings.Contains(flags.Lines[0].Message, r.Code[:4]) || strings.Contains(flags.Lines[0].Message, in.Phone[7:]) {
		t.Fatalf("flag shows the visitor: %s", flags.Lines[0].Message)
	}

	// Reveal: the full visitor, audited without the values.
	v, err := svc.RevealBookingVisitor(ctx, staffCall, b.ID)
	if err != nil || v.Name != in.Name || v.Phone != in.Phone || v.IDNumber != in.IDNumber || len(v.Representatives) != 1 {
		t.Fatalf("reveal: %+v %v", v, err)
	}
	log, err := st.AuditLog(ctx, store.AuditFilter{Entity: "booking", EntityID: "1"})
	if err != nil || len(log) == 0 || log[0].Action != "reveal" || log[0].Actor != "ed" {
		t.Fatalf("audit: %+v %v", log, err)
	}
	for _, e := range log {
		if strings.Contains(e.Before+e.After, in.Phone) || strings.Contains(e.Before+e.After, "预约人1") {
			t.Fatalf("audit holds the visitor: %+v", e)
		}
	}

	// 已电话告知: a stale version is refused, then the flag clears once.
	_, err = svc.BookingCalled(ctx, staffCall, b.ID, service.BookingCall{Version: b.Version - 1})
	if fe := fault.Classify(err); fe == nil || fe.Kind != fault.Conflict {
		t.Fatalf("stale 已电话告知: %v", err)
	}
	done, err := svc.BookingCalled(ctx, staffCall, b.ID, service.BookingCall{Version: b.Version})
	if err != nil || done.CallVisitor || done.Version != b.Version+1 || done.CallReason == "" {
		t.Fatalf("called: %+v %v", done, err)
	}
	_, err = svc.BookingCalled(ctx, staffCall, b.ID, service.BookingCall{Version: done.Version})
	if fe := fault.Classify(err); fe == nil || fe.Kind != fault.Conflict {
		t.Fatalf("called twice: %v", err)
	}
	if _, err := svc.BookingCalled(ctx, staffCall, 999, service.BookingCall{Version: 1}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown booking: %v", err)
	}
	log, _ = st.AuditLog(ctx, store.AuditFilter{Entity: "booking", EntityID: "1"})
	if log[0].Action != "called" || log[0].Actor != "ed" {
		t.Fatalf("audit of the call: %+v", log[0])
	}
	got, _ = svc.LookupBooking(ctx, bookNow, service.BookingKey{Code: r.Code, Phone: in.Phone})
	if got.CallVisitor || got.LeaderName != l01.Name {
		t.Fatalf("lookup after the call: %+v", got)
	}
}
