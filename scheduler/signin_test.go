package scheduler_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"zhiban/config"
	"zhiban/config/configtest"
	"zhiban/roster"
	"zhiban/scheduler"
	"zhiban/service"
	"zhiban/store"
)

// signinDay puts L03 and D01 on county-duty on Wednesday 2 December 2026.
func signinDay(t *testing.T, st *store.Store) {
	t.Helper()
	for _, a := range []roster.Assignment{
		{Roster: "county-duty", Date: roster.MustDate("2026-12-02"), Role: "值班领导", Person: "L03"},
		{Roster: "county-duty", Date: roster.MustDate("2026-12-02"), Role: "跟班领导", Person: "D01"},
	} {
		if _, err := st.SetAssignment(context.Background(), a, 0, "test"); err != nil {
			t.Fatal(err)
		}
	}
}

// The sign-in check fires at 09:00 in the county's zone when nobody of a
// receiving roster signed in, once per day, naming the roster, the day and
// the leaders; not before 09:00.
func TestSigninCheckAlertsWhenNobodySignedIn(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	signinDay(t, st)
	svc := service.New(st, configtest.Valid(t, nil), nil)
	c := &clock{t: at("2026-12-02 08:59:00")}
	rec := &recorder{}
	s := newScheduler(t, st, c, rec, scheduler.SigninCheck(svc))
	// Before 09:00 only yesterday's check is due (a fresh install's last
	// missed period), and it is stale: skipped, nothing sent.
	for _, r := range s.RunDue(ctx, c.Now()) {
		if r.Period == "2026-12-02" || r.Status != scheduler.StatusSkipped {
			t.Fatalf("before 09:00: %+v", r)
		}
	}
	c.Set(at("2026-12-02 09:00:00"))
	res := s.RunDue(ctx, c.Now())
	if len(res) != 1 || res[0].Status != "done" || res[0].Period != "2026-12-02" {
		t.Fatalf("at 09:00: %+v", res)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := rec.got()
	if len(got) != 1 {
		t.Fatalf("messages %+v", got)
	}
	for _, want := range []string{"12月2日 星期三", "县领导", "值班领导 王建国", "跟班领导 林振华", "无人签到"} {
		if !strings.Contains(got[0].Text+got[0].Subject, want) {
			t.Errorf("alert lacks %q: %s / %s", want, got[0].Subject, got[0].Text)
		}
	}
	if got[0].Names() != "办公室" {
		t.Errorf("alert goes to %s, want the office", got[0].Names())
	}
	// The ledger: a later tick the same day sends nothing more.
	c.Set(at("2026-12-02 11:00:00"))
	s.RunDue(ctx, c.Now())
	s.Flush(ctx)
	if len(rec.got()) != 1 {
		t.Fatalf("alerted twice: %+v", rec.got())
	}
}

func TestSigninCheckQuietWhenSomeoneSignedIn(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	signinDay(t, st)
	cfg := configtest.Valid(t, func(c *config.Config) { c.PublicURL = "https://zhiban.example.cn" })
	svc := service.New(st, cfg, nil)
	// The leader signs in from the link of the evening-before reminder.
	msgs, err := service.Reminders(ctx, st, roster.MustDate("2026-12-01"), 0, cfg.PublicURL)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("reminders %+v %v", msgs, err)
	}
	_, rest, ok := strings.Cut(msgs[0].Text, "值班领导 王建国：")
	if !ok {
		t.Fatalf("no link for 王建国 in %s", msgs[0].Text)
	}
	link, _, _ := strings.Cut(rest, "\n")
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SigninByLink(ctx, at("2026-12-02 08:31:00"), u.Query().Get("t")); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: at("2026-12-02 09:00:00")}
	rec := &recorder{}
	s := newScheduler(t, st, c, rec, scheduler.SigninCheck(svc))
	res := s.RunDue(ctx, c.Now())
	if len(res) != 1 || res[0].Status != "done" || !strings.Contains(res[0].Summary, "已有领导签到") {
		t.Fatalf("run: %+v", res)
	}
	s.Flush(ctx)
	if got := rec.got(); len(got) != 0 {
		t.Fatalf("alerted although 王建国 signed in: %+v", got)
	}
	// A day without duty: nothing to check, nothing sent.
	c.Set(at("2026-12-03 09:00:00"))
	res = s.RunDue(ctx, c.Now())
	if len(res) != 1 || res[0].Summary != "今天无接访值班，无需检查签到" {
		t.Fatalf("no-duty day: %+v", res)
	}
	s.Flush(ctx)
	if got := rec.got(); len(got) != 0 {
		t.Fatalf("alerted on a day without duty: %+v", got)
	}
}
