package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
)

// signinPath is the sign-in page of a's person for a's duty.
func signinPath(t *testing.T, st *store.Store, a store.StoredAssignment) string {
	t.Helper()
	link, err := service.SigninLink(context.Background(), st, "", a.Key(), a.Person)
	if err != nil {
		t.Fatal(err)
	}
	return link
}

// The leader's own link: no login, a button (a GET signs nobody in), 已签到
// with the time, already signed on a second visit, and polite Chinese 4xx for
// a forged link and on another day.
func TestSigninPage(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	duty := f.duty(t, f.today)
	if duty.Date != f.today {
		t.Fatalf("the fixture's day %s has no duty", f.today)
	}
	name := personName(t, f.store, duty.Person)
	path := signinPath(t, f.store, duty)
	tok, _ := url.ParseQuery(strings.TrimPrefix(path, "/signin?"))
	anon := f.client(t)

	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	code, body, h := anon.do(req)
	if code != http.StatusOK || !strings.Contains(body, name) || !strings.Contains(body, "确认到岗签到") || strings.Contains(body, "已签到") {
		t.Fatalf("GET: %d\n%s", code, body)
	}
	if h.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", h.Get("Cache-Control"))
	}
	if as, _ := f.store.Attendance(ctx, f.today, f.today); len(as) != 0 {
		t.Fatalf("a GET signed in: %+v", as)
	}
	code, body = anon.post("/signin", url.Values{"t": tok["t"]})
	if code != http.StatusOK || !strings.Contains(body, "已签到：09:00") {
		t.Fatalf("POST: %d\n%s", code, body)
	}
	f.advance(30 * time.Minute)
	code, body = anon.post("/signin", url.Values{"t": tok["t"]})
	if code != http.StatusOK || !strings.Contains(body, "您已于 09:00 签到") {
		t.Fatalf("second POST: %d\n%s", code, body)
	}

	forged := tok.Get("t")
	forged = forged[:len(forged)-3] + "abc"
	for _, c := range []struct {
		name, path string
		want       string
	}{
		{"forged", "/signin?t=" + url.QueryEscape(forged), "签到链接无效"},
		{"no token", "/signin", "签到链接无效"},
	} {
		code, body := anon.get(c.path)
		if code != http.StatusForbidden || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d\n%s", c.name, code, body)
		}
	}
	code, body = anon.post("/signin", url.Values{"t": {forged}})
	if code != http.StatusForbidden || !strings.Contains(body, "签到链接无效") {
		t.Errorf("forged POST: %d\n%s", code, body)
	}
	// The next day the link is spent.
	f.advance(24 * time.Hour)
	code, body = anon.get(path)
	if code != http.StatusForbidden || !strings.Contains(body, "已过期") {
		t.Errorf("next day: %d\n%s", code, body)
	}
}

func personName(t *testing.T, st *store.Store, id string) string {
	t.Helper()
	p, err := st.Person(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Name
}

// The desk marks a leader 已到岗 on the slot page and takes a mistake back;
// the grid, the slot page, the API and the audit log show it.
func TestStaffMarksAttendance(t *testing.T) {
	f := newStaffFixture(t)
	editor := f.loggedIn(t, "editor")
	viewer := f.loggedIn(t, "viewer")
	duty := f.duty(t, f.today)
	var follow store.StoredAssignment
	as, _ := f.store.Assignments(context.Background(), f.today, f.today)
	for _, a := range as {
		if a.Roster == duty.Roster && a.Role == "跟班领导" {
			follow = a
		}
	}
	if follow.Person == "" {
		t.Fatal("no 跟班领导 today")
	}
	slot := "/staff/roster/" + follow.Roster + "/slot?date=" + follow.Date.String() + "&role=" + url.QueryEscape(follow.Role)
	code, body := viewer.get(slot)
	if code != 200 || !strings.Contains(body, "未签到") || strings.Contains(body, "登记已到岗") {
		t.Fatalf("viewer's slot page: %d", code)
	}
	code, body = editor.get(slot)
	if code != 200 || !strings.Contains(body, "登记已到岗") {
		t.Fatalf("editor's slot page: %d", code)
	}
	form := url.Values{"date": {follow.Date.String()}, "role": {follow.Role}, "person": {follow.Person}}
	if code, body := editor.post("/staff/roster/"+follow.Roster+"/attendance", form); code != http.StatusSeeOther {
		t.Fatalf("mark: %d\n%s", code, body)
	}
	if code, body := editor.post("/staff/roster/"+follow.Roster+"/attendance", form); code != http.StatusConflict || !strings.Contains(body, "已签到") {
		t.Fatalf("mark twice: %d\n%s", code, body)
	}
	_, body = editor.get(slot)
	if !strings.Contains(body, "已到岗 09:00") || !strings.Contains(body, "editor 登记") {
		t.Errorf("slot page after the mark:\n%s", body)
	}
	_, body = editor.get("/staff/roster/" + follow.Roster + "/" + f.today.String()[:7])
	if !strings.Contains(body, "已到岗 09:00") || !strings.Contains(body, "未签到") {
		t.Errorf("the grid shows no attendance")
	}
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/v1/attendance?from="+f.today.String(), nil)
	req.Header.Set("Accept", "application/json")
	code, raw, _ := viewer.do(req)
	var got struct {
		Attendance []service.DutyAttendance `json:"attendance"`
	}
	decodeJSON(t, raw, &got)
	signed := 0
	for _, d := range got.Attendance {
		if d.Signed != nil {
			signed++
			if d.Person != follow.Person || d.Signed.How != "staff" {
				t.Errorf("API: %+v", d)
			}
		}
	}
	if code != 200 || signed != 1 || len(got.Attendance) < 2 {
		t.Fatalf("API: %d %s", code, raw)
	}
	if code, body := editor.post("/staff/roster/"+follow.Roster+"/attendance/undo", form); code != http.StatusSeeOther {
		t.Fatalf("undo: %d\n%s", code, body)
	}
	if as, _ := f.store.Attendance(context.Background(), f.today, f.today); len(as) != 0 {
		t.Errorf("after undo: %+v", as)
	}
	_, body = editor.get("/staff/audit")
	for _, want := range []string{"已到岗（办公室登记）", "撤销"} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit page lacks %q", want)
		}
	}
	// A day to come takes no attendance: the slot page has no section.
	_, body = editor.get("/staff/roster/" + follow.Roster + "/slot?date=" + f.today.AddDays(7).String() + "&role=" + url.QueryEscape(follow.Role))
	if strings.Contains(body, "到岗签到") {
		t.Errorf("a future slot shows the sign-in section")
	}
}

// attendanceParityRows mark and undo attendance through the API and the slot page form.
func attendanceParityRows() []parityRow {
	today := roster.MustDate(parityToday)
	mark := func(name string, status int, field string, date func(*testing.T, *parityEnv) string, setup func(*testing.T, *parityEnv), undo bool) parityRow {
		api, formPath := "/api/v1/attendance", "/staff/roster/county-duty/attendance"
		if undo {
			api, formPath = api+"/undo", formPath+"/undo"
		}
		return parityRow{name: name, status: status, field: field, setup: setup,
			api: func(t *testing.T, e *parityEnv) parityReq {
				return parityReq{"POST", api, map[string]any{"roster": "county-duty", "date": date(t, e), "role": "值班领导"}}
			},
			form: func(t *testing.T, e *parityEnv) parityReq {
				return parityReq{"POST", formPath, url.Values{"date": {date(t, e)}, "role": {"值班领导"}}}
			}}
	}
	dutyDay := func(t *testing.T, e *parityEnv) string { return e.duty(t, today).Date.String() }
	signed := func(t *testing.T, e *parityEnv) {
		code, _, body := e.sendJSON(t, parityReq{"POST", "/api/v1/attendance", map[string]any{"roster": "county-duty", "date": dutyDay(t, e), "role": "值班领导"}})
		if code != http.StatusCreated {
			t.Fatalf("first mark: %d %s", code, body)
		}
	}
	return []parityRow{
		mark("mark a duty leader 已到岗", http.StatusCreated, "", dutyDay, nil, false),
		mark("mark a duty leader 已到岗 twice", http.StatusConflict, "", dutyDay, signed, false),
		mark("mark a duty leader 已到岗 on a day to come", http.StatusBadRequest, "date",
			func(t *testing.T, e *parityEnv) string { return e.duty(t, today.AddDays(1)).Date.String() }, nil, false),
		mark("undo a mark", http.StatusNoContent, "", dutyDay, signed, true),
		mark("undo a mark that is not there", http.StatusNotFound, "person", dutyDay, nil, true),
	}
}

// signinToday is the sign-in page of today's duty leader (the golden page).
func signinToday(t *testing.T, f *staffFixture) string {
	return signinPath(t, f.store, f.duty(t, f.today))
}
