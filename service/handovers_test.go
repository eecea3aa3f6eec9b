package service_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

// accepted registers a case and accepts it today (2026-12-01).
func (f *caseworkFixture) accepted(t *testing.T) visits.Case {
	t.Helper()
	k := f.register(t, newCase())
	return f.act(t, f.svc.TransitionCase, k, service.CaseAct{Action: visits.ActAccept}).Case.Case
}

// at is the fixture's call on another day, at 09:00 in Shanghai.
func (f *caseworkFixture) at(day string) service.Call {
	d := roster.MustDate(day)
	return service.Call{Actor: f.call.Actor, Now: time.Date(d.Year(), d.Month(), d.Day(), 1, 0, 0, 0, time.UTC)}
}

const secretReport = "经核查已补发补偿款（机密报告正文）"

func TestHandOver(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.accepted(t)
	v, err := f.svc.HandOver(ctx, f.call, k.ID, service.HandoverInput{Unit: "d02", Due: roster.MustDate("2026-12-20")})
	if err != nil {
		t.Fatal(err)
	}
	if v.UnitName != "县公安局" || v.CaseCode != k.Code || v.Handed != roster.MustDate("2026-12-01") || v.State != visits.HandoverHanded ||
		v.DeclineBy != roster.MustDate("2026-12-08") || !v.CanDecline || v.CaseDeadline == 0 || v.Overdue {
		t.Fatalf("view %+v", v)
	}
	if stored, _ := f.st.Case(ctx, k.ID); stored.Unit != "县公安局" {
		t.Fatalf("the case's responsible unit is %q", stored.Unit)
	}
	// The desk's read and the document's read.
	got, err := f.svc.Handover(ctx, f.call, v.ID)
	if err != nil || got.UnitName != "县公安局" || got.Version != 1 {
		t.Fatalf("Handover: %+v %v", got, err)
	}
	// A township is a unit too.
	k2 := f.accepted(t)
	if _, err := f.svc.HandOver(ctx, f.call, k2.ID, service.HandoverInput{Unit: "t03", Due: roster.MustDate("2026-12-21")}); err != nil {
		t.Fatalf("township: %v", err)
	}
	audit, err := f.st.AuditLog(ctx, store.AuditFilter{Entity: "handover"})
	if err != nil || len(audit) != 2 || audit[0].Actor != "editor" {
		t.Fatalf("audit %+v %v", audit, err)
	}
}

func TestHandOverRefusals(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.accepted(t)
	view, err := f.svc.ReadCase(ctx, roster.MustDate("2026-12-01"), k.ID)
	if err != nil {
		t.Fatal(err)
	}
	deadline, _ := visits.HandlingDue(view.Case.Deadlines)
	received := f.register(t, newCase())
	rejected := f.register(t, newCase())
	f.act(t, f.svc.TransitionCase, rejected, service.CaseAct{Action: visits.ActReject})
	due := roster.MustDate("2026-12-20")
	for _, tc := range []struct {
		name  string
		id    int64
		in    service.HandoverInput
		kind  fault.Kind
		field string
		want  string
	}{
		{"no unit", k.ID, service.HandoverInput{Due: due}, fault.Invalid, "unit", "请选择"},
		{"unknown unit", k.ID, service.HandoverInput{Unit: "d99", Due: due}, fault.Invalid, "unit", "不存在"},
		{"a village", k.ID, service.HandoverInput{Unit: "v01", Due: due}, fault.Invalid, "unit", "县直部门或乡镇"},
		{"the county", k.ID, service.HandoverInput{Unit: "c00", Due: due}, fault.Invalid, "unit", ""},
		{"free text", k.ID, service.HandoverInput{Unit: "县公安局", Due: due}, fault.Invalid, "unit", ""},
		{"invalid UTF-8", k.ID, service.HandoverInput{Unit: "d0\xff", Due: due}, fault.Invalid, "unit", ""},
		{"no due date", k.ID, service.HandoverInput{Unit: "d02"}, fault.Invalid, "due", ""},
		{"due today", k.ID, service.HandoverInput{Unit: "d02", Due: roster.MustDate("2026-12-01")}, fault.Invalid, "due", "晚于今天"},
		{"due after the deadline", k.ID, service.HandoverInput{Unit: "d02", Due: deadline.AddDays(1)}, fault.Invalid, "due", deadline.String()},
		{"not accepted", received.ID, service.HandoverInput{Unit: "d02", Due: due}, fault.Conflict, "state", "尚未受理"},
		{"rejected", rejected.ID, service.HandoverInput{Unit: "d02", Due: due}, fault.Conflict, "state", "不予受理"},
		{"no such case", 9999, service.HandoverInput{Unit: "d02", Due: due}, fault.NotFound, "", ""},
		{"stale case version", k.ID, service.HandoverInput{Unit: "d02", Due: due, Version: 99}, fault.Conflict, "", "已被他人修改"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.HandOver(ctx, f.call, tc.id, tc.in)
			fe := wantFault(t, err, tc.kind, tc.field)
			if !strings.Contains(fe.Msg, tc.want) {
				t.Errorf("message %q lacks %q", fe.Msg, tc.want)
			}
			if strings.Contains(fe.Msg, "县公安局") && tc.name == "free text" {
				t.Errorf("the refusal echoes the value: %s", fe.Msg)
			}
		})
	}
	if hs, _ := f.st.Handovers(ctx, store.HandoverFilter{}); len(hs) != 0 {
		t.Fatalf("refusals stored %d hand-overs", len(hs))
	}
	// A live hand-over blocks another one; a closed case cannot be handed.
	if _, err := f.svc.HandOver(ctx, f.call, k.ID, service.HandoverInput{Unit: "d02", Due: due}); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.HandOver(ctx, f.call, k.ID, service.HandoverInput{Unit: "d03", Due: due})
	if fe := wantFault(t, err, fault.Conflict, ""); fe.StableCode() != "already_handed" || !strings.Contains(fe.Msg, "县公安局") {
		t.Fatalf("second hand-over: %+v", fe)
	}
}

func TestDeclineAndHandAgain(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.accepted(t)
	h, err := f.svc.HandOver(ctx, f.call, k.ID, service.HandoverInput{Unit: "d02", Due: roster.MustDate("2026-12-20")})
	if err != nil {
		t.Fatal(err)
	}
	// 2026-12-01 (Tuesday) + 5 working days = 12-08; on 12-09 it is too late.
	_, err = f.svc.DeclineHandover(ctx, f.at("2026-12-09"), h.ID, service.DeclineInput{Version: 1, Reason: "不属于本单位职责"})
	if fe := wantFault(t, err, fault.Invalid, "on"); !strings.Contains(fe.Msg, "2026-12-08") {
		t.Fatalf("late decline: %s", fe.Msg)
	}
	// Recorded on 12-09 but dated 12-08, the day the unit's letter was sent: in time.
	for _, tc := range []struct {
		name  string
		in    service.DeclineInput
		kind  fault.Kind
		field string
	}{
		{"no version", service.DeclineInput{Reason: "x"}, fault.Invalid, "version"},
		{"stale version", service.DeclineInput{Version: 7, Reason: "x"}, fault.Conflict, ""},
		{"no reason", service.DeclineInput{Version: 1}, fault.Invalid, "reason"},
		{"over-long reason", service.DeclineInput{Version: 1, Reason: strings.Repeat("长", 201)}, fault.Invalid, "reason"},
		{"bidi reason", service.DeclineInput{Version: 1, Reason: "不是\u202e我们"}, fault.Invalid, "reason"},
		{"before the hand-over", service.DeclineInput{Version: 1, Reason: "x", On: roster.MustDate("2026-11-30")}, fault.Invalid, "on"},
		{"another case's hand-over", service.DeclineInput{Version: 1, Reason: "x", Case: k.ID + 1}, fault.NotFound, "handover"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.DeclineHandover(ctx, f.at("2026-12-09"), h.ID, tc.in)
			wantFault(t, err, tc.kind, tc.field)
		})
	}
	_, err = f.svc.DeclineHandover(ctx, f.at("2026-12-09"), 9999, service.DeclineInput{Version: 1, Reason: "x"})
	wantFault(t, err, fault.NotFound, "")
	d, err := f.svc.DeclineHandover(ctx, f.at("2026-12-09"), h.ID, service.DeclineInput{Version: 1, Reason: "不属于本单位职责",
		On: roster.MustDate("2026-12-08"), Case: k.ID})
	if err != nil {
		t.Fatal(err)
	}
	if d.State != visits.HandoverDeclined || d.Declined != roster.MustDate("2026-12-08") || d.CanDecline {
		t.Fatalf("declined %+v", d)
	}
	if stored, _ := f.st.Case(ctx, k.ID); stored.Unit != "" {
		t.Fatalf("a declined case goes back to the office, unit %q", stored.Unit)
	}
	_, err = f.svc.ReportHandover(ctx, f.at("2026-12-09"), h.ID, service.ReportInput{Version: 2, Report: "x"})
	wantFault(t, err, fault.Conflict, "state")
	// The audit page says it in Chinese.
	lines, err := f.svc.AuditLog(ctx, store.AuditFilter{Entity: "handover"})
	if err != nil {
		t.Fatal(err)
	}
	head := fmt.Sprintf("交办单 #%d（案件 %s，县公安局）：", h.ID, k.Code)
	var got []string
	for _, l := range lines {
		got = append(got, l.Sentence)
	}
	if want := []string{head + "退回，已交办 → 已退回（12月8日）。", head + "12月1日 交办，办结期限 12月20日。"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("audit sentences %q, want %q", got, want)
	}
	// Handed again, to the right unit.
	again, err := f.svc.HandOver(ctx, f.at("2026-12-09"), k.ID, service.HandoverInput{Unit: "d06", Due: roster.MustDate("2026-12-30")})
	if err != nil {
		t.Fatal(err)
	}
	if stored, _ := f.st.Case(ctx, k.ID); stored.Unit != "县自然资源局" || again.ID == h.ID {
		t.Fatalf("handed again: case unit %q", stored.Unit)
	}
}

func TestWithdrawHandover(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.accepted(t)
	h, err := f.svc.HandOver(ctx, f.call, k.ID, service.HandoverInput{Unit: "d04", Due: roster.MustDate("2026-12-20")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.WithdrawHandover(ctx, f.call, h.ID, service.WithdrawInput{})
	wantFault(t, err, fault.Invalid, "version")
	w, err := f.svc.WithdrawHandover(ctx, f.call, h.ID, service.WithdrawInput{Version: 1})
	if err != nil || w.State != visits.HandoverWithdrawn {
		t.Fatalf("withdrawn %+v %v", w, err)
	}
	if stored, _ := f.st.Case(ctx, k.ID); stored.Unit != "" {
		t.Fatalf("a withdrawn case goes back to the office, unit %q", stored.Unit)
	}
	_, err = f.svc.WithdrawHandover(ctx, f.call, h.ID, service.WithdrawInput{Version: 2})
	wantFault(t, err, fault.Conflict, "state")
}

func TestReportHandover(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.accepted(t)
	h, err := f.svc.HandOver(ctx, f.call, k.ID, service.HandoverInput{Unit: "t02", Due: roster.MustDate("2026-12-10")})
	if err != nil {
		t.Fatal(err)
	}
	later := f.at("2026-12-14")
	_, err = f.svc.ReportHandover(ctx, later, h.ID, service.ReportInput{Version: 1})
	wantFault(t, err, fault.Invalid, "report")
	_, err = f.svc.ReportHandover(ctx, later, h.ID, service.ReportInput{Version: 1, Report: strings.Repeat("字", visits.MaxReportRunes+1)})
	wantFault(t, err, fault.Invalid, "report")
	_, err = f.svc.ReportHandover(ctx, later, h.ID, service.ReportInput{Version: 1, Report: "ok", On: roster.MustDate("2026-12-15")})
	wantFault(t, err, fault.Invalid, "on")
	over, err := f.svc.ListHandovers(ctx, later, service.HandoverQuery{Overdue: true})
	if err != nil || len(over) != 1 || over[0].DaysOverdue != 4 || over[0].Report != "" {
		t.Fatalf("overdue list %+v %v", over, err)
	}
	r, err := f.svc.ReportHandover(ctx, later, h.ID, service.ReportInput{Version: 1, Report: secretReport + "\n第二段"})
	if err != nil {
		t.Fatal(err)
	}
	if r.State != visits.HandoverReported || !r.Late || r.Overdue || r.Reported != roster.MustDate("2026-12-14") {
		t.Fatalf("reported %+v", r)
	}
	if stored, _ := f.st.Case(ctx, k.ID); stored.Unit != "漕河镇" {
		t.Fatalf("a reported case keeps its unit, got %q", stored.Unit)
	}
	if got, _ := f.svc.Handover(ctx, later, h.ID); !strings.HasPrefix(got.Report, secretReport) {
		t.Fatal("the staff read lacks the report")
	}
	// The report is in the hand-over, never in the audit log.
	audit, err := f.st.AuditLog(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range audit {
		if strings.Contains(a.Before+a.After, "机密") {
			t.Fatalf("the audit log holds the report: %+v", a)
		}
	}
	if over, _ := f.svc.OverdueHandovers(ctx, later); len(over) != 0 {
		t.Fatalf("reported, still overdue: %+v", over)
	}
}

func TestOverdueHandovers(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		unit, due string
	}{{"d02", "2026-12-05"}, {"d02", "2026-12-08"}, {"t01", "2026-12-03"}, {"d03", "2026-12-30"}} {
		k := f.accepted(t)
		if _, err := f.svc.HandOver(ctx, f.call, k.ID, service.HandoverInput{Unit: tc.unit, Due: roster.MustDate(tc.due)}); err != nil {
			t.Fatal(err)
		}
	}
	over, err := f.svc.OverdueHandovers(ctx, f.at("2026-12-10"))
	if err != nil {
		t.Fatal(err)
	}
	if len(over) != 2 || over[0].Unit != "d02" || over[0].Count != 2 || over[0].MaxDays != 5 || over[0].UnitName != "县公安局" ||
		over[1].Unit != "t01" || over[1].Count != 1 || over[1].Cases[0].DaysOverdue != 7 {
		t.Fatalf("overdue %+v", over)
	}
	// A case closed meanwhile chases its unit no more.
	closed, err := f.st.Case(ctx, over[1].Cases[0].Case)
	if err != nil {
		t.Fatal(err)
	}
	closed.State, closed.Closed = visits.StateClosed, roster.MustDate("2026-12-01")
	if _, err := f.st.SaveCase(ctx, closed, closed.Version, "close", "other"); err != nil {
		t.Fatal(err)
	}
	if again, _ := f.svc.OverdueHandovers(ctx, f.at("2026-12-10")); len(again) != 1 || again[0].Unit != "d02" {
		t.Fatalf("after closing t01's case: %+v", again)
	}
	closed.State, closed.Closed = visits.StateAccepted, 0
	if _, err := f.st.SaveCase(ctx, closed, closed.Version+1, "reopen", "other"); err != nil {
		t.Fatal(err)
	}
	list, err := f.svc.ListHandovers(ctx, f.at("2026-12-10"), service.HandoverQuery{})
	if err != nil || len(list) != 4 || list[0].Unit != "t01" || list[3].Unit != "d03" {
		t.Fatalf("list %+v %v", list, err)
	}
	if _, err := f.svc.ListHandovers(ctx, f.call, service.HandoverQuery{State: "lost"}); err == nil {
		t.Fatal("an unknown state passed")
	}
	if _, err := f.svc.ListHandovers(ctx, f.call, service.HandoverQuery{Unit: "v01"}); err == nil {
		t.Fatal("a village passed as a unit")
	}
	byUnit, err := f.svc.ListHandovers(ctx, f.call, service.HandoverQuery{Unit: "d02"})
	if err != nil || len(byUnit) != 2 {
		t.Fatalf("by unit %d %v", len(byUnit), err)
	}
}

// Two editors hand the same case at once: one wins, the other is told it is taken.
func TestHandOverRace(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.accepted(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, unit := range []string{"d02", "d03"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.svc.HandOver(ctx, f.call, k.ID, service.HandoverInput{Unit: unit, Due: roster.MustDate("2026-12-20")})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		if fe := fault.Classify(err); fe == nil || fe.Kind != fault.Conflict {
			t.Fatalf("the loser got %v, want a conflict", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d hand-overs won: %v", ok, errs)
	}
	if live, _ := f.st.Handovers(ctx, store.HandoverFilter{Case: k.ID, State: visits.HandoverHanded}); len(live) != 1 {
		t.Fatalf("%d live hand-overs", len(live))
	}
}

// The follow-ups flag a unit past its due date once and tell the office once.
func TestFollowUpsFlagOverdueHandover(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.accepted(t)
	h, err := f.svc.HandOver(ctx, f.call, k.ID, service.HandoverInput{Unit: "d02", Due: roster.MustDate("2026-12-04")})
	if err != nil {
		t.Fatal(err)
	}
	handoverMessages := func() []store.Delivery {
		var out []store.Delivery
		for _, d := range queued(t, f.st, "follow-ups") {
			if strings.HasPrefix(d.Subject, "交办超期") {
				out = append(out, d)
			}
		}
		return out
	}
	// The due date itself is in time; the next run flags; reruns and later days do not.
	var flagged []int
	for _, day := range []string{"2026-12-04", "2026-12-07", "2026-12-07", "2026-12-08"} {
		err := f.st.WithTx(ctx, func(tx *store.Store) error {
			done, err := service.FollowUps(ctx, jobEnv(t, tx, roster.MustDate(day), "follow-ups"))
			flagged = append(flagged, done.Handovers)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(flagged) != "[0 1 0 0]" {
		t.Fatalf("flagged per run %v, want [0 1 0 0]", flagged)
	}
	msgs := handoverMessages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Body, "县公安局") || !strings.Contains(msgs[0].Body, k.Code) ||
		strings.Contains(msgs[0].Body, "欧阳某") || !strings.Contains(msgs[0].Recipients, "办公室") {
		t.Fatalf("messages %+v", msgs)
	}
	flags, err := f.svc.Flags(ctx, "handover_overdue", 10)
	if err != nil || len(flags.Lines) != 1 || flags.Lines[0].Case != k.ID || flags.Lines[0].EntityID != strconv.FormatInt(h.ID, 10) {
		t.Fatalf("flags %+v %v", flags, err)
	}
}
