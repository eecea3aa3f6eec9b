package service_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"zhiban/auth"
	"zhiban/roster"
	"zhiban/store"
)

// The audit page once showed "carry L05 2026-11-26 … planned" and
// "case=10 resolved=false": every entry now reads as a Chinese sentence with
// names, while the log keeps its compact form.
func TestAuditLogSpeaksChinese(t *testing.T) {
	t.Parallel()
	f := seededFixture(t)
	ctx := context.Background()
	k := roster.Key{Roster: "county-duty", Date: roster.MustDate("2026-12-02"), Role: "值班领导"}
	a, err := f.st.Assignment(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	if a, err = f.st.SetAssignment(ctx, roster.Assignment{Roster: k.Roster, Date: k.Date, Role: k.Role, Person: "L02"}, a.Version, "editor"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SetPinned(ctx, k, a.Version, true, "editor"); err != nil {
		t.Fatal(err)
	}
	id, err := f.st.AddAbsence(ctx, roster.Absence{Person: "L03", From: roster.MustDate("2026-12-05"), To: roster.MustDate("2026-12-07"), Kind: roster.Trip}, "editor")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.DeleteAbsence(ctx, id, "editor"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.CreateUser(ctx, "clerk", auth.RoleEditor, "x", "admin"); err != nil {
		t.Fatal(err)
	}
	p, err := f.st.Person(ctx, "L04")
	if err != nil {
		t.Fatal(err)
	}
	p.Title = "县委常委"
	if _, err := f.st.UpsertPerson(ctx, p, nil, "editor"); err != nil {
		t.Fatal(err)
	}
	lines, err := f.svc.AuditLog(ctx, store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// Words of the compact form that must not reach the page.
	raw := regexp.MustCompile(`=|\b(carry|planned|confirmed|done|received|accepted|open|filed|nil|leave|trip|county|department|editor|viewer|admin|true|false)\b`)
	seen := map[string]bool{}
	for _, l := range lines {
		seen[l.Entity+"/"+l.Action] = true
		s := l.Sentence
		if m := raw.FindString(s); m != "" && !strings.Contains(s, "用户 "+m) {
			t.Errorf("%s/%s %q %q → %q: %q is not Chinese", l.Entity, l.Action, l.Before, l.After, s, m)
		}
		if !strings.HasSuffix(s, "。") {
			t.Errorf("%s/%s: %q is not a sentence", l.Entity, l.Action, s)
		}
	}
	for _, k := range []string{"finding/escalate", "visit/create", "case/create", "sweep_task/file", "assignment/update", "assignment/pin",
		"absence/create", "absence/delete", "user/create", "person/update"} {
		if !seen[k] {
			t.Errorf("no %s entry to check", k)
		}
	}
	for _, want := range []string{
		"县领导值班接访 12月2日 值班领导由 李志远 改为 陈立新。",
		"固定县领导值班接访 12月2日 值班领导：陈立新。",
		"登记 王建国 出差 12月5日至12月7日。",
		"删除 王建国 出差 12月5日至12月7日 的登记。",
		"河口镇 2026年11月排查任务：报送，待报送 → 已报送。",
		"新建走访：孙国庆 12月2日 09:00–11:30 上门回访，柳林镇，拟安排。",
		"新建用户 clerk，角色 编辑。",
	} {
		found := false
		for _, l := range lines {
			found = found || l.Sentence == want
		}
		if !found {
			t.Errorf("no entry reads %q", want)
		}
	}
	for _, l := range lines {
		if l.Entity == "finding" && l.Action == "escalate" && !regexp.MustCompile(`^排查发现 #\d+ 转为案件 \d{4}-\d{4}。$`).MatchString(l.Sentence) {
			t.Errorf("escalated finding: %q", l.Sentence)
		}
	}
}
