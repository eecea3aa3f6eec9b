package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhiban/config/configtest"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/visits"
)

// openDemo opens a fresh database with the demo county.
func openDemo(t *testing.T) *store.Store { return storetest.OpenDemo(t, nil) }

// jobEnv is the environment a job's run on today would get: the job actor
// and an outbox under (job, today) queueing for the channel "test".
func jobEnv(t *testing.T, st *store.Store, today roster.Date, job string) service.Env {
	t.Helper()
	out := service.Outbox{Job: job, Period: today.String(), Channels: []string{"test"}}
	e, err := service.NewEnv(context.Background(), st, configtest.Valid(t, nil), today, service.JobActor, out)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// queued is the text of every message queued under job, oldest first.
func queued(t *testing.T, st *store.Store, job string) []store.Delivery {
	t.Helper()
	ds, err := st.Deliveries(context.Background(), store.DeliveryFilter{Job: job})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at is a county-zone instant on day d at 08:30.
func at(d string) time.Time { return roster.MustDate(d).At(8*60+30, shanghai) }

func TestDemoCasesAndVisitJobs(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	cfg := configtest.Valid(t, nil)
	svc := service.New(st, cfg, nil)
	today := roster.MustDate("2026-12-15")
	if _, err := planner.Fill(ctx, st, today.AddDays(-30), today.AddDays(60), today.AddDays(-30), "test"); err != nil {
		t.Fatal(err)
	}
	cal, err := planner.Calendar(ctx, st, today.AddDays(-400), today.AddDays(400))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // idempotent
		if err := svc.SeedDemo(ctx, service.Call{Actor: "demo", Now: at("2026-12-15")}); err != nil {
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

	done, err := service.FollowUps(ctx, jobEnv(t, st, today, "follow-ups"))
	if err != nil {
		t.Fatalf("follow-ups: %v", err)
	}
	if done.Deadlines == 0 || done.Escalated == 0 || !strings.HasPrefix(done.String(), "开门接访 ") {
		t.Fatalf("follow-ups did %+v: %s", done, done)
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
	for _, d := range queued(t, st, "follow-ups") {
		if strings.Contains(d.Body, "（示例）") || strings.Contains(d.Body, "139000001") {
			t.Fatalf("message holds petitioner data: %s", d.Body)
		}
	}

	// January: the sweep opens once, rolling December's unresolved findings.
	jan := jobEnv(t, st, roster.MustDate("2027-01-01"), "open-sweep")
	sum, err := service.OpenSweep(ctx, jan)
	if err != nil || sum.Already || sum.Units != 14 || !strings.Contains(sum.String(), "开启 2027-01") {
		t.Fatalf("open-sweep: %s %v", sum, err)
	}
	if sum, err := service.OpenSweep(ctx, jan); err != nil || !sum.Already || !strings.Contains(sum.String(), "未重复开启") {
		t.Fatalf("second open-sweep: %s %v", sum, err)
	}
	if n := len(queued(t, st, "open-sweep")); n != 1 {
		t.Fatalf("open-sweep told %d times", n)
	}
	janTasks, _ := st.SweepTasks(ctx, "2027-01")
	if len(janTasks) != 14 {
		t.Fatalf("january tasks %d", len(janTasks))
	}
	rolled, _ := st.Findings(ctx, store.FindingFilter{Month: "2027-01"})
	dec, _ := st.Findings(ctx, store.FindingFilter{Month: "2026-12", Unresolved: true})
	if len(rolled) != len(dec) || len(rolled) == 0 || rolled[0].RolledFrom == 0 {
		t.Fatalf("rolled %d of %d", len(rolled), len(dec))
	}

	// Planning January proposes visits on free days only, once.
	january := []service.Window{{From: roster.MustDate("2027-01-01"), To: roster.MustDate("2027-01-31")}}
	carry := store.VisitFilter{Kind: visits.KindCarry, From: roster.MustDate("2027-01-01"), To: roster.MustDate("2027-01-31")}
	before, _ := st.Visits(ctx, carry)
	plan := jobEnv(t, st, roster.MustDate("2026-12-25"), "plan-visits")
	planned, err := service.PlanVisits(ctx, plan, january, 1)
	if err != nil || !strings.HasPrefix(planned.String(), "2027-01-01～2027-01-31 拟定带案下访 ") {
		t.Fatalf("plan: %s %v", planned, err)
	}
	after, _ := st.Visits(ctx, carry)
	if planned.Made != len(after)-len(before) {
		t.Fatalf("planned %d, stored %d", planned.Made, len(after)-len(before))
	}
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
	if _, err := service.PlanVisits(ctx, plan, january, 1); err != nil {
		t.Fatal(err)
	}
	if again, _ := st.Visits(ctx, carry); len(again) != len(after) {
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
	e := jobEnv(t, st, day, "follow-ups")
	n, err := service.OpenReceptions(ctx, e)
	if err != nil || n != 1 {
		t.Fatalf("first run: %d sessions, %v", n, err)
	}
	if n, _ := service.OpenReceptions(ctx, e); n != 0 {
		t.Fatalf("rerun created %d more sessions", n)
	}
	as, _ := st.Assignments(ctx, day, day)
	head := as[0]
	vs, _ := st.Visits(ctx, store.VisitFilter{Kind: visits.KindOpen, From: day, To: day, ActiveOnly: true})
	if len(vs) != 1 || vs[0].Leader != head.Person || vs[0].State != visits.VisitConfirmed || vs[0].CreatedBy != "job:follow-ups" {
		t.Fatalf("sessions %+v, want one confirmed for %s made by the job", vs, head.Person)
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
	if n, err := service.OpenReceptions(ctx, e); err != nil || n != 1 {
		t.Fatalf("after replacement: %d, %v", n, err)
	}
	vs, _ = st.Visits(ctx, store.VisitFilter{Kind: visits.KindOpen, From: day, To: day, ActiveOnly: true})
	if len(vs) != 1 || vs[0].Leader != other {
		t.Fatalf("sessions after replacement %+v, want one for %s", vs, other)
	}
}
