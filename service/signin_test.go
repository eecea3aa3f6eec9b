package service_test

import (
	"context"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhiban/config/configtest"
	"zhiban/fault"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
)

func cst(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// dutyKey is the 值班领导 of county-duty on Wednesday 2 December 2026.
var dutyKey = roster.Key{Roster: "county-duty", Date: roster.MustDate("2026-12-02"), Role: "值班领导"}

// signinFixture is the demo county with L03 and D01 on duty on 2 December.
func signinFixture(t *testing.T) (*store.Store, *service.Service) {
	t.Helper()
	st := openDemo(t)
	ctx := context.Background()
	for _, a := range []roster.Assignment{
		{Roster: "county-duty", Date: dutyKey.Date, Role: "值班领导", Person: "L03"},
		{Roster: "county-duty", Date: dutyKey.Date, Role: "跟班领导", Person: "D01"},
	} {
		if _, err := st.SetAssignment(ctx, a, 0, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return st, service.New(st, configtest.Valid(t, nil), []string{"test"})
}

// token is the t parameter of person's sign-in link for k.
func token(t *testing.T, st *store.Store, k roster.Key, person string) string {
	t.Helper()
	link, err := service.SigninLink(context.Background(), st, "https://zhiban.example.cn", k, person)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(link, "https://zhiban.example.cn/signin?t=") {
		t.Fatalf("link %q: %v", link, err)
	}
	return u.Query().Get("t")
}

func refusalCode(err error) string {
	if fe := fault.Classify(err); fe != nil && fe.Kind != fault.Internal {
		return fe.StableCode()
	}
	return "internal: " + err.Error()
}

func TestSigninLink(t *testing.T) {
	ctx := context.Background()
	st, svc := signinFixture(t)
	tok := token(t, st, dutyKey, "L03")

	// The page alone signs no one in: a chat app may fetch the link for a preview.
	page, err := svc.SigninPage(ctx, cst("2026-12-02 08:20"), tok)
	if err != nil || page.Person.Name != "王建国" || page.Signed != nil {
		t.Fatalf("page: %+v %v", page, err)
	}
	got, err := svc.SigninByLink(ctx, cst("2026-12-02 08:31"), tok)
	if err != nil || got.Already || got.Signed == nil || got.Signed.How != service.SignedByLink {
		t.Fatalf("sign in: %+v %v", got, err)
	}
	// Replay: the first sign-in stands, the second says so.
	again, err := svc.SigninByLink(ctx, cst("2026-12-02 10:00"), tok)
	if err != nil || !again.Already || !again.Signed.SignedAt.Equal(cst("2026-12-02 08:31")) {
		t.Fatalf("replay: %+v %v", again, err)
	}

	bad := map[string]struct {
		tok  string
		at   time.Time
		code string
	}{
		"forged signature": {tok[:len(tok)-2] + "AA", cst("2026-12-02 08:40"), "bad_link"},
		"garbage":          {"hello", cst("2026-12-02 08:40"), "bad_link"},
		"day before":       {token(t, st, dutyKey, "D01"), cst("2026-12-01 20:00"), "not_yet"},
		"day after":        {token(t, st, dutyKey, "D01"), cst("2026-12-03 08:30"), "expired"},
		// Midnight in Shanghai is still the 1st in New York and UTC: the county's day counts.
		"past midnight county": {token(t, st, dutyKey, "D01"), cst("2026-12-03 00:05"), "expired"},
		// A validly signed link for someone not on the duty.
		"person not on duty": {token(t, st, dutyKey, "L05"), cst("2026-12-02 08:40"), "reassigned"},
	}
	// Another person's name put into a real token breaks the signature.
	enc, mac, _ := strings.Cut(tok, ".")
	raw, _ := base64URL(enc)
	bad["wrong person"] = struct {
		tok  string
		at   time.Time
		code string
	}{base64URLEncode(strings.Replace(raw, "L03", "D01", 1)) + "." + mac, cst("2026-12-02 08:40"), "bad_link"}
	for name, c := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := svc.SigninByLink(ctx, c.at, c.tok)
			if err == nil || refusalCode(err) != c.code {
				t.Fatalf("got %v (%s), want %s", err, refusalCode(err), c.code)
			}
			if fe := fault.Classify(err); fe.Kind != fault.Forbidden || !strings.ContainsFunc(fe.Msg, isHan) {
				t.Errorf("refusal %+v: want a Chinese 403", fe)
			}
		})
	}
	as, err := st.Attendance(ctx, dutyKey.Date, dutyKey.Date)
	if err != nil || len(as) != 1 || as[0].Person != "L03" {
		t.Fatalf("attendance %+v %v", as, err)
	}

	// A reassignment after the sign-in keeps who came.
	cur, _ := st.Assignment(ctx, dutyKey)
	if _, err := st.SetAssignment(ctx, roster.Assignment{Roster: dutyKey.Roster, Date: dutyKey.Date, Role: dutyKey.Role, Person: "L05"}, cur.Version, "test"); err != nil {
		t.Fatal(err)
	}
	list, err := svc.Attendance(ctx, dutyKey.Date, dutyKey.Date)
	if err != nil {
		t.Fatal(err)
	}
	var kept bool
	for _, d := range list {
		if d.Person == "L03" && d.Reassigned && d.Signed != nil {
			kept = true
		}
		if d.Person == "L05" && d.Signed != nil {
			t.Errorf("the new duty leader is shown signed in: %+v", d)
		}
	}
	if !kept {
		t.Errorf("the sign-in of the leader who came was lost: %+v", list)
	}
	if page, err := svc.SigninPage(ctx, cst("2026-12-02 11:00"), tok); err != nil || !page.Already {
		t.Errorf("after reassignment the link shows %+v %v, want already signed", page, err)
	}
}

func isHan(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }

func TestMarkAndUndoAttendance(t *testing.T) {
	ctx := context.Background()
	st, svc := signinFixture(t)
	call := service.Call{Actor: "editor", Now: cst("2026-12-02 08:45")}
	follow := service.AttendanceInput{Roster: "county-duty", Date: dutyKey.Date, Role: "跟班领导"}
	a, err := svc.MarkAttendance(ctx, call, follow)
	if err != nil || a.Person != "D01" || a.How != service.SignedByStaff || a.SignedBy != "editor" {
		t.Fatalf("mark: %+v %v", a, err)
	}
	if _, err := svc.MarkAttendance(ctx, call, follow); refusalCode(err) != "conflict" {
		t.Errorf("second mark: %v", err)
	}
	tomorrow := follow
	tomorrow.Date = dutyKey.Date.AddDays(1)
	if _, err := svc.MarkAttendance(ctx, call, tomorrow); refusalCode(err) != "invalid" {
		t.Errorf("a future mark: %v", err)
	}
	other := follow
	other.Person = "L05"
	if _, err := svc.MarkAttendance(ctx, call, other); refusalCode(err) != "invalid" {
		t.Errorf("marking someone not on duty: %v", err)
	}
	if err := svc.UndoAttendance(ctx, service.Call{Actor: "editor", Now: cst("2026-12-02 08:50")}, follow); err != nil {
		t.Fatal(err)
	}
	if err := svc.UndoAttendance(ctx, call, follow); refusalCode(err) != "not_found" {
		t.Errorf("second undo: %v", err)
	}
	log, err := svc.AuditLog(ctx, store.AuditFilter{Entity: "attendance"})
	if err != nil || len(log) != 2 {
		t.Fatalf("audit %+v %v", log, err)
	}
	if log[0].Action != "undo" || log[1].Action != "signin" || log[0].Actor != "editor" ||
		!strings.Contains(log[1].Sentence, "林振华") || !strings.Contains(log[0].Sentence, "撤销") {
		t.Errorf("audit lines: %+v", log)
	}
	if as, _ := st.Attendance(ctx, dutyKey.Date, dutyKey.Date); len(as) != 0 {
		t.Errorf("after undo: %+v", as)
	}
	if _, err := svc.Attendance(ctx, dutyKey.Date, dutyKey.Date.AddDays(400)); refusalCode(err) != "too_large" {
		t.Errorf("a long range: %v", err)
	}
}

// The evening-before reminder carries each leader's own link (public_url set),
// and none without public_url.
func TestReminderCarriesSigninLinks(t *testing.T) {
	ctx := context.Background()
	st, _ := signinFixture(t)
	today := dutyKey.Date.AddDays(-1)
	msgs, err := service.Reminders(ctx, st, today, 0, "https://zhiban.example.cn")
	if err != nil || len(msgs) != 1 {
		t.Fatalf("reminders %+v %v", msgs, err)
	}
	text := msgs[0].Text
	for _, want := range []string{
		"值班领导 王建国：https://zhiban.example.cn/signin?t=" + url.QueryEscape(token(t, st, dutyKey, "L03")),
		"跟班领导 林振华：https://zhiban.example.cn/signin?t=",
		"仅值班当天有效",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("reminder lacks %q:\n%s", want, text)
		}
	}
	plain, err := service.Reminders(ctx, st, today, 0, "")
	if err != nil || strings.Contains(plain[0].Text, "signin") {
		t.Errorf("without public_url: %+v %v", plain, err)
	}
}

func base64URL(s string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return string(b), err
}

func base64URLEncode(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
