package scheduler_test

import (
	"context"
	"testing"

	"zhiban/config/configtest"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/scheduler"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

// Issue 11 item 7: a first start on 2026-12-02 catches up November's
// plan-visits (due 11-25). It must plan from the real today, and not carry a
// case that already has a planned or confirmed 带案下访.
func TestPlanVisitsCatchUpPlansFromTodayWithoutDuplicates(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	now := at("2026-12-02 09:00:00")
	today := roster.MustDate("2026-12-02")
	if _, err := planner.Fill(ctx, st, today, today.AddDays(60), today, "demo"); err != nil {
		t.Fatal(err)
	}
	svc := service.New(st, configtest.Valid(t, nil), nil)
	if err := svc.SeedDemo(ctx, service.Call{Actor: "demo", Now: now}); err != nil {
		t.Fatal(err)
	}
	before, err := st.Visits(ctx, store.VisitFilter{Kind: visits.KindCarry, ActiveOnly: true})
	if err != nil || len(before) == 0 {
		t.Fatalf("the demo plans 带案下访: %v %d", err, len(before))
	}
	c := &clock{t: now}
	s := newScheduler(t, st, c, nil, scheduler.PlanVisitsJob(svc))
	if res := s.RunDue(ctx, c.Now()); len(res) != 1 || res[0].Status != "done" {
		t.Fatalf("catch-up %+v", res)
	}
	all, err := st.Visits(ctx, store.VisitFilter{Kind: visits.KindCarry, ActiveOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	carried := map[int64]int64{}
	for _, v := range all {
		if v.Date <= today {
			t.Errorf("visit %d on %s: planned on or before today", v.ID, v.Date)
		}
		for _, k := range v.Cases {
			if other, ok := carried[k]; ok {
				t.Errorf("case %d carried by visits %d and %d", k, other, v.ID)
			}
			carried[k] = v.ID
		}
	}
}
