package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"zhiban/config/configtest"
	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

// Issue 11 item 7: a 主动约访 or 带案下访 is not planned, nor moved, into the
// past (today is 2026-12-01 in the fixture); a visit that happened is
// recorded through its outcome.
func TestVisitInThePastIsRefused(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.register(t, newCase())
	_, err := f.svc.CreateVisit(ctx, f.call, carry("2026-11-30"))
	wantFault(t, err, fault.Invalid, "date")
	invite := service.VisitInput{Kind: visits.KindInvite, Leader: "L02", Date: roster.MustDate("2026-11-27"), Start: roster.Clock(10 * 60),
		End: roster.Clock(11 * 60), Place: "县群众工作部约访室", Cases: []int64{k.ID}}
	_, err = f.svc.CreateVisit(ctx, f.call, invite)
	wantFault(t, err, fault.Invalid, "date")
	invite.Date = roster.MustDate("2026-12-01") // today is fine
	v, err := f.svc.CreateVisit(ctx, f.call, invite)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.RescheduleVisit(ctx, f.call, v.ID, service.VisitAct{Version: v.Version, Date: roster.MustDate("2026-11-30"), Reason: "补记"})
	wantFault(t, err, fault.Invalid, "date")
}

// Issue 11 item 12: 不满意 at a return visit does not reopen the case. The
// petitioner's remedy is 复查 (art. 35): asked for at the visit, it is
// recorded; otherwise the request window stays in sight as a flag.
func TestDissatisfiedReturnVisitLeadsToReview(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	quiet, asks := f.replied(t), f.replied(t) // served 2026-11-22
	record := func(k visits.Case, requested bool) service.VisitChange {
		t.Helper()
		rv, err := f.st.CreateVisit(ctx, visits.Visit{Kind: visits.KindReturn, Leader: "L01", Date: roster.MustDate("2026-11-30"),
			Start: visits.ReturnStart, End: visits.ReturnEnd, Place: "信访人住所", Cases: []int64{k.ID}, State: visits.VisitPlanned, CreatedBy: "test"}, "test")
		if err != nil {
			t.Fatal(err)
		}
		res, err := f.svc.RecordOutcome(ctx, f.call, rv.ID, service.VisitAct{Version: rv.Version,
			Outcome: visits.Outcome{State: visits.VisitDone, Satisfaction: visits.Dissatisfied, ReviewRequested: requested}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := record(quiet, false)
	if len(res.Reviews) != 1 || res.Reviews[0].Requested || res.Reviews[0].Due != roster.MustDate("2026-12-22") {
		t.Fatalf("window %+v", res.Reviews)
	}
	if k, _ := f.st.Case(ctx, quiet.ID); k.State != visits.StateReplied || k.Reopened != 0 {
		t.Fatalf("case %s reopened %s", k.State, k.Reopened)
	}
	flags, _ := f.st.Flags(ctx, 0)
	found := false
	for _, fl := range flags {
		found = found || fl.Kind == "dissatisfied" && fl.EntityID == fmt.Sprint(quiet.ID)
	}
	if !found {
		t.Fatalf("no flag keeps the 复查 window in sight: %+v", flags)
	}
	res = record(asks, true)
	if len(res.Reviews) != 1 || !res.Reviews[0].Requested || res.Reviews[0].Due != roster.MustDate("2026-12-30") {
		t.Fatalf("request %+v", res.Reviews)
	}
	k, _ := f.st.Case(ctx, asks.ID)
	if k.State != visits.StateReview || k.ReviewAsked != roster.MustDate("2026-11-30") {
		t.Fatalf("case %s asked %s", k.State, k.ReviewAsked)
	}
	// A 复查 request needs a dissatisfied outcome.
	rv, _ := f.st.CreateVisit(ctx, visits.Visit{Kind: visits.KindReturn, Leader: "L01", Date: roster.MustDate("2026-11-30"),
		Start: 14 * 60, End: 15 * 60, Place: "信访人住所", Cases: []int64{quiet.ID}, State: visits.VisitPlanned, CreatedBy: "test"}, "test")
	_, err := f.svc.RecordOutcome(ctx, f.call, rv.ID, service.VisitAct{Version: rv.Version,
		Outcome: visits.Outcome{State: visits.VisitDone, Satisfaction: visits.Satisfied, ReviewRequested: true}})
	wantFault(t, err, fault.Invalid, "review_requested")
}

// Issue 11 item 9: the demo's t01 reports the same dispute in November (put
// under 包保 then) and December. The follow-ups link December's finding to the
// existing case instead of opening a second one; the case is a 矛盾纠纷 with
// the five 包 steps and 销号 due, not a 来访 petition with a 受理告知 clock.
func TestEscalatedFindingIsADisputeLinkedNotDuplicated(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	svc := service.New(st, configtest.Valid(t, nil), nil)
	today := roster.MustDate("2026-12-15")
	if _, err := planner.Fill(ctx, st, today.AddDays(-30), today.AddDays(60), today.AddDays(-30), "test"); err != nil {
		t.Fatal(err)
	}
	if err := svc.SeedDemo(ctx, service.Call{Actor: "demo", Now: at("2026-12-15")}); err != nil {
		t.Fatal(err)
	}
	before, _ := st.Cases(ctx, store.CaseFilter{Township: "t01"})
	if _, err := service.FollowUps(ctx, jobEnv(t, st, today, "follow-ups")); err != nil {
		t.Fatal(err)
	}
	after, _ := st.Cases(ctx, store.CaseFilter{Township: "t01"})
	if len(after) != len(before) {
		t.Fatalf("t01 had %d cases, now %d: the same dispute opened a second case", len(before), len(after))
	}
	var k visits.Case
	for _, c := range after {
		if c.FromFinding != 0 {
			k = c
		}
	}
	linked := 0
	for _, m := range []visits.Month{"2026-11", "2026-12"} {
		task, _ := st.SweepTaskOf(ctx, m, "t01")
		fs, _ := st.Findings(ctx, store.FindingFilter{Task: task.ID})
		for _, f := range fs {
			if f.Risk == visits.RiskHigh && f.Case == k.ID {
				linked++
			}
		}
	}
	if linked != 2 {
		t.Fatalf("%d findings point at case %s, want November's and December's", linked, k.Code)
	}
	if !k.IsDispute() || k.Channel != "" || k.Petitioner.Name != "" || k.State != visits.StateAccepted {
		t.Fatalf("escalated case %+v", k)
	}
	cal, _ := planner.Calendar(ctx, st, today.AddDays(-400), today.AddDays(400))
	var kinds []string
	for _, d := range k.Deadlines(cal) {
		if d.Kind == visits.DeadlineAcceptance || d.Due == 0 {
			t.Fatalf("deadline %+v", d)
		}
		kinds = append(kinds, d.Label)
	}
	if got := strings.Join(kinds, "、"); got != "包调查、包处理、包结案、包稳控、包息访、销号" {
		t.Fatalf("steps %s", got)
	}
	// The steps are recorded in order, 包结案 included, then 销号 closes it.
	call := service.Call{Actor: "editor", Now: at("2026-12-15")}
	ver := k.Version
	for _, d := range visits.Duties {
		if k.Has(d) { // the demo recorded 包调查
			continue
		}
		res, err := svc.AddMilestone(ctx, call, k.ID, service.CaseAct{Version: ver, Duty: d})
		if err != nil {
			t.Fatalf("%s: %v", d.Label(), err)
		}
		ver = res.Case.Version
	}
	_, err := svc.TransitionCase(ctx, call, k.ID, service.CaseAct{Version: ver, Action: visits.ActAccept})
	wantFault(t, err, fault.Invalid, "action")
	res, err := svc.TransitionCase(ctx, call, k.ID, service.CaseAct{Version: ver, Action: visits.ActWriteOff})
	if err != nil || res.Case.State != visits.StateClosed || res.Case.Closed != today {
		t.Fatalf("销号: %+v %v", res.Case.Case, err)
	}
}

// Issue 11 item 9: staff can put a finding with a case its dispute already
// has (here a petition of the same township) instead of a second case.
func TestLinkFindingToTheCaseItsDisputeHas(t *testing.T) {
	ctx := context.Background()
	f := newCaseworkFixture(t)
	petition := f.register(t, newCase()) // t01
	other := newCase()
	other.Township = "t02"
	elsewhere := f.register(t, other)
	sw := visits.Sweep{Month: "2026-12", Opened: roster.MustDate("2026-12-01"), Due: roster.MustDate("2026-12-10")}
	if _, err := f.st.CreateSweep(ctx, sw, []visits.Task{{Township: "t01", Leader: "L01", Due: sw.Due}}, "test"); err != nil {
		t.Fatal(err)
	}
	_, added, err := f.svc.FileReport(ctx, f.call, "2026-12", "t01", visits.Report{Findings: []visits.Finding{
		{Summary: "征地补偿款分歧", Category: "征地拆迁", Village: "东风村", Parties: 3, Risk: visits.RiskHigh}}})
	if err != nil {
		t.Fatal(err)
	}
	id := added[0].ID
	_, _, err = f.svc.LinkFinding(ctx, f.call, id, elsewhere.Code)
	wantFault(t, err, fault.Invalid, "case")
	_, _, err = f.svc.LinkFinding(ctx, f.call, id, "2026-0999")
	wantFault(t, err, fault.Invalid, "case")
	got, k, err := f.svc.LinkFinding(ctx, f.call, id, petition.Code)
	if err != nil || got.Case != petition.ID || k.ID != petition.ID {
		t.Fatalf("link: %+v %v", got, err)
	}
	// Linked, it is no longer waiting for a case: follow-ups open none.
	if high, _ := f.st.Findings(ctx, store.FindingFilter{HighNoCase: true}); len(high) != 0 {
		t.Fatalf("still waiting: %+v", high)
	}
	_, _, err = f.svc.EscalateFinding(ctx, f.call, id)
	wantConflict(t, err, "already_escalated")
}
