package service_test

import (
	"context"
	"fmt"
	"testing"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

func TestFlagsSayWhatEachIsAbout(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.register(t, newCase())
	if _, err := service.OpenSweep(ctx, jobEnv(t, f.st, roster.MustDate("2026-12-01"), "open-sweep")); err != nil {
		t.Fatal(err)
	}
	sw, err := f.st.LatestSweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := f.st.SweepTasks(ctx, sw.Month)
	if err != nil || len(tasks) == 0 {
		t.Fatalf("tasks: %v", err)
	}
	fs, err := f.st.AddFindings(ctx, []visits.Finding{{Task: tasks[0].ID, Summary: "土地纠纷", Category: "征地拆迁", Parties: 2, Risk: visits.RiskHigh}}, "test")
	if err != nil {
		t.Fatal(err)
	}
	today := roster.MustDate("2026-12-01")
	for _, fl := range []store.Flag{
		{Kind: "missing_report", Entity: "sweep_task", EntityID: fmt.Sprint(tasks[0].ID), On: today.AddDays(-2), Message: "甲"},
		{Kind: "escalated", Entity: "finding", EntityID: fmt.Sprint(fs[0].ID), On: today.AddDays(-1), Message: "乙", Leader: "L02"},
		{Kind: "deadline", Entity: "case", EntityID: fmt.Sprint(k.ID), On: today, Message: "丙", Leader: "L02"},
		{Kind: "deadline", Entity: "finding", EntityID: "999999", On: today, Message: "丁"},
	} {
		if _, err := f.st.Flag(ctx, fl); err != nil {
			t.Fatal(err)
		}
	}
	l, err := f.svc.Flags(ctx, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Lines) != 4 || l.Total != 4 || l.Counts["deadline"] != 2 || l.Counts["escalated"] != 1 {
		t.Fatalf("%d lines, total %d, counts %v", len(l.Lines), l.Total, l.Counts)
	}
	type about struct {
		kind  string
		cas   int64
		month visits.Month
		named bool
	}
	got := map[string]about{}
	for _, x := range l.Lines {
		got[x.Message] = about{x.KindLabel, x.Case, x.Month, x.LeaderName != ""}
	}
	for m, w := range map[string]about{
		"甲": {"逾期未报", 0, sw.Month, false},
		"乙": {"高风险转案", 0, sw.Month, true}, // a finding not yet a case: its sweep
		"丙": {"期限提醒", k.ID, "", true},
		"丁": {"期限提醒", 0, "", false}, // a finding that is gone: nothing to link
	} {
		if got[m] != w {
			t.Errorf("%s: %+v, want %+v", m, got[m], w)
		}
	}
	l, err = f.svc.Flags(ctx, "deadline", 1)
	if err != nil || len(l.Lines) != 1 || l.Total != 2 {
		t.Fatalf("one deadline of two: %d lines, total %d, %v", len(l.Lines), l.Total, err)
	}
	_, err = f.svc.Flags(ctx, "bogus", 10)
	wantFault(t, err, fault.Invalid, "kind")
}
