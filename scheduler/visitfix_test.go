package scheduler_test

import (
	"context"
	"strings"
	"testing"

	"zhiban/county"
	"zhiban/roster"
	"zhiban/scheduler"
	"zhiban/store"
	"zhiban/visits"
)

// openCaseIn stores an accepted case in township, led by leader.
func openCaseIn(t *testing.T, st *store.Store, seq int, township, leader string, received roster.Date) visits.Case {
	t.Helper()
	k := visits.Case{Code: visits.FormatCode(received.Year(), seq), Title: "测试案件", Category: "其他", Township: township,
		Received: received, Channel: "来访", Petitioner: visits.Petitioner{Name: "测试人"}, GroupSize: 1, Leader: leader,
		State: visits.StateAccepted, Accepted: received}
	saved, err := st.CreateCase(context.Background(), k, "test")
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

func TestPlanVisitsPlansEveryMonthOnce(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	people, _ := st.People(ctx)
	leaders := map[string]string{} // id → name, of leaders with open cases
	for i, p := range people {
		if p.ID == "L01" || p.ID == "L02" {
			openCaseIn(t, st, 100+i, p.Links.Township, p.ID, roster.MustDate("2026-12-01"))
			leaders[p.ID] = p.Name
		}
	}
	if len(leaders) != 2 {
		t.Fatalf("demo leaders %v", leaders)
	}
	rec := &recorder{}
	s := newScheduler(t, st, &clock{t: at("2026-12-25 07:00:00")}, rec, scheduler.PlanVisitsJob(testConfig()))
	for _, now := range []string{"2026-12-25 07:00:00", "2027-01-05 07:00:00", "2027-01-25 07:00:00"} {
		if res, err := s.RunNow(ctx, "plan-visits", at(now)); err != nil || res.Status == "failed" {
			t.Fatalf("%s: %+v %v", now, res, err)
		}
	}
	for _, month := range []string{"2027-01", "2027-02"} {
		first := roster.MustDate(month + "-01")
		vs, _ := st.Visits(ctx, store.VisitFilter{Kind: visits.KindCarry, From: first, To: first.MonthEnd(), ActiveOnly: true})
		per := map[string]int{}
		for _, v := range vs {
			per[v.Leader]++
		}
		for id := range leaders {
			if per[id] != 1 {
				t.Errorf("%s: %s has %d 带案下访, want 1 (%v)", month, id, per[id], per)
			}
		}
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := rec.got()
	if len(msgs) == 0 {
		t.Fatal("the office was not told")
	}
	for _, m := range msgs {
		for id, name := range leaders {
			if strings.Contains(m.Text, id) || !strings.Contains(m.Text, name) {
				t.Errorf("message names leaders by id, not name: %s", m.Text)
			}
		}
	}
}

func TestPlanWindowsAlwaysIncludeNextMonth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		today string
		want  []scheduler.Window
	}{
		{"2027-01-05", []scheduler.Window{{roster.MustDate("2027-01-06"), roster.MustDate("2027-01-31")}, {roster.MustDate("2027-02-01"), roster.MustDate("2027-02-28")}}},
		{"2026-12-25", []scheduler.Window{{roster.MustDate("2026-12-26"), roster.MustDate("2026-12-31")}, {roster.MustDate("2027-01-01"), roster.MustDate("2027-01-31")}}},
		{"2027-01-31", []scheduler.Window{{roster.MustDate("2027-02-01"), roster.MustDate("2027-02-28")}}},
	} {
		got := scheduler.PlanWindows(roster.MustDate(tc.today))
		if len(got) != len(tc.want) {
			t.Fatalf("%s: %v", tc.today, got)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: window %d = %v, want %v", tc.today, i, got[i], tc.want[i])
			}
		}
	}
}

func TestReturnVisitByStaffIsTheirs(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	cal := roster.NewCalendar()
	k := openCaseIn(t, st, 200, "t01", "L01", roster.MustDate("2027-01-04"))
	k.State, k.Replied = visits.StateReplied, roster.MustDate("2027-01-05")
	today := roster.MustDate("2027-01-12") // the opinion is recorded a week late
	v, err := scheduler.ScheduleReturnVisit(ctx, st, k, cal, 0, today, "张科员")
	if err != nil || v == nil {
		t.Fatalf("%+v %v", v, err)
	}
	if v.CreatedBy != "张科员" {
		t.Errorf("created by %q, want the staff member", v.CreatedBy)
	}
	if v.Date <= today {
		t.Errorf("return visit on %s, not after today %s", v.Date, today)
	}
	k2 := openCaseIn(t, st, 201, "t02", "L02", roster.MustDate("2027-01-04"))
	k2.State, k2.Replied = visits.StateReplied, roster.MustDate("2027-01-05")
	v2, err := scheduler.ScheduleReturnVisit(ctx, st, k2, cal, 0, today, scheduler.Actor)
	if err != nil || v2 == nil || v2.CreatedBy != "job:follow-ups" {
		t.Fatalf("job-made return visit %+v %v", v2, err)
	}
}

func TestDeadlineFlagSaysOverdueOnce(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	openCaseIn(t, st, 300, "t01", "L01", roster.MustDate("2026-08-03"))
	if _, err := scheduler.FollowUps(ctx, st, roster.MustDate("2026-12-15"), 0); err != nil {
		t.Fatal(err)
	}
	flags, _ := st.Flags(ctx, 0)
	found := false
	for _, f := range flags {
		if f.Kind != "deadline" {
			continue
		}
		found = true
		if strings.Count(f.Message, "超期") != 1 || !strings.Contains(f.Message, "已超期 ") {
			t.Errorf("message %q", f.Message)
		}
	}
	if !found {
		t.Fatal("no deadline flag")
	}
}

func TestEscalationWithNobodyEligibleAsksTheOffice(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	c := county.Demo()
	for i := range c.People {
		c.People[i].Rank = "department"
	}
	if _, err := st.ImportCounty(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	today := roster.MustDate("2027-01-05")
	if _, err := scheduler.OpenSweep(ctx, st, today, 0); err != nil {
		t.Fatal(err)
	}
	tasks, _ := st.SweepTasks(ctx, "2027-01")
	if _, err := st.AddFindings(ctx, []visits.Finding{{Task: tasks[0].ID, Summary: "厂区扩建补偿分歧", Category: "征地拆迁",
		Village: "东风村", Parties: 2, Risk: visits.RiskHigh}}, "test"); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	s := newScheduler(t, st, &clock{t: at("2027-01-05 08:00:00")}, rec, scheduler.FollowUpsJob(testConfig()))
	res, err := s.RunNow(ctx, "follow-ups", at("2027-01-05 08:00:00"))
	if err != nil || res.Status == "failed" {
		t.Fatalf("%+v %v", res, err)
	}
	s.Flush(ctx)
	flags, _ := st.Flags(ctx, 0)
	var flagged bool
	for _, f := range flags {
		if f.Kind == "unassigned_finding" && strings.Contains(f.Message, "无合适包保领导，请办公室指定") {
			flagged = true
		}
	}
	if !flagged {
		t.Fatalf("no flag for the unassigned finding: %+v", flags)
	}
	var told bool
	for _, m := range rec.got() {
		if strings.Contains(m.Text, "无合适包保领导，请办公室指定") && len(m.To) > 0 && m.To[0].Name == "办公室" {
			told = true
		}
	}
	if !told {
		t.Fatalf("office not told: %+v", rec.got())
	}
}
