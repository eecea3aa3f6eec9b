package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"zhiban/county"
	"zhiban/roster"
	"zhiban/service"
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
	// The monthly run on the 25th, then runs early and late in January.
	for _, day := range []string{"2026-12-25", "2027-01-05", "2027-01-25"} {
		e := jobEnv(t, st, roster.MustDate(day), "plan-visits")
		if _, err := service.PlanVisits(ctx, e, service.PlanWindows(e.Today), 1); err != nil {
			t.Fatalf("%s: %v", day, err)
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
	msgs := queued(t, st, "plan-visits")
	if len(msgs) == 0 {
		t.Fatal("the office was not told")
	}
	// A case already carried by an upcoming visit waits, so runs may each name
	// some of the leaders: together they name all, by name, never by id.
	named := map[string]bool{}
	for _, m := range msgs {
		for id, name := range leaders {
			if strings.Contains(m.Body, id) {
				t.Errorf("message names leaders by id, not name: %s", m.Body)
			}
			named[id] = named[id] || strings.Contains(m.Body, name)
		}
	}
	for id := range leaders {
		if !named[id] {
			t.Errorf("no message names %s", id)
		}
	}
}

func TestPlanWindowsAlwaysIncludeNextMonth(t *testing.T) {
	t.Parallel()
	d := roster.MustDate
	for _, tc := range []struct {
		today string
		want  []service.Window
	}{
		{"2027-01-05", []service.Window{{From: d("2027-01-06"), To: d("2027-01-31")}, {From: d("2027-02-01"), To: d("2027-02-28")}}},
		{"2026-12-25", []service.Window{{From: d("2026-12-26"), To: d("2026-12-31")}, {From: d("2027-01-01"), To: d("2027-01-31")}}},
		{"2027-01-31", []service.Window{{From: d("2027-02-01"), To: d("2027-02-28")}}},
	} {
		got := service.PlanWindows(d(tc.today))
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
	k := openCaseIn(t, st, 200, "t01", "L01", roster.MustDate("2027-01-04"))
	k.State, k.Replied = visits.StateReplied, roster.MustDate("2027-01-05")
	today := roster.MustDate("2027-01-12") // the opinion is recorded a week late
	staff := jobEnv(t, st, today, "")
	staff.Actor, staff.Out = "张科员", service.Outbox{Job: "action:张科员", Period: "x"}
	v, err := service.ScheduleReturnVisit(ctx, staff, k)
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
	v2, err := service.ScheduleReturnVisit(ctx, jobEnv(t, st, today, "follow-ups"), k2)
	if err != nil || v2 == nil || v2.CreatedBy != "job:follow-ups" {
		t.Fatalf("job-made return visit %+v %v", v2, err)
	}
}

func TestDeadlineFlagSaysOverdueOnce(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	openCaseIn(t, st, 300, "t01", "L01", roster.MustDate("2026-08-03"))
	e := jobEnv(t, st, roster.MustDate("2026-12-15"), "follow-ups")
	for range 2 {
		if _, err := service.FollowUps(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	flags, _ := st.Flags(ctx, 0)
	found := 0
	for _, f := range flags {
		if f.Kind != "deadline" {
			continue
		}
		found++
		if strings.Count(f.Message, "超期") != 1 || !strings.Contains(f.Message, "已超期 ") {
			t.Errorf("message %q", f.Message)
		}
	}
	if found != 1 {
		t.Fatalf("%d deadline flags, want 1", found)
	}
	if ms := queued(t, st, "follow-ups"); len(ms) != 1 || !strings.HasPrefix(ms[0].Body, "【案件期限】") {
		t.Fatalf("messages %+v, want the one deadline told once", ms)
	}
}

// A use case that has something to say and no outbox to say it in fails,
// and its transaction rolls back: a message is sent or refused, never dropped.
func TestZeroOutboxRefusesTheMessage(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	openCaseIn(t, st, 301, "t01", "L01", roster.MustDate("2026-08-03"))
	if err := (service.Outbox{}).Put(ctx, st, notifyOffice("x")); !errors.Is(err, service.ErrNoOutbox) {
		t.Fatalf("zero outbox put: %v", err)
	}
	e := jobEnv(t, st, roster.MustDate("2026-12-15"), "follow-ups")
	e.Out = service.Outbox{}
	err := st.WithTx(ctx, func(tx *store.Store) error {
		e.Tx = tx
		_, err := service.FollowUps(ctx, e)
		return err
	})
	if !errors.Is(err, service.ErrNoOutbox) {
		t.Fatalf("follow-ups without an outbox: %v", err)
	}
	if flags, _ := st.Flags(ctx, 0); len(flags) != 0 {
		t.Fatalf("flags kept though their message was refused: %+v", flags)
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
	if _, err := service.OpenSweep(ctx, jobEnv(t, st, today, "open-sweep")); err != nil {
		t.Fatal(err)
	}
	tasks, _ := st.SweepTasks(ctx, "2027-01")
	if _, err := st.AddFindings(ctx, []visits.Finding{{Task: tasks[0].ID, Summary: "厂区扩建补偿分歧", Category: "征地拆迁",
		Village: "东风村", Parties: 2, Risk: visits.RiskHigh}}, "test"); err != nil {
		t.Fatal(err)
	}
	e := jobEnv(t, st, today, "follow-ups")
	for range 2 { // asked once
		done, err := service.FollowUps(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		if done.Escalated != 0 {
			t.Fatalf("escalated with nobody eligible: %+v", done)
		}
	}
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
	told := 0
	for _, m := range queued(t, st, "follow-ups") {
		if strings.Contains(m.Body, "无合适包保领导，请办公室指定") && strings.Contains(m.Recipients, "办公室") {
			told++
		}
	}
	if told != 1 {
		t.Fatalf("office told %d times", told)
	}
}
