package publishtest

import (
	"context"
	"testing"

	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// Booker is invented for the tests: nothing public may show it.
var Booker = visits.Visitor{Name: "冯预约", IDNumber: "110105194912310038", Phone: "13566667777"}

// seedBooking books tomorrow's county duty for Booker's group of seven
// (预约接访); it returns the private strings, the booking code included (a
// credential with the phone).
func seedBooking(tb testing.TB, st *store.Store, today roster.Date) []string {
	tb.Helper()
	b, err := st.CreateBooking(context.Background(), visits.Booking{Code: "PQRS7654", Roster: "county-duty", Date: today.AddDays(1),
		Seat: 1, SlotStart: 8*60 + 30, SlotEnd: 9 * 60, Category: "劳资", Township: "t02", GroupSize: 7,
		Representatives: []string{"褚代表丙"}, Visitor: Booker, Consented: st.Now(), State: visits.BookingActive, Made: today}, "public")
	if err != nil {
		tb.Fatal(err)
	}
	return []string{Booker.Name, Booker.IDNumber, Booker.Phone, "褚代表丙", b.Code, visits.FormatBookingCode(b.Code)}
}
