package service_test

import (
	"context"
	"errors"
	"testing"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

func TestAlertCounts(t *testing.T) {
	t.Parallel()
	clock := func(code string, left int, alert visits.Alert) service.CaseView {
		k := service.CaseView{Case: visits.Case{Code: code}, Clock: visits.Clock{DaysLeft: left, Alert: alert}}
		if left != 99 {
			k.Clock.Next = &visits.Deadline{}
		}
		return k
	}
	cases := []service.CaseView{clock("closed", 99, ""), clock("later", 20, ""), clock("late", -3, visits.AlertOverdue),
		clock("closed2", 99, ""), clock("near", 2, visits.Alert90), clock("soon", 5, visits.Alert75)}
	if overdue, near := service.AlertCounts(cases); overdue != 1 || near != 2 {
		t.Errorf("overdue %d, near %d", overdue, near)
	}
}

func TestDutiesSayWhatIsLeftToRecord(t *testing.T) {
	t.Parallel()
	k := visits.Case{Milestones: []visits.Milestone{{Duty: visits.DutyInvestigate, On: roster.MustDate("2026-11-21"), Note: "走访"}}}
	lines, next := service.Duties(k)
	if len(lines) != len(visits.Duties) || next != visits.DutyHandle {
		t.Fatalf("%d lines, next %q", len(lines), next)
	}
	if l := lines[0]; !l.Done || l.Open || l.Note != "走访" || l.Label != "包调查" {
		t.Errorf("recorded duty: %+v", l)
	}
	for _, l := range lines[1:] {
		if l.Done || l.Open != (l.Duty != visits.DutyClose) {
			t.Errorf("%s: %+v (包结案 is recorded by closing, never by hand)", l.Label, l)
		}
	}
	for _, d := range visits.Duties {
		k.Milestones = append(k.Milestones, visits.Milestone{Duty: d})
	}
	if _, next := service.Duties(k); next != "" {
		t.Errorf("all recorded, next %q", next)
	}
}

func TestCaseDeadlinesAndVisitDays(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	today := roster.MustDate("2026-12-01")
	k := f.register(t, newCase())
	file, err := f.svc.ReadCase(ctx, today, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	lines := service.DeadlinesOn(file.Case, today)
	if len(lines) == 0 || len(lines) != len(file.Case.Deadlines) {
		t.Fatalf("%d deadline lines for %d deadlines", len(lines), len(file.Case.Deadlines))
	}
	if l := lines[0]; l.DaysLeft != l.Due.DaysSince(today) || l.Overdue != (l.DaysLeft < 0 && !l.Met) {
		t.Errorf("first deadline on %s: %+v", today, l)
	}

	v, err := f.svc.CreateVisit(ctx, f.call, carry("2026-12-04"))
	if err != nil {
		t.Fatal(err)
	}
	// 2026-11-30 is a Monday; 12-05 and 12-06 are the weekend.
	days, err := f.svc.VisitDays(ctx, store.VisitFilter{From: roster.MustDate("2026-11-30"), To: roster.MustDate("2026-12-06")}, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 7 || days[0].Date != roster.MustDate("2026-11-30") || !days[5].Off || !days[6].Off || days[4].Off {
		t.Fatalf("days %+v", days)
	}
	if len(days[4].Visits) != 1 || days[4].Visits[0].ID != v.ID {
		t.Errorf("the visit on 12-04 is not on its day: %+v", days[4])
	}
}

func TestCalendarSpanIsWholeWeeksFromMonday(t *testing.T) {
	d := roster.MustDate
	for _, c := range []struct {
		anchor               string
		month                bool
		from, to, prev, next string
	}{
		{"2026-12-02", false, "2026-11-30", "2026-12-06", "2026-11-23", "2026-12-07"},
		{"2026-12-06", false, "2026-11-30", "2026-12-06", "2026-11-23", "2026-12-07"}, // a Sunday ends its week
		{"2026-12-15", true, "2026-11-30", "2027-01-03", "2026-11-01", "2027-01-01"},
		{"2027-02-10", true, "2027-02-01", "2027-02-28", "2027-01-01", "2027-03-01"}, // Feb 2027 starts on a Monday
	} {
		from, to, prev, next := service.CalendarSpan(d(c.anchor), c.month)
		if from != d(c.from) || to != d(c.to) || prev != d(c.prev) || next != d(c.next) {
			t.Errorf("%s month=%v: %s–%s prev %s next %s", c.anchor, c.month, from, to, prev, next)
		}
	}
}

func TestListVisitsRefusesABadFilter(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	if _, err := f.svc.CreateVisit(ctx, f.call, carry("2026-12-04")); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.ListVisits(ctx, store.VisitFilter{Kind: "party"})
	wantFault(t, err, fault.Invalid, "kind")
	_, err = f.svc.ListVisits(ctx, store.VisitFilter{From: roster.MustDate("2026-12-05"), To: roster.MustDate("2026-12-04")})
	wantFault(t, err, fault.Invalid, "to")
	vs, err := f.svc.ListVisits(ctx, store.VisitFilter{From: roster.MustDate("2026-12-04"), To: roster.MustDate("2026-12-04"), Kind: visits.KindCarry})
	if err != nil || len(vs) != 1 {
		t.Fatalf("%d visits: %v", len(vs), err)
	}
	if _, err := f.svc.LatestSweep(ctx, roster.MustDate("2026-12-01")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no sweep yet: %v", err)
	}
}

func TestOfferWindow(t *testing.T) {
	d := roster.MustDate
	if from, to := service.OfferWindow(d("2026-12-01"), 0, 0); from != d("2026-12-02") || to != d("2026-12-31") {
		t.Errorf("default window %s–%s", from, to)
	}
	if from, to := service.OfferWindow(d("2026-12-01"), d("2027-01-10"), 0); from != d("2027-01-10") || to != d("2027-02-08") {
		t.Errorf("from a day: %s–%s", from, to)
	}
	if from, to := service.OfferWindow(d("2026-12-01"), 0, d("2026-12-05")); from != d("2026-12-02") || to != d("2026-12-05") {
		t.Errorf("to a day: %s–%s", from, to)
	}
}
