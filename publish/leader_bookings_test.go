package publish

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhiban/ical"
	"zhiban/visits"
)

// Issue 15 item 3: a leader's private feed shows, on each duty event, the
// day's bookings — how many, their slots, categories and group sizes — and
// never the visitor's name, ID number, phone or representatives; the
// public feed says nothing of them; a cancellation moves the feed's
// modified time and leaves the count.
func TestLeaderFeedCountsBookingsWithoutPersonalData(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	day := f.today.AddDays(3)
	var head string
	for ; day < f.today.AddDays(30) && head == ""; day++ {
		as, _ := f.st.Assignments(ctx, day, day)
		for _, a := range as {
			if a.Roster == "county-duty" && a.Role == "值班领导" {
				head = a.Person
			}
		}
	}
	day--
	if head == "" {
		t.Fatal("no county-duty day within 30 days")
	}
	private := []string{"预约人丙", "预约人丁", "13911112222", "13933334444", "11010519491231002X", "代表戊"}
	var ids []int64
	for i, b := range []visits.Booking{
		{Code: "ABCD2345", Seat: 1, SlotStart: 8*60 + 30, SlotEnd: 9 * 60, Category: "社会保障", GroupSize: 2, BookedLeader: head,
			Representatives: []string{"代表戊"}, Visitor: visits.Visitor{Name: "预约人丙", IDNumber: "11010519491231002X", Phone: "13911112222"}},
		{Code: "EFGH2345", Seat: 2, SlotStart: 9 * 60, SlotEnd: 9*60 + 30, Category: "征地拆迁", GroupSize: 5,
			Visitor: visits.Visitor{Name: "预约人丁", IDNumber: "11010519491231002X", Phone: "13933334444"}},
		{Code: "JKMN2345", Seat: 3, SlotStart: 9 * 60, SlotEnd: 9*60 + 30, Category: "劳资", GroupSize: 1,
			Visitor: visits.Visitor{Name: "预约人丁", IDNumber: "11010519491231002X", Phone: "13933334444"}},
	} {
		b.Roster, b.Date, b.Township, b.State, b.Made = "county-duty", day, "t01", visits.BookingActive, f.today
		b.Consented = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
		saved, err := f.st.CreateBooking(ctx, b, "public")
		if err != nil {
			t.Fatalf("booking %d: %v", i, err)
		}
		ids = append(ids, saved.ID)
	}
	dutyEvent := func(feed ical.Feed) ical.Event {
		t.Helper()
		for _, e := range feed.Events {
			if strings.HasPrefix(e.UID, "duty-") && e.Date == day && strings.HasPrefix(e.Summary, "值班领导") && !e.Cancelled {
				return e
			}
		}
		t.Fatalf("no duty event on %s", day)
		return ical.Event{}
	}
	feed, last, err := f.pub.LeaderFeed(ctx, f.today, head)
	if err != nil {
		t.Fatal(err)
	}
	e := dutyEvent(feed)
	for _, want := range []string{"预约接访：3 批，共 8 人", "08:30–09:00 社会保障 2人", "09:00–09:30 征地拆迁 5人", "09:00–09:30 劳资 1人"} {
		if !strings.Contains(e.Description, want) {
			t.Errorf("duty event lacks %q:\n%s", want, e.Description)
		}
	}
	body, err := ical.Build(feed)
	if err != nil {
		t.Fatal(err)
	}
	unfolded := strings.ReplaceAll(string(body), "\r\n ", "")
	for _, s := range append(private, "ABCD", "EFGH") {
		if strings.Contains(unfolded, s) {
			t.Errorf("leader feed shows %q", s)
		}
	}
	// Only that day's duty says so; the public feed never.
	if n := strings.Count(unfolded, "预约接访："); n != 1 {
		t.Errorf("%d events name bookings, want 1", n)
	}
	public, _, err := f.pub.RosterFeed(ctx, f.today)
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := ical.Build(public)
	if strings.Contains(string(pb), "预约") {
		t.Error("the public feed names bookings")
	}

	// A cancellation an hour later: two left, the feed modified.
	later := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	f.st.Now = func() time.Time { return later }
	b, err := f.st.Booking(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	v := b.Version
	b.State, b.Cancelled = visits.BookingCancelled, later
	if _, err := f.st.SaveBooking(ctx, b, v, "cancel", "public"); err != nil {
		t.Fatal(err)
	}
	feed, last2, err := f.pub.LeaderFeed(ctx, f.today, head)
	if err != nil {
		t.Fatal(err)
	}
	if e := dutyEvent(feed); !strings.Contains(e.Description, "预约接访：2 批，共 3 人") || strings.Contains(e.Description, "征地拆迁") ||
		!e.Updated.Equal(later) {
		t.Errorf("after the cancellation (updated %s):\n%s", e.Updated, e.Description)
	}
	if !last2.After(last) || !last2.Equal(later) {
		t.Errorf("feed modified %s, then %s", last, last2)
	}
}
