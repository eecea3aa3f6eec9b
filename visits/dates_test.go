package visits

import (
	"errors"
	"strings"
	"testing"

	"zhiban/roster"
)

func refusalField(t *testing.T, err error) string {
	t.Helper()
	var r *Refusal
	if !errors.As(err, &r) {
		t.Fatalf("want a refusal, got %v", err)
	}
	return r.Field
}

func TestActDatesInOrderAndNotInTheFuture(t *testing.T) {
	t.Parallel()
	cal := roster.NewCalendar()
	today := d("2026-09-01")
	c := &Case{Code: "2026-0001", Title: "征地补偿", Category: "征地拆迁", Township: "t01", Received: d("2026-08-01"),
		Channel: "来访", Petitioner: Petitioner{Name: "张三丰"}, GroupSize: 1, State: StateReceived}
	if err := c.Validate(today); err != nil {
		t.Fatal(err)
	}
	future := *c
	future.Received = d("2026-09-02")
	if f := refusalField(t, future.Validate(today)); f != "received" {
		t.Fatalf("future received date: field %q", f)
	}
	if f := refusalField(t, c.Apply(ActAccept, d("2026-09-02"), today, cal)); f != "on" {
		t.Fatalf("accepted tomorrow: field %q", f)
	}
	if err := c.Apply(ActAccept, d("2026-08-10"), today, cal); err != nil {
		t.Fatal(err)
	}
	if f := refusalField(t, c.Milestone(DutyInvestigate, d("2026-09-05"), today, "")); f != "on" {
		t.Fatalf("milestone in the future: field %q", f)
	}
	if err := c.Milestone(DutyInvestigate, d("2026-08-20"), today, ""); err != nil {
		t.Fatal(err)
	}
	// The reply cannot predate the investigation it rests on, nor the acceptance.
	err := c.Apply(ActReply, d("2026-08-15"), today, cal)
	if f := refusalField(t, err); f != "on" || !strings.Contains(err.Error(), "2026-08-20") {
		t.Fatalf("reply before the last act: %v", err)
	}
	if err := c.Apply(ActReply, d("2026-08-20"), today, cal); err != nil {
		t.Fatalf("same-day reply: %v", err)
	}
}

func TestReopenStartsANewHandlingPeriod(t *testing.T) {
	t.Parallel()
	cal := roster.NewCalendar()
	c := acceptedCase(cal)
	c.Milestone(DutyInvestigate, d("2026-08-05"), later, "")
	if err := c.Extend(30, "需要司法鉴定", d("2026-09-01"), cal); err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(ActReply, d("2026-10-20"), later, cal); err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(ActReopen, d("2026-10-25"), later, cal); err != nil {
		t.Fatal(err)
	}
	if c.ExtensionDays != 0 || c.ExtensionReason != "" || c.Extended != 0 {
		t.Fatalf("reopened case keeps its old extension: %+v", c)
	}
	next, _ := c.NextDeadline(cal)
	if next.Kind != DeadlineHandling || next.Start != d("2026-10-25") || next.Due != DueAfter(d("2026-10-25"), HandlingDays, cal) {
		t.Fatalf("new handling period %+v", next)
	}
	if err := c.Extend(15, "需要补充调查", d("2026-11-01"), cal); err != nil {
		t.Fatalf("the new period's extension refused: %v", err)
	}
}

func TestNoReopenAfterRecheck(t *testing.T) {
	t.Parallel()
	cal := roster.NewCalendar()
	c := acceptedCase(cal)
	c.Milestone(DutyInvestigate, d("2026-08-03"), later, "")
	c.Milestone(DutyHandle, d("2026-08-04"), later, "")
	for _, s := range []struct {
		act Transition
		on  string
	}{{ActReply, "2026-08-10"}, {ActReview, "2026-08-20"}, {ActReviewed, "2026-09-01"}, {ActRecheck, "2026-09-10"}, {ActRechckd, "2026-09-20"}} {
		if err := c.Apply(s.act, d(s.on), later, cal); err != nil {
			t.Fatalf("%s: %v", s.act, err)
		}
	}
	err := c.Apply(ActReopen, d("2026-09-25"), later, cal)
	if f := refusalField(t, err); f != "state" || !strings.Contains(err.Error(), "第三十六条") || !strings.Contains(err.Error(), "不再受理") {
		t.Fatalf("reopen after 复核: %v", err)
	}
	if err := c.Apply(ActClose, d("2026-09-25"), later, cal); err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(ActReopen, d("2026-09-26"), later, cal); err == nil || !strings.Contains(err.Error(), "第三十六条") {
		t.Fatalf("reopen of a closed, rechecked case: %v", err)
	}
}

func TestReturnVisitNeverInThePast(t *testing.T) {
	t.Parallel()
	cal := roster.NewCalendar()
	c := acceptedCase(cal)
	c.ID, c.Leader = 5, "L04"
	c.Milestone(DutyInvestigate, d("2026-08-05"), later, "")
	c.Apply(ActReply, d("2026-09-01"), later, cal)
	// The opinion was recorded on the 10th: the visit is from the 11th on.
	v, err := PlanReturnVisit(*c, cal, Busy{}, 0, d("2026-09-10"))
	if err != nil {
		t.Fatal(err)
	}
	if v.Date != d("2026-09-11") {
		t.Fatalf("return visit on %s, want 2026-09-11", v.Date)
	}
	if v.CreatedBy != "" {
		t.Fatalf("PlanReturnVisit decided the creator: %q", v.CreatedBy)
	}
	if _, err := PlanReturnVisit(*c, cal, Busy{}, 0, d("2026-09-20")); err == nil || !strings.Contains(err.Error(), "届满") {
		t.Fatalf("window over: %v", err)
	}
}

func TestPlanCarryVisitsCountsTheWholeMonth(t *testing.T) {
	t.Parallel()
	cal := roster.NewCalendar()
	people := []roster.Person{
		{ID: "L01", Name: "王县长", Active: true, Links: roster.Links{Township: "t01"}},
		{ID: "L02", Name: "李副县长", Active: true, Links: roster.Links{Township: "t02"}},
	}
	cases := []Case{{ID: 1, Township: "t01", State: StateAccepted}, {ID: 2, Township: "t02", State: StateAccepted}}
	// L01 already went this month, before the window; L02 is absent all the window.
	busy := Busy{
		Visits:   []Visit{{ID: 9, Kind: KindCarry, Leader: "L01", Township: "t01", Date: d("2027-01-05"), State: VisitDone}},
		Absences: []roster.Absence{{Person: "L02", From: d("2027-01-01"), To: d("2027-01-31")}},
	}
	ps := PlanCarryVisits(PlanInput{From: d("2027-01-06"), To: d("2027-01-31"), People: people, Cases: cases, Calendar: cal, Busy: busy})
	if len(ps) != 1 || ps[0].Visit.Leader != "L02" {
		t.Fatalf("proposals %+v", ps)
	}
	if !strings.Contains(ps[0].Reason, "李副县长") || strings.Contains(ps[0].Reason, "L02") {
		t.Fatalf("reason names the leader by id: %q", ps[0].Reason)
	}
}

func TestMessagesUseChineseLabels(t *testing.T) {
	t.Parallel()
	c := acceptedCase(roster.NewCalendar())
	v := Visit{Kind: "walk", Leader: "L01", Date: d("2027-01-05"), Start: 540, End: 600, Place: "x"}
	for name, err := range map[string]error{
		"duty":   c.Milestone("dance", d("2026-08-05"), later, ""),
		"action": c.Apply("explode", d("2026-08-05"), later, roster.NewCalendar()),
		"kind":   v.Validate(),
	} {
		if err == nil {
			t.Fatalf("%s accepted", name)
		}
		msg := err.Error()
		if strings.ContainsAny(strings.TrimPrefix(msg, name+": "), "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("%s: English in the message: %s", name, msg)
		}
	}
}
