package service_test

import (
	"context"
	"testing"
	"time"

	"zhiban/roster"
	"zhiban/service"
	"zhiban/store/storetest"
	"zhiban/visits"
)

// A deadline moved across the built-in 2027 Spring Festival, not yet confirmed,
// is 暂定; one in confirmed 2026 is not.
func TestCaseDeadlineOnProvisionalCalendar(t *testing.T) {
	t.Parallel()
	st := storetest.OpenDemo(t, func() time.Time { return time.Date(2026, 12, 15, 1, 0, 0, 0, time.UTC) })
	today := roster.MustDate("2026-12-15")
	cal, err := service.CaseCalendar(context.Background(), st, today)
	if err != nil {
		t.Fatal(err)
	}
	// Accepted 2026-12-10: 60 days end on 2027-02-08, inside the break, so the
	// handling deadline moves to the 调休上班 Sunday 2027-02-14.
	k := visits.Case{Code: "2026-0999", State: visits.StateAccepted, Received: roster.MustDate("2026-12-01"), Accepted: roster.MustDate("2026-12-10")}
	v := service.ViewCase(k, today, cal)
	if len(v.Deadlines) != 2 {
		t.Fatalf("deadlines %+v", v.Deadlines)
	}
	acc, handling := v.Deadlines[0], v.Deadlines[1]
	if acc.Provisional {
		t.Errorf("the 2026 受理告知 deadline %s is provisional", acc.Due)
	}
	if handling.Due != roster.MustDate("2027-02-14") || !handling.Provisional {
		t.Errorf("handling deadline %s provisional=%v, want 2027-02-14 暂定", handling.Due, handling.Provisional)
	}
	if v.Clock.Next == nil || !v.Clock.Next.Provisional {
		t.Errorf("the clock's next deadline is not marked 暂定: %+v", v.Clock.Next)
	}
}
