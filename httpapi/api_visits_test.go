package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiban/auth"
	"zhiban/httpapi"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/visits"
)

const adminToken = "test-admin-token-0123456789"

// Invented petitioner data that must never leak.
const (
	petName  = "欧阳秘密"
	petPhone = "13712349876"
	petAddr  = "保密路99号"
	petText  = "案情机密文本"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

type apiFixture struct {
	srv    *httptest.Server
	store  *store.Store
	logs   *syncBuf
	viewer string // a viewer account's API token
}

// newAPIFixture serves the demo county on a real SQLite file on 2026-12-01 09:00 Shanghai.
func newAPIFixture(t *testing.T) *apiFixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.OpenDemo(t, nil)
	// adminToken is a real staff API token of an admin account.
	hash, err := auth.HashPassword("admin-password-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "admin", auth.RoleAdmin, hash, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateAPIToken(ctx, "admin", auth.HashToken(adminToken), "test", "test"); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, nil)
	logs := &syncBuf{}
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	s, err := httpapi.New(st, httpapi.Options{Config: cfg, Now: func() time.Time { return now }, Version: "test",
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	f := &apiFixture{srv: httptest.NewServer(s.Handler()), store: st, logs: logs}
	t.Cleanup(f.srv.Close)
	if _, err := st.CreateUser(ctx, "guest", auth.RoleViewer, "x", "test"); err != nil {
		t.Fatal(err)
	}
	secret, hash := auth.NewToken()
	if _, err := st.CreateAPIToken(ctx, "guest", hash, "test", "test"); err != nil {
		t.Fatal(err)
	}
	f.viewer = secret
	// L01 is on duty on 2026-12-02, 08:30–17:30.
	if _, _, err := st.SaveGenerated(ctx, []roster.Assignment{{Roster: "county-duty", Date: roster.MustDate("2026-12-02"), Role: "值班领导", Person: "L01"}}, nil, "test"); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *apiFixture) do(t *testing.T, method, path, token string, body any) (int, map[string]any, string) {
	t.Helper()
	var r io.Reader
	if s, ok := body.(string); ok {
		r = strings.NewReader(s)
	} else if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, raw := roundTrip(t, http.DefaultClient, req)
	var m map[string]any
	json.Unmarshal(raw, &m)
	return resp.StatusCode, m, string(raw)
}

func newCaseBody() map[string]any {
	return map[string]any{"title": "征地补偿款未到位", "category": "征地拆迁", "township": "t01", "received": "2026-11-20",
		"channel": "来访", "petitioner": map[string]any{"name": petName, "phone": petPhone, "address": petAddr},
		"content": petText, "group_size": 1, "leader": "L01"}
}

func num(v any) int { f, _ := v.(float64); return int(f) }

func TestCasesAPI(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	code, m, raw := f.do(t, "POST", "/api/v1/cases", adminToken, newCaseBody())
	if code != 201 {
		t.Fatalf("create: %d %s", code, raw)
	}
	c := m["case"].(map[string]any)
	id, version := num(c["id"]), num(c["version"])
	if c["code"] != "2026-0001" || c["clock"].(map[string]any)["next"].(map[string]any)["kind"] != "acceptance" {
		t.Fatalf("created %s", raw)
	}
	path := fmt.Sprintf("/api/v1/cases/%d", id)
	// Closing with no handling milestone is refused with a 409 naming the rule.
	code, m, raw = f.do(t, "POST", path+"/transitions", adminToken, map[string]any{"action": "close", "version": version})
	if code != 409 || !strings.Contains(raw, "不能执行此操作") {
		t.Fatalf("close: %d %s", code, raw)
	}
	code, m, raw = f.do(t, "POST", path+"/transitions", adminToken, map[string]any{"action": "accept", "on": "2026-11-25", "version": version})
	if code != 200 {
		t.Fatalf("accept: %d %s", code, raw)
	}
	// A stale version is a 409 with the current one.
	code, _, raw = f.do(t, "POST", path+"/milestones", adminToken, map[string]any{"duty": "investigate", "on": "2026-11-26", "version": version})
	if code != 409 || !strings.Contains(raw, `"version":2`) {
		t.Fatalf("stale: %d %s", code, raw)
	}
	version = num(m["case"].(map[string]any)["version"])
	code, m, raw = f.do(t, "POST", path+"/milestones", adminToken, map[string]any{"duty": "investigate", "on": "2026-11-26", "version": version})
	if code != 200 {
		t.Fatalf("milestone: %d %s", code, raw)
	}
	version = num(m["case"].(map[string]any)["version"])
	// Serving the opinion creates the return visit on the leader's first free day (2 Dec is their duty).
	code, m, raw = f.do(t, "POST", path+"/transitions", adminToken, map[string]any{"action": "reply", "on": "2026-12-01", "version": version})
	if code != 200 {
		t.Fatalf("reply: %d %s", code, raw)
	}
	rv, ok := m["return_visit"].(map[string]any)
	if !ok || rv["kind"] != "return" || rv["date"] != "2026-12-03" || rv["leader"] != "L01" {
		t.Fatalf("return visit: %s", raw)
	}
	code, m, raw = f.do(t, "GET", "/api/v1/cases?leader=L01", adminToken, nil)
	if code != 200 || len(m["cases"].([]any)) != 1 {
		t.Fatalf("list: %d %s", code, raw)
	}
}

func TestAPIValidationNamesTheField(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	for _, tc := range []struct {
		name  string
		path  string
		body  any
		field string
	}{
		{"bad category", "/api/v1/cases", func() any { b := newCaseBody(); b["category"] = "打架"; return b }(), "category"},
		{"bad date", "/api/v1/cases", func() any { b := newCaseBody(); b["received"] = "2026-02-30"; return b }(), "received"},
		{"bad phone", "/api/v1/cases", func() any {
			b := newCaseBody()
			b["petitioner"] = map[string]any{"name": petName, "phone": "abc" + petPhone}
			return b
		}(), "petitioner.phone"},
		{"too many representatives", "/api/v1/cases", func() any { b := newCaseBody(); b["group_size"] = 30; b["representatives"] = 6; return b }(), "representatives"},
		{"wrong type", "/api/v1/cases", func() any { b := newCaseBody(); b["group_size"] = "many"; return b }(), "group_size"},
		{"unknown field", "/api/v1/cases", func() any { b := newCaseBody(); b["idcard"] = "x"; return b }(), "idcard"},
		{"unknown township", "/api/v1/cases", func() any { b := newCaseBody(); b["township"] = "t99"; return b }(), "township"},
		{"bad code", "/api/v1/cases", func() any { b := newCaseBody(); b["code"] = "42"; return b }(), "code"},
		{"not JSON", "/api/v1/cases", "{" + petName, "body"},
		{"visit kind", "/api/v1/visits", map[string]any{"kind": "party", "leader": "L02", "date": "2026-12-03", "start": "09:00", "end": "10:00", "place": "x"}, "kind"},
		{"visit time", "/api/v1/visits", map[string]any{"kind": "carry", "leader": "L02", "date": "2026-12-03", "start": "9点", "end": "10:00", "place": "x", "township": "t02"}, "start"},
		{"visit end", "/api/v1/visits", map[string]any{"kind": "carry", "leader": "L02", "date": "2026-12-03", "start": "11:00", "end": "10:00", "place": "x", "township": "t02"}, "end"},
		{"visit unknown case", "/api/v1/visits", map[string]any{"kind": "invite", "leader": "L02", "date": "2026-12-03", "start": "19:00", "end": "20:00", "place": "x", "cases": []int{99999}}, "cases"},
		{"sweep month", "/api/v1/sweeps/2026-13/reports", map[string]any{"township": "t01", "nil": true}, "month"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, m, raw := f.do(t, "POST", tc.path, adminToken, tc.body)
			if code != 400 {
				t.Fatalf("%d %s", code, raw)
			}
			msg := m["error"].(map[string]any)["message"].(string)
			if !strings.HasPrefix(msg, tc.field+": ") {
				t.Fatalf("message %q does not name %s", msg, tc.field)
			}
		})
	}
}

func TestAPIAuth(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	for _, tc := range []struct {
		method, path, token string
		want                int
	}{
		{"GET", "/api/v1/cases", "", 401},
		{"POST", "/api/v1/cases", "", 401},
		{"POST", "/api/v1/cases", "wrong-token", 401},
		{"GET", "/api/v1/visits", "wrong-token", 401},
		{"POST", "/api/v1/cases", "VIEWER", 403},
		{"POST", "/api/v1/visits/1/confirm", "VIEWER", 403},
		{"GET", "/api/v1/cases", "VIEWER", 200},
		{"GET", "/api/v1/cases", adminToken, 200},
	} {
		tok := tc.token
		if tok == "VIEWER" {
			tok = f.viewer
		}
		code, _, raw := f.do(t, tc.method, tc.path, tok, newCaseBody())
		if code != tc.want {
			t.Errorf("%s %s with %q: %d, want %d (%s)", tc.method, tc.path, tc.token, code, tc.want, raw)
		}
	}
}

func TestVisitConflictsAre409WithTheItem(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	v := map[string]any{"kind": "carry", "leader": "L01", "date": "2026-12-02", "start": "09:00", "end": "16:30", "place": "城关镇群众工作站", "township": "t01"}
	code, m, raw := f.do(t, "POST", "/api/v1/visits", adminToken, v)
	if code != 409 || m["error"].(map[string]any)["code"] != "leader_busy" || !strings.Contains(raw, `"kind":"duty"`) {
		t.Fatalf("on duty: %d %s", code, raw)
	}
	v["date"] = "2026-12-03"
	code, m, raw = f.do(t, "POST", "/api/v1/visits", adminToken, v)
	if code != 201 {
		t.Fatalf("create: %d %s", code, raw)
	}
	first := m["visit"].(map[string]any)
	v["start"], v["end"] = "14:00", "15:00"
	code, _, raw = f.do(t, "POST", "/api/v1/visits", adminToken, v)
	if code != 409 || !strings.Contains(raw, fmt.Sprintf(`"visit_id":%d`, num(first["id"]))) {
		t.Fatalf("overlap: %d %s", code, raw)
	}
	// L08 is away 2026-12-07..11 in the demo county.
	code, _, raw = f.do(t, "POST", "/api/v1/visits", adminToken, map[string]any{"kind": "carry", "leader": "L08", "date": "2026-12-08",
		"start": "09:00", "end": "10:00", "place": "白沙镇", "township": "t08"})
	if code != 409 || !strings.Contains(raw, `"kind":"absence"`) {
		t.Fatalf("absent: %d %s", code, raw)
	}
	// Reschedule onto the duty day is refused too, and the visit is unchanged.
	path := fmt.Sprintf("/api/v1/visits/%d", num(first["id"]))
	code, _, raw = f.do(t, "POST", path+"/reschedule", adminToken, map[string]any{"date": "2026-12-02", "reason": "改期", "version": num(first["version"])})
	if code != 409 {
		t.Fatalf("reschedule onto duty: %d %s", code, raw)
	}
	code, m, raw = f.do(t, "POST", path+"/reschedule", adminToken, map[string]any{"date": "2026-12-04", "reason": "改期", "version": num(first["version"])})
	if code != 200 || len(m["visit"].(map[string]any)["history"].([]any)) != 1 {
		t.Fatalf("reschedule: %d %s", code, raw)
	}
}

func TestSweepAPI(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	ctx := context.Background()
	sw := visits.Sweep{Month: "2026-12", Opened: roster.MustDate("2026-12-01"), Due: roster.MustDate("2026-12-10")}
	if _, err := f.store.CreateSweep(ctx, sw, []visits.Task{{Township: "t01", Leader: "L01", Due: sw.Due}, {Township: "t02", Leader: "L02", Due: sw.Due}}, "test"); err != nil {
		t.Fatal(err)
	}
	report := map[string]any{"township": "t01", "findings": []any{map[string]any{"summary": "宅基地边界纠纷", "category": "征地拆迁", "village": "东风村", "parties": 2, "risk": "高"}}}
	code, m, raw := f.do(t, "POST", "/api/v1/sweeps/2026-12/reports", adminToken, report)
	if code != 201 {
		t.Fatalf("file: %d %s", code, raw)
	}
	code, _, raw = f.do(t, "POST", "/api/v1/sweeps/2026-12/reports", adminToken, report)
	if code != 409 {
		t.Fatalf("second filing: %d %s", code, raw)
	}
	fid := num(m["findings"].([]any)[0].(map[string]any)["id"])
	code, m, raw = f.do(t, "POST", fmt.Sprintf("/api/v1/findings/%d/escalate", fid), adminToken, nil)
	if code != 201 || m["case"].(map[string]any)["leader"] != "L01" || !strings.Contains(raw, "挂点领导") {
		t.Fatalf("escalate: %d %s", code, raw)
	}
	code, m, raw = f.do(t, "GET", "/api/v1/sweeps/current", adminToken, nil)
	rep := m["report"].(map[string]any)
	if code != 200 || num(rep["filed"]) != 1 || num(rep["cases_opened"]) != 1 {
		t.Fatalf("current: %d %s", code, raw)
	}
}

// TestPetitionerDataNeverLeaks drives errors of every kind with a case's
// petitioner data in play, then searches every response, the public pages
// and the log for it.
func TestPetitionerDataNeverLeaks(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	secrets := []string{petName, petPhone, petAddr, petText}
	var seen []string
	check := func(what, s string) {
		for _, x := range secrets {
			if strings.Contains(s, x) {
				t.Errorf("%s contains petitioner data %q:\n%s", what, x, s)
			}
		}
		seen = append(seen, what)
	}
	code, m, _ := f.do(t, "POST", "/api/v1/cases", adminToken, newCaseBody())
	if code != 201 {
		t.Fatal(code)
	}
	id := num(m["case"].(map[string]any)["id"])
	dup := newCaseBody()
	dup["code"] = "2026-0001"
	for _, req := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/cases", dup},
		{"POST", "/api/v1/cases", func() any { b := newCaseBody(); b["category"] = petText; return b }()},
		{"POST", "/api/v1/cases", func() any { b := newCaseBody(); b["received"] = petPhone; return b }()},
		{"POST", "/api/v1/cases", func() any { b := newCaseBody(); b["group_size"] = petName; return b }()},
		{"POST", "/api/v1/cases", func() any { b := newCaseBody(); b[petName] = 1; return b }()},
		{"POST", fmt.Sprintf("/api/v1/cases/%d/transitions", id), map[string]any{"action": "close", "version": 1}},
		{"POST", fmt.Sprintf("/api/v1/cases/%d/transitions", id), map[string]any{"action": petName, "version": 1}},
		{"POST", fmt.Sprintf("/api/v1/cases/%d/extension", id), map[string]any{"days": 10, "reason": petText, "version": 1}},
		{"POST", "/api/v1/visits", map[string]any{"kind": "invite", "leader": "L01", "date": "2026-12-02", "start": "09:00", "end": "10:00", "place": petAddr, "cases": []int{id}}},
		{"POST", "/api/v1/sweeps/2026-12/reports", map[string]any{"township": "t01", "findings": []any{map[string]any{"summary": petName + petPhone, "category": "劳资", "parties": 1, "risk": "低"}}}},
	} {
		_, _, raw := f.do(t, req.method, req.path, adminToken, req.body)
		check(req.method+" "+req.path, raw)
	}
	for _, p := range []string{"/", "/visits", "/api/v1/public/today", "/api/v1/public/visits", "/feeds/roster.ics", "/feeds/township/t01.ics"} {
		_, _, raw := f.do(t, "GET", p, "", nil)
		check(p, raw)
	}
	check("log", f.logs.String())
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
	// 不满意 is answered with each case's 复查 window; a rechecked case has none left (art. 36).
	if rs, _ := m["reviews"].([]any); status != 200 || len(rs) != 1 || !strings.Contains(raw, "第三十六条") || strings.Contains(raw, `"requested":true`) {
		t.Fatalf("outcome: %d %s", status, raw)
	}
	got, _ := f.store.Case(ctx, int64(id))
	if got.State != visits.StateRechecked {
		t.Fatalf("case is %s", got.State)
	}
}
