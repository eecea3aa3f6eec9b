package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zhiban/auth"
	"zhiban/config"
	"zhiban/httpapi"
	"zhiban/roster"
	"zhiban/scheduler"
	"zhiban/service"
	"zhiban/visits"
)

// errorOf checks the JSON error shape and returns code, message and field.
func errorOf(t *testing.T, m map[string]any, raw string) (code, msg, field string) {
	t.Helper()
	e, ok := m["error"].(map[string]any)
	if !ok || len(m) != 1 {
		t.Fatalf("not a JSON error: %s", raw)
	}
	code, _ = e["code"].(string)
	msg, _ = e["message"].(string)
	field, _ = e["field"].(string)
	if code == "" || msg == "" || code != strings.ToLower(code) || strings.Contains(code, " ") {
		t.Fatalf("error code %q message %q: %s", code, msg, raw)
	}
	return code, msg, field
}

func TestJSONErrorsHaveOneShape(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	for _, tc := range []struct {
		method, path, token string
		body                any
		status              int
		code, field         string
	}{
		{"GET", "/api/v1/nosuch", adminToken, nil, 404, "not_found", ""},
		{"GET", "/api/v1/cases/999", adminToken, nil, 404, "not_found", ""},
		{"GET", "/api/v1/cases", "", nil, 401, "unauthorized", ""},
		{"POST", "/api/v1/cases", f.viewer, newCaseBody(), 403, "forbidden", ""},
		{"POST", "/api/v1/cases", adminToken, func() any { b := newCaseBody(); b["category"] = "打架"; return b }(), 400, "invalid", "category"},
		{"GET", "/api/v1/visits?kind=party", adminToken, nil, 400, "invalid", "kind"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			status, m, raw := f.do(t, tc.method, tc.path, tc.token, tc.body)
			if status != tc.status {
				t.Fatalf("%d, want %d: %s", status, tc.status, raw)
			}
			code, msg, field := errorOf(t, m, raw)
			if code != tc.code || field != tc.field {
				t.Fatalf("code %q field %q, want %q %q: %s", code, field, tc.code, tc.field, raw)
			}
			if strings.Contains(msg, "Not Found") || strings.Contains(msg, "Unauthorized") || strings.Contains(msg, "Forbidden") {
				t.Fatalf("echo's English text: %s", raw)
			}
			if tc.path == "/api/v1/visits?kind=party" && strings.Contains(msg, "invite") {
				t.Fatalf("English enum values in the message: %s", msg)
			}
		})
	}
}

// jobsFixture serves the demo county with the visit jobs.
func jobsFixture(t *testing.T) *apiFixture {
	t.Helper()
	ctx := context.Background()
	st := demoStore(t, nil)
	hash, _ := auth.HashPassword("admin-password-1")
	st.CreateUser(ctx, "admin", auth.RoleAdmin, hash, "test")
	st.CreateAPIToken(ctx, "admin", auth.HashToken(adminToken), "test", "test")
	cfg := config.Default()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sch := scheduler.New(st, scheduler.Options{Location: cfg.Location, Logger: log})
	for _, j := range scheduler.VisitJobs(service.New(st, cfg, nil)) {
		if err := sch.Add(j); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	s, err := httpapi.New(st, httpapi.Options{Config: cfg, Now: func() time.Time { return now }, Version: "test", Logger: log, Scheduler: sch})
	if err != nil {
		t.Fatal(err)
	}
	f := &apiFixture{srv: httptest.NewServer(s.Handler()), store: st}
	t.Cleanup(f.srv.Close)
	return f
}

func TestRunUnknownJobIs404NamingIt(t *testing.T) {
	t.Parallel()
	f := jobsFixture(t)
	status, m, raw := f.do(t, "POST", "/api/v1/jobs/nosuch/run", adminToken, nil)
	if status != 404 {
		t.Fatalf("%d %s", status, raw)
	}
	code, msg, _ := errorOf(t, m, raw)
	if code != "not_found" || !strings.Contains(msg, "没有名为") || !strings.Contains(msg, "nosuch") {
		t.Fatalf("%s", raw)
	}
}

func TestCaseDatesAreRefusedNamingTheField(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t) // today is 2026-12-01
	b := newCaseBody()
	b["received"] = "2026-12-05"
	status, m, raw := f.do(t, "POST", "/api/v1/cases", adminToken, b)
	if _, _, field := errorOf(t, m, raw); status != 400 || field != "received" {
		t.Fatalf("future received: %d %s", status, raw)
	}
	status, m, raw = f.do(t, "POST", "/api/v1/cases", adminToken, newCaseBody())
	if status != 201 {
		t.Fatalf("create: %d %s", status, raw)
	}
	k := m["case"].(map[string]any)
	path := fmt.Sprintf("/api/v1/cases/%d/transitions", num(k["id"]))
	for _, on := range []string{"2026-12-02", "2026-11-19"} { // tomorrow; before received
		status, m, raw = f.do(t, "POST", path, adminToken, map[string]any{"action": "accept", "on": on, "version": num(k["version"])})
		if _, _, field := errorOf(t, m, raw); status != 400 || field != "on" {
			t.Fatalf("accept on %s: %d %s", on, status, raw)
		}
	}
	status, _, raw = f.do(t, "POST", path, adminToken, map[string]any{"action": "accept", "on": "2026-11-25", "version": num(k["version"])})
	if status != 200 {
		t.Fatalf("accept: %d %s", status, raw)
	}
	status, m, raw = f.do(t, "POST", path, adminToken, map[string]any{"action": "reject", "on": "2026-11-24", "version": num(k["version"]) + 1})
	if _, _, field := errorOf(t, m, raw); status != 400 || field != "on" {
		t.Fatalf("act before the last one: %d %s", status, raw)
	}
}

func TestSweepReportForUnknownTownshipIs400(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	sw := visits.Sweep{Month: "2026-12", Opened: roster.MustDate("2026-12-01"), Due: roster.MustDate("2026-12-10")}
	if _, err := f.store.CreateSweep(context.Background(), sw, []visits.Task{{Township: "t01", Leader: "L01", Due: sw.Due}}, "test"); err != nil {
		t.Fatal(err)
	}
	status, m, raw := f.do(t, "POST", "/api/v1/sweeps/2026-12/reports", adminToken, map[string]any{"township": "t99", "nil": true})
	if _, _, field := errorOf(t, m, raw); status != 400 || field != "township" {
		t.Fatalf("%d %s", status, raw)
	}
}

func TestConfirmRechecksConflicts(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	ctx := context.Background()
	v := map[string]any{"kind": "carry", "leader": "L03", "date": "2026-12-03", "start": "09:00", "end": "16:30", "place": "x", "township": "t03"}
	status, m, raw := f.do(t, "POST", "/api/v1/visits", adminToken, v)
	if status != 201 {
		t.Fatalf("create: %d %s", status, raw)
	}
	planned := m["visit"].(map[string]any)
	// Since it was planned, L03 was put on duty that day.
	if _, _, err := f.store.SaveGenerated(ctx, []roster.Assignment{{Roster: "county-duty", Date: roster.MustDate("2026-12-03"), Role: "值班领导", Person: "L03"}}, nil, "test"); err != nil {
		t.Fatal(err)
	}
	status, m, raw = f.do(t, "POST", fmt.Sprintf("/api/v1/visits/%d/confirm", num(planned["id"])), adminToken, map[string]any{"version": num(planned["version"])})
	if code, _, _ := errorOf(t, m, raw); status != 409 || code != "leader_busy" || !strings.Contains(raw, `"kind":"duty"`) {
		t.Fatalf("confirm onto a duty: %d %s", status, raw)
	}
	got, _ := f.store.Visit(ctx, int64(num(planned["id"])))
	if got.State != visits.VisitPlanned {
		t.Fatalf("state %s", got.State)
	}
}

func TestFreeSlots(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	// L01 is on duty 2026-12-02; L08 is away 2026-12-07..11 in the demo county.
	status, m, raw := f.do(t, "GET", "/api/v1/leaders/L01/free-slots?from=2026-12-01&to=2026-12-04", f.viewer, nil)
	if status != 200 {
		t.Fatalf("%d %s", status, raw)
	}
	days := fmt.Sprint(m["free_days"])
	if strings.Contains(days, "2026-12-02") || !strings.Contains(days, "2026-12-03") || !strings.Contains(raw, `"kind":"duty"`) {
		t.Fatalf("free slots %s", raw)
	}
	_, m, raw = f.do(t, "GET", "/api/v1/leaders/L08/free-slots?from=2026-12-07&to=2026-12-14", f.viewer, nil)
	if days := fmt.Sprint(m["free_days"]); strings.Contains(days, "2026-12-08") || !strings.Contains(days, "2026-12-14") || !strings.Contains(raw, `"kind":"absence"`) {
		t.Fatalf("absence: %s", raw)
	}
	for path, want := range map[string]int{
		"/api/v1/leaders/L01/free-slots?from=2026-12-05&to=2026-12-01": 400,
		"/api/v1/leaders/L01/free-slots?from=2026-12-01&to=2027-12-01": 400,
		"/api/v1/leaders/L01/free-slots?from=soon":                     400,
		"/api/v1/leaders/NOPE/free-slots":                              404,
	} {
		if status, m, raw := f.do(t, "GET", path, f.viewer, nil); status != want {
			t.Errorf("%s: %d %s", path, status, raw)
		} else {
			errorOf(t, m, raw)
		}
	}
	if status, _, _ := f.do(t, "GET", "/api/v1/leaders/L01/free-slots", "", nil); status != 401 {
		t.Errorf("anonymous: %d", status)
	}
}

func TestDissatisfiedReturnVisitDoesNotReopenARecheckedCase(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t) // today is 2026-12-01
	ctx := context.Background()
	status, m, raw := f.do(t, "POST", "/api/v1/cases", adminToken, newCaseBody())
	if status != 201 {
		t.Fatalf("create: %d %s", status, raw)
	}
	k := m["case"].(map[string]any)
	id, version := num(k["id"]), num(k["version"])
	step := func(path string, body map[string]any) {
		t.Helper()
		body["version"] = version
		status, m, raw := f.do(t, "POST", fmt.Sprintf("/api/v1/cases/%d/%s", id, path), adminToken, body)
		if status != 200 {
			t.Fatalf("%s %v: %d %s", path, body, status, raw)
		}
		version = num(m["case"].(map[string]any)["version"])
	}
	step("transitions", map[string]any{"action": "accept", "on": "2026-11-21"})
	step("milestones", map[string]any{"duty": "investigate", "on": "2026-11-22"})
	step("milestones", map[string]any{"duty": "handle", "on": "2026-11-22"})
	for i, act := range []string{"reply", "review", "review_reply", "recheck", "recheck_reply"} {
		step("transitions", map[string]any{"action": act, "on": fmt.Sprintf("2026-11-%d", 23+i)})
	}
	status, m, raw = f.do(t, "POST", fmt.Sprintf("/api/v1/cases/%d/transitions", id), adminToken, map[string]any{"action": "reopen", "on": "2026-11-30", "version": version})
	if code, msg, _ := errorOf(t, m, raw); status != 409 || code != "refused" || !strings.Contains(msg, "第三十六条") {
		t.Fatalf("reopen after 复核: %d %s", status, raw)
	}
	v, err := f.store.CreateVisit(ctx, visits.Visit{Kind: visits.KindReturn, Leader: "L01", Date: roster.MustDate("2026-11-30"),
		Start: 540, End: 600, Place: "信访人住所", Cases: []int64{int64(id)}, State: visits.VisitPlanned, CreatedBy: "test"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	status, m, raw = f.do(t, "POST", fmt.Sprintf("/api/v1/visits/%d/outcome", v.ID), adminToken,
		map[string]any{"version": v.Version, "state": "done", "satisfaction": "不满意", "notes": "仍不满意"})
	if status != 200 || len(m["reopened"].([]any)) != 0 || !strings.Contains(raw, "not_reopened") || !strings.Contains(raw, "第三十六条") {
		t.Fatalf("outcome: %d %s", status, raw)
	}
	got, _ := f.store.Case(ctx, int64(id))
	if got.State != visits.StateRechecked {
		t.Fatalf("case is %s", got.State)
	}
}

func TestVisitFormOffersTheLeadersFreeDays(t *testing.T) {
	f := newWorkFixture(t)
	ctx := context.Background()
	editor := f.loggedIn(t, "editor")
	d := f.today.AddDays(2)
	for !isDutyDay(t, f, d) {
		d++
	}
	as, _ := f.store.Assignments(ctx, d, d)
	leader := as[0].Person
	code, body := editor.get("/staff/visits?kind=invite&cases=2026-0902&leader=" + leader)
	if code != 200 {
		t.Fatalf("%d", code)
	}
	mustContain(t, "offer", body, "空闲工作日", "查看空闲日", "已有安排")
	if strings.Contains(body, "date="+d.String()+"&amp;") || strings.Contains(body, "date="+d.String()+"&") {
		t.Fatalf("the duty day %s is offered", d)
	}
	free := d + 1
	for !strings.Contains(body, "date="+free.String()) && free < f.today.AddDays(30) {
		free++
	}
	if free >= f.today.AddDays(30) {
		t.Fatal("no free day offered as a link")
	}
	if !strings.Contains(body, "cases=2026-0902") {
		t.Fatal("the offer links lose the typed cases")
	}
}
