package service_test

import (
	"context"
	"errors"
	"testing"

	"zhiban/config/configtest"
	"zhiban/fault"
	"zhiban/notify"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

func notifyOffice(text string) notify.Message {
	return notify.Message{To: []notify.Recipient{notify.Office}, Subject: text, Text: text}
}

// A report is filed once; escalating and resolving a finding happen once;
// each second time is a conflict with its own code, and the refusals of a
// bad township or month say which field is wrong.
func TestSweepUseCasesRefuseTheSecondTime(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	svc := service.New(st, configtest.Valid(t, nil), nil)
	call := service.Call{Actor: "张科员", Now: at("2026-12-03")}
	sw := visits.Sweep{Month: "2026-12", Opened: roster.MustDate("2026-12-01"), Due: roster.MustDate("2026-12-10")}
	if _, err := st.CreateSweep(ctx, sw, []visits.Task{{Township: "t01", Leader: "L01", Due: sw.Due}}, "test"); err != nil {
		t.Fatal(err)
	}
	report := visits.Report{Findings: []visits.Finding{{ID: 99, Case: 7, Summary: "宅基地边界纠纷", Category: "征地拆迁", Village: "东风村", Parties: 2, Risk: visits.RiskHigh}}}

	for _, tc := range []struct {
		name, month, township string
		kind                  fault.Kind
		field                 string
	}{
		{"no township", "2026-12", "", fault.Invalid, "township"},
		{"unknown township", "2026-12", "t99", fault.Invalid, "township"},
		{"township without a task", "2026-12", "t02", fault.Invalid, "township"},
		{"month without a sweep", "2027-01", "t01", fault.NotFound, "month"},
	} {
		_, _, err := svc.FileReport(ctx, call, visits.Month(tc.month), tc.township, report)
		wantFault(t, err, tc.kind, tc.field)
	}
	task, added, err := svc.FileReport(ctx, call, "2026-12", "t01", report)
	if err != nil || task.Status != visits.TaskFiled || task.FiledBy != "张科员" || task.Filed != roster.MustDate("2026-12-03") {
		t.Fatalf("file: %+v %v", task, err)
	}
	if len(added) != 1 || added[0].ID == 99 || added[0].Case != 0 || added[0].Task != task.ID {
		t.Fatalf("findings keep the caller's identity: %+v", added)
	}
	_, _, err = svc.FileReport(ctx, call, "2026-12", "t01", visits.Report{Nil: true})
	wantConflict(t, err, "already_filed")

	k, ch, err := svc.EscalateFinding(ctx, call, added[0].ID)
	if err != nil || k.Leader != "L01" || ch.Leader != "L01" {
		t.Fatalf("escalate: %+v %+v %v", k, ch, err)
	}
	_, _, err = svc.EscalateFinding(ctx, call, added[0].ID)
	wantConflict(t, err, "already_escalated")
	if _, _, err := svc.EscalateFinding(ctx, call, 12345); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown finding: %v", err)
	}
	f, err := svc.ResolveFinding(ctx, call, added[0].ID)
	if err != nil || !f.Resolved {
		t.Fatalf("resolve: %+v %v", f, err)
	}
	_, err = svc.ResolveFinding(ctx, call, added[0].ID)
	wantConflict(t, err, "already_resolved")
}

// wantConflict fails unless err is a conflict with the stable code.
func wantConflict(t *testing.T, err error, code string) {
	t.Helper()
	if fe := wantFault(t, err, fault.Conflict, ""); fe.StableCode() != code {
		t.Fatalf("conflict %q (%v), want %q", fe.StableCode(), err, code)
	}
}
