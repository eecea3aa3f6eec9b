package service_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

func TestRecordEvaluation(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.replied(t)
	res, err := f.svc.RecordEvaluation(ctx, f.call, k.ID, service.EvaluationInput{Stage: visits.StageAccept, Answer: visits.Satisfied})
	if err != nil {
		t.Fatal(err)
	}
	ev := res.Evaluation
	if ev.Source != visits.SourceStaff || ev.AnsweredOn != roster.MustDate("2026-12-01") || ev.Version != 1 || ev.RecordedBy != "editor" ||
		res.Review != nil || !strings.Contains(res.Message, "受理评价：满意") {
		t.Fatalf("recorded %+v", res)
	}
	// One per case and stage: a second is a conflict naming the first.
	_, err = f.svc.RecordEvaluation(ctx, f.call, k.ID, service.EvaluationInput{Stage: visits.StageAccept, Answer: visits.Dissatisfied})
	if fe := wantFault(t, err, fault.Conflict, ""); fe.StableCode() != "already_evaluated" || !strings.Contains(fe.Msg, "更正") {
		t.Fatalf("second: %+v", fe)
	}
	// Staff correct their own record with its version; a stale version is a conflict.
	res, err = f.svc.RecordEvaluation(ctx, f.call, k.ID, service.EvaluationInput{Stage: visits.StageAccept, Answer: visits.FairlySatisfed, Version: 1})
	if err != nil || res.Evaluation.Answer != visits.FairlySatisfed || res.Evaluation.Version != 2 {
		t.Fatalf("correct: %+v %v", res, err)
	}
	_, err = f.svc.RecordEvaluation(ctx, f.call, k.ID, service.EvaluationInput{Stage: visits.StageAccept, Answer: visits.Satisfied, Version: 1})
	wantFault(t, err, fault.Conflict, "")

	// 不满意 at 办理 reminds staff of the 复查 right and flags the case.
	res, err = f.svc.RecordEvaluation(ctx, f.call, k.ID, service.EvaluationInput{Stage: visits.StageHandle, Answer: visits.Dissatisfied})
	if err != nil {
		t.Fatal(err)
	}
	if res.Review == nil || res.Review.Due == 0 || !strings.Contains(res.Message, "申请复查") || !strings.Contains(res.Message, "第三十五条") {
		t.Fatalf("dissatisfied: %+v", res)
	}
	flags, err := f.st.Flags(ctx, roster.MustDate("2026-12-01"))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, fl := range flags {
		found = found || fl.Kind == "dissatisfied" && fl.EntityID == fmt.Sprint(k.ID) && strings.HasPrefix(fl.Level, "evaluation:")
	}
	if !found {
		t.Fatalf("no 复查 flag among %+v", flags)
	}
	audit, err := f.st.AuditLog(ctx, store.AuditFilter{Entity: "evaluation"})
	if err != nil || len(audit) != 3 {
		t.Fatalf("audit %d rows %v", len(audit), err)
	}
	for _, a := range audit {
		if strings.Contains(a.After, "欧阳") || strings.Contains(a.Before, "欧阳") {
			t.Fatalf("the audit names the petitioner: %+v", a)
		}
	}
	// The read the statistics use: no personal data, the stage's due day.
	rows, err := f.svc.Evaluations(ctx, roster.MustDate("2026-12-01"), roster.MustDate("2026-12-31"))
	if err != nil || len(rows) != 2 || rows[0].CaseCode != k.Code || rows[0].DueOn != roster.MustDate("2026-11-21") || rows[0].Township != "t01" {
		t.Fatalf("rows %+v %v", rows, err)
	}
	if rows, _ := f.svc.Evaluations(ctx, roster.MustDate("2027-01-01"), 0); len(rows) != 0 {
		t.Fatalf("a later range holds %d", len(rows))
	}
	page, err := f.svc.ReadCaseEvaluations(ctx, f.call, k.ID)
	if err != nil || len(page.Stages) != 2 || !page.Stages[0].CanCorrect || page.Stages[0].CanRecord || page.Stages[1].Evaluation == nil {
		t.Fatalf("page %+v %v", page, err)
	}
}

func TestRecordEvaluationRefusals(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	received := f.register(t, newCase())
	accepted := f.accepted(t)
	rejected := f.register(t, newCase())
	f.act(t, f.svc.TransitionCase, rejected, service.CaseAct{Action: visits.ActReject})
	for _, tc := range []struct {
		name  string
		id    int64
		in    service.EvaluationInput
		kind  fault.Kind
		field string
		want  string
	}{
		{"no stage", accepted.ID, service.EvaluationInput{Answer: visits.Satisfied}, fault.Invalid, "stage", "受理"},
		{"unknown stage", accepted.ID, service.EvaluationInput{Stage: "close", Answer: visits.Satisfied}, fault.Invalid, "stage", ""},
		{"no answer", accepted.ID, service.EvaluationInput{Stage: visits.StageAccept}, fault.Invalid, "answer", "基本满意"},
		{"free text answer", accepted.ID, service.EvaluationInput{Stage: visits.StageAccept, Answer: "非常满意\xff"}, fault.Invalid, "answer", ""},
		{"tomorrow", accepted.ID, service.EvaluationInput{Stage: visits.StageAccept, Answer: visits.Satisfied, On: roster.MustDate("2026-12-02")}, fault.Invalid, "on", "晚于今天"},
		{"before acceptance", accepted.ID, service.EvaluationInput{Stage: visits.StageAccept, Answer: visits.Satisfied, On: roster.MustDate("2026-11-30")}, fault.Invalid, "on", "受理日期"},
		{"not accepted yet", received.ID, service.EvaluationInput{Stage: visits.StageAccept, Answer: visits.Satisfied}, fault.Conflict, "stage", "尚未受理"},
		{"not replied yet", accepted.ID, service.EvaluationInput{Stage: visits.StageHandle, Answer: visits.Satisfied}, fault.Conflict, "stage", "处理意见"},
		{"a correction of nothing", accepted.ID, service.EvaluationInput{Stage: visits.StageAccept, Answer: visits.Satisfied, Version: 1}, fault.Conflict, "", "尚无"},
		{"no such case", 9999, service.EvaluationInput{Stage: visits.StageAccept, Answer: visits.Satisfied}, fault.NotFound, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.RecordEvaluation(ctx, f.call, tc.id, tc.in)
			fe := wantFault(t, err, tc.kind, tc.field)
			if !strings.Contains(fe.Msg, tc.want) || strings.Contains(fe.Msg, "非常") {
				t.Errorf("message %q lacks %q or quotes the value", fe.Msg, tc.want)
			}
		})
	}
	if es, _ := f.st.Evaluations(ctx, store.EvaluationFilter{}); len(es) != 0 {
		t.Fatalf("refusals stored %d", len(es))
	}
	// A refused case is evaluated at 受理 too: the petitioner was told.
	if _, err := f.svc.RecordEvaluation(ctx, f.call, rejected.ID, service.EvaluationInput{Stage: visits.StageAccept, Answer: visits.Dissatisfied}); err != nil {
		t.Fatalf("rejected: %v", err)
	}
}

// a is the fixture's address for code answers.
const addr = "203.0.113.7"

func TestEvaluationCode(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.accepted(t)
	// Not due yet: no code for 办理.
	_, err := f.svc.EvaluationCode(ctx, f.call, k.ID, visits.StageHandle)
	wantFault(t, err, fault.Conflict, "stage")
	code, err := f.svc.EvaluationCode(ctx, f.call, k.ID, visits.StageAccept)
	if err != nil {
		t.Fatal(err)
	}
	if len(code) != 14 || code[4] != '-' || code[9] != '-' || strings.ContainsAny(code, "01IO") {
		t.Fatalf("code %q", code)
	}
	// Made once: a reprint shows the same code.
	again, err := f.svc.IssueEvaluationCode(ctx, f.call, k.ID, visits.StageAccept)
	if err != nil || again.Code != code || again.Valid != roster.MustDate("2026-12-01").AddDays(service.CodeValidDays) {
		t.Fatalf("again %+v %v", again, err)
	}
	// Stored hashed (sealed at rest: store's TestEvaluationCodesSealedAtRest); the audit does not hold it.
	plain := strings.ReplaceAll(code, "-", "")
	if stored, err := f.st.EvaluationCodeOf(ctx, k.ID, visits.StageAccept); err != nil || stored.Code != plain ||
		stored.Hash != fmt.Sprintf("%x", sha256.Sum256([]byte(plain))) {
		t.Fatalf("stored %+v %v", stored, err)
	}
	audit, _ := f.st.AuditLog(ctx, store.AuditFilter{Entity: "evaluation_code"})
	if len(audit) != 1 || strings.Contains(audit[0].After, plain) || strings.Contains(audit[0].After, code) {
		t.Fatalf("audit %+v", audit)
	}
	// Codes differ between cases and stages.
	seen := map[string]bool{code: true}
	for i := 0; i < 20; i++ {
		c, err := f.svc.EvaluationCode(ctx, f.call, f.accepted(t).ID, visits.StageAccept)
		if err != nil || seen[c] {
			t.Fatalf("code %d: %q %v", i, c, err)
		}
		seen[c] = true
	}

	// The petitioner answers with the code typed loosely: lower case, full-width, spaces.
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	typed = strings.Replace(typed, typed[:1], string(rune(0xFF00+rune(typed[0])-0x20)), 1)
	got, err := f.svc.AnswerByCode(ctx, f.call.Now, addr, service.CodeAnswer{Code: typed, Answer: visits.FairlySatisfed})
	if err != nil || got.Stage != "受理" || got.Organ == "" || got.Answer != visits.FairlySatisfed {
		t.Fatalf("answer %+v %v", got, err)
	}
	ev, err := f.st.Evaluation(ctx, k.ID, visits.StageAccept)
	if err != nil || ev.Source != visits.SourceCode || ev.Answer != visits.FairlySatisfed {
		t.Fatalf("stored %+v %v", ev, err)
	}
	// One answer per code; staff cannot overwrite the petitioner's own answer.
	_, err = f.svc.AnswerByCode(ctx, f.call.Now, addr, service.CodeAnswer{Code: code, Answer: visits.Dissatisfied})
	if fe := wantFault(t, err, fault.Conflict, ""); fe.StableCode() != "already_evaluated" || !strings.Contains(fe.Msg, "无需重复") {
		t.Fatalf("second answer %+v", fe)
	}
	_, err = f.svc.RecordEvaluation(ctx, f.call, k.ID, service.EvaluationInput{Stage: visits.StageAccept, Answer: visits.Satisfied, Version: ev.Version})
	wantFault(t, err, fault.Conflict, "")
	// The code still prints (the page then says it was answered).
	if c, err := f.svc.EvaluationCode(ctx, f.call, k.ID, visits.StageAccept); err != nil || c != code {
		t.Fatalf("reprint after answer %q %v", c, err)
	}
}

func TestEvaluationCodeExpires(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.accepted(t)
	code, err := f.svc.EvaluationCode(ctx, f.call, k.ID, visits.StageAccept)
	if err != nil {
		t.Fatal(err)
	}
	last := roster.MustDate("2026-12-01").AddDays(service.CodeValidDays)
	after := f.at(last.AddDays(1).String())
	_, err = f.svc.AnswerByCode(ctx, after.Now, addr, service.CodeAnswer{Code: code, Answer: visits.Satisfied})
	if fe := wantFault(t, err, fault.Conflict, ""); fe.StableCode() != "expired" || !strings.Contains(fe.Msg, "过期") {
		t.Fatalf("expired %+v", fe)
	}
	// A reprint after expiry makes a new code; the old one is gone.
	fresh, err := f.svc.EvaluationCode(ctx, after, k.ID, visits.StageAccept)
	if err != nil || fresh == code {
		t.Fatalf("fresh %q %v", fresh, err)
	}
	_, err = f.svc.AnswerByCode(ctx, after.Now, addr, service.CodeAnswer{Code: code, Answer: visits.Satisfied})
	wantFault(t, err, fault.Invalid, "code")
	// On its last day the code still works.
	k2 := f.accepted(t)
	code2, _ := f.svc.EvaluationCode(ctx, f.call, k2.ID, visits.StageAccept)
	if _, err := f.svc.AnswerByCode(ctx, f.at(last.String()).Now, addr, service.CodeAnswer{Code: code2, Answer: visits.Satisfied}); err != nil {
		t.Fatalf("last day: %v", err)
	}
}

func TestAnswerByCodeRefusals(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.accepted(t)
	code, err := f.svc.EvaluationCode(ctx, f.call, k.ID, visits.StageAccept)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		in    service.CodeAnswer
		field string
		want  string
	}{
		{"honeypot", service.CodeAnswer{Code: code, Answer: visits.Satisfied, Trap: "http://spam.example"}, "", "刷新"},
		{"empty code", service.CodeAnswer{Answer: visits.Satisfied}, "code", "请填写"},
		{"short code", service.CodeAnswer{Code: "ABCD", Answer: visits.Satisfied}, "code", "12 位"},
		{"ambiguous letters", service.CodeAnswer{Code: "OOOO-IIII-0000", Answer: visits.Satisfied}, "code", "不含"},
		{"invalid UTF-8", service.CodeAnswer{Code: "AB\xffCD", Answer: visits.Satisfied}, "code", "UTF-8"},
		{"long", service.CodeAnswer{Code: strings.Repeat("A", 5000), Answer: visits.Satisfied}, "code", ""},
		{"no answer", service.CodeAnswer{Code: code}, "answer", "请选择"},
		{"other answer", service.CodeAnswer{Code: code, Answer: "一般"}, "answer", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.AnswerByCode(ctx, f.call.Now, addr, tc.in)
			fe := wantFault(t, err, fault.Invalid, tc.field)
			if !strings.Contains(fe.Msg, tc.want) || strings.Contains(fe.Msg, "spam") {
				t.Errorf("message %q", fe.Msg)
			}
		})
	}
	if es, _ := f.st.Evaluations(ctx, store.EvaluationFilter{}); len(es) != 0 {
		t.Fatalf("refusals stored %d (the honeypot too?)", len(es))
	}
}

// Wrong codes from one address are counted in the database: after the limit
// the address is refused (even a right code) until the lockout ends, while
// another address is not affected.
func TestAnswerByCodeThrottle(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.accepted(t)
	code, err := f.svc.EvaluationCode(ctx, f.call, k.ID, visits.StageAccept)
	if err != nil {
		t.Fatal(err)
	}
	now := f.call.Now
	var wrongs, locked int
	for i := 0; i < 50; i++ {
		_, err := f.svc.AnswerByCode(ctx, now, addr, service.CodeAnswer{Code: fmt.Sprintf("ABCD-EFGH-%04d", 2222+i%7), Answer: visits.Satisfied})
		switch {
		case errors.Is(err, service.ErrCodeLocked):
			locked++
			var cl *service.CodeLocked
			if !errors.As(err, &cl) || !cl.Until.Equal(now.Add(service.CodeLockout)) {
				t.Fatalf("locked %v", err)
			}
		case fault.Classify(err) != nil && fault.Classify(err).Field == "code":
			wrongs++
		default:
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if wrongs != 20 || locked != 30 {
		t.Fatalf("%d wrong, %d locked", wrongs, locked)
	}
	if _, err := f.svc.AnswerByCode(ctx, now, addr, service.CodeAnswer{Code: code, Answer: visits.Satisfied}); !errors.Is(err, service.ErrCodeLocked) {
		t.Fatalf("a right code from the locked address: %v", err)
	}
	// Another address answers; the locked one may try again after the lockout.
	if _, err := f.svc.AnswerByCode(ctx, now, "198.51.100.9", service.CodeAnswer{Code: code, Answer: visits.Satisfied}); err != nil {
		t.Fatalf("other address: %v", err)
	}
	later := now.Add(service.CodeLockout + time.Minute)
	_, err = f.svc.AnswerByCode(ctx, later, addr, service.CodeAnswer{Code: code, Answer: visits.Satisfied})
	if fe := wantFault(t, err, fault.Conflict, ""); fe.StableCode() != "already_evaluated" {
		t.Fatalf("after the lockout %+v", fe)
	}
	// A real code gave its attempt back: the counter is where the wrong ones left it.
	n, _, err := f.st.LoginFailures(ctx, "evaluate:"+addr)
	if err != nil || n != 0 {
		t.Fatalf("counter %d %v", n, err)
	}
}
