package service_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/config/configtest"
	"zhiban/county"
	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/visits"
)

// Booking days: L03 (分管 社会保障、劳资) on Thursday 3 December, L05
// (分管 征地拆迁) on Friday the 4th, L01 (no list: any matter) on Monday the 7th.
var (
	thu = roster.MustDate("2026-12-03")
	fri = roster.MustDate("2026-12-04")
	mon = roster.MustDate("2026-12-07")
)

func bookingFixture(t *testing.T, edit func(*config.Config)) (*store.Store, *service.Service) {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	c := county.Demo()
	for i := range c.People {
		switch c.People[i].ID {
		case "L03":
			c.People[i].Categories = []string{"社会保障", "劳资"}
		case "L05":
			c.People[i].Categories = []string{"征地拆迁"}
		}
	}
	if _, err := st.ImportCounty(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	for _, a := range []roster.Assignment{
		{Roster: "county-duty", Date: thu, Role: "值班领导", Person: "L03"},
		{Roster: "county-duty", Date: thu, Role: "跟班领导", Person: "D01"},
		{Roster: "county-duty", Date: fri, Role: "值班领导", Person: "L05"},
		{Roster: "county-duty", Date: mon, Role: "值班领导", Person: "L01"},
	} {
		if _, err := st.SetAssignment(ctx, a, 0, "test"); err != nil {
			t.Fatal(err)
		}
	}
	cfg := configtest.Valid(t, func(c *config.Config) {
		c.Booking.Capacity = 3
		if edit != nil {
			edit(c)
		}
	})
	return st, service.New(st, cfg, []string{"test"})
}

// idNumber is a valid 18-character ID number (GB 11643 check digit) for n.
func idNumber(n int) string {
	first := fmt.Sprintf("110105199001%05d", n%100000)
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(first[i]-'0') * weights[i]
	}
	return first + string("10X98765432"[sum%11])
}

func booking(date roster.Date, n int, cat visits.Category) service.BookingInput {
	return service.BookingInput{Roster: "county-duty", Date: date, Category: cat, Township: "t01", GroupSize: 1,
		Name: fmt.Sprintf("预约人%d", n), IDNumber: idNumber(n), Phone: fmt.Sprintf("139%08d", n), Consent: true}
}

var bookNow = service.Call{Actor: service.BookingActor, Now: cst("2026-12-02 10:00")}

func TestBookGivesCodeAndEarliestSlot(t *testing.T) {
	ctx := context.Background()
	_, svc := bookingFixture(t, func(c *config.Config) { c.Booking.Capacity = 20 })
	form, err := svc.BookingForm(ctx, bookNow)
	if err != nil || len(form.Days) != 3 || form.Days[0].Date != thu || form.Days[0].LeaderName == "" ||
		strings.Join(form.Days[0].Categories, ",") != "社会保障,劳资" || form.Days[0].Places != 20 || len(form.Townships) == 0 {
		t.Fatalf("form: %+v %v", form, err)
	}
	// 08:30–17:30 is 18 slots of 30 minutes: 20 places are two a slot.
	want := []string{"08:30", "08:30", "09:00", "09:00", "09:30"}
	codes := map[string]bool{}
	for i, w := range want {
		r, err := svc.Book(ctx, bookNow, booking(thu, i+1, "社会保障"))
		if err != nil {
			t.Fatal(err)
		}
		if r.SlotStart != w || r.LeaderName == "" || r.LeaderChanged || r.Phone == fmt.Sprintf("139%08d", i+1) ||
			len(r.Code) != 9 || r.Code[4] != '-' || !r.CanCancel || r.State != visits.BookingActive {
			t.Fatalf("booking %d: %+v", i, r)
		}
		if codes[r.Code] {
			t.Fatalf("code %s twice", r.Code)
		}
		codes[r.Code] = true
		if strings.ContainsAny(strings.ReplaceAll(r.Code, "-", ""), "01IOL") {
			t.Fatalf("ambiguous code %s", r.Code)
		}
	}
	form, _ = svc.BookingForm(ctx, bookNow)
	if form.Days[0].Places != 15 {
		t.Fatalf("places left: %d", form.Days[0].Places)
	}
}

func TestBookingCutoffAndWindow(t *testing.T) {
	ctx := context.Background()
	_, svc := bookingFixture(t, nil)
	late := service.Call{Actor: service.BookingActor, Now: cst("2026-12-02 17:00")}
	_, err := svc.Book(ctx, late, booking(thu, 1, "社会保障"))
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Field != "duty" || !strings.Contains(fe.Msg, "17:00截止") {
		t.Fatalf("after the cutoff: %v", err)
	}
	just := service.Call{Actor: service.BookingActor, Now: cst("2026-12-02 16:59")}
	if _, err := svc.Book(ctx, just, booking(thu, 1, "社会保障")); err != nil {
		t.Fatalf("before the cutoff: %v", err)
	}
	// Not a duty day; today; too far.
	for _, d := range []roster.Date{roster.MustDate("2026-12-05"), roster.MustDate("2026-12-02"), roster.MustDate("2027-01-20")} {
		if _, err := svc.Book(ctx, bookNow, booking(d, 2, "社会保障")); refusalCode(err) != "invalid" {
			t.Fatalf("%s: %v", d, err)
		}
	}
	// The cutoff is configurable.
	_, svc = bookingFixture(t, func(c *config.Config) { c.Booking.Cutoff = "09:00" })
	if _, err := svc.Book(ctx, bookNow, booking(thu, 1, "社会保障")); refusalCode(err) != "invalid" {
		t.Fatalf("after a 09:00 cutoff: %v", err)
	}
}

func TestBookingUnpublishedMonthIsNotOffered(t *testing.T) {
	ctx := context.Background()
	st, svc := bookingFixture(t, func(c *config.Config) { c.Publish.Auto = false })
	form, err := svc.BookingForm(ctx, bookNow)
	if err != nil || len(form.Days) != 0 {
		t.Fatalf("an unpublished month offered: %+v %v", form.Days, err)
	}
	if _, err := svc.Book(ctx, bookNow, booking(thu, 1, "社会保障")); refusalCode(err) != "invalid" {
		t.Fatalf("an unpublished day booked: %v", err)
	}
	if _, err := st.PublishMonth(ctx, "county-duty", "2026-12", "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Book(ctx, bookNow, booking(thu, 1, "社会保障")); err != nil {
		t.Fatalf("a published day: %v", err)
	}
}

func TestBookingScopeOffersTheRightLeader(t *testing.T) {
	ctx := context.Background()
	_, svc := bookingFixture(t, nil)
	_, err := svc.Book(ctx, bookNow, booking(thu, 1, "征地拆迁"))
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.StableCode() != "outside_portfolio" || !strings.Contains(fe.Msg, "社会保障、劳资") {
		t.Fatalf("outside the portfolio: %v", err)
	}
	offered, _ := fe.Items.([]service.BookingDay)
	if len(offered) != 2 || offered[0].Date != fri || offered[1].Date != mon {
		t.Fatalf("offered: %+v", offered)
	}
	// Whoever is on duty takes any matter; so does a leader without a list.
	in := booking(thu, 1, "征地拆迁")
	in.AnyLeader = true
	if _, err := svc.Book(ctx, bookNow, in); err != nil {
		t.Fatalf("whoever is on duty: %v", err)
	}
	if _, err := svc.Book(ctx, bookNow, booking(mon, 2, "环境")); err != nil {
		t.Fatalf("a leader taking any matter: %v", err)
	}
}

func TestBookingRefusals(t *testing.T) {
	ctx := context.Background()
	_, svc := bookingFixture(t, func(c *config.Config) { c.Booking.PerPhonePerDay = 2 })
	for _, tc := range []struct {
		name  string
		edit  func(*service.BookingInput)
		field string
	}{
		{"no consent", func(in *service.BookingInput) { in.Consent = false }, "consent"},
		{"bad ID number", func(in *service.BookingInput) { in.IDNumber = "110105199001000010" }, "id_number"},
		{"landline", func(in *service.BookingInput) { in.Phone = "0713-1234567" }, "phone"},
		{"no name", func(in *service.BookingInput) { in.Name = " " }, "name"},
		{"six representatives", func(in *service.BookingInput) {
			in.GroupSize, in.Representatives = 30, []string{"a", "b", "c", "d", "e", "f"}
		}, "representatives"},
		{"a group without representatives", func(in *service.BookingInput) { in.GroupSize = 8 }, "representatives"},
		{"unknown township", func(in *service.BookingInput) { in.Township = "d01" }, "township"},
		{"unknown category", func(in *service.BookingInput) { in.Category = "上访" }, "category"},
		{"control characters", func(in *service.BookingInput) { in.Name = "张\x00三" }, "name"},
		{"too long", func(in *service.BookingInput) { in.Name = strings.Repeat("张", 200) }, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := booking(thu, 1, "社会保障")
			tc.edit(&in)
			_, err := svc.Book(ctx, bookNow, in)
			var fe *fault.Error
			if fe = fault.Classify(err); fe == nil || fe.Kind != fault.Invalid || fe.Field != tc.field {
				t.Fatalf("got %v, want invalid %s", err, tc.field)
			}
		})
	}
	// Five representatives of a group of 30 are fine.
	in := booking(thu, 1, "社会保障")
	in.GroupSize, in.Representatives = 30, []string{"甲", "乙", "丙", "丁", "戊"}
	r, err := svc.Book(ctx, bookNow, in)
	if err != nil {
		t.Fatal(err)
	}
	// One active booking a person at a time.
	if _, err := svc.Book(ctx, bookNow, booking(mon, 1, "社会保障")); refusalCode(err) != "already_booked" {
		t.Fatalf("a second booking: %v", err)
	}
	// Cancelling frees the person, not the day's limit of the phone.
	if _, err := svc.CancelBooking(ctx, bookNow, service.BookingKey{Code: r.Code, Phone: in.Phone}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Book(ctx, bookNow, booking(mon, 1, "社会保障")); err != nil {
		t.Fatalf("after cancelling: %v", err)
	}
	other := booking(mon, 2, "社会保障")
	other.Phone = in.Phone
	if _, err := svc.Book(ctx, bookNow, other); refusalCode(err) != "limit" {
		t.Fatalf("a third booking from one phone in a day: %v", err)
	}
	// The next day the phone may book again.
	other.Date = fri
	other.Category = "征地拆迁"
	tomorrow := service.Call{Actor: service.BookingActor, Now: cst("2026-12-03 09:00")}
	if _, err := svc.Book(ctx, tomorrow, other); err != nil {
		t.Fatalf("the next day: %v", err)
	}
	// Disabled: refused.
	_, off := bookingFixture(t, func(c *config.Config) { c.Booking.Enabled = false })
	if _, err := off.Book(ctx, bookNow, booking(thu, 9, "社会保障")); refusalCode(err) != "forbidden" {
		t.Fatalf("booking off: %v", err)
	}
}

func TestBookingFullOffersOtherDays(t *testing.T) {
	ctx := context.Background()
	_, svc := bookingFixture(t, nil)
	for i := range 3 {
		if _, err := svc.Book(ctx, bookNow, booking(thu, i+1, "劳资")); err != nil {
			t.Fatal(err)
		}
	}
	in := booking(thu, 4, "劳资")
	_, err := svc.Book(ctx, bookNow, in)
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.StableCode() != "full" {
		t.Fatalf("a full day: %v", err)
	}
	// L05 does not take 劳资; L01 takes anything.
	if offered, _ := fe.Items.([]service.BookingDay); len(offered) != 1 || offered[0].Date != mon {
		t.Fatalf("offered: %+v", fe.Items)
	}
}

// TestBookingRepeatsAreRefusedWithTheArticle: an ID number whose desk visit
// became a case accepted within two months, or a case closed after 复核, is
// refused for the same category; another category passes.
func TestBookingRepeatsAreRefusedWithTheArticle(t *testing.T) {
	ctx := context.Background()
	st, svc := bookingFixture(t, nil)
	session, err := st.CreateVisit(ctx, visits.Visit{Kind: visits.KindOpen, Leader: "L01", Date: roster.MustDate("2026-11-02"),
		Start: 8*60 + 30, End: 17*60 + 30, Place: "接待大厅", State: visits.VisitConfirmed, CreatedBy: "test"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	link := func(n int, k visits.Case) {
		t.Helper()
		k.Title, k.Township, k.Channel, k.GroupSize = "事项", "t01", "来访", 1
		k.Petitioner = visits.Petitioner{Name: fmt.Sprintf("预约人%d", n)}
		saved, err := st.CreateCase(ctx, k, "test")
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.CreateRegistration(ctx, visits.Registration{Session: session.ID, Date: session.Date,
			Visitor: visits.Visitor{Name: k.Petitioner.Name, IDNumber: idNumber(n)}, Township: "t01", GroupSize: 1, Matter: "事项",
			Category: k.Category, State: visits.DeskDone, Outcome: visits.OutcomeHanded, Case: saved.ID,
			Arrived: cst("2026-11-02 09:00"), CreatedBy: "test"}, "test")
		if err != nil {
			t.Fatal(err)
		}
	}
	link(1, visits.Case{Code: "2026-0901", Category: "社会保障", Received: roster.MustDate("2026-11-02"),
		Accepted: roster.MustDate("2026-11-03"), State: visits.StateAccepted})
	link(2, visits.Case{Code: "2026-0902", Category: "劳资", Received: roster.MustDate("2025-01-02"),
		Accepted: roster.MustDate("2025-01-03"), Replied: roster.MustDate("2025-02-01"), ReviewAsked: roster.MustDate("2025-02-10"),
		Reviewed: roster.MustDate("2025-03-01"), RecheckAsked: roster.MustDate("2025-03-10"), Rechecked: roster.MustDate("2025-04-01"),
		Closed: roster.MustDate("2025-04-02"), State: visits.StateClosed})
	link(3, visits.Case{Code: "2026-0903", Category: "社会保障", Received: roster.MustDate("2026-08-02"),
		Accepted: roster.MustDate("2026-08-03"), State: visits.StateAccepted})

	_, err = svc.Book(ctx, bookNow, booking(thu, 1, "社会保障"))
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.StableCode() != "in_hand" || !strings.Contains(fe.Msg, "第三十四条") {
		t.Fatalf("accepted a month ago: %v", err)
	}
	if _, err := svc.Book(ctx, bookNow, booking(thu, 1, "劳资")); err != nil {
		t.Fatalf("another category: %v", err)
	}
	_, err = svc.Book(ctx, bookNow, booking(thu, 2, "劳资"))
	if !errors.As(err, &fe) || fe.StableCode() != "rechecked" || !strings.Contains(fe.Msg, "第三十六条") {
		t.Fatalf("closed after 复核: %v", err)
	}
	// Accepted four months ago: past the two months.
	if _, err := svc.Book(ctx, bookNow, booking(thu, 3, "社会保障")); err != nil {
		t.Fatalf("accepted four months ago: %v", err)
	}
}

func TestBookingLookupAndCancel(t *testing.T) {
	ctx := context.Background()
	_, svc := bookingFixture(t, nil)
	in := booking(thu, 1, "社会保障")
	r, err := svc.Book(ctx, bookNow, in)
	if err != nil {
		t.Fatal(err)
	}
	// The code as people type it: lower case, no hyphen, full-width.
	typed := strings.ToLower(strings.ReplaceAll(r.Code, "-", ""))
	got, err := svc.LookupBooking(ctx, bookNow, service.BookingKey{Code: typed, Phone: "139 0000 0001"})
	if err != nil || got.Code != r.Code || got.SlotStart != r.SlotStart || got.LeaderName != r.LeaderName {
		t.Fatalf("lookup: %+v %v", got, err)
	}
	// A wrong phone and a wrong code are refused alike.
	_, e1 := svc.LookupBooking(ctx, bookNow, service.BookingKey{Code: r.Code, Phone: "13900000002"})
	_, e2 := svc.LookupBooking(ctx, bookNow, service.BookingKey{Code: "ABCD-EFGH", Phone: in.Phone})
	_, e3 := svc.CancelBooking(ctx, bookNow, service.BookingKey{Code: r.Code, Phone: ""})
	if e1 == nil || e2 == nil || e3 == nil || e1.Error() != e2.Error() || e2.Error() != e3.Error() || refusalCode(e1) != "not_found" {
		t.Fatalf("refusals differ: %v / %v / %v", e1, e2, e3)
	}
	c, err := svc.CancelBooking(ctx, bookNow, service.BookingKey{Code: r.Code, Phone: in.Phone})
	if err != nil || c.State != visits.BookingCancelled || c.CanCancel {
		t.Fatalf("cancel: %+v %v", c, err)
	}
	if _, err := svc.CancelBooking(ctx, bookNow, service.BookingKey{Code: r.Code, Phone: in.Phone}); refusalCode(err) != "conflict" {
		t.Fatalf("cancel twice: %v", err)
	}
	// After the duty day it cannot be cancelled.
	r2, err := svc.Book(ctx, bookNow, booking(thu, 2, "社会保障"))
	if err != nil {
		t.Fatal(err)
	}
	later := service.Call{Actor: service.BookingActor, Now: cst("2026-12-04 10:00")}
	if _, err := svc.CancelBooking(ctx, later, service.BookingKey{Code: r2.Code, Phone: booking(thu, 2, "").Phone}); refusalCode(err) != "conflict" {
		t.Fatalf("cancel after the day: %v", err)
	}
}

// TestBookingNeverExceedsCapacity: many visitors booking one day at once on
// this store (SQLite, or PostgreSQL with ZHIBAN_TEST_STORE=postgres) get
// exactly the capacity, each a different seat and code; the rest are told it is full.
func TestBookingNeverExceedsCapacity(t *testing.T) {
	ctx := context.Background()
	st, svc := bookingFixture(t, func(c *config.Config) { c.Booking.Capacity = 10 })
	const n = 60
	var wg sync.WaitGroup
	errs := make([]error, n)
	codes := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := svc.Book(ctx, bookNow, booking(thu, i+1, "社会保障"))
			errs[i], codes[i] = err, r.Code
		}()
	}
	wg.Wait()
	ok, seen := 0, map[string]bool{}
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
			if seen[codes[i]] {
				t.Errorf("code %s twice", codes[i])
			}
			seen[codes[i]] = true
		case refusalCode(err) != "full":
			t.Errorf("booking %d: %v", i, err)
		}
	}
	seats, err := st.ActiveSeats(ctx, "county-duty", thu)
	if err != nil || ok != 10 || len(seats) != 10 || seats[0] != 1 || seats[9] != 10 {
		t.Fatalf("%d booked, seats %v (%v)", ok, seats, err)
	}
}

func TestPurgeBookings(t *testing.T) {
	ctx := context.Background()
	st, svc := bookingFixture(t, func(c *config.Config) { c.Booking.RetentionDays = 30 })
	if _, err := svc.Book(ctx, bookNow, booking(thu, 1, "社会保障")); err != nil {
		t.Fatal(err)
	}
	at := func(s string) service.Call { return service.Call{Actor: "job", Now: cst(s)} }
	if n, err := svc.PurgeBookings(ctx, at("2027-01-02 03:00")); err != nil || n != 0 {
		t.Fatalf("30 days after: %d %v", n, err)
	}
	if n, err := svc.PurgeBookings(ctx, at("2027-01-03 03:00")); err != nil || n != 1 {
		t.Fatalf("31 days after: %d %v", n, err)
	}
	if all, _ := st.Bookings(ctx, store.BookingFilter{}); len(all) != 0 {
		t.Fatalf("left: %v", all)
	}
}

// TestBookingThrottlesAnAddress: an address gets per_address_per_hour
// booking, lookup and cancel requests, then waits an hour after its last;
// other addresses are not held up. A filled honeypot is refused.
func TestBookingThrottlesAnAddress(t *testing.T) {
	ctx := context.Background()
	_, svc := bookingFixture(t, func(c *config.Config) { c.Booking.PerAddressPerHour = 3 })
	in := booking(thu, 1, "社会保障")
	in.Address = "192.0.2.1"
	if _, err := svc.Book(ctx, bookNow, in); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := svc.LookupBooking(ctx, bookNow, service.BookingKey{Code: "ABCD-EFGH", Phone: in.Phone, Address: "192.0.2.1"}); refusalCode(err) != "not_found" {
			t.Fatalf("lookup: %v", err)
		}
	}
	var th *service.BookingThrottled
	_, err := svc.LookupBooking(ctx, bookNow, service.BookingKey{Code: "ABCD-EFGH", Phone: in.Phone, Address: "192.0.2.1"})
	if !errors.As(err, &th) || !th.Until.Equal(bookNow.Now.Add(time.Hour)) {
		t.Fatalf("the fourth request: %v", err)
	}
	other := booking(thu, 2, "社会保障")
	other.Address = "192.0.2.2"
	if _, err := svc.Book(ctx, bookNow, other); err != nil {
		t.Fatalf("another address: %v", err)
	}
	later := service.Call{Actor: service.BookingActor, Now: bookNow.Now.Add(time.Hour)}
	if _, err := svc.LookupBooking(ctx, later, service.BookingKey{Code: "ABCD-EFGH", Phone: in.Phone, Address: "192.0.2.1"}); refusalCode(err) != "not_found" {
		t.Fatalf("an hour later: %v", err)
	}
	trap := booking(thu, 3, "社会保障")
	trap.Trap = "http://spam.example"
	if _, err := svc.Book(ctx, bookNow, trap); refusalCode(err) != "invalid" {
		t.Fatalf("honeypot: %v", err)
	}
}

// TestBookingFollowsASubstitution: a substitute on a booked day keeps the
// booking on its day and slot; the lookup shows the new leader, and the
// office is asked (in the edit's transaction) to phone whoever chose the
// replaced leader, not whoever booked the duty whatever its leader.
func TestBookingFollowsASubstitution(t *testing.T) {
	ctx := context.Background()
	st, svc := bookingFixture(t, nil)
	in := booking(thu, 1, "社会保障")
	chosen, err := svc.Book(ctx, bookNow, in)
	if err != nil {
		t.Fatal(err)
	}
	anyone := booking(thu, 2, "环境")
	anyone.AnyLeader = true
	if _, err := svc.Book(ctx, bookNow, anyone); err != nil {
		t.Fatal(err)
	}
	cur, err := st.Assignment(ctx, roster.Key{Roster: "county-duty", Date: thu, Role: "值班领导"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := planner.Assign(ctx, st, planner.Assignment{Key: cur.Key(), Person: "L06", Version: cur.Version,
		Today: roster.MustDate("2026-12-02")}, "editor"); err != nil {
		t.Fatal(err)
	}
	got, err := svc.LookupBooking(ctx, bookNow, service.BookingKey{Code: chosen.Code, Phone: in.Phone})
	if err != nil || !got.LeaderChanged || !got.CallVisitor || got.SlotStart != chosen.SlotStart || got.Date != thu ||
		got.LeaderName == chosen.LeaderName || got.BookedLeaderName != chosen.LeaderName {
		t.Fatalf("after the substitution: %+v %v", got, err)
	}
	bs, err := st.Bookings(ctx, store.BookingFilter{})
	if err != nil || len(bs) != 2 {
		t.Fatal(err)
	}
	for _, b := range bs {
		if want := b.BookedLeader != ""; b.CallVisitor != want || (want && !strings.Contains(b.CallReason, "改为")) {
			t.Errorf("booking %s: call %t (%s), want %t", b.Code, b.CallVisitor, b.CallReason, want)
		}
	}
	audit, err := st.AuditLog(ctx, store.AuditFilter{Entity: "booking", Actor: "editor"})
	if err != nil || len(audit) != 1 || audit[0].Action != "roster" {
		t.Errorf("audit of the flag: %+v %v", audit, err)
	}
}
