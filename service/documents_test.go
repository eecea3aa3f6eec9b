package service_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiban/config/configtest"
	"zhiban/fault"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/visits"
)

func (f *caseworkFixture) step(t *testing.T, k visits.Case, on string, act visits.Transition) {
	t.Helper()
	f.act(t, f.svc.TransitionCase, k, service.CaseAct{Action: act, On: roster.MustDate(on)})
}

func docText(d service.IssuedDocument) string {
	return strings.Join(append(append([]string{d.Doc.Title, d.Doc.Number, d.Doc.Addressee, d.Doc.Issuer}, d.Doc.Body...), d.Doc.Notes...), "\n")
}

// Each case document needs the act it speaks of; issued once, it keeps its 文号.
func TestCaseDocumentsFollowTheState(t *testing.T) {
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.register(t, newCase())
	for _, kind := range service.CaseDocKinds {
		_, err := f.svc.IssueDocument(ctx, f.call, kind, k.ID)
		fe := wantFault(t, err, fault.Conflict, "state")
		if !strings.Contains(fe.Msg, "不能出具") {
			t.Errorf("%s on a received case: %q", kind, fe.Msg)
		}
	}
	f.step(t, k, "2026-11-21", visits.ActAccept)
	acc, err := f.svc.IssueDocument(ctx, f.call, service.DocAccept, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if acc.Number != "示信受〔2026〕1号" || acc.Doc.Number != acc.Number || acc.IssuedOn != roster.MustDate("2026-12-01") {
		t.Errorf("受理告知书 numbered %q on %s", acc.Number, acc.IssuedOn)
	}
	text := docText(acc)
	for _, want := range []string{"受理告知书", "欧阳某", "你（你们）于2026年11月20日来访反映的“征地补偿款未到位”事项",
		"已于2026年11月21日依法受理", "60日内", "示例县群众工作部", "案件编号：" + k.Code} {
		if !strings.Contains(text, want) {
			t.Errorf("受理告知书 lacks %q:\n%s", want, text)
		}
	}
	again, err := f.svc.IssueDocument(ctx, f.call, service.DocAccept, k.ID)
	if err != nil || again.Number != acc.Number || again.ID != acc.ID {
		t.Errorf("issued again: %q (%v), want %q", again.Number, err, acc.Number)
	}
	// The letter carries the 受理 stage's 评价码: the same on a reprint and a
	// read, and the petitioner can answer with it.
	code, err := f.svc.EvaluationCode(ctx, f.call, k.ID, visits.StageAccept)
	if err != nil || !strings.Contains(text, "评价码 "+code) || !strings.Contains(docText(again), "评价码 "+code) {
		t.Fatalf("受理告知书 without the 评价码 %q (%v):\n%s", code, err, text)
	}
	if read, err := f.svc.ReadDocument(ctx, f.call, service.DocAccept, k.ID); err != nil || !strings.Contains(docText(read), code) {
		t.Errorf("read without the code: %v", err)
	}
	if _, err := f.svc.AnswerByCode(ctx, f.call.Now, "192.0.2.7", service.CodeAnswer{Code: code, Answer: visits.Satisfied}); err != nil {
		t.Errorf("answer with the printed code: %v", err)
	}
	if _, err := f.svc.IssueDocument(ctx, f.call, service.DocExtension, k.ID); err == nil {
		t.Error("延期办理告知书 without an extension was issued")
	}
	f.act(t, f.svc.ExtendCase, k, service.CaseAct{Days: 30, Reason: "需会同自然资源部门核实补偿标准", On: roster.MustDate("2026-11-21")})
	ext, err := f.svc.IssueDocument(ctx, f.call, service.DocExtension, k.ID)
	if err != nil || ext.Number != "示信延〔2026〕1号" || !strings.Contains(docText(ext), "因需会同自然资源部门核实补偿标准，经本机关负责人批准") {
		t.Errorf("延期办理告知书: %v\n%s", err, docText(ext))
	}
	f.act(t, f.svc.AddMilestone, k, service.CaseAct{Duty: visits.DutyInvestigate, On: roster.MustDate("2026-11-22"), Note: "补偿款已拨付至乡镇"})
	f.step(t, k, "2026-11-23", visits.ActReply)
	f.step(t, k, "2026-11-24", visits.ActReview)
	f.step(t, k, "2026-11-25", visits.ActReviewed)
	f.step(t, k, "2026-11-26", visits.ActRecheck)
	f.step(t, k, "2026-11-27", visits.ActRechckd)
	for kind, want := range map[service.DocKind]string{
		service.DocOpinion: "经调查核实：补偿款已拨付至乡镇", service.DocReview: "于2026年11月24日提出复查请求",
		service.DocRecheck: "本复核意见为最终意见",
	} {
		d, err := f.svc.IssueDocument(ctx, f.call, kind, k.ID)
		if err != nil || !strings.Contains(docText(d), want) || !strings.HasSuffix(d.Number, "〔2026〕1号") {
			t.Errorf("%s: %v %q\n%s", kind, err, d.Number, docText(d))
		}
	}
	// The 信访处理意见书 carries the 办理 stage's 评价码, not the 受理 one.
	op, err := f.svc.ReadDocument(ctx, f.call, service.DocOpinion, k.ID)
	handle, cerr := f.svc.EvaluationCode(ctx, f.call, k.ID, visits.StageHandle)
	if err != nil || cerr != nil || !strings.Contains(docText(op), "评价码 "+handle) || strings.Contains(docText(op), code) {
		t.Errorf("信访处理意见书 without the 办理 评价码 %q (%v %v):\n%s", handle, err, cerr, docText(op))
	}
	if _, err := f.svc.IssueDocument(ctx, f.call, service.DocReject, k.ID); err == nil {
		t.Error("不予受理告知书 for an accepted case was issued")
	}
	docs, err := f.svc.CaseDocuments(ctx, k)
	if err != nil || len(docs) != 5 {
		t.Errorf("case documents: %+v %v", docs, err)
	}
	read, err := f.svc.ReadDocument(ctx, f.at("2026-12-05"), service.DocAccept, k.ID)
	if err != nil || read.Number != acc.Number || read.Doc.Date != acc.Doc.Date {
		t.Errorf("read back: %q %s %v", read.Number, read.Doc.Date, err)
	}
	_, err = f.svc.ReadDocument(ctx, f.at("2026-12-05"), service.DocReject, k.ID)
	wantFault(t, err, fault.NotFound, "")
	_, err = f.svc.IssueDocument(ctx, f.call, "nonsense", k.ID)
	wantFault(t, err, fault.Invalid, "kind")

	audit, err := f.st.AuditLog(ctx, store.AuditFilter{Entity: "document"})
	if err != nil || len(audit) != 5 {
		t.Fatalf("audit: %d entries, %v", len(audit), err)
	}
	for _, e := range audit {
		if e.Actor != "editor" || e.Action != "issue" || strings.Contains(e.After+e.EntityID, "欧阳") {
			t.Errorf("audit entry %+v", e)
		}
	}

	r := f.register(t, newCase())
	f.step(t, r, "2026-11-21", visits.ActReject)
	rej, err := f.svc.IssueDocument(ctx, f.call, service.DocReject, r.ID)
	if err != nil || rej.Number != "示信不受〔2026〕1号" || !strings.Contains(docText(rej), "决定不予受理") {
		t.Errorf("不予受理告知书: %v %q", err, rej.Number)
	}
}

// The 文号's year is the county's: 2026-12-31 17:00 UTC is already 2027 in
// Shanghai, and each kind numbers from 1 again.
func TestDocumentNumberYearIsTheCountys(t *testing.T) {
	f := newCaseworkFixture(t)
	ctx := context.Background()
	a, b := f.register(t, newCase()), f.register(t, newCase())
	f.step(t, a, "2026-11-21", visits.ActAccept)
	f.step(t, b, "2026-11-21", visits.ActAccept)
	if d, err := f.svc.IssueDocument(ctx, f.call, service.DocAccept, a.ID); err != nil || d.Number != "示信受〔2026〕1号" {
		t.Fatalf("%q %v", d.Number, err)
	}
	late := service.Call{Actor: "editor", Now: time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC)}
	d, err := f.svc.IssueDocument(ctx, late, service.DocAccept, b.ID)
	if err != nil || d.Number != "示信受〔2027〕1号" || d.IssuedOn != roster.MustDate("2027-01-01") {
		t.Fatalf("%q on %s, %v", d.Number, d.IssuedOn, err)
	}
}

func TestDocumentPrefixAndIssuerFromConfig(t *testing.T) {
	st := openDemo(t)
	cfg := configtest.Valid(t, nil)
	cfg.Documents.Prefix, cfg.Documents.Issuer = "临信", "临江县信访局"
	f := &caseworkFixture{st: st, svc: service.New(st, cfg, nil), call: service.Call{Actor: "editor", Now: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)}}
	k := f.register(t, newCase())
	f.step(t, k, "2026-11-21", visits.ActAccept)
	d, err := f.svc.IssueDocument(context.Background(), f.call, service.DocAccept, k.ID)
	if err != nil || d.Number != "临信受〔2026〕1号" || d.Doc.Issuer != "临江县信访局" {
		t.Fatalf("%q %q %v", d.Number, d.Doc.Issuer, err)
	}
}

// Concurrent issues never share a number, and issuing one case's document
// at once from many callers gives one number.
func TestConcurrentIssuesNeverShareANumber(t *testing.T) {
	t.Run("default store", func(t *testing.T) { concurrentIssues(t, openDemo(t)) })
	t.Run("postgres", func(t *testing.T) {
		concurrentIssues(t, storetest.Demo(t, storetest.OpenPostgres(t), nil))
	})
}

func concurrentIssues(t *testing.T, st *store.Store) {
	ctx := context.Background()
	f := &caseworkFixture{st: st, svc: service.New(st, configtest.Valid(t, nil), nil),
		call: service.Call{Actor: "editor", Now: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)}}
	const n = 12
	var ids []int64
	for range n {
		k := f.register(t, newCase())
		f.step(t, k, "2026-11-21", visits.ActAccept)
		ids = append(ids, k.ID)
	}
	var wg sync.WaitGroup
	numbers := make([]string, 2*n)
	errs := make([]error, 2*n)
	for i := range 2 * n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := f.svc.IssueDocument(ctx, service.Call{Actor: fmt.Sprintf("editor%d", i), Now: f.call.Now}, service.DocAccept, ids[i%n])
			numbers[i], errs[i] = d.Number, err
		}()
	}
	wg.Wait()
	seen := map[string]int{}
	for i, num := range numbers {
		if errs[i] != nil {
			t.Fatalf("issue %d: %v", i, errs[i])
		}
		if j, ok := seen[num]; ok && j%n != i%n {
			t.Errorf("cases %d and %d share %s", ids[j%n], ids[i%n], num)
		}
		seen[num] = i
		if num != numbers[i%n] {
			t.Errorf("case %d got %s and %s", ids[i%n], numbers[i%n], num)
		}
	}
	for seq := 1; seq <= n; seq++ {
		if _, ok := seen[fmt.Sprintf("示信受〔2026〕%d号", seq)]; !ok {
			t.Errorf("number %d was skipped: %v", seq, numbers)
		}
	}
}
