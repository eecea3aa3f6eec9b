package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// Invented booked visitor data that must show only masked unless revealed.
const (
	bookedName  = "司马预约"
	bookedPhone = "13955556666"
	bookedID    = "320102198001011238"
)

// seedDeskBookings books the first county-duty 值班领导 duty on or after
// day twice: one naming a leader who is not on duty (so following the duty
// marks it for a call), one for whoever is on duty. It returns the first.
func seedDeskBookings(t *testing.T, st *store.Store, day roster.Date) visits.Booking {
	t.Helper()
	ctx := context.Background()
	var duty store.StoredAssignment
	for d := day; d < day.AddDays(30) && duty.ID == 0; d++ {
		as, err := st.Assignments(ctx, d, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if a.Roster == "county-duty" && a.Role == "值班领导" {
				duty = a
			}
		}
	}
	if duty.ID == 0 {
		t.Fatalf("no county-duty day from %s", day)
	}
	people, _ := st.People(ctx)
	other := ""
	for _, p := range people {
		if p.ID != duty.Person && strings.HasPrefix(p.ID, "L") {
			other = p.ID
			break
		}
	}
	var first visits.Booking
	for i, leader := range []string{other, ""} {
		b, err := st.CreateBooking(ctx, visits.Booking{Code: fmt.Sprintf("ABCDEFG%d", i+2), Roster: duty.Roster, Date: duty.Date,
			Seat: i + 1, SlotStart: roster.Clock(9*60 + 30*i), SlotEnd: roster.Clock(9*60 + 30*(i+1)), BookedLeader: leader,
			Category: "社会保障", Township: "t01", GroupSize: 2 + i, Representatives: []string{"代表某某"},
			Visitor:   visits.Visitor{Name: bookedName, IDNumber: bookedID, Phone: bookedPhone},
			Consented: time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC), State: visits.BookingActive, Made: day}, "public")
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b
		}
	}
	err := st.WithTx(ctx, func(tx *store.Store) error {
		_, err := planner.FollowBookings(ctx, tx, duty.Date, duty.Date, "test")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.Booking(ctx, first.ID)
	if err != nil || !b.CallVisitor {
		t.Fatalf("seeded booking not marked for a call: %+v %v", b, err)
	}
	return b
}

// Issue 15 item 3 on the desk: the day's bookings come first, masked, with
// the call flag and its reason; a viewer reads them; an editor reveals a
// visitor (audited) and records the call (已电话告知, version-checked) from
// the page and the API alike.
func TestDeskBookings(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t)
	ctx := context.Background()
	b := seedDeskBookings(t, f.store, f.today)
	page := "/staff/desk?date=" + b.Date.String()

	viewer := f.loggedIn(t, "viewer")
	code, body := viewer.get(page)
	if code != http.StatusOK || !strings.Contains(body, "预约来访") || !strings.Contains(body, "ABCD-EFG2") ||
		!strings.Contains(body, "待电话告知") || !strings.Contains(body, b.CallReason) || !strings.Contains(body, "139****6666") {
		t.Fatalf("viewer's desk: %d\n%s", code, body)
	}
	if strings.Index(body, "ABCD-EFG2") > strings.Index(body, "ABCD-EFG3") {
		t.Error("bookings not by slot")
	}
	for _, private := range []string{bookedName, bookedPhone, bookedID, "代表某某"} {
		if strings.Contains(body, private) {
			t.Errorf("the desk shows %q before a reveal", private)
		}
	}
	if strings.Contains(body, "/called") || strings.Contains(body, "bookings/"+fmt.Sprint(b.ID)+"/reveal") {
		t.Error("a viewer is offered the editor's actions")
	}

	editor := f.loggedIn(t, "editor")
	code, body = editor.post(fmt.Sprintf("/staff/desk/bookings/%d/reveal?date=%s", b.ID, b.Date), url.Values{})
	if code != http.StatusOK || !strings.Contains(body, bookedName) || !strings.Contains(body, bookedPhone) || !strings.Contains(body, "代表某某") {
		t.Fatalf("reveal: %d", code)
	}
	log, _ := f.store.AuditLog(ctx, store.AuditFilter{Entity: "booking", EntityID: fmt.Sprint(b.ID)})
	if len(log) == 0 || log[0].Action != "reveal" || strings.Contains(log[0].After, bookedPhone) {
		t.Fatalf("reveal audit: %+v", log)
	}
	// A stale version is refused on the page, with the day's desk again.
	code, body = editor.post(fmt.Sprintf("/staff/desk/bookings/%d/called?date=%s", b.ID, b.Date), url.Values{"version": {fmt.Sprint(b.Version - 1)}})
	if code != http.StatusConflict || !strings.Contains(body, "请刷新后核对") || !strings.Contains(body, "ABCD-EFG2") {
		t.Fatalf("stale 已电话告知: %d", code)
	}
	code, _ = editor.post(fmt.Sprintf("/staff/desk/bookings/%d/called?date=%s", b.ID, b.Date), url.Values{"version": {fmt.Sprint(b.Version)}})
	if code != http.StatusSeeOther {
		t.Fatalf("已电话告知: %d", code)
	}
	if now, _ := f.store.Booking(ctx, b.ID); now.CallVisitor || now.Version != b.Version+1 {
		t.Fatalf("after 已电话告知: %+v", now)
	}
	if _, body = viewer.get(page); !strings.Contains(body, "已电话告知：") || strings.Contains(body, "待电话告知") {
		t.Fatal("the desk still asks for the call")
	}

	// The API: a viewer reads the day's bookings masked and cannot act.
	ed, vw := f.apiTokens(t)
	code, m, raw := deskAPI(t, f, "GET", "/api/v1/desk?date="+b.Date.String(), vw, nil)
	if code != http.StatusOK || len(m["bookings"].([]any)) != 2 || strings.Contains(raw, bookedPhone) || strings.Contains(raw, bookedName) {
		t.Fatalf("API desk: %d %s", code, raw)
	}
	path := fmt.Sprintf("/api/v1/desk/bookings/%d", b.ID)
	for _, p := range []string{path + "/called", path + "/reveal"} {
		if code, _, raw := deskAPI(t, f, "POST", p, vw, map[string]any{"version": b.Version + 1}); code != http.StatusForbidden {
			t.Errorf("viewer POST %s: %d %s", p, code, raw)
		}
	}
	code, m, raw = deskAPI(t, f, "POST", path+"/reveal", ed, nil)
	if code != http.StatusOK || m["phone"] != bookedPhone || m["name"] != bookedName {
		t.Fatalf("API reveal: %d %s", code, raw)
	}
	// Nothing to call about any more: a conflict.
	if code, _, raw = deskAPI(t, f, "POST", path+"/called", ed, map[string]any{"version": b.Version + 1}); code != http.StatusConflict {
		t.Fatalf("API 已电话告知 without a change: %d %s", code, raw)
	}
}

// bookingParityRows: 已电话告知 through the API and the desk form answer
// alike and store alike.
func bookingParityRows() []parityRow {
	setup := func(t *testing.T, e *parityEnv) { seedDeskBookings(t, e.st, roster.MustDate(parityToday).AddDays(1)) }
	flagged := func(t *testing.T, e *parityEnv) visits.Booking {
		bs, err := e.st.Bookings(context.Background(), store.BookingFilter{})
		if err != nil || len(bs) != 2 {
			t.Fatalf("bookings: %+v %v", bs, err)
		}
		for _, b := range bs {
			if b.BookedLeader != "" {
				return b
			}
		}
		t.Fatal("no booking names a leader")
		return visits.Booking{}
	}
	called := func(name string, status int, delta int) parityRow {
		return parityRow{name: name, status: status, setup: setup,
			api: func(t *testing.T, e *parityEnv) parityReq {
				b := flagged(t, e)
				return parityReq{"POST", fmt.Sprintf("/api/v1/desk/bookings/%d/called", b.ID), map[string]any{"version": b.Version + delta}}
			},
			form: func(t *testing.T, e *parityEnv) parityReq {
				b := flagged(t, e)
				return parityReq{"POST", fmt.Sprintf("/staff/desk/bookings/%d/called?date=%s", b.ID, b.Date),
					url.Values{"version": {fmt.Sprint(b.Version + delta)}}}
			},
			then: func(t *testing.T, e *parityEnv) {
				if b := flagged(t, e); b.CallVisitor || b.CallReason == "" {
					t.Errorf("after 已电话告知: %+v", b)
				}
			}}
	}
	return []parityRow{
		called("booking: 已电话告知", http.StatusOK, 0),
		called("booking: 已电话告知 on a stale version", http.StatusConflict, -1),
	}
}

// The visitor's lookup after a substitute names the new leader and says the
// office will call; after the day stops being a duty day it says so and
// names no leader.
func TestBookingLookupAfterTheDutyChanged(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t)
	ctx := context.Background()
	b := seedDeskBookings(t, f.store, f.today.AddDays(1))
	anon := f.client(t)
	lookup := func() string {
		t.Helper()
		code, body := anon.post("/booking/lookup", url.Values{"code": {b.Code}, "phone": {bookedPhone}})
		if code != http.StatusOK {
			t.Fatalf("lookup: %d\n%s", code, body)
		}
		return body
	}
	duty, err := f.store.Assignment(ctx, roster.Key{Roster: b.Roster, Date: b.Date, Role: "值班领导"})
	if err != nil {
		t.Fatal(err)
	}
	now, _ := f.store.Person(ctx, duty.Person)
	if body := lookup(); !strings.Contains(body, "改由"+now.Name+"接待") || !strings.Contains(body, "工作人员会电话与您联系") {
		t.Fatalf("lookup after a substitute:\n%s", body)
	}
	err = f.store.WithTx(ctx, func(tx *store.Store) error {
		if _, _, err := tx.SaveGenerated(ctx, nil, []roster.Key{duty.Key()}, "test"); err != nil {
			return err
		}
		_, err := planner.FollowRoster(ctx, tx, b.Date, b.Date, f.today, "test", "test")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Assignment(ctx, duty.Key()); err == nil {
		t.Fatalf("the duty %v is still assigned after SaveGenerated removed it", duty.Key())
	}
	if got, _ := f.store.Booking(ctx, b.ID); !got.CallVisitor || !strings.Contains(got.CallReason, "不再安排开门接访") {
		t.Fatalf("booking on a lost day: %+v", got)
	}
	if body := lookup(); !strings.Contains(body, "该日已不再安排开门接访") || strings.Contains(body, "改由") {
		t.Fatalf("lookup on a lost day:\n%s", body)
	}
}
