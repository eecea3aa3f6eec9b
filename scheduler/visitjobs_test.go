package scheduler_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/county"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/scheduler"
	"zhiban/store"
	"zhiban/visits"
)

func visitStore(t *testing.T) (*store.Store, config.Config) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.ImportCounty(ctx, county.Demo(), "test"); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return st, cfg
}

func TestDemoCasesAndVisitJobs(t *testing.T) {
	ctx := context.Background()
	st, cfg := visitStore(t)
	today := roster.MustDate("2026-12-15")
	if _, err := planner.Fill(ctx, st, today.AddDays(-30), today.AddDays(60), today.AddDays(-30), "test"); err != nil {
		t.Fatal(err)
	}
	cal, err := planner.Calendar(ctx, st, today.AddDays(-400), today.AddDays(400))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // idempotent
		if err := scheduler.SeedDemoCases(ctx, st, today, cal); err != nil {
			t.Fatal(err)
		}
	}
	cases, _ := st.Cases(ctx, store.CaseFilter{})
	var overdue, near int
	for _, k := range cases {
		clk := k.ClockOn(today, cal)
		if clk.Overdue {
			overdue++
		} else if clk.Alert != visits.AlertNone {
			near++
		}
	}
	if len(cases) < 7 || overdue == 0 || near == 0 {
		t.Fatalf("%d cases, %d overdue, %d near", len(cases), overdue, near)
	}
	vs, _ := st.Visits(ctx, store.VisitFilter{})
	kinds := map[visits.Kind]int{}
	for _, v := range vs {
		kinds[v.Kind]++
	}
	for _, k := range visits.Kinds {
		if kinds[k] == 0 {
			t.Errorf("no %s visit in the demo: %v", k, kinds)
		}
	}
	tasks, _ := st.SweepTasks(ctx, "2026-12")
	var filed, open int
	for _, tk := range tasks {
		if tk.Status == visits.TaskOpen {
			open++
		} else {
			filed++
		}
	}
	if filed != 3 || open == 0 {
		t.Fatalf("sweep: %d filed, %d open", filed, open)
	}

	sch := scheduler.New(st, scheduler.Options{Location: cfg.Location})
	for _, j := range scheduler.VisitJobs(cfg) {
		if err := sch.Add(j); err != nil {
			t.Fatal(err)
		}
	}
	at := func(d string) time.Time { return roster.MustDate(d).At(8*60+30, cfg.Location) }
	res, err := sch.RunNow(ctx, "follow-ups", at("2026-12-15"))
	if err != nil || res.Error != "" {
		t.Fatalf("follow-ups: %+v %v", res, err)
	}
	flags, _ := st.Flags(ctx, 0)
	kindsOf := map[string]int{}
	for _, f := range flags {
		kindsOf[f.Kind]++
		if strings.Contains(f.Message, "（示例）") || strings.Contains(f.Message, "139000001") {
			t.Fatalf("flag holds petitioner data: %s", f.Message)
		}
	}
	if kindsOf["deadline"] == 0 || kindsOf["escalated"] == 0 || kindsOf["missing_report"] == 0 {
		t.Fatalf("flags %v", kindsOf)
	}
	if high, _ := st.Findings(ctx, store.FindingFilter{HighNoCase: true}); len(high) != 0 {
		t.Fatalf("high-risk findings left without a case: %+v", high)
	}

	// January: the sweep opens once, rolling December's unresolved findings.
	res, err = sch.RunNow(ctx, "open-sweep", at("2027-01-01"))
	if err != nil || res.Error != "" || !strings.Contains(res.Summary, "开启 2027-01") {
		t.Fatalf("open-sweep: %+v %v", res, err)
	}
	if _, err := scheduler.OpenSweep(ctx, st, roster.MustDate("2027-01-01"), 0); err != nil {
		t.Fatal(err)
	}
	jan, _ := st.SweepTasks(ctx, "2027-01")
	if len(jan) != 14 {
		t.Fatalf("january tasks %d", len(jan))
	}
	rolled, _ := st.Findings(ctx, store.FindingFilter{Month: "2027-01"})
	dec, _ := st.Findings(ctx, store.FindingFilter{Month: "2026-12", Unresolved: true})
	if len(rolled) != len(dec) || len(rolled) == 0 || rolled[0].RolledFrom == 0 {
		t.Fatalf("rolled %d of %d", len(rolled), len(dec))
	}

	// plan-visits on the 25th proposes January visits on free days only, once.
	before, _ := st.Visits(ctx, store.VisitFilter{Kind: visits.KindCarry, From: roster.MustDate("2027-01-01"), To: roster.MustDate("2027-01-31")})
	if _, err := scheduler.PlanVisits(ctx, st, roster.MustDate("2027-01-01"), roster.MustDate("2027-01-31"), 1); err != nil {
		t.Fatal(err)
	}
	after, _ := st.Visits(ctx, store.VisitFilter{Kind: visits.KindCarry, From: roster.MustDate("2027-01-01"), To: roster.MustDate("2027-01-31")})
	if len(after) <= len(before) {
		t.Fatalf("no January visits planned")
	}
	busy, _ := st.Busy(ctx, roster.MustDate("2027-01-01"), roster.MustDate("2027-01-31"))
	for _, v := range after {
		others := busy
		others.Visits = nil
		for _, o := range busy.Visits {
			if o.ID != v.ID {
				others.Visits = append(others.Visits, o)
			}
		}
		if !visits.Free(v.Leader, v.Date, cal, others) {
			t.Errorf("visit %d of %s on %s is not on a free day", v.ID, v.Leader, v.Date)
		}
	}
	if _, err := scheduler.PlanVisits(ctx, st, roster.MustDate("2027-01-01"), roster.MustDate("2027-01-31"), 1); err != nil {
		t.Fatal(err)
	}
	again, _ := st.Visits(ctx, store.VisitFilter{Kind: visits.KindCarry, From: roster.MustDate("2027-01-01"), To: roster.MustDate("2027-01-31")})
	if len(again) != len(after) {
		t.Fatalf("rerun planned %d more", len(again)-len(after))
	}
}

func TestOpenReceptionsFollowTheRoster(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	day := roster.MustDate("2027-03-02")
	if _, err := planner.Fill(ctx, st, day, day, day, "test"); err != nil {
		t.Fatal(err)
	}
	n, err := scheduler.OpenReceptions(ctx, st, day)
	if err != nil || n != 1 {
		t.Fatalf("first run: %d sessions, %v", n, err)
	}
	if n, _ := scheduler.OpenReceptions(ctx, st, day); n != 0 {
		t.Fatalf("rerun created %d more sessions", n)
	}
	as, _ := st.Assignments(ctx, day, day)
	head := as[0]
	vs, _ := st.Visits(ctx, store.VisitFilter{Kind: visits.KindOpen, From: day, To: day, ActiveOnly: true})
	if len(vs) != 1 || vs[0].Leader != head.Person || vs[0].State != visits.VisitConfirmed {
		t.Fatalf("sessions %+v, want one confirmed for %s", vs, head.Person)
	}
	// The office replaces the duty leader: the old session is cancelled, a new one made.
	pools, _ := st.Pools(ctx)
	other := pools[0].Members[0]
	if other == head.Person {
		other = pools[0].Members[1]
	}
	head.Assignment.Person = other
	if _, err := st.SetAssignment(ctx, head.Assignment, head.Version, "staff"); err != nil {
		t.Fatal(err)
	}
	if n, err := scheduler.OpenReceptions(ctx, st, day); err != nil || n != 1 {
		t.Fatalf("after replacement: %d, %v", n, err)
	}
	vs, _ = st.Visits(ctx, store.VisitFilter{Kind: visits.KindOpen, From: day, To: day, ActiveOnly: true})
	if len(vs) != 1 || vs[0].Leader != other {
		t.Fatalf("sessions after replacement %+v, want one for %s", vs, other)
	}
}
