package service_test

import (
	"context"
	"strings"
	"testing"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

func fieldsText(d service.IssuedDocument) string {
	var b strings.Builder
	b.WriteString(docText(d))
	for _, f := range d.Doc.Fields {
		b.WriteString("\n" + f.Label + "：" + f.Value)
	}
	if t := d.Doc.Table; t != nil {
		for _, r := range t.Rows {
			b.WriteString("\n" + strings.Join(r, "|"))
		}
	}
	return b.String()
}

func TestHandoverDocument(t *testing.T) {
	f := newCaseworkFixture(t)
	ctx := context.Background()
	k := f.accepted(t)
	v, err := f.svc.HandOver(ctx, f.call, k.ID, service.HandoverInput{Unit: "d02", Due: roster.MustDate("2026-12-20")})
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.svc.IssueDocument(ctx, f.call, service.DocHandover, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	text := fieldsText(d)
	for _, want := range []string{"交办单", "示信交〔2026〕1号", "县公安局", "案件编号：" + k.Code, "信访人：欧阳某",
		"办结时限：2026年12月20日前", "2026年12月8日前", "办结报告", "第二十三条"} {
		if !strings.Contains(text, want) {
			t.Errorf("交办单 lacks %q:\n%s", want, text)
		}
	}
	if d.Case != k.ID {
		t.Errorf("交办单 belongs to case %d, want %d", d.Case, k.ID)
	}
	docs, err := f.svc.CaseDocuments(ctx, k)
	if err != nil || docs[len(docs)-1].Kind != service.DocHandover || docs[len(docs)-1].Number != d.Number || docs[len(docs)-1].Subject != v.ID {
		t.Errorf("case documents: %+v %v", docs, err)
	}
	// A hand-over the unit sent back gets no new 交办单.
	k2 := f.accepted(t)
	v2, err := f.svc.HandOver(ctx, f.call, k2.ID, service.HandoverInput{Unit: "d02", Due: roster.MustDate("2026-12-20")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DeclineHandover(ctx, f.call, v2.ID, service.DeclineInput{Version: v2.Version, Reason: "不属于本单位职责"}); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.IssueDocument(ctx, f.call, service.DocHandover, v2.ID)
	wantFault(t, err, fault.Conflict, "state")
}

func TestDeskDocuments(t *testing.T) {
	ctx := context.Background()
	st, svc, session := deskFixture(t)
	call := service.Call{Actor: "desk", Now: cst("2026-12-02 09:05")}
	r, err := svc.RegisterVisit(ctx, call, visitor(session.Visit.ID, "张三", "11010519491231002X", "13912345678"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.StartReception(ctx, call, r.ID, service.DeskAct{Leader: "D01", Version: r.Version})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.FinishReception(ctx, call, r.ID, service.DeskAct{Version: got.Version, Outcome: visits.OutcomeSolved, Note: "当场答复补偿款发放时间"}); err != nil {
		t.Fatal(err)
	}
	other := visitor(session.Visit.ID, "李四", "", "")
	other.NotRepeat = true
	if _, err := svc.RegisterVisit(ctx, call, other); err != nil {
		t.Fatal(err)
	}

	reg, err := svc.IssueDocument(ctx, call, service.DocRegistration, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	text := fieldsText(reg)
	for _, want := range []string{"群众来访登记表", "示信登〔2026〕1号", "来访人：张三", "身份证号码：11010519491231002X",
		"联系电话：13912345678", "来访时间：2026年12月2日 09:05", "处理结果：当场解决：当场答复补偿款发放时间", "是否越级：否", "登记人：desk"} {
		if !strings.Contains(text, want) {
			t.Errorf("群众来访登记表 lacks %q:\n%s", want, text)
		}
	}
	if _, err := svc.ReadDocument(ctx, call, service.DocRegistration, r.ID); err != nil {
		t.Fatal(err)
	}
	// Issuing and reading the full ID number are both audited as reveals, without it.
	audit, err := st.AuditLog(ctx, store.AuditFilter{Entity: "document"})
	reveals := 0
	for _, e := range audit {
		if e.Action == "reveal" {
			reveals++
		}
		if strings.Contains(e.After+e.Before+e.EntityID, "11010519491231002X") {
			t.Errorf("the audit log holds the ID number: %+v", e)
		}
	}
	if err != nil || reveals != 2 {
		t.Errorf("reveals audited: %d (%v)", reveals, err)
	}

	ses, err := svc.IssueDocument(ctx, call, service.DocSession, session.Visit.ID)
	if err != nil {
		t.Fatal(err)
	}
	text = fieldsText(ses)
	for _, want := range []string{"领导接访登记表", "示信接〔2026〕1号", "值班领导：" + session.LeaderName, "跟班领导：" + session.ShadowName,
		"接待情况：共2批2人次", "1|09:05|张三|1|", "当场解决", "2|09:05|李四|1|"} {
		if !strings.Contains(text, want) {
			t.Errorf("领导接访登记表 lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "11010519491231002X") {
		t.Error("领导接访登记表 shows an ID number")
	}
}
