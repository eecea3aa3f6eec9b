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
	"zhiban/httpapi"
	"zhiban/roster"
	"zhiban/scheduler"
	"zhiban/service"
	"zhiban/store/storetest"
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
	st := storetest.OpenDemo(t, nil)
	hash, _ := auth.HashPassword("admin-password-1")
	st.CreateUser(ctx, "admin", auth.RoleAdmin, hash, "test")
	st.CreateAPIToken(ctx, "admin", auth.HashToken(adminToken), "test", "test")
	cfg := testConfig(t, nil)
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
