package planner_test

import (
	"context"
	"slices"
	"testing"

	"zhiban/planner"
	"zhiban/roster"
)

// The built-in 2027 schedule is marked 暂定 until staff confirm it; 2026 was
// checked against the notice, and a confirmed year is no longer provisional.
func TestCalendarMarksUnconfirmedBuiltinDays(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	from, to := roster.MustDate("2026-09-01"), roster.MustDate("2027-12-31")
	cal, err := planner.Calendar(ctx, st, from, to)
	if err != nil {
		t.Fatal(err)
	}
	makeup, newYear, oct := roster.MustDate("2027-02-14"), roster.MustDate("2027-01-01"), roster.MustDate("2026-10-01")
	if !cal.Provisional(makeup) || !cal.Provisional(newYear) {
		t.Errorf("2027's built-in 调休 and 元旦 are not provisional")
	}
	if cal.Provisional(oct) || cal.Provisional(roster.MustDate("2027-03-10")) {
		t.Errorf("a confirmed year's holiday or an ordinary day is provisional")
	}
	if got := cal.ProvisionalYears(from, to); !slices.Equal(got, []int{2027}) {
		t.Errorf("provisional years %v, want [2027]", got)
	}
	// 2027-05-06 follows the 劳动节 break: a deadline moved to it rests on it.
	if !cal.SettledProvisionally(roster.MustDate("2027-05-06")) || cal.SettledProvisionally(roster.MustDate("2027-03-08")) {
		t.Errorf("SettledProvisionally: after the break %v, after a plain weekend %v",
			cal.SettledProvisionally(roster.MustDate("2027-05-06")), cal.SettledProvisionally(roster.MustDate("2027-03-08")))
	}

	entries, err := planner.HolidayEntries(ctx, st, roster.NewDate(2027, 1, 1), roster.NewDate(2027, 12, 31))
	if err != nil {
		t.Fatal(err)
	}
	if err := planner.ConfirmHolidays(ctx, st, 2027, planner.HolidayBase(entries), "ed"); err != nil {
		t.Fatal(err)
	}
	cal, err = planner.Calendar(ctx, st, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if cal.Provisional(makeup) || len(cal.ProvisionalYears(from, to)) != 0 {
		t.Errorf("confirmed 2027 is still provisional")
	}
	if !cal.IsMakeupWorkday(makeup) {
		t.Errorf("confirming lost the make-up day")
	}
}
