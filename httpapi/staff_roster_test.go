package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"zhiban/auth"
	"zhiban/roster"
	"zhiban/store"
)

// dutyDay returns the first stored day on or after d and its duty-leader assignment.
func (f *staffFixture) duty(t *testing.T, d roster.Date) store.StoredAssignment {
	t.Helper()
	for i := 0; i < 14; i++ {
		as, err := f.store.Assignments(context.Background(), d, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if a.Role == "值班领导" {
				return a
			}
		}
		d++
	}
	t.Fatal("no duty day")
	return store.StoredAssignment{}
}

// eligible returns a pool member the slot page offers for a.
func (f *staffFixture) eligible(t *testing.T, c *client, a store.StoredAssignment) string {
	t.Helper()
	_, body := c.get(slotPath(a))
	i := strings.Index(body, `name="person" value="`)
	for i >= 0 {
		rest := body[i+len(`name="person" value="`):]
		id := rest[:strings.IndexByte(rest, '"')]
		if id != a.Person && !strings.HasPrefix(rest[len(id)+1:], " disabled") {
			return id
		}
		j := strings.Index(rest, `name="person" value="`)
		if j < 0 {
			break
		}
		i += len(`name="person" value="`) + j
	}
	t.Fatalf("no eligible person offered:\n%s", body)
	return ""
}

func slotPath(a store.StoredAssignment) string {
	return "/staff/roster/" + a.Roster + "/slot?date=" + a.Date.String() + "&role=" + url.QueryEscape(a.Role)
}

func slotForm(a store.StoredAssignment, extra url.Values) url.Values {
	v := url.Values{"date": {a.Date.String()}, "role": {a.Role}, "version": {strconv.Itoa(a.Version)}}
	for k, x := range extra {
		v[k] = x
	}
	return v
}

func TestStaffPagesRender(t *testing.T) {
	f := newStaffFixture(t)
	c := f.loggedIn(t, "admin")
	a := f.duty(t, f.today.AddDays(1))
	for _, p := range []struct{ path, want string }{
		{"/staff/roster/county-duty/2026-12", "值班领导"},
		{slotPath(a), "可安排的人员"},
		{"/staff/absences", "登记"},
		{"/staff/regenerate?preview=1&from=2026-12-02&to=2026-12-31", "公平指标"},
		{"/staff/fairness", "均衡分"},
		{"/staff/audit", "审计日志"},
		{"/staff/users", "新建用户"},
		{"/staff/password", "修改密码"},
	} {
		code, body := c.get(p.path)
		if code != 200 || !strings.Contains(body, p.want) || !strings.Contains(body, `lang="zh-CN"`) {
			t.Errorf("%s: status %d, want 200 and %q\n%.400s", p.path, code, p.want, body)
		}
	}
	code, body := c.get("/staff/roster")
	if code != http.StatusSeeOther {
		t.Errorf("/staff/roster: %d %s", code, body)
	}
}

func TestReplaceAndConflict(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	a := f.duty(t, f.today.AddDays(1))
	ed := f.loggedIn(t, "editor")
	other := f.loggedIn(t, "admin")
	who := f.eligible(t, ed, a)
	code, body := ed.post("/staff/roster/"+a.Roster+"/assign", slotForm(a, url.Values{"person": {who}}))
	if code != http.StatusSeeOther {
		t.Fatalf("replace: %d %s", code, body)
	}
	now, _ := f.store.Assignment(ctx, a.Key())
	if now.Person != who || now.Source != roster.Manual || now.Version != a.Version+1 {
		t.Fatalf("after replace: %+v", now)
	}
	// The admin's form still carries the old version: refused, current value shown.
	who2 := f.eligible(t, other, a)
	code, body = other.post("/staff/roster/"+a.Roster+"/assign", slotForm(a, url.Values{"person": {who2}}))
	p, _ := f.store.Person(ctx, who)
	if code != http.StatusConflict || !strings.Contains(body, "保存失败") || !strings.Contains(body, p.Name) || !strings.Contains(body, "editor") {
		t.Fatalf("stale save: %d\n%s", code, body)
	}
	if again, _ := f.store.Assignment(ctx, a.Key()); again.Person != who {
		t.Fatal("a stale save overwrote the newer one")
	}
	// An ineligible person (the one already on duty the same day) is refused with the reason.
	as, _ := f.store.Assignments(ctx, a.Date, a.Date)
	var shadow string
	for _, x := range as {
		if x.Role != a.Role {
			shadow = x.Person
		}
	}
	_, _ = shadow, as
	code, _ = ed.post("/staff/roster/"+a.Roster+"/assign", slotForm(now, url.Values{"person": {"no-such-person"}}))
	if code != http.StatusBadRequest {
		t.Fatalf("person outside the pool: %d", code)
	}
}

func TestPinSwapAndAudit(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	ed := f.loggedIn(t, "editor")
	a := f.duty(t, f.today.AddDays(1))
	if code, body := ed.post("/staff/roster/"+a.Roster+"/pin", slotForm(a, url.Values{"pinned": {"1"}})); code != http.StatusSeeOther {
		t.Fatalf("pin: %d %s", code, body)
	}
	pinned, _ := f.store.Assignment(ctx, a.Key())
	if !pinned.Pinned || pinned.Source != a.Source {
		t.Fatalf("pin: %+v", pinned)
	}
	if code, _ := ed.post("/staff/roster/"+a.Roster+"/pin", slotForm(a, url.Values{"pinned": {"0"}})); code != http.StatusConflict {
		t.Fatalf("stale unpin: %d", code)
	}
	b := f.duty(t, a.Date.AddDays(14))
	other := b.Date.String() + "/" + strconv.Itoa(b.Version)
	code, body := ed.post("/staff/roster/"+a.Roster+"/swap", slotForm(pinned, url.Values{"other": {other}, "force": {"1"}}))
	if code != http.StatusSeeOther {
		t.Fatalf("swap: %d %s", code, body)
	}
	na, _ := f.store.Assignment(ctx, a.Key())
	nb, _ := f.store.Assignment(ctx, b.Key())
	if na.Person != b.Person || nb.Person != a.Person {
		t.Fatalf("swap: %s/%s now %s/%s", a.Person, b.Person, na.Person, nb.Person)
	}

	// absence with replacement, then deletion
	c := f.duty(t, f.today.AddDays(20))
	form := url.Values{"person": {c.Person}, "kind": {"trip"}, "from": {c.Date.String()}, "to": {c.Date.String()}, "reason": {"赴市开会"}}
	code, body = ed.post("/staff/absences/preview", form)
	if code != 200 || !strings.Contains(body, "建议接替") {
		t.Fatalf("absence preview: %d %s", code, body)
	}
	start := strings.Index(body, `name="replace" value="`) + len(`name="replace" value="`)
	form.Set("replace", body[start:start+strings.IndexByte(body[start:], '"')])
	if code, body = ed.post("/staff/absences", form); code != http.StatusSeeOther {
		t.Fatalf("absence apply: %d %s", code, body)
	}
	nc, _ := f.store.Assignment(ctx, c.Key())
	if nc.Person == c.Person {
		t.Fatal("the absent leader is still on duty")
	}
	all, _ := f.store.Absences(ctx, c.Date, c.Date)
	var abs []roster.Absence
	for _, x := range all {
		if x.Person == c.Person {
			abs = append(abs, x)
		}
	}
	if len(abs) != 1 {
		t.Fatalf("absences %v", abs)
	}
	if code, _ := ed.post("/staff/absences/"+strconv.FormatInt(abs[0].ID, 10)+"/delete", nil); code != http.StatusSeeOther {
		t.Fatalf("delete absence: %d", code)
	}

	// Every kind of write is in the audit log under the editor's name.
	log, _ := f.store.AuditLog(ctx, store.AuditFilter{Actor: "editor"})
	kinds := map[string]bool{}
	for _, e := range log {
		kinds[e.Action+" "+e.Entity] = true
	}
	for _, want := range []string{"pin assignment", "update assignment", "create absence", "delete absence", "login session"} {
		if !kinds[want] {
			t.Errorf("no audit entry %q in %v", want, kinds)
		}
	}
	// The page says who by name: the log's ids are for machines.
	p, _ := f.store.Person(ctx, c.Person)
	code, body = ed.get("/staff/audit?actor=editor&entity=absence")
	if code != 200 || !strings.Contains(body, "登记 "+p.Name) || !strings.Contains(body, "删除 "+p.Name) {
		t.Errorf("audit page filter: %d", code)
	}
}

func TestRegeneratePreviewThenApply(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	ed := f.loggedIn(t, "editor")
	// Empty one generated slot: the regeneration must fill it.
	from := f.today.AddDays(1)
	a := f.duty(t, from)
	if _, n, err := f.store.SaveGenerated(ctx, nil, []roster.Key{a.Key()}, "test"); err != nil || n != 1 {
		t.Fatalf("remove: %d %v", n, err)
	}
	before, _ := f.store.Assignments(ctx, from, from.AddDays(30))
	code, body := ed.get("/staff/regenerate?preview=1&from=" + from.String() + "&to=" + from.AddDays(30).String())
	if code != 200 {
		t.Fatalf("preview: %d %s", code, body)
	}
	after, _ := f.store.Assignments(ctx, from, from.AddDays(30))
	if len(before) != len(after) {
		t.Fatal("preview wrote to the database")
	}
	i := strings.Index(body, `name="fingerprint" value="`)
	if i < 0 || !strings.Contains(body, "（空缺）") {
		t.Fatalf("preview does not offer to fill the empty slot:\n%s", body)
	}
	fp := body[i+len(`name="fingerprint" value="`):]
	fp = fp[:strings.IndexByte(fp, '"')]
	form := url.Values{"from": {from.String()}, "to": {from.AddDays(30).String()}, "fingerprint": {"stale"}}
	if code, _ := ed.post("/staff/regenerate", form); code != http.StatusConflict {
		t.Fatalf("stale fingerprint: %d", code)
	}
	form.Set("fingerprint", fp)
	if code, body := ed.post("/staff/regenerate", form); code != http.StatusSeeOther {
		t.Fatalf("apply: %d %s", code, body)
	}
	if _, err := f.store.Assignment(ctx, a.Key()); err != nil {
		t.Fatalf("the empty slot was not filled: %v", err)
	}
}

func TestAssignmentAPIConflict(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	secret, hash := newTokenFor(t, f, "editor")
	_ = hash
	a := f.duty(t, f.today.AddDays(1))
	ed := f.loggedIn(t, "editor")
	who := f.eligible(t, ed, a)
	put := func(body string) (int, string) {
		resp, err := http.DefaultClient.Do(assignmentPut(f, secret, a.Key(), body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := put(`{"person":"` + who + `","version":` + strconv.Itoa(a.Version) + `,"pinned":true}`)
	if code != 200 {
		t.Fatalf("put: %d %s", code, body)
	}
	var got store.StoredAssignment
	decodeJSON(t, body, &got)
	if got.Person != who || !got.Pinned || got.Version != a.Version+1 {
		t.Fatalf("put returned %+v", got)
	}
	code, body = put(`{"person":"` + a.Person + `","version":` + strconv.Itoa(a.Version) + `}`)
	if code != http.StatusConflict {
		t.Fatalf("stale put: %d %s", code, body)
	}
	var conflict struct {
		Error   struct{ Code, Message string }
		Current store.StoredAssignment
	}
	decodeJSON(t, body, &conflict)
	if conflict.Error.Code != "conflict" || conflict.Current.Person != who || conflict.Current.Version != got.Version {
		t.Fatalf("conflict body: %s", body)
	}
	if now, _ := f.store.Assignment(ctx, a.Key()); now.Person != who {
		t.Fatal("stale put overwrote")
	}
}

func newTokenFor(t *testing.T, f *staffFixture, user string) (string, string) {
	t.Helper()
	secret, hash := auth.NewToken()
	if _, err := f.store.CreateAPIToken(context.Background(), user, hash, "test", "test"); err != nil {
		t.Fatal(err)
	}
	return secret, hash
}

// assignmentPut is PUT /api/v1/assignments/{roster}/{date}/{role} with a bearer token.
func assignmentPut(f *staffFixture, token string, k roster.Key, body string) *http.Request {
	req, _ := http.NewRequest(http.MethodPut, f.srv.URL+"/api/v1/assignments/"+k.Roster+"/"+k.Date.String()+"/"+url.PathEscape(k.Role), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

// A swap that breaks a rule (here: the other day's leader is away on this
// day) is refused with the reasons and a confirmation box; confirmed, it is
// saved, but the broken duty cannot then be pinned.
func TestSwapThatBreaksARuleNeedsConfirmation(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	ed := f.loggedIn(t, "editor")
	a := f.duty(t, f.today.AddDays(2))
	b := f.duty(t, a.Date.AddDays(7))
	if _, err := f.store.AddAbsence(ctx, roster.Absence{Person: b.Person, Kind: roster.Trip, From: a.Date, To: a.Date}, "test"); err != nil {
		t.Fatal(err)
	}
	other := b.Date.String() + "/" + strconv.Itoa(b.Version)
	code, body := ed.post("/staff/roster/"+a.Roster+"/swap", slotForm(a, url.Values{"other": {other}}))
	if code != http.StatusConflict || !strings.Contains(body, "交换后违反排班规则") || !strings.Contains(body, `name="force"`) || !strings.Contains(body, "出差") {
		t.Fatalf("unconfirmed swap: %d\n%s", code, body)
	}
	if now, _ := f.store.Assignment(ctx, a.Key()); now.Person != a.Person {
		t.Fatal("an unconfirmed swap was saved")
	}
	if code, body := ed.post("/staff/roster/"+a.Roster+"/swap", slotForm(a, url.Values{"other": {other}, "force": {"1"}})); code != http.StatusSeeOther {
		t.Fatalf("confirmed swap: %d %s", code, body)
	}
	now, _ := f.store.Assignment(ctx, a.Key())
	if now.Person != b.Person {
		t.Fatalf("confirmed swap not saved: %s", now.Person)
	}
	// A duty that breaks a rule cannot be pinned: repair could never move it.
	if code, body := ed.post("/staff/roster/"+a.Roster+"/pin", slotForm(now, url.Values{"pinned": {"1"}})); code != http.StatusConflict || !strings.Contains(body, "不能固定") {
		t.Fatalf("pin of a broken duty: %d\n%s", code, body)
	}
}

// Recording an absence with replacements is one transaction: a duty changed
// since the preview aborts it (409, nothing recorded, the fresh preview
// shown), and the same absence twice is refused on the form.
func TestAbsenceApplyRefusals(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	ed := f.loggedIn(t, "editor")
	c := f.duty(t, f.today.AddDays(3))
	form := url.Values{"person": {c.Person}, "kind": {"leave"}, "from": {c.Date.String()}, "to": {c.Date.String()}}
	_, body := ed.post("/staff/absences/preview", form)
	start := strings.Index(body, `name="replace" value="`) + len(`name="replace" value="`)
	form.Set("replace", body[start:start+strings.IndexByte(body[start:], '"')])
	// Someone pins the duty meanwhile: its version moves on.
	if _, err := f.store.SetPinned(ctx, c.Key(), c.Version, true, "admin"); err != nil {
		t.Fatal(err)
	}
	code, body := ed.post("/staff/absences", form)
	if code != http.StatusConflict || !strings.Contains(body, "预览之后有班次已被他人修改") {
		t.Fatalf("stale replacement: %d\n%s", code, body)
	}
	if abs, _ := f.store.Absences(ctx, c.Date, c.Date); len(abs) != 0 && abs[len(abs)-1].Person == c.Person {
		t.Fatal("the absence was recorded although its replacement failed")
	}
	form.Del("replace")
	if code, body := ed.post("/staff/absences", form); code != http.StatusSeeOther {
		t.Fatalf("absence without replacement: %d %s", code, body)
	}
	if code, body := ed.post("/staff/absences", form); code != http.StatusBadRequest || !strings.Contains(body, "已登记过") {
		t.Fatalf("the same absence twice: %d\n%s", code, body)
	}
}
