package service_test

import (
	"context"
	"strings"
	"testing"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/visits"
)

// carry is a 带案下访 of L01 to t01 on day, 09:00–16:30.
func carry(day string) service.VisitInput {
	return service.VisitInput{Kind: visits.KindCarry, Leader: "L01", Date: roster.MustDate(day), Start: visits.CarryStart, End: visits.CarryEnd,
		Place: "城关镇群众工作站", Township: "t01"}
}

func TestCreateVisit(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.register(t, newCase())

	// L01 is on duty on 2 December: a conflict listing the duty.
	_, err := f.svc.CreateVisit(ctx, f.call, carry("2026-12-02"))
	fe := wantFault(t, err, fault.Conflict, "")
	if cs, ok := fe.Items.([]visits.Conflict); fe.StableCode() != "leader_busy" || !ok || len(cs) == 0 || cs[0].Kind != "duty" {
		t.Fatalf("duty clash: %s %+v", fe.StableCode(), fe.Items)
	}
	v, err := f.svc.CreateVisit(ctx, f.call, carry("2026-12-03"))
	if err != nil {
		t.Fatal(err)
	}
	if v.ID == 0 || v.State != visits.VisitPlanned || v.CreatedBy != "editor" {
		t.Fatalf("created %+v", v)
	}
	// The same leader at an overlapping time: a conflict naming that visit.
	again := carry("2026-12-03")
	again.Start, again.End = roster.Clock(14*60), roster.Clock(15*60)
	_, err = f.svc.CreateVisit(ctx, f.call, again)
	fe = wantFault(t, err, fault.Conflict, "")
	if cs, _ := fe.Items.([]visits.Conflict); len(cs) == 0 || cs[0].VisitID != v.ID {
		t.Fatalf("overlap: %+v", fe.Items)
	}
	// L08 is away 2026-12-07..11 in the demo county.
	away := carry("2026-12-08")
	away.Leader, away.Township = "L08", "t08"
	_, err = f.svc.CreateVisit(ctx, f.call, away)
	if cs, _ := wantFault(t, err, fault.Conflict, "").Items.([]visits.Conflict); len(cs) == 0 || cs[0].Kind != "absence" {
		t.Fatalf("absence: %v", err)
	}

	// An invited visit names its cases by id or by code, each once.
	invite := service.VisitInput{Kind: visits.KindInvite, Leader: "L02", Date: roster.MustDate("2026-12-04"), Start: roster.Clock(10 * 60),
		End: roster.Clock(11 * 60), Place: "县群众工作部约访室", Cases: []int64{k.ID}, CaseCodes: []string{k.Code}}
	iv, err := f.svc.CreateVisit(ctx, f.call, invite)
	if err != nil || len(iv.Cases) != 1 || iv.Cases[0] != k.ID {
		t.Fatalf("invite: %+v %v", iv, err)
	}

	for _, tc := range []struct {
		name  string
		edit  func(*service.VisitInput)
		field string
		msg   string
	}{
		{"unknown case id", func(in *service.VisitInput) { in.Cases = []int64{k.ID, 9999} }, "cases", "关联的案件不存在"},
		{"unknown case code", func(in *service.VisitInput) { in.Cases, in.CaseCodes = nil, []string{"2026-0999"} }, "cases", "2026-0999"},
		{"no case", func(in *service.VisitInput) { in.Cases, in.CaseCodes = nil, nil }, "cases", "须关联案件"},
		{"bad kind", func(in *service.VisitInput) { in.Kind = "party" }, "kind", ""},
		{"end before start", func(in *service.VisitInput) { in.End = in.Start - 60 }, "end", ""},
		{"no place", func(in *service.VisitInput) { in.Place = "  " }, "place", ""},
		{"unknown leader", func(in *service.VisitInput) { in.Leader = "L999" }, "leader", ""},
		{"unknown township", func(in *service.VisitInput) { in.Township = "t99" }, "township", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := invite
			in.Date = roster.MustDate("2026-12-07")
			tc.edit(&in)
			_, err := f.svc.CreateVisit(ctx, f.call, in)
			if fe := wantFault(t, err, fault.Invalid, tc.field); !strings.Contains(fe.Msg, tc.msg) {
				t.Errorf("message %q, want %q", fe.Msg, tc.msg)
			}
		})
	}
}

func TestChangeVisit(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	v, err := f.svc.CreateVisit(ctx, f.call, carry("2026-12-03"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.ConfirmVisit(ctx, f.call, v.ID, service.VisitAct{})
	wantFault(t, err, fault.Invalid, "version")
	res, err := f.svc.ConfirmVisit(ctx, f.call, v.ID, service.VisitAct{Version: v.Version})
	if err != nil || res.Visit.State != visits.VisitConfirmed {
		t.Fatalf("confirm: %+v %v", res.Visit, err)
	}
	// The version read before is stale now.
	_, err = f.svc.CancelVisit(ctx, f.call, v.ID, service.VisitAct{Version: v.Version, Reason: "外出"})
	fe := wantFault(t, err, fault.Conflict, "")
	if items, ok := fe.Items.([]service.StaleItem); !ok || items[0].Version != res.Visit.Version || items[0].State != "confirmed" {
		t.Fatalf("stale: %+v", fe.Items)
	}
	v = res.Visit
	_, err = f.svc.ConfirmVisit(ctx, f.call, v.ID, service.VisitAct{Version: v.Version})
	wantFault(t, err, fault.Conflict, "state")

	// Rescheduling onto L01's duty day clashes; elsewhere it keeps the hours
	// and the old time in the history, planned again.
	_, err = f.svc.RescheduleVisit(ctx, f.call, v.ID, service.VisitAct{Version: v.Version, Date: roster.MustDate("2026-12-02"), Reason: "改期"})
	if fe := wantFault(t, err, fault.Conflict, ""); fe.StableCode() != "leader_busy" {
		t.Fatalf("code %s", fe.StableCode())
	}
	_, err = f.svc.RescheduleVisit(ctx, f.call, v.ID, service.VisitAct{Version: v.Version, Date: roster.MustDate("2026-12-04")})
	wantFault(t, err, fault.Invalid, "reason")
	res, err = f.svc.RescheduleVisit(ctx, f.call, v.ID, service.VisitAct{Version: v.Version, Date: roster.MustDate("2026-12-04"), Reason: "改期"})
	if err != nil || res.Visit.Date != roster.MustDate("2026-12-04") || res.Visit.Start != visits.CarryStart || len(res.Visit.History) != 1 ||
		res.Visit.State != visits.VisitPlanned || res.Visit.History[0].By != "editor" {
		t.Fatalf("reschedule: %+v %v", res.Visit, err)
	}
	v = res.Visit

	// No outcome before the day; cancelling needs a reason.
	_, err = f.svc.RecordOutcome(ctx, f.call, v.ID, service.VisitAct{Version: v.Version, Outcome: visits.Outcome{State: visits.VisitDone}})
	wantFault(t, err, fault.Conflict, "state")
	_, err = f.svc.CancelVisit(ctx, f.call, v.ID, service.VisitAct{Version: v.Version, Reason: " "})
	wantFault(t, err, fault.Invalid, "reason")
	res, err = f.svc.CancelVisit(ctx, f.call, v.ID, service.VisitAct{Version: v.Version, Reason: "信访人外出"})
	if err != nil || res.Visit.State != visits.VisitCancelled {
		t.Fatalf("cancel: %+v %v", res.Visit, err)
	}
	_, err = f.svc.CancelVisit(ctx, f.call, 9999, service.VisitAct{Version: 1, Reason: "x"})
	wantFault(t, err, fault.NotFound, "")
}

func TestConfirmRechecksTheLeadersTime(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	v, err := f.svc.CreateVisit(ctx, f.call, carry("2026-12-03"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.st.SaveGenerated(ctx, []roster.Assignment{{Roster: "county-duty", Date: roster.MustDate("2026-12-03"), Role: "值班领导", Person: "L01"}}, nil, "test"); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.ConfirmVisit(ctx, f.call, v.ID, service.VisitAct{Version: v.Version})
	if fe := wantFault(t, err, fault.Conflict, ""); fe.StableCode() != "leader_busy" {
		t.Fatalf("code %s", fe.StableCode())
	}
	if got, _ := f.st.Visit(ctx, v.ID); got.State != visits.VisitPlanned {
		t.Fatalf("state %s", got.State)
	}
}

// replied walks a new case to a served handling opinion on 23 November,
// then on through acts (each the next day).
func (f *caseworkFixture) replied(t *testing.T, acts ...visits.Transition) visits.Case {
	t.Helper()
	k := f.register(t, newCase())
	day := roster.MustDate("2026-11-21")
	f.act(t, f.svc.TransitionCase, k, service.CaseAct{Action: visits.ActAccept, On: day})
	f.act(t, f.svc.AddMilestone, k, service.CaseAct{Duty: visits.DutyInvestigate, On: day})
	f.act(t, f.svc.AddMilestone, k, service.CaseAct{Duty: visits.DutyHandle, On: day})
	for _, a := range append([]visits.Transition{visits.ActReply}, acts...) {
		day++
		k = f.act(t, f.svc.TransitionCase, k, service.CaseAct{Action: a, On: day}).Case.Case
	}
	return k
}

func TestOutcomes(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	open := f.replied(t)
	final := f.replied(t, visits.ActReview, visits.ActReviewed, visits.ActRecheck, visits.ActRechckd)
	// A return visit that happened yesterday, to both petitioners.
	rv, err := f.st.CreateVisit(ctx, visits.Visit{Kind: visits.KindReturn, Leader: "L01", Date: roster.MustDate("2026-11-30"),
		Start: visits.ReturnStart, End: visits.ReturnEnd, Place: "信访人住所", Cases: []int64{open.ID, final.ID}, State: visits.VisitPlanned, CreatedBy: "test"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.RecordOutcome(ctx, f.call, rv.ID, service.VisitAct{Version: rv.Version, Outcome: visits.Outcome{State: visits.VisitDone}})
	wantFault(t, err, fault.Invalid, "satisfaction")
	res, err := f.svc.RecordOutcome(ctx, f.call, rv.ID, service.VisitAct{Version: rv.Version,
		Outcome: visits.Outcome{State: visits.VisitDone, Satisfaction: visits.Dissatisfied, Notes: " 仍不满意\r\n补偿未到位 "}})
	if err != nil {
		t.Fatal(err)
	}
	// The act is saved as cleaned: trimmed, line breaks made one form.
	if res.Visit.Notes != "仍不满意\n补偿未到位" {
		t.Fatalf("notes saved as %q", res.Visit.Notes)
	}
	// Not satisfied is not a reopening: the replied case keeps its 复查 window
	// (art. 35) in sight; the rechecked one has no remedy left (art. 36).
	if len(res.Reviews) != 2 || res.Reviews[0].Code != open.Code ||
		res.Reviews[0].Requested || res.Reviews[0].Due == 0 || res.Reviews[1].Code != final.Code || !strings.Contains(res.Reviews[1].Reason, "第三十六条") {
		t.Fatalf("outcome %+v", res)
	}
	if k, _ := f.st.Case(ctx, open.ID); k.State != visits.StateReplied {
		t.Fatalf("replied case is %s", k.State)
	}
	if k, _ := f.st.Case(ctx, final.ID); k.State != visits.StateRechecked {
		t.Fatalf("rechecked case is %s", k.State)
	}

	// An open reception records the cases it received, by id or code; an
	// unknown one is refused.
	op, err := f.st.CreateVisit(ctx, visits.Visit{Kind: visits.KindOpen, Leader: "L01", Date: roster.MustDate("2026-12-01"),
		Start: roster.Clock(8*60 + 30), End: roster.Clock(17*60 + 30), Place: "县来访接待中心", State: visits.VisitConfirmed, CreatedBy: "test"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	done := visits.Outcome{State: visits.VisitDone, WalkIns: 3}
	for _, bad := range []service.VisitAct{{Outcome: visits.Outcome{Cases: []int64{9999}}}, {CaseCodes: []string{"2026-0999"}}} {
		bad.Version, bad.State, bad.WalkIns = op.Version, done.State, done.WalkIns
		_, err = f.svc.RecordOutcome(ctx, f.call, op.ID, bad)
		wantFault(t, err, fault.Invalid, "cases")
	}
	res, err = f.svc.RecordOutcome(ctx, f.call, op.ID, service.VisitAct{Version: op.Version, Outcome: done, CaseCodes: []string{open.Code}})
	if err != nil || res.Visit.WalkIns != 3 || len(res.Visit.Cases) != 1 || res.Visit.Cases[0] != open.ID || res.Reviews != nil {
		t.Fatalf("open reception: %+v %v", res, err)
	}
}

func TestFreeSlots(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	free, busy, err := f.svc.FreeSlots(ctx, "L01", roster.MustDate("2026-12-01"), roster.MustDate("2026-12-04"))
	if err != nil {
		t.Fatal(err)
	}
	if len(free) != 3 || free[1] != roster.MustDate("2026-12-03") || len(busy) != 1 || busy[0].Kind != "duty" {
		t.Fatalf("free %v busy %+v", free, busy)
	}
	_, _, err = f.svc.FreeSlots(ctx, "L01", roster.MustDate("2026-12-05"), roster.MustDate("2026-12-01"))
	wantFault(t, err, fault.Invalid, "to")
	_, _, err = f.svc.FreeSlots(ctx, "L01", roster.MustDate("2026-12-01"), roster.MustDate("2027-12-01"))
	wantFault(t, err, fault.Invalid, "to")
}
