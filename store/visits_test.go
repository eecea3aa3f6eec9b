package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"zhiban/roster"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/visits"
)

func TestCaseRoundTripAndVersionConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.OpenDemo(t, nil)
	c := visits.Case{Code: "2027-0001", Title: "拖欠工资", Category: "劳资", Township: "t01", Received: roster.MustDate("2027-01-04"),
		Channel: "来访", Petitioner: visits.Petitioner{Name: "赵某某", Phone: "13900000000"}, GroupSize: 3, Representatives: 2,
		Leader: "L01", State: visits.StateAccepted, Accepted: roster.MustDate("2027-01-05"),
		Milestones: []visits.Milestone{{Duty: visits.DutyInvestigate, On: roster.MustDate("2027-01-06"), Note: "走访"}}}
	got, err := st.CreateCase(ctx, c, "staff")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID == 0 || got.Version != 1 || len(got.Milestones) != 1 || got.Accepted != c.Accepted || got.Petitioner != c.Petitioner {
		t.Fatalf("stored %+v", got)
	}
	if _, err := st.CreateCase(ctx, c, "staff"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate code: %v", err)
	}
	got.State = visits.StateReplied
	if _, err := st.SaveCase(ctx, got, 1, "reply", "staff"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveCase(ctx, got, 1, "reply", "staff"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	code, _ := st.NextCaseCode(ctx, 2027)
	if code != "2027-0002" {
		t.Fatalf("next code %s", code)
	}
	load, _ := st.OpenCaseLoad(ctx)
	if load["L01"] != 1 {
		t.Fatalf("load %v", load)
	}
	log, _ := st.AuditLog(ctx, store.AuditFilter{Entity: "case"})
	for _, e := range log {
		if contains(e.Before+e.After, "赵某某", "13900000000") {
			t.Fatalf("audit holds petitioner data: %+v", e)
		}
	}
}

func contains(s string, subs ...string) bool { return containsAny(s, subs) }

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if x != "" && strings.Contains(s, x) {
			return true
		}
	}
	return false
}

func TestVisitHistoryAndPublicView(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.OpenDemo(t, nil)
	c, err := st.CreateCase(ctx, visits.Case{Code: "2027-0001", Title: "t", Category: "环境", Township: "t02", Received: roster.MustDate("2027-01-04"),
		Channel: "网上", Petitioner: visits.Petitioner{Name: "钱某"}, GroupSize: 1, State: visits.StateAccepted}, "staff")
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.CreateVisit(ctx, visits.Visit{Kind: visits.KindCarry, Leader: "L02", Date: roster.MustDate("2027-01-20"), Start: 540, End: 990,
		Place: "漕河镇群众工作站", Township: "t02", Cases: []int64{c.ID}, State: visits.VisitPlanned, CreatedBy: "job:plan-visits"}, "job")
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Reschedule(roster.MustDate("2027-01-21"), 540, 990, "改期", "staff"); err != nil {
		t.Fatal(err)
	}
	v, err = st.SaveVisit(ctx, v, v.Version, "reschedule", "staff")
	if err != nil {
		t.Fatal(err)
	}
	if len(v.History) != 1 || v.Date != roster.MustDate("2027-01-21") || len(v.Cases) != 1 {
		t.Fatalf("visit %+v", v)
	}
	pub, err := st.PublicCarryVisits(ctx, 0, 0, "t02")
	if err != nil || len(pub) != 1 || pub[0].Leader != "L02" || pub[0].Date != v.Date {
		t.Fatalf("public %+v %v", pub, err)
	}
	vs, _ := st.Visits(ctx, store.VisitFilter{Case: c.ID})
	if len(vs) != 1 {
		t.Fatalf("by case %+v", vs)
	}
}

func TestSweepOpeningIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.OpenDemo(t, nil)
	sw := visits.Sweep{Month: "2027-01", Opened: roster.MustDate("2027-01-01"), Due: roster.MustDate("2027-01-11")}
	tasks := []visits.Task{{Township: "t01", Leader: "L01", Due: sw.Due}, {Township: "t02", Due: sw.Due}}
	for i, want := range []bool{true, false} {
		created, err := st.CreateSweep(ctx, sw, tasks, "job")
		if err != nil || created != want {
			t.Fatalf("run %d: created %v err %v", i, created, err)
		}
	}
	got, _ := st.SweepTasks(ctx, "2027-01")
	if len(got) != 2 || got[0].Leader != "L01" || got[1].Leader != "" {
		t.Fatalf("tasks %+v", got)
	}
	fs, err := st.AddFindings(ctx, []visits.Finding{{Task: got[0].ID, Summary: "土地纠纷", Category: "征地拆迁", Parties: 2, Risk: visits.RiskHigh}}, "t")
	if err != nil || len(fs) != 1 {
		t.Fatal(err)
	}
	high, _ := st.Findings(ctx, store.FindingFilter{HighNoCase: true})
	if len(high) != 1 {
		t.Fatalf("high %+v", high)
	}
}
