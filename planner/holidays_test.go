package planner_test

import (
	"context"
	"errors"
	"testing"

	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
)

// Saving or confirming holidays checks, in the writing transaction, that
// the calendar is still the one the page showed.
func TestHolidaysSaveOverTheCalendarShown(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	days := []roster.HolidayDay{{Date: roster.MustDate("2099-10-01"), Kind: roster.Off, Name: "国庆节"}}
	from, to := planner.HolidaySpan(2099, days)
	cur, err := planner.HolidayEntries(ctx, st, from, to)
	if err != nil {
		t.Fatal(err)
	}
	shown := planner.HolidayBase(cur)
	var fe *fault.Error
	if err := planner.ConfirmHolidays(ctx, st, 2099, shown, "ed"); !errors.As(err, &fe) || fe.Kind != fault.Invalid {
		t.Fatalf("confirming an empty year: %v", err)
	}
	if err := planner.SaveHolidays(ctx, st, 2099, days, shown, "ed"); err != nil {
		t.Fatal(err)
	}
	if err := planner.SaveHolidays(ctx, st, 2099, nil, shown, "other"); !errors.Is(err, planner.ErrHolidaysChanged) {
		t.Fatalf("save over a changed calendar: %v", err)
	}
	if err := planner.ConfirmHolidays(ctx, st, 2099, shown, "other"); !errors.Is(err, planner.ErrHolidaysChanged) {
		t.Fatalf("confirm over a changed calendar: %v", err)
	}
}
