package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhiban/auth"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

// Invented visitor data that must show only masked unless revealed.
const (
	deskName  = "欧阳来访"
	deskID    = "11010519491231002X"
	deskPhone = "13912345678"
)

// openDesk opens today's 开门接访 sessions as the morning follow-ups do and
// returns today's desk.
func (f *staffFixture) openDesk(t *testing.T) service.DeskDay {
	t.Helper()
	ctx := context.Background()
	svc := service.New(f.store, testConfig(t, nil), nil)
	err := f.store.WithTx(ctx, func(tx *store.Store) error {
		e, err := service.NewEnv(ctx, tx, svc.Config(), f.today, "test", service.Outbox{Job: "test", Period: f.today.String()})
		if err != nil {
			return err
		}
		_, err = service.OpenReceptions(ctx, e)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	day, err := svc.Desk(ctx, service.Call{Actor: "test", Now: f.clock()}, 0)
	if err != nil || len(day.Sessions) == 0 {
		t.Fatalf("no session today: %+v %v", day, err)
	}
	return day
}

// deskForm is a registration of the invented visitor at session.
func deskForm(session int64) url.Values {
	return url.Values{"session": {fmt.Sprint(session)}, "visitor.name": {deskName}, "visitor.id_number": {deskID},
		"visitor.phone": {deskPhone}, "visitor.address": {"保密路1号"}, "township": {"t01"}, "group_size": {"1"},
		"matter": {"解放路拆迁补偿款至今未发放，要求按协议兑现"}, "category": {"征地拆迁"}}
}

var deskRegID = regexp.MustCompile(`id="r(\d+)"`)

// TestDeskPageFlow registers, links a repeat, receives and finishes at the
// desk page with forms alone, as an editor; a viewer reads but cannot write.
func TestDeskPageFlow(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t)
	day := f.openDesk(t)
	s := day.Sessions[0]
	ed := f.loggedIn(t, "editor")

	code, body := ed.get("/staff/desk")
	if code != http.StatusOK {
		t.Fatalf("desk: %d", code)
	}
	mustContain(t, "desk", body, "值班领导", s.LeaderName, "跟班领导", `name="visitor.name"`, "autofocus", `action="/staff/desk/registrations"`)
	for _, field := range []string{"visitor.name", "visitor.id_number", "visitor.phone", "visitor.address", "township", "group_size",
		"representatives", "matter", "category", "skipped_level", "case_code"} {
		// every field sits in its label
		i := strings.Index(body, `name="`+field+`"`)
		open := strings.LastIndex(body[:max(i, 0)], "<label")
		if i < 0 || open < 0 || strings.Contains(body[open:i], "</label>") {
			t.Errorf("field %s has no label", field)
		}
	}

	// Register: back on the desk with the queue number; the ID is masked.
	code, body = ed.post("/staff/desk/registrations", deskForm(s.Visit.ID))
	if code != http.StatusSeeOther {
		t.Fatalf("register: %d %s", code, body)
	}
	_, body = ed.get("/staff/desk")
	mustContain(t, "queue", body, deskName, "1101**********002X", "139****5678", "等候", "已等 0 分钟")
	if strings.Contains(body, deskID) || strings.Contains(body, deskPhone) {
		t.Fatal("the desk shows the full ID number or phone")
	}
	first := deskRegID.FindStringSubmatch(body)[1]

	// The same person again: the repeat list, with the typed values kept.
	again := deskForm(s.Visit.ID)
	again.Set("matter", "孩子入学问题")
	again.Set("category", "其他")
	again.Set("visitor.address", "新住址8号")
	code, body = ed.post("/staff/desk/registrations", again)
	if code != http.StatusConflict {
		t.Fatalf("repeat: %d", code)
	}
	mustContain(t, "repeat", body, "可能重复的信访", "关联此次来访", "确认为新事项", `name="repeat_of" value="`+first+`"`,
		">孩子入学问题</textarea>", `value="新住址8号"`, `value="`+deskID+`"`)
	if n := strings.Count(body, "<option value=\"其他\" selected>"); n != 1 {
		t.Errorf("typed category not kept (%d)", n)
	}
	// Linking sends the same form with repeat_of.
	again.Set("repeat_of", first)
	if code, body = ed.post("/staff/desk/registrations", again); code != http.StatusSeeOther {
		t.Fatalf("link: %d %s", code, body)
	}
	_, body = ed.get("/staff/desk")
	mustContain(t, "linked", body, "重复信访")

	// Start with the 跟班领导 when there is one, and finish with 交办: a case.
	leader := s.Visit.Leader
	if s.Visit.Shadow != "" {
		leader = s.Visit.Shadow
	}
	reg := f.registration(t, first)
	if code, body = ed.post("/staff/desk/registrations/"+first+"/start", url.Values{"version": {fmt.Sprint(reg.Version)}, "leader": {leader}}); code != http.StatusSeeOther {
		t.Fatalf("start: %d %s", code, body)
	}
	reg = f.registration(t, first)
	// A refused finish keeps what was typed in that card's form.
	code, body = ed.post("/staff/desk/registrations/"+first+"/finish", url.Values{"version": {fmt.Sprint(reg.Version)}, "outcome": {"rejected"}, "title": {"留着的标题"}})
	if code != http.StatusBadRequest {
		t.Fatalf("finish without a reason: %d", code)
	}
	mustContain(t, "refused finish", body, "不予受理须说明理由", `value="留着的标题"`, `<option value="rejected" selected>`)
	code, body = ed.post("/staff/desk/registrations/"+first+"/finish", url.Values{"version": {fmt.Sprint(reg.Version)}, "outcome": {"handed"}, "title": {"拆迁补偿款未发放"}})
	if code != http.StatusSeeOther {
		t.Fatalf("finish: %d %s", code, body)
	}
	reg = f.registration(t, first)
	if reg.State != visits.DeskDone || reg.Case == 0 || reg.ReceivedBy != leader {
		t.Fatalf("finished: %+v", reg)
	}
	_, body = ed.get("/staff/desk")
	mustContain(t, "done", body, fmt.Sprintf(`href="/staff/cases/%d"`, reg.Case), "（去交办）", "已接待")
	k, err := f.store.Case(context.Background(), reg.Case)
	if err != nil || k.Title != "拆迁补偿款未发放" || k.State != visits.StateAccepted {
		t.Fatalf("case: %+v %v", k, err)
	}

	// Reveal: a POST that shows the full numbers once and is audited; never a GET.
	code, body = ed.post("/staff/desk/registrations/"+first+"/reveal", nil)
	if code != http.StatusOK || !strings.Contains(body, deskID) || !strings.Contains(body, deskPhone) {
		t.Fatalf("reveal: %d", code)
	}
	if code, _ := ed.get("/staff/desk/registrations/" + first + "/reveal"); code != http.StatusMethodNotAllowed && code != http.StatusNotFound {
		t.Errorf("GET reveal: %d", code)
	}
	log, err := f.store.AuditLog(context.Background(), store.AuditFilter{Entity: "desk_visit"})
	if err != nil {
		t.Fatal(err)
	}
	revealed := false
	for _, e := range log {
		revealed = revealed || e.Action == "reveal" && e.Actor == "editor"
		if strings.Contains(e.Before+e.After, deskPhone[3:7]) || strings.Contains(e.Before+e.After, deskName) {
			t.Fatalf("the audit log holds visitor data: %+v", e)
		}
	}
	if !revealed {
		t.Fatal("reveal not audited")
	}

	// A viewer reads the desk without forms or reveal buttons, and cannot write.
	viewer := f.loggedIn(t, "viewer")
	_, body = viewer.get("/staff/desk")
	mustContain(t, "viewer desk", body, deskName, "1101**********002X")
	if strings.Contains(body, `action="/staff/desk/registrations"`) || strings.Contains(body, "/reveal") || strings.Contains(body, "/start") {
		t.Error("a viewer is offered the desk's forms")
	}
	for _, path := range []string{"/staff/desk/registrations", "/staff/desk/registrations/" + first + "/reveal", "/staff/desk/registrations/" + first + "/start"} {
		if code, _ := viewer.post(path, deskForm(s.Visit.ID)); code != http.StatusForbidden {
			t.Errorf("viewer POST %s: %d", path, code)
		}
	}
	// Without the CSRF token an editor's form is refused.
	noCSRF := deskForm(s.Visit.ID)
	noCSRF.Set("csrf", "")
	if code, _ := ed.post("/staff/desk/registrations", noCSRF); code != http.StatusForbidden {
		t.Errorf("POST without CSRF: %d", code)
	}
	// Another day's desk is read-only.
	_, body = ed.get("/staff/desk?date=" + f.today.AddDays(-1).String())
	if strings.Contains(body, `action="/staff/desk/registrations"`) {
		t.Error("yesterday's desk offers the registration form")
	}
}

func (f *staffFixture) registration(t *testing.T, id string) visits.Registration {
	t.Helper()
	var n int64
	fmt.Sscan(id, &n)
	r, err := f.store.Registration(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDeskFollowsRosterEdit: replacing today's 值班领导 on the staff roster
// page shows the new leader on the desk at once.
func TestDeskFollowsRosterEdit(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t)
	day := f.openDesk(t)
	ed := f.loggedIn(t, "editor")
	a := f.duty(t, f.today)
	if a.Date != f.today || day.Sessions[0].Visit.Leader != a.Person {
		t.Fatalf("today's duty %+v, session %+v", a, day.Sessions[0].Visit)
	}
	who := f.eligible(t, ed, a)
	if code, body := ed.post("/staff/roster/"+a.Roster+"/assign", slotForm(a, url.Values{"person": {who}})); code != http.StatusSeeOther {
		t.Fatalf("assign: %d %s", code, body)
	}
	p, err := f.store.Person(context.Background(), who)
	if err != nil {
		t.Fatal(err)
	}
	_, body := ed.get("/staff/desk")
	mustContain(t, "desk after the edit", body, `<strong class="desk-leader">`+p.Name+`</strong>`)
	if n := strings.Count(body, `<strong class="desk-leader">`); n != 1 {
		t.Errorf("%d sessions shown, want the new leader's only", n)
	}
}

// deskAPI sends JSON with a staff API token.
func deskAPI(t *testing.T, f *staffFixture, method, path, token string, body any) (int, map[string]any, string) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		r = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, r)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, raw := roundTrip(t, http.DefaultClient, req)
	var m map[string]any
	json.Unmarshal(raw, &m)
	return resp.StatusCode, m, string(raw)
}

// apiTokens gives the fixture's editor and viewer API tokens.
func (f *staffFixture) apiTokens(t *testing.T) (editor, viewer string) {
	t.Helper()
	for _, name := range []string{"editor", "viewer"} {
		secret, hash := auth.NewToken()
		if _, err := f.store.CreateAPIToken(context.Background(), name, hash, "test", "test"); err != nil {
			t.Fatal(err)
		}
		if name == "editor" {
			editor = secret
		} else {
			viewer = secret
		}
	}
	return editor, viewer
}

func deskBody(session int64) map[string]any {
	return map[string]any{"session": session, "visitor": map[string]any{"name": deskName, "id_number": deskID, "phone": deskPhone},
		"township": "t02", "matter": "企业拖欠工资三个月，要求支付", "category": "劳资"}
}

func TestDeskAPI(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t)
	s := f.openDesk(t).Sessions[0]
	ed, viewer := f.apiTokens(t)

	code, m, raw := deskAPI(t, f, "POST", "/api/v1/desk/registrations", ed, deskBody(s.Visit.ID))
	if code != http.StatusCreated {
		t.Fatalf("register: %d %s", code, raw)
	}
	r := m["registration"].(map[string]any)
	id := num(r["id"])
	if num(r["number"]) != 1 || r["state"] != "waiting" || r["visitor"].(map[string]any)["id_number"] != "1101**********002X" ||
		strings.Contains(raw, deskPhone) {
		t.Fatalf("registered: %s", raw)
	}
	// The same person: a 409 listing the match; /repeats finds it without saving.
	code, m, raw = deskAPI(t, f, "POST", "/api/v1/desk/registrations", ed, deskBody(s.Visit.ID))
	if code != http.StatusConflict || m["error"].(map[string]any)["code"] != "possible_repeat" || strings.Contains(raw, deskID) {
		t.Fatalf("repeat: %d %s", code, raw)
	}
	if regs := m["error"].(map[string]any)["conflicts"].(map[string]any)["registrations"].([]any); len(regs) != 1 || num(regs[0].(map[string]any)["id"]) != id {
		t.Fatalf("repeat matches: %s", raw)
	}
	code, m, raw = deskAPI(t, f, "POST", "/api/v1/desk/repeats", ed, deskBody(s.Visit.ID))
	if code != http.StatusOK || len(m["registrations"].([]any)) != 1 {
		t.Fatalf("repeats: %d %s", code, raw)
	}
	linked := deskBody(s.Visit.ID)
	linked["repeat_of"] = id
	if code, _, raw = deskAPI(t, f, "POST", "/api/v1/desk/registrations", ed, linked); code != http.StatusCreated || !strings.Contains(raw, `"repeat":true`) {
		t.Fatalf("linked: %d %s", code, raw)
	}

	path := fmt.Sprintf("/api/v1/desk/registrations/%d", id)
	code, m, raw = deskAPI(t, f, "GET", path, viewer, nil)
	if code != http.StatusOK || strings.Contains(raw, deskID) {
		t.Fatalf("read: %d %s", code, raw)
	}
	version := num(m["registration"].(map[string]any)["version"])
	// A viewer reads but never writes or reveals.
	for _, p := range []string{"/api/v1/desk/registrations", "/api/v1/desk/repeats", path + "/start", path + "/finish", path + "/reveal"} {
		if code, _, raw := deskAPI(t, f, "POST", p, viewer, deskBody(s.Visit.ID)); code != http.StatusForbidden {
			t.Errorf("viewer POST %s: %d %s", p, code, raw)
		}
	}
	code, m, raw = deskAPI(t, f, "POST", path+"/start", ed, map[string]any{"version": version})
	if code != http.StatusOK || m["registration"].(map[string]any)["received_by"] != s.Visit.Leader {
		t.Fatalf("start: %d %s", code, raw)
	}
	version = num(m["registration"].(map[string]any)["version"])
	code, m, raw = deskAPI(t, f, "POST", path+"/finish", ed, map[string]any{"version": version, "outcome": "solved", "note": "当场协调企业支付"})
	if code != http.StatusOK || m["registration"].(map[string]any)["state"] != "done" {
		t.Fatalf("finish: %d %s", code, raw)
	}
	code, m, raw = deskAPI(t, f, "POST", path+"/reveal", ed, nil)
	if code != http.StatusOK || m["id_number"] != deskID || m["phone"] != deskPhone {
		t.Fatalf("reveal: %d %s", code, raw)
	}
	code, m, raw = deskAPI(t, f, "GET", "/api/v1/desk?date="+f.today.String(), viewer, nil)
	if code != http.StatusOK || strings.Contains(raw, deskID) || strings.Contains(raw, deskPhone) {
		t.Fatalf("desk: %d %s", code, raw)
	}
	sess := m["sessions"].([]any)[0].(map[string]any)
	if sess["leader_name"] != s.LeaderName || num(sess["done"]) != 1 || num(sess["waiting"]) != 1 {
		t.Fatalf("desk sessions: %s", raw)
	}
	if code, _, _ := deskAPI(t, f, "GET", "/api/v1/desk?date=2026-13-01", viewer, nil); code != http.StatusBadRequest {
		t.Errorf("bad date: %d", code)
	}
	if code, _, _ := deskAPI(t, f, "GET", "/api/v1/desk/registrations/99999", viewer, nil); code != http.StatusNotFound {
		t.Errorf("unknown registration: %d", code)
	}
}

// TestDeskHostileInput: invalid UTF-8, over-long fields, 10,000
// representatives and an oversize body are refused with a 4xx, over the API
// and the form, and nothing is saved.
func TestDeskHostileInput(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t)
	s := f.openDesk(t).Sessions[0]
	ed, _ := f.apiTokens(t)
	many := make([]string, 10000)
	for i := range many {
		many[i] = "代表"
	}
	for name, edit := range map[string]func(map[string]any){
		"invalid utf-8 name": func(b map[string]any) { b["visitor"].(map[string]any)["name"] = "a\xffb" },
		"over-long name":     func(b map[string]any) { b["visitor"].(map[string]any)["name"] = strings.Repeat("名", 500) },
		"over-long id":       func(b map[string]any) { b["visitor"].(map[string]any)["id_number"] = strings.Repeat("1", 500) },
		"over-long matter":   func(b map[string]any) { b["matter"] = strings.Repeat("事", 60_000) },
		"10000 reps":         func(b map[string]any) { b["group_size"] = 10000; b["representatives"] = many },
		"huge group":         func(b map[string]any) { b["group_size"] = 1 << 40 },
		"control chars":      func(b map[string]any) { b["township"] = "t01\x00" },
	} {
		b := deskBody(s.Visit.ID)
		edit(b)
		raw, _ := json.Marshal(b)
		raw = bytes.ReplaceAll(raw, []byte(`a\ufffdb`), []byte("a\xffb")) // send the invalid byte itself
		code, _, body := deskAPI(t, f, "POST", "/api/v1/desk/registrations", ed, raw)
		if code < 400 || code >= 500 || strings.Contains(body, deskID) {
			t.Errorf("%s: %d %s", name, code, excerptOf(body))
		}
	}
	code, _, body := deskAPI(t, f, "POST", "/api/v1/desk/registrations", ed, `{"session":1,"matter":"`+strings.Repeat("长", (1<<20)/3+1)+`"}`)
	if code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize body: %d %s", code, excerptOf(body))
	}

	c := f.loggedIn(t, "editor")
	for name, edit := range map[string]func(url.Values){
		"invalid utf-8": func(v url.Values) { v.Set("visitor.name", "a\xffb") },
		"over-long":     func(v url.Values) { v.Set("visitor.address", strings.Repeat("址", 5000)) },
		"10000 reps":    func(v url.Values) { v.Set("group_size", "10000"); v.Set("representatives", strings.Join(many, "、")) },
		"10000 fields":  func(v url.Values) { v.Set("group_size", "10000"); v["representatives"] = many },
		"bad session":   func(v url.Values) { v.Set("session", "x") },
		"bad repeat":    func(v url.Values) { v.Set("repeat_of", "-1") },
	} {
		v := deskForm(s.Visit.ID)
		edit(v)
		code, body := c.post("/staff/desk/registrations", v)
		if name == "10000 fields" && code == http.StatusForbidden {
			continue // net/url refuses more than 10,000 form fields, so the CSRF token is not read either
		}
		if code != http.StatusBadRequest || !strings.Contains(body, `class="error"`) {
			t.Errorf("form %s: %d %s", name, code, excerptOf(body))
		}
	}
	if rs, err := f.store.Registrations(context.Background(), store.RegistrationFilter{}); err != nil || len(rs) != 0 {
		t.Fatalf("hostile input saved %d registrations: %v", len(rs), err)
	}
}

func excerptOf(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// deskWithQueue opens today's desk with one visit in each state (once), for the golden page.
func deskWithQueue(t *testing.T, f *staffFixture) string {
	t.Helper()
	ctx := context.Background()
	if rs, err := f.store.Registrations(ctx, store.RegistrationFilter{From: f.today, To: f.today}); err != nil || len(rs) > 0 {
		return "/staff/desk"
	}
	s := f.openDesk(t).Sessions[0]
	svc := service.New(f.store, testConfig(t, nil), nil)
	call := service.Call{Actor: "editor", Now: f.clock().Add(-40 * 60e9)}
	in := service.RegistrationInput{Session: s.Visit.ID, Visitor: visits.Visitor{Name: deskName, IDNumber: deskID, Phone: deskPhone},
		Township: "t01", Matter: "解放路拆迁补偿款至今未发放，要求按协议兑现", Category: "征地拆迁", GroupSize: 7, Representatives: []string{"代表甲", "代表乙"}}
	done, err := svc.RegisterVisit(ctx, call, in)
	if err != nil {
		t.Fatal(err)
	}
	in.RepeatOf, in.GroupSize, in.Representatives = done.ID, 1, nil
	if _, err := svc.RegisterVisit(ctx, call, in); err != nil {
		t.Fatal(err)
	}
	other := service.RegistrationInput{Session: s.Visit.ID, Visitor: visits.Visitor{Name: "路某某"}, Township: "t05",
		Matter: "村道硬化施工扬尘", Category: "环境", SkippedLevel: true}
	receiving, err := svc.RegisterVisit(ctx, call, other)
	if err != nil {
		t.Fatal(err)
	}
	call.Now = f.clock().Add(-10 * 60e9)
	if done, err = svc.StartReception(ctx, call, done.ID, service.DeskAct{Leader: s.Visit.Shadow}); err != nil {
		t.Fatal(err)
	}
	if _, err = svc.FinishReception(ctx, call, done.ID, service.DeskAct{Outcome: visits.OutcomeHanded}); err != nil {
		t.Fatal(err)
	}
	if _, err = svc.StartReception(ctx, call, receiving.ID, service.DeskAct{}); err != nil {
		t.Fatal(err)
	}
	seedDeskBookings(t, f.store, f.today)
	return "/staff/desk"
}

// TestDeskShowsOverdueHandovers: a unit holding a handed-over case past its
// due date is named on today's desk, with the case's code and no visitor data.
func TestDeskShowsOverdueHandovers(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t)
	s := f.openDesk(t).Sessions[0]
	ctx := context.Background()
	svc := service.New(f.store, testConfig(t, nil), nil)
	call := service.Call{Actor: "editor", Now: f.clock()}
	r, err := svc.RegisterVisit(ctx, call, service.RegistrationInput{Session: s.Visit.ID, Visitor: visits.Visitor{Name: deskName, Phone: deskPhone},
		Township: "t02", Matter: "企业拖欠工资", Category: "劳资"})
	if err != nil {
		t.Fatal(err)
	}
	if r, err = svc.FinishReception(ctx, call, r.ID, service.DeskAct{Outcome: visits.OutcomeHanded}); err != nil {
		t.Fatal(err)
	}
	h, err := svc.HandOver(ctx, call, r.Case, service.HandoverInput{Unit: "d02", Due: f.today.AddDays(2)})
	if err != nil {
		t.Fatal(err)
	}
	c := f.loggedIn(t, "viewer")
	if _, body := c.get("/staff/desk"); strings.Contains(body, "交办超期") {
		t.Fatal("a handover not yet due shown as overdue")
	}
	f.advance(5 * 24 * 60 * 60e9)
	c = f.loggedIn(t, "viewer") // the session has expired
	_, body := c.get("/staff/desk")
	mustContain(t, "overdue on the desk", body, "交办超期的责任单位", h.UnitName, "1 件超期", fmt.Sprintf(`href="/staff/cases/%d">%s<`, r.Case, r.CaseCode))
	if strings.Contains(body, deskName) {
		t.Error("the desk of a later day shows the visitor")
	}
}

// deskParityRows register, receive and finish at the desk through the API
// and the desk page's forms alike.
func deskParityRows() []parityRow {
	// open opens today's session, and registers the invented visitor when register is set.
	open := func(register bool) func(*testing.T, *parityEnv) {
		return func(t *testing.T, e *parityEnv) {
			ctx := context.Background()
			svc := service.New(e.st, testConfig(t, nil), nil)
			today := roster.MustDate(parityToday)
			err := e.st.WithTx(ctx, func(tx *store.Store) error {
				env, err := service.NewEnv(ctx, tx, svc.Config(), today, "test", service.Outbox{Job: "test", Period: parityToday})
				if err != nil {
					return err
				}
				_, err = service.OpenReceptions(ctx, env)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if register {
				in := service.RegistrationInput{Session: deskSession(t, e), Visitor: visits.Visitor{Name: deskName, IDNumber: deskID, Phone: deskPhone},
					Township: "t02", Matter: "企业拖欠工资三个月，要求支付", Category: "劳资"}
				if _, err := svc.RegisterVisit(ctx, service.Call{Actor: "other", Now: e.st.Now()}, in); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	register := func(name string, status int, field string, setup func(*testing.T, *parityEnv), edit func(map[string]any, url.Values)) parityRow {
		return parityRow{name: name, status: status, field: field, setup: setup,
			api: func(t *testing.T, e *parityEnv) parityReq {
				b := deskBody(deskSession(t, e))
				edit(b, nil)
				return parityReq{"POST", "/api/v1/desk/registrations", b}
			},
			form: func(t *testing.T, e *parityEnv) parityReq {
				f := deskForm(deskSession(t, e))
				f.Set("township", "t02")
				f.Set("matter", "企业拖欠工资三个月，要求支付")
				f.Set("category", "劳资")
				f.Del("visitor.address")
				edit(nil, f)
				return parityReq{"POST", "/staff/desk/registrations", f}
			}}
	}
	// act moves the registration setup made, with its current version.
	act := func(name string, status int, field, path string, setup func(*testing.T, *parityEnv), body map[string]string) parityRow {
		reg := func(t *testing.T, e *parityEnv) visits.Registration {
			rs, err := e.st.Registrations(context.Background(), store.RegistrationFilter{})
			if err != nil || len(rs) != 1 {
				t.Fatalf("registrations: %v %v", rs, err)
			}
			return rs[0]
		}
		return parityRow{name: name, status: status, field: field, setup: setup,
			api: func(t *testing.T, e *parityEnv) parityReq {
				r := reg(t, e)
				b := map[string]any{"version": r.Version}
				for k, v := range body {
					b[k] = v
				}
				return parityReq{"POST", fmt.Sprintf("/api/v1/desk/registrations/%d/%s", r.ID, path), b}
			},
			form: func(t *testing.T, e *parityEnv) parityReq {
				r := reg(t, e)
				f := url.Values{"version": {fmt.Sprint(r.Version)}}
				for k, v := range body {
					f.Set(k, v)
				}
				return parityReq{"POST", fmt.Sprintf("/staff/desk/registrations/%d/%s", r.ID, path), f}
			}}
	}
	started := func(t *testing.T, e *parityEnv) {
		open(true)(t, e)
		rs, _ := e.st.Registrations(context.Background(), store.RegistrationFilter{})
		svc := service.New(e.st, testConfig(t, nil), nil)
		if _, err := svc.StartReception(context.Background(), service.Call{Actor: "other", Now: e.st.Now()}, rs[0].ID, service.DeskAct{}); err != nil {
			t.Fatal(err)
		}
	}
	return []parityRow{
		register("desk: register a visit", http.StatusCreated, "", open(false), func(map[string]any, url.Values) {}),
		register("desk: register without a township", http.StatusBadRequest, "township", open(false), func(b map[string]any, f url.Values) {
			if b != nil {
				delete(b, "township")
			} else {
				f.Del("township")
			}
		}),
		register("desk: a possible repeat is shown, nothing saved", http.StatusConflict, "", open(true), func(map[string]any, url.Values) {}),
		register("desk: 确认为新事项 saves a possible repeat", http.StatusCreated, "", open(true), func(b map[string]any, f url.Values) {
			if b != nil {
				b["not_repeat"] = true
			} else {
				f.Set("not_repeat", "1")
			}
		}),
		act("desk: start with the 跟班领导", http.StatusOK, "", "start", open(true), map[string]string{"leader": "D01"}),
		act("desk: start with someone else", http.StatusBadRequest, "leader", "start", open(true), map[string]string{"leader": "L05"}),
		act("desk: finish with 交办", http.StatusOK, "", "finish", started, map[string]string{"outcome": "handed", "title": "拖欠工资"}),
		act("desk: refuse without a reason", http.StatusBadRequest, "outcome_note", "finish", started, map[string]string{"outcome": "rejected"}),
	}
}

// deskSession is the id of today's first 开门接访 session in e.
func deskSession(t *testing.T, e *parityEnv) int64 {
	t.Helper()
	vs, err := e.st.Visits(context.Background(), store.VisitFilter{Kind: visits.KindOpen, From: roster.MustDate(parityToday), To: roster.MustDate(parityToday)})
	if err != nil || len(vs) == 0 {
		t.Fatalf("no session on %s: %v", parityToday, err)
	}
	return vs[0].ID
}
