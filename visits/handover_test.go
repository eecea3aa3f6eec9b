package visits

import (
	"errors"
	"strings"
	"testing"

	"zhiban/roster"
)

// The 5-working-day window of art. 23 ¶3 on the official calendar: weekends
// and holidays do not count, make-up workdays (调休) do.
func TestDeclineWindow(t *testing.T) {
	t.Parallel()
	cal := nationalDay2026() // 10-01…10-07 off; Sunday 09-20 and Saturday 10-10 are workdays
	for _, tc := range []struct {
		name         string
		handed, last string
	}{
		{"across a weekend", "2026-12-03", "2026-12-10"},
		{"handed on a Saturday", "2026-12-05", "2026-12-11"},
		{"across National Day, with the Saturday make-up day", "2026-09-30", "2026-10-13"},
		{"across a Sunday make-up workday", "2026-09-17", "2026-09-23"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := Handover{Handed: d(tc.handed), Due: d(tc.handed).AddDays(40), State: HandoverHanded}
			last := d(tc.last)
			if got := h.DeclineBy(cal); got != last {
				t.Fatalf("DeclineBy = %s, want %s", got, last)
			}
			late := h
			err := late.Decline(last.AddDays(1), later, "不属于本单位职责", cal)
			var rf *Refusal
			if !errors.As(err, &rf) || rf.Field != "on" || !strings.Contains(rf.Msg, "截止 "+tc.last) {
				t.Fatalf("a day late: %v, want a refusal naming %s", err, tc.last)
			}
			if late.State != HandoverHanded {
				t.Fatal("a refused decline changed the state")
			}
			if err := h.Decline(last, later, "不属于本单位职责", cal); err != nil {
				t.Fatalf("on the last day: %v", err)
			}
			if h.State != HandoverDeclined || h.Declined != last {
				t.Fatalf("after decline: %+v", h)
			}
		})
	}
}

func TestAddWorkdays(t *testing.T) {
	t.Parallel()
	cal := nationalDay2026()
	if got := AddWorkdays(d("2026-10-09"), 1, cal); got != d("2026-10-10") {
		t.Fatalf("the Saturday make-up day is a working day: got %s", got)
	}
	if got := AddWorkdays(d("2026-09-30"), 1, cal); got != d("2026-10-08") {
		t.Fatalf("the holiday is skipped: got %s", got)
	}
	if got := AddWorkdays(d("2026-09-30"), 0, cal); got != d("2026-09-30") {
		t.Fatalf("zero days: got %s", got)
	}
}

func TestHandoverRefusals(t *testing.T) {
	t.Parallel()
	cal := nationalDay2026()
	today := d("2026-12-02")
	refused := func(t *testing.T, err error, field string) {
		t.Helper()
		var rf *Refusal
		if !errors.As(err, &rf) || rf.Field != field {
			t.Fatalf("got %v, want a refusal of %s", err, field)
		}
	}
	k := *acceptedCase(cal)
	if err := CanHandOver(k); err != nil {
		t.Fatal(err)
	}
	for _, st := range []CaseState{StateReceived, StateRejected, StateClosed, StateReplied, StateReview} {
		c := k
		c.State = st
		refused(t, CanHandOver(c), "state")
	}
	dispute := k
	dispute.Kind = CaseDispute
	refused(t, CanHandOver(dispute), "state")

	deadline := d("2027-01-20")
	refused(t, CheckDue(0, today, deadline), "due")
	refused(t, CheckDue(today, today, deadline), "due")
	err := CheckDue(deadline.AddDays(1), today, deadline)
	refused(t, err, "due")
	if !strings.Contains(err.Error(), "2027-01-20") {
		t.Fatalf("the refusal names the deadline: %v", err)
	}
	if err := CheckDue(deadline, today, deadline); err != nil {
		t.Fatal(err)
	}

	h := Handover{Handed: today, Due: d("2026-12-20"), State: HandoverHanded}
	refused(t, h.Decline(today, today, " ", cal), "reason")
	refused(t, h.Decline(today.AddDays(1), today, "不是", cal), "on")
	refused(t, h.Decline(today.AddDays(-1), today, "不是", cal), "on")
	refused(t, h.RecordReport(today, today, ""), "report")
	refused(t, h.RecordReport(today, today, strings.Repeat("字", MaxReportRunes+1)), "report")
	if err := h.RecordReport(today, today, "已办结"); err != nil {
		t.Fatal(err)
	}
	refused(t, h.Decline(today, today, "不是", cal), "state")
	refused(t, h.RecordReport(today, today, "再报"), "state")
	refused(t, h.Withdraw(), "state")
}

func TestHandoverLateAndOverdue(t *testing.T) {
	t.Parallel()
	h := Handover{Handed: d("2026-12-01"), Due: d("2026-12-10"), State: HandoverHanded}
	if h.Overdue(d("2026-12-10")) || h.DaysOverdue(d("2026-12-10")) != 0 {
		t.Fatal("the due date itself is in time")
	}
	if !h.Overdue(d("2026-12-13")) || h.DaysOverdue(d("2026-12-13")) != 3 {
		t.Fatalf("3 days past: %v %d", h.Overdue(d("2026-12-13")), h.DaysOverdue(d("2026-12-13")))
	}
	on := h
	if err := on.RecordReport(d("2026-12-10"), d("2026-12-13"), "报告"); err != nil || on.Late() {
		t.Fatalf("a report on the due date is in time: %v %v", err, on.Late())
	}
	if err := h.RecordReport(d("2026-12-11"), d("2026-12-13"), "报告"); err != nil || !h.Late() || h.Overdue(d("2026-12-13")) {
		t.Fatalf("a report after the due date is late and no longer overdue: %v %+v", err, h)
	}
}

func TestSuggestDue(t *testing.T) {
	t.Parallel()
	cal := roster.NewCalendar()
	// Ten days before a Wednesday deadline is a Sunday: back to Friday.
	if got := SuggestDue(d("2026-12-02"), d("2027-01-20"), cal); got != d("2027-01-08") {
		t.Fatalf("got %s", got)
	}
	if got := SuggestDue(d("2026-12-02"), d("2026-12-08"), cal); got != d("2026-12-08") {
		t.Fatalf("close to the deadline: got %s", got)
	}
}
