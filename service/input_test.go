package service_test

import (
	"context"
	"strings"
	"testing"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
)

// Account names and token labels are shown on staff pages and in the audit
// log: no invalid UTF-8, control or bidi characters, bounded length.
func TestUserNamesAndTokenLabelsAreClean(t *testing.T) {
	t.Parallel()
	svc, c := usersFixture(t)
	ctx := context.Background()
	for _, name := range []string{"admin\u202Egnp.exe", "a\x00b", "\x80\x80", "clerk\u2066", strings.Repeat("长", 51)} {
		_, err := svc.CreateUser(ctx, c, name, "editor", pw)
		wantFault(t, err, fault.Invalid, "name")
	}
	for _, label := range []string{"\u202Eci", "a\x1bb", "\xff", strings.Repeat("x", 51)} {
		_, _, err := svc.IssueToken(ctx, c, "boss", label)
		wantFault(t, err, fault.Invalid, "label")
	}
	if _, _, err := svc.IssueToken(ctx, c, "boss", "  县政务平台对接  "); err != nil {
		t.Fatal(err)
	}
}

// Registering a case bounds numbers and dates and cleans every text in the
// use case, so the API and the form refuse alike; art. 20 wants 1–5
// representatives from a group of more than 5.
func TestRegisterCaseBoundsEveryField(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	long := strings.Repeat("访", 100000)
	for _, tc := range []struct {
		name  string
		edit  func(*service.CaseInput)
		field string
	}{
		{"petitioner name of 100,000 characters", func(in *service.CaseInput) { in.Petitioner.Name = long }, "petitioner.name"},
		{"invalid UTF-8 address", func(in *service.CaseInput) { in.Petitioner.Address = strings.Repeat("\x80", 100) }, "petitioner.address"},
		{"bidi override in the title", func(in *service.CaseInput) { in.Title = "征地\u202E补偿" }, "title"},
		{"control character in the content", func(in *service.CaseInput) { in.Content = "诉求\x1b[2J" }, "content"},
		{"unit of 100,000 characters", func(in *service.CaseInput) { in.Unit = long }, "unit"},
		{"group of 2^63-1", func(in *service.CaseInput) { in.GroupSize = 1<<63 - 1 }, "group_size"},
		{"negative group", func(in *service.CaseInput) { in.GroupSize = -5 }, "group_size"},
		{"received in year 0000", func(in *service.CaseInput) { in.Received = roster.MustDate("0000-01-01") }, "received"},
		{"received in 1999", func(in *service.CaseInput) { in.Received = roster.MustDate("1999-12-31") }, "received"},
		{"group of 6 without representatives", func(in *service.CaseInput) { in.GroupSize = 6 }, "representatives"},
		{"group of 30 with 6 representatives", func(in *service.CaseInput) { in.GroupSize, in.Representatives = 30, 6 }, "representatives"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := newCase()
			tc.edit(&in)
			_, err := f.svc.RegisterCase(ctx, f.call, in)
			fe := wantFault(t, err, fault.Invalid, tc.field)
			if tc.field == "representatives" && !strings.Contains(fe.Msg, "第二十条") {
				t.Errorf("message %q does not cite art. 20", fe.Msg)
			}
		})
	}
	if all, _ := f.st.Cases(ctx, store.CaseFilter{}); len(all) != 0 {
		t.Fatalf("%d cases stored, want none", len(all))
	}
	for _, ok := range []struct{ group, reps int }{{5, 0}, {6, 1}, {200, 5}} {
		in := newCase()
		in.GroupSize, in.Representatives = ok.group, ok.reps
		in.Petitioner.Phone = "１３８００００１１１１" // full-width, as some input methods type it
		k, err := f.svc.RegisterCase(ctx, f.call, in)
		if err != nil {
			t.Fatalf("group %d with %d representatives: %v", ok.group, ok.reps, err)
		}
		// Views mask the phone (138****1111); the store holds it whole.
		stored, err := f.st.Case(ctx, k.ID)
		if err != nil || stored.Petitioner.Phone != "13800001111" || k.Petitioner.Phone != "138****1111" {
			t.Errorf("phone stored as %q, shown as %q (%v), want it narrowed and masked", stored.Petitioner.Phone, k.Petitioner.Phone, err)
		}
	}
}

// A visit naming 99,999 cases is too large, not a failing SQL query.
func TestVisitCaseRefsAreCapped(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ids := make([]int64, 99999)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	_, err := f.svc.CreateVisit(context.Background(), f.call, service.VisitInput{Kind: "invite", Leader: "L02",
		Date: roster.MustDate("2026-12-10"), Start: 9 * 60, End: 10 * 60, Place: "接待中心", Cases: ids})
	wantFault(t, err, fault.TooLarge, "cases")
	_, err = f.svc.CreateVisit(context.Background(), f.call, service.VisitInput{Kind: "invite", Leader: "L02",
		Date: roster.MustDate("9999-12-31"), Start: 9 * 60, End: 10 * 60, Place: "接待中心"})
	wantFault(t, err, fault.Invalid, "date")
}
