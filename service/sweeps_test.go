package service_test

import (
	"context"
	"errors"
	"testing"

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

// kindOf is the refusal's kind and stable code, or Internal for a failure.
func kindOf(err error) (fault.Kind, string) {
	if fe := fault.Classify(err); fe != nil {
		return fe.Kind, fe.StableCode()
	}
	return fault.Internal, ""
}

// A report is filed once; escalating and resolving a finding happen once;
// each second time is a conflict with its own code, and the refusals of a
// bad township or month say which field is wrong.
func TestSweepUseCasesRefuseTheSecondTime(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	svc := service.New(st, testConfig(t), nil)
	call := service.Call{Actor: "张科员", Now: at("2026-12-03")}
	sw := visits.Sweep{Month: "2026-12", Opened: roster.MustDate("2026-12-01"), Due: roster.MustDate("2026-12-10")}
	if _, err := st.CreateSweep(ctx, sw, []visits.Task{{Township: "t01", Leader: "L01", Due: sw.Due}}, "test"); err != nil {
		t.Fatal(err)
	}
	report := visits.Report{Findings: []visits.Finding{{ID: 99, Case: 7, Summary: "宅基地边界纠纷", Category: "征地拆迁", Village: "东风村", Parties: 2, Risk: visits.RiskHigh}}}

	for _, tc := range []struct {
		name, month, township string
		kind                  fault.Kind
	}{
		{"no township", "2026-12", "", fault.Invalid},
		{"unknown township", "2026-12", "t99", fault.Invalid},
		{"township without a task", "2026-12", "t02", fault.Invalid},
		{"month without a sweep", "2027-01", "t01", fault.NotFound},
	} {
		if _, _, err := svc.FileReport(ctx, call, visits.Month(tc.month), tc.township, report); func() fault.Kind { k, _ := kindOf(err); return k }() != tc.kind {
			t.Errorf("%s: %v, want kind %v", tc.name, err, tc.kind)
		}
	}
	task, added, err := svc.FileReport(ctx, call, "2026-12", "t01", report)
	if err != nil || task.Status != visits.TaskFiled || task.FiledBy != "张科员" || task.Filed != roster.MustDate("2026-12-03") {
		t.Fatalf("file: %+v %v", task, err)
	}
	if len(added) != 1 || added[0].ID == 99 || added[0].Case != 0 || added[0].Task != task.ID {
		t.Fatalf("findings keep the caller's identity: %+v", added)
	}
	if _, _, err := svc.FileReport(ctx, call, "2026-12", "t01", visits.Report{Nil: true}); !is(err, fault.Conflict, "already_filed") {
		t.Fatalf("second report: %v", err)
	}

	k, ch, err := svc.EscalateFinding(ctx, call, added[0].ID)
	if err != nil || k.Leader != "L01" || ch.Leader != "L01" {
		t.Fatalf("escalate: %+v %+v %v", k, ch, err)
	}
	if _, _, err := svc.EscalateFinding(ctx, call, added[0].ID); !is(err, fault.Conflict, "already_escalated") {
		t.Fatalf("second escalation: %v", err)
	}
	if _, _, err := svc.EscalateFinding(ctx, call, 12345); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown finding: %v", err)
	}
	f, err := svc.ResolveFinding(ctx, call, added[0].ID)
	if err != nil || !f.Resolved {
		t.Fatalf("resolve: %+v %v", f, err)
	}
	if _, err := svc.ResolveFinding(ctx, call, added[0].ID); !is(err, fault.Conflict, "already_resolved") {
		t.Fatalf("second resolution: %v", err)
	}
}

func is(err error, kind fault.Kind, code string) bool {
	k, c := kindOf(err)
	return k == kind && c == code
}
