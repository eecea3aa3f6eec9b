// Package publishtest seeds a store for the privacy tests of public pages and
// feeds, and lists the strings no public output may show.
package publishtest

import (
	"context"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/config/configtest"
	"zhiban/county"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/secret"
	"zhiban/service"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/visits"
)

// Petitioner is invented for the tests: nothing public may show it.
var Petitioner = visits.Petitioner{Name: "钱秘密", Phone: "13912345678", Address: "示例县保密路7号"}

// Seeded is what Seed added.
type Seeded struct {
	Private []string     // strings that must never appear in public output
	Case    visits.Case  // 2026-0991 in 漕河镇 (t02), leader L02, accepted 4 days ago
	Visit   visits.Visit // L02's confirmed carry visit for Case, 3 days on, 09:00–11:30
	// Registration is Visitor's group of six at today's 开门接访 desk, being received.
	Registration visits.Registration
}

// Open is a fresh demo-county store seeded as of now, with its config (public_url set, then edit).
func Open(tb testing.TB, now time.Time, edit func(*config.Config)) (*store.Store, config.Config, Seeded) {
	tb.Helper()
	st := storetest.OpenDemo(tb, func() time.Time { return now })
	cfg := configtest.Valid(tb, func(c *config.Config) {
		c.PublicURL = "https://zhiban.example.cn"
		if edit != nil {
			edit(c)
		}
	})
	return st, cfg, Seed(tb, st, cfg, now)
}

// Seed fills st's roster from 10 days back to 45 on, the demo casework, and Case with its Visit.
func Seed(tb testing.TB, st *store.Store, cfg config.Config, now time.Time) Seeded {
	tb.Helper()
	ctx := context.Background()
	today := roster.Today(now, cfg.Location)
	if _, err := planner.Fill(ctx, st, today.AddDays(-10), today.AddDays(45), today.AddDays(-10), "test"); err != nil {
		tb.Fatal(err)
	}
	if err := service.New(st, cfg, nil).SeedDemo(ctx, service.Call{Actor: "demo", Now: now}); err != nil {
		tb.Fatal(err)
	}
	var s Seeded
	demo := county.Demo()
	for _, p := range demo.People {
		s.add(p.Phone, p.Email)
	}
	for _, a := range demo.Absences {
		s.add(a.Reason)
	}
	cases, err := st.Cases(ctx, store.CaseFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	s.Case, err = st.CreateCase(ctx, visits.Case{Code: "2026-0991", Title: "征地补偿争议", Category: "征地拆迁", Township: "t02",
		Received: today.AddDays(-5), Channel: "来访", Petitioner: Petitioner, Content: "反映绝密内容甲乙丙", GroupSize: 1,
		Leader: "L02", State: visits.StateAccepted, Accepted: today.AddDays(-4)}, "test")
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range append(cases, s.Case) {
		s.add(c.Petitioner.Name, c.Petitioner.Phone, c.Petitioner.Address, c.Content, c.Title)
	}
	s.Visit, err = st.CreateVisit(ctx, visits.Visit{Kind: visits.KindCarry, Leader: "L02", Date: today.AddDays(3),
		Start: 9 * 60, End: 11*60 + 30, Place: "漕河镇群众工作站", Township: "t02", Cases: []int64{s.Case.ID},
		State: visits.VisitConfirmed}, "test")
	if err != nil {
		tb.Fatal(err)
	}
	s.Registration = seedDesk(tb, st, today, s.Case)
	s.add(seedHandover(tb, st, today, s.Case)...)
	s.add(seedEvaluation(tb, st, today, s.Case)...)
	s.add(seedBooking(tb, st, today)...)
	v := s.Registration.Visitor
	s.add(v.Name, v.IDNumber, v.Phone, v.Address, s.Registration.Matter, s.Registration.Representatives[0],
		secret.MaskID(v.IDNumber), secret.MaskPhone(v.Phone))
	return s
}

// Visitor is invented for the tests: nothing public may show it.
var Visitor = visits.Visitor{Name: "孙隐名", IDNumber: "11010519491231002X", Phone: "13787654321", Address: "示例县隐秘巷9号"}

// seedDesk registers a group of six at today's 开门接访 session (opening one
// if the roster opened none), being received, linked to k.
func seedDesk(tb testing.TB, st *store.Store, today roster.Date, k visits.Case) visits.Registration {
	tb.Helper()
	ctx := context.Background()
	vs, err := st.Visits(ctx, store.VisitFilter{Kind: visits.KindOpen, From: today, To: today})
	if err != nil {
		tb.Fatal(err)
	}
	var session visits.Visit
	if len(vs) > 0 {
		session = vs[0]
	} else if session, err = st.CreateVisit(ctx, visits.Visit{Kind: visits.KindOpen, Leader: "L01", Date: today, Start: 8*60 + 30,
		End: 17*60 + 30, Place: "县群众来访接待中心", State: visits.VisitConfirmed, CreatedBy: "test"}, "test"); err != nil {
		tb.Fatal(err)
	}
	r, err := st.CreateRegistration(ctx, visits.Registration{Session: session.ID, Date: today, Visitor: Visitor, Township: "t02",
		GroupSize: 6, Representatives: []string{"周代表甲", "吴代表乙"}, Matter: "反映隐秘事项丁戊己", Category: "征地拆迁",
		ReceivedBy: session.Leader, State: visits.DeskReceiving, Case: k.ID, Repeat: true, CreatedBy: "test"}, "test")
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// seedHandover hands k to 县公安局 three days ago and records the unit's
// 办结报告; it returns the private texts (the report, as a unit writes it).
func seedHandover(tb testing.TB, st *store.Store, today roster.Date, k visits.Case) []string {
	tb.Helper()
	ctx := context.Background()
	h, err := st.CreateHandover(ctx, visits.Handover{Case: k.ID, Unit: "d02", Handed: today.AddDays(-3), Due: today.AddDays(10)}, "test")
	if err != nil {
		tb.Fatal(err)
	}
	h.State, h.Reported, h.Report = visits.HandoverReported, today, "办结报告：已约谈钱秘密，承诺补发款项（机要）"
	if _, err := st.SaveHandover(ctx, h, h.Version, "report", "test"); err != nil {
		tb.Fatal(err)
	}
	return []string{h.Report, "承诺补发款项"}
}

// seedEvaluation records a 满意度评价 of k and prints a 评价码 for it; it
// returns the code (a credential: never public, never in a log).
func seedEvaluation(tb testing.TB, st *store.Store, today roster.Date, k visits.Case) []string {
	tb.Helper()
	ctx := context.Background()
	if _, err := st.CreateEvaluation(ctx, visits.Evaluation{Case: k.ID, Stage: visits.StageAccept, Answer: visits.Dissatisfied,
		Source: visits.SourceStaff, AnsweredOn: today, RecordedBy: "test"}, "test"); err != nil {
		tb.Fatal(err)
	}
	code := store.EvaluationCode{Case: k.ID, Stage: visits.StageHandle, Hash: "seeded", Code: "QWERTYUPASDF", Made: today, Expires: today.AddDays(90)}
	if err := st.PutEvaluationCode(ctx, code, "test"); err != nil {
		tb.Fatal(err)
	}
	return []string{code.Code, "QWER-TYUP-ASDF"}
}

func (s *Seeded) add(strs ...string) {
	for _, x := range strs {
		if x != "" {
			s.Private = append(s.Private, x)
		}
	}
}
