package service_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"zhiban/fault"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

// deskFixture is signinFixture with today's 开门接访 session opened.
func deskFixture(t *testing.T) (*store.Store, *service.Service, service.DeskSession) {
	t.Helper()
	st, svc := signinFixture(t)
	ctx := context.Background()
	err := st.WithTx(ctx, func(tx *store.Store) error {
		e, err := service.NewEnv(ctx, tx, svc.Config(), dutyKey.Date, "test", service.Outbox{Job: "test", Period: "p"})
		if err != nil {
			return err
		}
		_, err = service.OpenReceptions(ctx, e)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	day, err := svc.Desk(ctx, service.Call{Actor: "desk", Now: cst("2026-12-02 08:40")}, 0)
	if err != nil || len(day.Sessions) != 1 {
		t.Fatalf("desk: %+v %v", day, err)
	}
	s := day.Sessions[0]
	if s.Visit.Leader != "L03" || s.Visit.Shadow != "D01" || s.LeaderName == "" || s.ShadowName == "" {
		t.Fatalf("session does not name both leaders: %+v", s)
	}
	return st, svc, s
}

func visitor(session int64, name, id, phone string) service.RegistrationInput {
	return service.RegistrationInput{Session: session, Visitor: visits.Visitor{Name: name, IDNumber: id, Phone: phone, Address: "城关镇解放路1号"},
		Township: "t01", Matter: "城关镇解放路拆迁补偿款至今未发放，要求按协议兑现", Category: "征地拆迁"}
}

func TestDeskRegistersReceivesAndFinishes(t *testing.T) {
	ctx := context.Background()
	st, svc, session := deskFixture(t)
	call := service.Call{Actor: "desk", Now: cst("2026-12-02 09:05")}

	r, err := svc.RegisterVisit(ctx, call, visitor(session.Visit.ID, "张三", "11010519491231002X", "13912345678"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Number != 1 || r.State != visits.DeskWaiting || r.Visitor.IDNumber != "1101**********002X" || r.Visitor.Phone != "139****5678" {
		t.Fatalf("registered: %+v", r)
	}
	// The 跟班领导 may receive; someone else may not.
	if _, err := svc.StartReception(ctx, call, r.ID, service.DeskAct{Leader: "L01"}); refusalCode(err) != "invalid" {
		t.Fatalf("a leader not at the session received: %v", err)
	}
	got, err := svc.StartReception(ctx, call, r.ID, service.DeskAct{Leader: "D01", Version: r.Version})
	if err != nil || got.State != visits.DeskReceiving || got.ReceivedBy != "D01" {
		t.Fatalf("start: %+v %v", got, err)
	}
	// A stale version is a conflict.
	if _, err := svc.FinishReception(ctx, call, r.ID, service.DeskAct{Version: r.Version, Outcome: visits.OutcomeHanded}); refusalCode(err) != "conflict" {
		t.Fatalf("stale finish: %v", err)
	}
	got, err = svc.FinishReception(ctx, call, r.ID, service.DeskAct{Version: got.Version, Outcome: visits.OutcomeHanded})
	if err != nil || got.State != visits.DeskDone || got.Case == 0 || got.CaseCode == "" {
		t.Fatalf("finish: %+v %v", got, err)
	}
	k, err := st.Case(ctx, got.Case)
	if err != nil || k.State != visits.StateAccepted || k.Channel != "来访" || k.Petitioner.Name != "张三" || k.Petitioner.Phone != "13912345678" ||
		k.Leader != "D01" || k.Received != session.Visit.Date {
		t.Fatalf("case from the desk: %+v %v", k, err)
	}
	v, err := st.Visit(ctx, session.Visit.ID)
	if err != nil || len(v.Cases) != 1 || v.Cases[0] != k.ID {
		t.Fatalf("session cases: %+v %v", v.Cases, err)
	}
	// Finished is final.
	if _, err := svc.FinishReception(ctx, call, r.ID, service.DeskAct{Outcome: visits.OutcomeSolved, Note: "x"}); refusalCode(err) != "refused" {
		t.Fatalf("finished twice: %v", err)
	}

	// The same person again: the repeat is shown before saving, then linked.
	again := visitor(session.Visit.ID, "张 三", "11010519491231002x", "")
	again.Matter = "另一件事：孩子入学"
	again.Category = "其他"
	_, err = svc.RegisterVisit(ctx, call, again)
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Code != "possible_repeat" {
		t.Fatalf("repeat not shown: %v", err)
	}
	found := fe.Items.(service.Repeats)
	if len(found.Registrations) != 1 || found.Registrations[0].ID != r.ID || len(found.Cases) != 1 || found.Cases[0].ID != k.ID {
		t.Fatalf("matches: %+v", found)
	}
	if strings.Contains(fe.Msg, "张三") {
		t.Fatalf("message names the visitor: %s", fe.Msg)
	}
	again.RepeatOf = r.ID
	second, err := svc.RegisterVisit(ctx, call, again)
	if err != nil || !second.Repeat || second.Case != k.ID || second.Number != 2 {
		t.Fatalf("linked repeat: %+v %v", second, err)
	}

	// Someone else with a similar matter in the same township and category is shown too.
	other := visitor(session.Visit.ID, "李四", "", "13800000000")
	other.Matter = "解放路拆迁补偿款没有按协议发放"
	if _, err := svc.RegisterVisit(ctx, call, other); !errors.As(err, &fe) || fe.Code != "possible_repeat" {
		t.Fatalf("similar matter not shown: %v", err)
	}
	other.NotRepeat = true
	third, err := svc.RegisterVisit(ctx, call, other)
	if err != nil || third.Repeat || third.Number != 3 {
		t.Fatalf("not a repeat: %+v %v", third, err)
	}
	// A dissimilar matter passes without a question.
	fourth := visitor(session.Visit.ID, "王五", "", "")
	fourth.Matter = "村里道路硬化施工扬尘"
	fourth.Category = "环境"
	if _, err := svc.RegisterVisit(ctx, call, fourth); err != nil {
		t.Fatal(err)
	}

	// Reveal is audited without the values.
	full, err := svc.RevealVisitor(ctx, call, r.ID)
	if err != nil || full.IDNumber != "11010519491231002X" || full.Phone != "13912345678" {
		t.Fatalf("reveal: %+v %v", full, err)
	}
	log, err := st.AuditLog(ctx, store.AuditFilter{Entity: "desk_visit"})
	if err != nil {
		t.Fatal(err)
	}
	revealed := false
	for _, e := range log {
		if strings.Contains(e.Before+e.After, "1391234") || strings.Contains(e.Before+e.After, "张三") {
			t.Fatalf("audit holds personal data: %+v", e)
		}
		revealed = revealed || e.Action == "reveal"
	}
	if !revealed {
		t.Fatal("reveal not audited")
	}

	day, err := svc.Desk(ctx, call, 0)
	if err != nil || day.Sessions[0].Waiting != 3 || day.Sessions[0].Done != 1 || day.Sessions[0].People != 4 {
		t.Fatalf("desk: %+v %v", day.Sessions[0], err)
	}
}

func TestDeskRefusals(t *testing.T) {
	ctx := context.Background()
	_, svc, session := deskFixture(t)
	call := service.Call{Actor: "desk", Now: cst("2026-12-02 09:05")}
	for name, c := range map[string]struct {
		edit  func(*service.RegistrationInput)
		field string
	}{
		"no session":                    {func(in *service.RegistrationInput) { in.Session = 0 }, "session"},
		"unknown session":               {func(in *service.RegistrationInput) { in.Session = 99999 }, "session"},
		"no name":                       {func(in *service.RegistrationInput) { in.Visitor.Name = " " }, "visitor.name"},
		"bad id check":                  {func(in *service.RegistrationInput) { in.Visitor.IDNumber = "110105194912310021" }, "visitor.id_number"},
		"short id":                      {func(in *service.RegistrationInput) { in.Visitor.IDNumber = "1234" }, "visitor.id_number"},
		"bad phone":                     {func(in *service.RegistrationInput) { in.Visitor.Phone = "abc" }, "visitor.phone"},
		"group without representatives": {func(in *service.RegistrationInput) { in.GroupSize = 8 }, "representatives"},
		"six representatives": {func(in *service.RegistrationInput) {
			in.GroupSize, in.Representatives = 8, []string{"a", "b", "c", "d", "e", "f"}
		}, "representatives"},
		"unknown township": {func(in *service.RegistrationInput) { in.Township = "t99" }, "township"},
		"bad category":     {func(in *service.RegistrationInput) { in.Category = "x" }, "category"},
		"no matter":        {func(in *service.RegistrationInput) { in.Matter = "" }, "matter"},
		"invalid utf-8":    {func(in *service.RegistrationInput) { in.Matter = "a\xffb" }, "matter"},
		"unknown case":     {func(in *service.RegistrationInput) { in.CaseCode = "2026-9999" }, "cases"},
	} {
		in := visitor(session.Visit.ID, "赵六", "", "")
		c.edit(&in)
		_, err := svc.RegisterVisit(ctx, call, in)
		fe := fault.Classify(err)
		if fe == nil || fe.Kind == fault.Internal || fe.Field != c.field {
			t.Errorf("%s: %v (field %v)", name, err, fe)
		}
	}
	// Tomorrow's desk cannot register into today's session.
	_, err := svc.RegisterVisit(ctx, service.Call{Actor: "desk", Now: cst("2026-12-03 09:00")}, visitor(session.Visit.ID, "赵六", "", ""))
	if fe := fault.Classify(err); fe == nil || fe.Field != "session" {
		t.Fatalf("yesterday's session: %v", err)
	}
	// Outcomes that need a note or a case say so.
	r, err := svc.RegisterVisit(ctx, call, visitor(session.Visit.ID, "赵六", "", ""))
	if err != nil {
		t.Fatal(err)
	}
	for o, field := range map[visits.DeskOutcome]string{visits.OutcomeRejected: "outcome_note", visits.OutcomeTransferred: "outcome_note",
		visits.OutcomeSolved: "outcome_note", visits.OutcomeInProgress: "case", "other": "outcome"} {
		_, err := svc.FinishReception(ctx, call, r.ID, service.DeskAct{Outcome: o})
		if fe := fault.Classify(err); fe == nil || fe.Field != field {
			t.Errorf("%s: %v", o, err)
		}
	}
	got, err := svc.FinishReception(ctx, call, r.ID, service.DeskAct{Outcome: visits.OutcomeRejected, Note: "已经人民法院判决，属诉讼程序"})
	if err != nil || got.Case == 0 {
		t.Fatalf("reject: %+v %v", got, err)
	}
}

// A similar matter is found behind many newer dissimilar ones of the same
// township and category: the texts are screened, not just the newest few.
func TestDeskFindsAnOlderSimilarMatter(t *testing.T) {
	ctx := context.Background()
	_, svc, session := deskFixture(t)
	call := service.Call{Actor: "desk", Now: cst("2026-12-02 09:05")}
	first, err := svc.RegisterVisit(ctx, call, visitor(session.Visit.ID, "张三", "", ""))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 120 {
		in := visitor(session.Visit.ID, fmt.Sprintf("来访人%d", i), "", "")
		in.Matter, in.NotRepeat = fmt.Sprintf("第%d号厂房租金纠纷，合同编号%d", i, 1000+i), true
		if _, err := svc.RegisterVisit(ctx, call, in); err != nil {
			t.Fatal(err)
		}
	}
	again := visitor(session.Visit.ID, "李四", "", "")
	again.Matter = "解放路拆迁补偿款一直没有发放，要求兑现协议"
	found, err := svc.FindRepeats(ctx, call, again)
	if err != nil || len(found.Registrations) != 1 || found.Registrations[0].ID != first.ID {
		t.Fatalf("found %d registrations (%v), want the first", len(found.Registrations), err)
	}
}
