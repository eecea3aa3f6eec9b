package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"zhiban/county"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/visits"
)

func sampleBooking(seat int, code string) visits.Booking {
	return visits.Booking{Code: code, Roster: "county-duty", Date: roster.MustDate("2026-12-03"), Seat: seat,
		SlotStart: 8*60 + 30, SlotEnd: 9 * 60, BookedLeader: "L03", Category: "社会保障", Township: "t01", GroupSize: 7,
		Representatives: []string{"王五", "赵六"},
		Visitor:         visits.Visitor{Name: "预约人甲", IDNumber: "11010519491231002X", Phone: "13912345678"},
		Consented:       time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC), State: visits.BookingActive, Made: roster.MustDate("2026-12-02")}
}

// TestBookingsSealedAndSeatsUnique: a booking's name, ID number, phone and
// representatives are sealed at rest and open on read; the blind index
// counts them; and two active bookings never hold one seat, even written
// past the store's own check (the unique index), while a cancelled one frees it.
func TestBookingsSealedAndSeatsUnique(t *testing.T) {
	ctx := context.Background()
	dsn, raw := privacyDB(t)
	k := newKey(t)
	st := openKeys(t, dsn, keyring(t, k))
	defer st.Close()
	if _, err := st.ImportCounty(ctx, county.Demo(), "test"); err != nil {
		t.Fatal(err)
	}
	b := sampleBooking(1, "ABCD2345")
	saved, err := st.CreateBooking(ctx, b, "public")
	if err != nil {
		t.Fatal(err)
	}
	if saved.Visitor != b.Visitor || !slices.Equal(saved.Representatives, b.Representatives) || saved.Code != b.Code ||
		saved.SlotStart != b.SlotStart || saved.Date != b.Date || saved.Version != 1 {
		t.Fatalf("read back: %+v", saved)
	}
	var row string
	if err := raw.QueryRow(`SELECT visitor_name || '|' || visitor_id_number || '|' || visitor_phone || '|' || representatives
		FROM bookings`).Scan(&row); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"预约人甲", "1101051949", "13912345678", "王五"} {
		if strings.Contains(row, v) {
			t.Fatalf("%s in plaintext at rest: %s", v, row)
		}
	}
	if strings.Count(row, "enc1:"+k.ID+":") != 4 {
		t.Fatalf("not sealed: %s", row)
	}
	var audit string
	if err := raw.QueryRow(`SELECT after FROM audit_log WHERE entity = 'booking'`).Scan(&audit); err != nil ||
		strings.Contains(audit, "预约人甲") || strings.Contains(audit, "13912345678") {
		t.Fatalf("audit: %q %v", audit, err)
	}
	byPhone, byID, err := st.BookingsMade(ctx, "139 1234 5678", "11010519491231002x", roster.MustDate("2026-12-02"))
	if err != nil || byPhone != 1 || byID != 1 {
		t.Fatalf("blind index counts: %d %d %v", byPhone, byID, err)
	}

	// The store's check refuses a held seat.
	if _, err := st.CreateBooking(ctx, sampleBooking(1, "ABCD2346"), "public"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a held seat: %v", err)
	}
	// The unique index refuses it even when written directly.
	_, err = raw.Exec(`INSERT INTO bookings (code, roster_id, date, seat, slot_start, slot_end, category, township, visitor_name,
		visitor_id_number, visitor_phone, consent_at, state, created_on, created_at, updated_at)
		VALUES ('ZZZZ2222', 'county-duty', '2026-12-03', 1, '08:30', '09:00', '其他', 't01', '', '', '', 'x', 'booked', '2026-12-02', 'x', 'x')`)
	if err == nil {
		t.Fatal("the unique index let two active bookings hold seat 1")
	}
	// So does the code's.
	c := sampleBooking(2, "ABCD2345")
	if _, err := st.CreateBooking(ctx, c, "public"); err == nil {
		t.Fatal("a repeated code was stored")
	}
	// A cancelled booking frees its seat.
	saved.State, saved.Cancelled = visits.BookingCancelled, time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	if saved, err = st.SaveBooking(ctx, saved, saved.Version, "cancel", "public"); err != nil || saved.State != visits.BookingCancelled {
		t.Fatalf("cancel: %+v %v", saved, err)
	}
	if _, err := st.SaveBooking(ctx, saved, 1, "cancel", "public"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a stale version: %v", err)
	}
	if _, err := st.CreateBooking(ctx, sampleBooking(1, "ABCD2347"), "public"); err != nil {
		t.Fatalf("seat 1 after the cancellation: %v", err)
	}
	seats, err := st.ActiveSeats(ctx, "county-duty", roster.MustDate("2026-12-03"))
	if err != nil || !slices.Equal(seats, []int{1}) {
		t.Fatalf("seats: %v %v", seats, err)
	}

	// Purged after the retention period, sealed data and all.
	n, err := st.PurgeBookings(ctx, roster.MustDate("2026-12-04"), "job")
	if err != nil || n != 2 {
		t.Fatalf("purge: %d %v", n, err)
	}
	if all, err := st.Bookings(ctx, store.BookingFilter{}); err != nil || len(all) != 0 {
		t.Fatalf("after purge: %v %v", all, err)
	}
}

// TestPersonCategoriesRoundTrip: people[].categories is stored and exported
// as written, and importing the same file again changes nothing.
func TestPersonCategoriesRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	c := county.Demo()
	c.People[2].Categories = []string{"社会保障", "劳资"}
	c.People[4].Categories = []string{"征地拆迁"}
	if _, err := st.ImportCounty(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	out, err := st.ExportCounty(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.People[2].Categories, []string{"社会保障", "劳资"}) || !slices.Equal(out.People[4].Categories, []string{"征地拆迁"}) ||
		out.People[0].Categories != nil {
		t.Fatalf("exported: %v %v %v", out.People[2].Categories, out.People[4].Categories, out.People[0].Categories)
	}
	res, err := st.ImportCounty(ctx, out, "test")
	if err != nil || res.Changed != 0 {
		t.Fatalf("a second import changed %d: %v", res.Changed, err)
	}
	out.People[2].Categories = []string{"劳资"}
	if res, err := st.ImportCounty(ctx, out, "test"); err != nil || res.Changed == 0 {
		t.Fatalf("a changed list: %d %v", res.Changed, err)
	}
	cats, err := st.PersonCategories(ctx)
	if err != nil || !slices.Equal(cats[c.People[2].ID], []string{"劳资"}) {
		t.Fatalf("categories: %v %v", cats, err)
	}
}
