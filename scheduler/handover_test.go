package scheduler_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhiban/config/configtest"
	"zhiban/roster"
	"zhiban/scheduler"
	"zhiban/service"
	"zhiban/visits"
)

// The daily follow-ups flag a unit that has not reported by a hand-over's due
// date once, and the office gets one message, however often the job runs.
func TestFollowUpsFlagAnOverdueHandoverOnce(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	svc := service.New(st, configtest.Valid(t, nil), nil)
	call := service.Call{Actor: "editor", Now: at("2026-12-01 09:00:00")}
	k, err := svc.RegisterCase(ctx, call, service.CaseInput{Title: "拖欠工资", Category: "劳资", Township: "t02",
		Received: roster.MustDate("2026-11-25"), Channel: "来访", Petitioner: visits.Petitioner{Name: "钱某"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.TransitionCase(ctx, call, k.ID, service.CaseAct{Version: k.Version, Action: visits.ActAccept}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.HandOver(ctx, call, k.ID, service.HandoverInput{Unit: "d05", Due: roster.MustDate("2026-12-04")}); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: at("2026-12-04 10:00:00")}
	rec := &recorder{}
	s := newScheduler(t, st, c, rec, scheduler.FollowUpsJob(svc))
	handoverMessages := func() []string {
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range rec.got() {
			if strings.HasPrefix(m.Subject, "交办超期") {
				out = append(out, m.Text)
			}
		}
		return out
	}
	for _, now := range []time.Time{at("2026-12-04 10:00:00"), at("2026-12-07 10:00:00"), at("2026-12-07 11:00:00"), at("2026-12-08 10:00:00")} {
		c.Set(now)
		if _, err := s.RunNow(ctx, "follow-ups", now); err != nil {
			t.Fatal(err)
		}
		if got := handoverMessages(); now.Day() == 4 && len(got) != 0 {
			t.Fatalf("flagged on the due date itself: %v", got)
		}
	}
	got := handoverMessages()
	if len(got) != 1 || !strings.Contains(got[0], "县人社局") || !strings.Contains(got[0], k.Code) || strings.Contains(got[0], "钱某") {
		t.Fatalf("messages %q, want one naming the unit and the case", got)
	}
	flags, err := svc.Flags(ctx, "handover_overdue", 10)
	if err != nil || flags.Total != 1 {
		t.Fatalf("flags %+v %v", flags, err)
	}
}
