package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zhiban/config/configtest"
	"zhiban/fault"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

// caseworkFixture is the demo county on a fresh SQLite file, on 2026-12-01
// 09:00 in Shanghai, with L01 on duty on 2026-12-02 (08:30–17:30).
type caseworkFixture struct {
	st   *store.Store
	svc  *service.Service
	call service.Call
}

func newCaseworkFixture(t *testing.T) *caseworkFixture {
	t.Helper()
	ctx := context.Background()
	st, cfg := openDemo(t), configtest.Valid(t, nil)
	if _, _, err := st.SaveGenerated(ctx, []roster.Assignment{{Roster: "county-duty", Date: roster.MustDate("2026-12-02"), Role: "值班领导", Person: "L01"}}, nil, "test"); err != nil {
		t.Fatal(err)
	}
	return &caseworkFixture{st: st, svc: service.New(st, cfg, nil),
		call: service.Call{Actor: "editor", Now: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)}}
}

// wantFault fails unless err is a refusal of kind about field ("" for any).
func wantFault(t *testing.T, err error, kind fault.Kind, field string) *fault.Error {
	t.Helper()
	fe := fault.Classify(err)
	if fe == nil {
		t.Fatalf("got %v, want a %s refusal", err, kind.Code())
	}
	if fe.Kind != kind || field != "" && fe.Field != field {
		t.Fatalf("got %s %q (%v), want %s %q", fe.Kind.Code(), fe.Field, err, kind.Code(), field)
	}
	return fe
}

func newCase() service.CaseInput {
	return service.CaseInput{Title: "征地补偿款未到位", Category: "征地拆迁", Township: "t01", Received: roster.MustDate("2026-11-20"),
		Channel: "来访", Petitioner: visits.Petitioner{Name: "欧阳某"}, Leader: "L01"}
}

// register stores a new case and returns it.
func (f *caseworkFixture) register(t *testing.T, in service.CaseInput) visits.Case {
	t.Helper()
	k, err := f.svc.RegisterCase(context.Background(), f.call, in)
	if err != nil {
		t.Fatal(err)
	}
	return k.Case
}

// act runs a change of case k at its current version and returns the change.
func (f *caseworkFixture) act(t *testing.T, use func(context.Context, service.Call, int64, service.CaseAct) (service.CaseChange, error), k visits.Case, in service.CaseAct) service.CaseChange {
	t.Helper()
	cur, err := f.st.Case(context.Background(), k.ID)
	if err != nil {
		t.Fatal(err)
	}
	in.Version = cur.Version
	res, err := use(context.Background(), f.call, k.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRegisterCase(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k, err := f.svc.RegisterCase(ctx, f.call, newCase())
	if err != nil {
		t.Fatal(err)
	}
	if k.Code != "2026-0001" || k.State != visits.StateReceived || k.GroupSize != 1 || k.Clock.Next == nil ||
		k.Clock.Next.Kind != visits.DeadlineAcceptance || len(k.Deadlines) == 0 {
		t.Fatalf("registered %+v", k)
	}
	if stored, err := f.st.CaseByCode(ctx, "2026-0001"); err != nil || stored.ID != k.ID {
		t.Fatalf("stored %+v %v", stored, err)
	}
	if next := f.register(t, newCase()); next.Code != "2026-0002" {
		t.Fatalf("next code %s", next.Code)
	}

	for _, tc := range []struct {
		name  string
		edit  func(*service.CaseInput)
		kind  fault.Kind
		field string
	}{
		{"bad category", func(in *service.CaseInput) { in.Category = "打架" }, fault.Invalid, "category"},
		{"received tomorrow", func(in *service.CaseInput) { in.Received = roster.MustDate("2026-12-02") }, fault.Invalid, "received"},
		{"no received, no code", func(in *service.CaseInput) { in.Received = 0 }, fault.Invalid, "received"},
		{"bad code", func(in *service.CaseInput) { in.Code = "42" }, fault.Invalid, "code"},
		{"unknown township", func(in *service.CaseInput) { in.Township = "t99" }, fault.Invalid, "township"},
		{"unknown leader", func(in *service.CaseInput) { in.Leader = "L999" }, fault.Invalid, "leader"},
		{"too many representatives", func(in *service.CaseInput) { in.GroupSize, in.Representatives = 30, 6 }, fault.Invalid, "representatives"},
		{"taken code", func(in *service.CaseInput) { in.Code = "2026-0001" }, fault.Conflict, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := newCase()
			tc.edit(&in)
			_, err := f.svc.RegisterCase(ctx, f.call, in)
			fe := wantFault(t, err, tc.kind, tc.field)
			if strings.Contains(fe.Msg, "欧阳某") {
				t.Errorf("the refusal quotes the petitioner: %s", fe.Msg)
			}
			if tc.kind == fault.Conflict && fe.Items == nil {
				t.Error("the conflict lists no case")
			}
		})
	}
	if all, _ := f.st.Cases(ctx, store.CaseFilter{}); len(all) != 2 {
		t.Fatalf("%d cases stored, want 2", len(all))
	}
}

func TestCaseLifecycle(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.register(t, newCase())

	// Closing with no handling milestone: the state refuses (a conflict).
	_, err := f.svc.TransitionCase(ctx, f.call, k.ID, service.CaseAct{Version: k.Version, Action: visits.ActClose})
	if fe := wantFault(t, err, fault.Conflict, "state"); fe.StableCode() != "refused" {
		t.Fatalf("code %s", fe.StableCode())
	}
	_, err = f.svc.TransitionCase(ctx, f.call, k.ID, service.CaseAct{Version: k.Version})
	wantFault(t, err, fault.Invalid, "action")
	_, err = f.svc.TransitionCase(ctx, f.call, k.ID, service.CaseAct{Version: k.Version, Action: visits.ActAccept, On: roster.MustDate("2026-12-02")})
	wantFault(t, err, fault.Invalid, "on")
	_, err = f.svc.TransitionCase(ctx, f.call, k.ID, service.CaseAct{Action: visits.ActAccept})
	wantFault(t, err, fault.Invalid, "version")
	_, err = f.svc.TransitionCase(ctx, f.call, 9999, service.CaseAct{Version: 1, Action: visits.ActAccept})
	wantFault(t, err, fault.NotFound, "")

	// Accepting without a date dates it today.
	res := f.act(t, f.svc.TransitionCase, k, service.CaseAct{Action: visits.ActAccept})
	if res.Case.State != visits.StateAccepted || res.Case.Accepted != roster.MustDate("2026-12-01") || res.ReturnVisit != nil {
		t.Fatalf("accepted %+v", res)
	}
	// The version read before is stale now: a conflict naming the current one.
	_, err = f.svc.AddMilestone(ctx, f.call, k.ID, service.CaseAct{Version: k.Version, Duty: visits.DutyInvestigate})
	fe := wantFault(t, err, fault.Conflict, "")
	if items, ok := fe.Items.([]service.StaleItem); !ok || items[0].Version != res.Case.Version || items[0].State != "accepted" ||
		!strings.Contains(fe.Msg, "已被他人修改") {
		t.Fatalf("stale: %s %+v", fe.Msg, fe.Items)
	}

	// Milestones in order only.
	_, err = f.svc.AddMilestone(ctx, f.call, k.ID, service.CaseAct{Version: res.Case.Version, Duty: visits.DutyStabilise})
	wantFault(t, err, fault.Invalid, "duty")
	res = f.act(t, f.svc.AddMilestone, k, service.CaseAct{Duty: visits.DutyInvestigate, Note: " 走访核实 "})
	if !res.Case.Has(visits.DutyInvestigate) || res.Case.Milestones[0].Note != "走访核实" {
		t.Fatalf("milestone %+v", res.Case.Milestones)
	}

	// One extension of at most 30 days, with a reason.
	_, err = f.svc.ExtendCase(ctx, f.call, k.ID, service.CaseAct{Version: res.Case.Version, Days: 45, Reason: "需要鉴定"})
	wantFault(t, err, fault.Invalid, "days")
	_, err = f.svc.ExtendCase(ctx, f.call, k.ID, service.CaseAct{Version: res.Case.Version, Days: 20})
	wantFault(t, err, fault.Invalid, "reason")
	res = f.act(t, f.svc.ExtendCase, k, service.CaseAct{Days: 20, Reason: "需要鉴定"})
	if res.Case.ExtensionDays != 20 {
		t.Fatalf("extension %d", res.Case.ExtensionDays)
	}
	_, err = f.svc.ExtendCase(ctx, f.call, k.ID, service.CaseAct{Version: res.Case.Version, Days: 5, Reason: "再延"})
	wantFault(t, err, fault.Invalid, "days")

	// Another leader, known and named.
	for _, leader := range []string{"", "L999"} {
		_, err = f.svc.SetCaseLeader(ctx, f.call, k.ID, service.CaseAct{Version: res.Case.Version, Leader: leader})
		wantFault(t, err, fault.Invalid, "leader")
	}
	res = f.act(t, f.svc.SetCaseLeader, k, service.CaseAct{Leader: "L01", Reason: " 工作调整 "})
	if res.Case.Leader != "L01" || res.Case.LeaderReason != "工作调整" {
		t.Fatalf("leader %s %q", res.Case.Leader, res.Case.LeaderReason)
	}

	// Serving the opinion schedules the return visit on the leader's first
	// free day: 2 December is L01's duty.
	res = f.act(t, f.svc.TransitionCase, k, service.CaseAct{Action: visits.ActReply})
	rv := res.ReturnVisit
	if res.Case.State != visits.StateReplied || rv == nil || rv.Kind != visits.KindReturn || rv.Date != roster.MustDate("2026-12-03") ||
		rv.Leader != "L01" || rv.CreatedBy != "editor" || len(rv.Cases) != 1 || rv.Cases[0] != k.ID {
		t.Fatalf("reply %+v, return visit %+v", res.Case, rv)
	}
	entries, err := f.st.AuditLog(ctx, store.AuditFilter{Entity: "case"})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if e.Actor == "editor" {
			seen[e.Action] = true
		}
	}
	for _, a := range []string{"transition", "milestone", "extend", "assign"} {
		if !seen[a] {
			t.Errorf("no audit entry %s by editor", a)
		}
	}
}

func TestReadCases(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	today := roster.MustDate("2026-12-01")
	old := newCase()
	old.Received = roster.MustDate("2026-10-01") // 受理告知 due mid-October: overdue
	late := f.register(t, old)
	f.register(t, newCase())
	all, err := f.svc.ListCases(ctx, today, service.CaseQuery{})
	if err != nil || len(all) != 2 {
		t.Fatalf("all: %d %v", len(all), err)
	}
	overdue, err := f.svc.ListCases(ctx, today, service.CaseQuery{Overdue: true, State: "open"})
	if err != nil || len(overdue) != 1 || overdue[0].ID != late.ID || !overdue[0].Clock.Overdue {
		t.Fatalf("overdue: %+v %v", overdue, err)
	}
	if none, err := f.svc.ListCases(ctx, today, service.CaseQuery{State: "closed"}); err != nil || len(none) != 0 {
		t.Fatalf("closed: %+v %v", none, err)
	}
	_, err = f.svc.ListCases(ctx, today, service.CaseQuery{State: "lost"})
	wantFault(t, err, fault.Invalid, "state")

	file, err := f.svc.ReadCase(ctx, today, late.ID)
	if err != nil || file.Case.Code != late.Code || !file.Case.Clock.Overdue {
		t.Fatalf("read: %+v %v", file, err)
	}
	if _, err := f.svc.ReadCase(ctx, today, 9999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown case: %v", err)
	}
}
