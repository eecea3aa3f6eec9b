package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhiban/roster"
	"zhiban/service"
	"zhiban/visits"
)

const reportText = "办结报告机密正文：已入户核实补发"

// acceptedCaseAPI registers a case through the API and accepts it today; it returns its path.
func (f *apiFixture) acceptedCaseAPI(t *testing.T) string {
	t.Helper()
	code, m, raw := f.do(t, "POST", "/api/v1/cases", adminToken, newCaseBody())
	if code != http.StatusCreated {
		t.Fatalf("create case: %d %s", code, raw)
	}
	k := m["case"].(map[string]any)
	path := fmt.Sprintf("/api/v1/cases/%d", num(k["id"]))
	if code, _, raw := f.do(t, "POST", path+"/transitions", adminToken, map[string]any{"action": "accept", "version": num(k["version"])}); code != http.StatusOK {
		t.Fatalf("accept: %d %s", code, raw)
	}
	return path
}

func TestHandoversAPI(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	path := f.acceptedCaseAPI(t)
	due := "2026-12-20"

	// Refusals: no write for a viewer, units from the county file only, hostile input.
	for _, tc := range []struct {
		name   string
		token  string
		body   any
		status int
		field  string
	}{
		{"viewer", f.viewer, map[string]any{"unit": "d02", "due": due}, http.StatusForbidden, ""},
		{"anonymous", "", map[string]any{"unit": "d02", "due": due}, http.StatusUnauthorized, ""},
		{"unknown unit", adminToken, map[string]any{"unit": "d99", "due": due}, http.StatusBadRequest, "unit"},
		{"a village", adminToken, map[string]any{"unit": "v01", "due": due}, http.StatusBadRequest, "unit"},
		{"free text", adminToken, map[string]any{"unit": "县公安局", "due": due}, http.StatusBadRequest, "unit"},
		{"invalid UTF-8", adminToken, "{\"unit\":\"d0\xff\",\"due\":\"" + due + "\"}", http.StatusBadRequest, ""},
		{"over-long unit", adminToken, map[string]any{"unit": strings.Repeat("d", 500), "due": due}, http.StatusBadRequest, "unit"},
		{"bad date", adminToken, map[string]any{"unit": "d02", "due": "2026-13-40"}, http.StatusBadRequest, "due"},
		{"due after the deadline", adminToken, map[string]any{"unit": "d02", "due": "2027-06-01"}, http.StatusBadRequest, "due"},
		{"unknown field", adminToken, map[string]any{"unit": "d02", "due": due, "report": "x"}, http.StatusBadRequest, "report"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, m, raw := f.do(t, "POST", path+"/handovers", tc.token, tc.body)
			if code != tc.status {
				t.Fatalf("status %d, want %d: %s", code, tc.status, raw)
			}
			if tc.field != "" {
				if e, _ := m["error"].(map[string]any); e["field"] != tc.field {
					t.Fatalf("field %v, want %s: %s", e["field"], tc.field, raw)
				}
			}
			if strings.Contains(raw, "县公安局") || strings.Contains(raw, petName) {
				t.Fatalf("the refusal echoes a value: %s", raw)
			}
		})
	}
	code, m, raw := f.do(t, "POST", path+"/handovers", adminToken, map[string]any{"unit": "d02", "due": due})
	if code != http.StatusCreated {
		t.Fatalf("hand over: %d %s", code, raw)
	}
	h := m["handover"].(map[string]any)
	hpath := fmt.Sprintf("/api/v1/handovers/%d", num(h["id"]))
	if h["unit_name"] != "县公安局" || h["state"] != "handed" || h["decline_by"] != "2026-12-08" {
		t.Fatalf("handover %s", raw)
	}
	if code, _, raw := f.do(t, "POST", path+"/handovers", adminToken, map[string]any{"unit": "d03", "due": due}); code != http.StatusConflict ||
		!strings.Contains(raw, "already_handed") {
		t.Fatalf("second hand-over: %d %s", code, raw)
	}
	// A township is a unit too (on another case).
	if code, _, raw := f.do(t, "POST", f.acceptedCaseAPI(t)+"/handovers", adminToken, map[string]any{"unit": "t03", "due": due}); code != http.StatusCreated {
		t.Fatalf("township: %d %s", code, raw)
	}

	for _, tc := range []struct {
		name   string
		token  string
		body   any
		status int
	}{
		{"viewer report", f.viewer, map[string]any{"version": 1, "report": reportText}, http.StatusForbidden},
		{"stale version", adminToken, map[string]any{"version": 5, "report": reportText}, http.StatusConflict},
		{"no version", adminToken, map[string]any{"report": reportText}, http.StatusBadRequest},
		{"over-long report", adminToken, map[string]any{"version": 1, "report": strings.Repeat("长", visits.MaxReportRunes+1)}, http.StatusBadRequest},
		{"control characters", adminToken, map[string]any{"version": 1, "report": "报告\x00\x1b"}, http.StatusBadRequest},
		{"report tomorrow", adminToken, map[string]any{"version": 1, "report": "x", "on": "2026-12-02"}, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, _, raw := f.do(t, "POST", hpath+"/report", tc.token, tc.body); code != tc.status {
				t.Fatalf("status %d, want %d: %s", code, tc.status, raw)
			}
		})
	}
	if code, _, raw := f.do(t, "POST", "/api/v1/handovers/9999/decline", adminToken, map[string]any{"version": 1, "reason": "x"}); code != http.StatusNotFound {
		t.Fatalf("unknown hand-over: %d %s", code, raw)
	}
	if code, _, raw := f.do(t, "POST", hpath+"/decline", adminToken, map[string]any{"version": 1}); code != http.StatusBadRequest {
		t.Fatalf("decline without a reason: %d %s", code, raw)
	}
	code, m, raw = f.do(t, "POST", hpath+"/report", adminToken, map[string]any{"version": 1, "report": reportText})
	if code != http.StatusOK || m["handover"].(map[string]any)["state"] != "reported" {
		t.Fatalf("report: %d %s", code, raw)
	}
	if code, _, raw := f.do(t, "GET", hpath, f.viewer, nil); code != http.StatusOK || !strings.Contains(raw, reportText) {
		t.Fatalf("read: %d %s", code, raw)
	}
	if code, _, raw := f.do(t, "GET", hpath, "", nil); code != http.StatusUnauthorized || strings.Contains(raw, reportText) {
		t.Fatalf("anonymous read: %d", code)
	}
	code, m, raw = f.do(t, "GET", "/api/v1/handovers?unit=d02", f.viewer, nil)
	if list, _ := m["handovers"].([]any); code != http.StatusOK || len(list) != 1 || strings.Contains(raw, reportText) {
		t.Fatalf("list by unit: %d %s", code, raw)
	}
	for _, q := range []string{"overdue=2", "state=lost", "unit=v01"} {
		if code, _, raw := f.do(t, "GET", "/api/v1/handovers?"+q, f.viewer, nil); code != http.StatusBadRequest {
			t.Fatalf("%s: %d %s", q, code, raw)
		}
	}
	// The report never reaches a public page, feed or log line.
	for _, p := range []string{"/", "/visits", "/display", "/api/v1/public/today", "/api/v1/public/visits", "/feeds/roster.ics"} {
		if code, _, raw := f.do(t, "GET", p, "", nil); code != http.StatusOK || strings.Contains(raw, reportText) {
			t.Errorf("%s: %d, or it shows the hand-over", p, code)
		}
	}
	if strings.Contains(f.logs.String(), reportText) || strings.Contains(f.logs.String(), "机密") {
		t.Fatal("the report text is in the log")
	}
}

func TestHandoverForms(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t)
	ctx := context.Background()
	svc := service.New(f.store, testConfig(t, nil), nil)
	call := service.Call{Actor: "editor", Now: f.clock()}
	k, err := svc.RegisterCase(ctx, call, service.CaseInput{Title: "征地补偿款未到位", Category: "征地拆迁", Township: "t01",
		Received: roster.MustDate("2026-11-20"), Channel: "来访", Petitioner: visits.Petitioner{Name: petName}, Leader: "L01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.TransitionCase(ctx, call, k.ID, service.CaseAct{Version: k.Version, Action: visits.ActAccept}); err != nil {
		t.Fatal(err)
	}
	casePath := fmt.Sprintf("/staff/cases/%d", k.ID)
	editor, viewer := f.loggedIn(t, "editor"), f.loggedIn(t, "viewer")

	code, page := editor.get(casePath)
	if code != http.StatusOK || !strings.Contains(page, `id="form-handover"`) || !strings.Contains(page, "县公安局") ||
		!strings.Contains(page, "城关镇") || strings.Contains(page, "东风村") {
		t.Fatalf("case page: %d, no 交办 form with departments and townships only", code)
	}
	if code, page := viewer.get(casePath); code != http.StatusOK || strings.Contains(page, `id="form-handover"`) {
		t.Fatalf("a viewer sees the 交办 form: %d", code)
	}
	if code, _ := viewer.post(casePath+"/handovers", url.Values{"unit": {"d02"}, "due": {"2026-12-20"}}); code != http.StatusForbidden {
		t.Fatalf("viewer hand-over: %d", code)
	}
	// A refusal re-renders the page with the message and what was typed.
	code, page = editor.post(casePath+"/handovers", url.Values{"unit": {"d05"}, "due": {"2027-06-01"}})
	if code != http.StatusBadRequest || !strings.Contains(page, "不能晚于案件的法定办理期限") ||
		!strings.Contains(page, `<option value="d05" selected>`) || !strings.Contains(page, `value="2027-06-01"`) {
		t.Fatalf("refused hand-over: %d", code)
	}
	if code, page := editor.post(casePath+"/handovers", url.Values{"unit": {"v01"}, "due": {"2026-12-20"}}); code != http.StatusBadRequest ||
		!strings.Contains(page, "只能交办给县直部门或乡镇") {
		t.Fatalf("village: %d", code)
	}
	if code, _ := editor.post(casePath+"/handovers", url.Values{"unit": {"d02"}, "due": {"2026-12-04"}}); code != http.StatusSeeOther {
		t.Fatalf("hand-over: %d", code)
	}
	hs, err := svc.ListHandovers(ctx, call, service.HandoverQuery{Case: k.ID})
	if err != nil || len(hs) != 1 {
		t.Fatalf("%d hand-overs, %v", len(hs), err)
	}
	h := hs[0]
	act := fmt.Sprintf("%s/handovers/%d", casePath, h.ID)
	code, page = editor.get(casePath)
	if code != http.StatusOK || !strings.Contains(page, "form-decline-") || !strings.Contains(page, "form-report-") || strings.Contains(page, `id="form-handover"`) {
		t.Fatalf("case page after the hand-over: %d", code)
	}
	// Four days later the unit is overdue and the list shows it first, marked.
	f.advance(5 * 24 * time.Hour)
	editor, viewer = f.loggedIn(t, "editor"), f.loggedIn(t, "viewer") // the sessions ended overnight
	if code, page := viewer.get("/staff/handovers"); code != http.StatusOK || !strings.Contains(page, "超期 2 天") || !strings.Contains(page, "县公安局") {
		t.Fatalf("list: %d", code)
	}
	if code, page := viewer.get("/staff/handovers?overdue=1&unit=d02"); code != http.StatusOK || !strings.Contains(page, k.Code) {
		t.Fatalf("filtered list: %d", code)
	}
	if code, _ := viewer.get("/staff/handovers?unit=v01"); code != http.StatusBadRequest {
		t.Fatalf("a village filter: %d", code)
	}
	// Hostile text: invalid UTF-8, a bidi override, an over-long report.
	for _, bad := range []string{"报告\xff", "报告\u202e反向", strings.Repeat("长", visits.MaxReportRunes+1)} {
		if code, page := editor.post(act+"/report", url.Values{"version": {"1"}, "report": {bad}}); code != http.StatusBadRequest ||
			!strings.Contains(page, "办结报告：") {
			t.Fatalf("hostile report: %d", code)
		}
	}
	if code, _ := editor.post(casePath+"/handovers", url.Values{"unit": {"d0\xff"}, "due": {"2026-12-20"}}); code != http.StatusBadRequest {
		t.Fatalf("hostile unit: %d", code)
	}
	if code, _ := viewer.post(act+"/report", url.Values{"version": {"1"}, "report": {reportText}}); code != http.StatusForbidden {
		t.Fatalf("viewer report: %d", code)
	}
	// On 12-06 a report dated tomorrow is refused; the text typed is kept.
	code, page = editor.post(act+"/report", url.Values{"version": {"1"}, "report": {"第一段\n" + reportText}, "on": {"2026-12-07"}})
	if code != http.StatusBadRequest || !strings.Contains(page, "晚于今天") || !strings.Contains(page, reportText) {
		t.Fatalf("refused report keeps the text: %d", code)
	}
	if code, page := editor.post(act+"/report", url.Values{"version": {"1"}, "report": {"第一段\n" + reportText}}); code != http.StatusSeeOther {
		t.Fatalf("report: %d %s", code, page)
	}
	if code, page := editor.get(casePath); code != http.StatusOK || !strings.Contains(page, "逾期报送") || !strings.Contains(page, reportText) ||
		!strings.Contains(page, `id="form-handover"`) && !strings.Contains(page, "已交办") {
		t.Fatalf("case page after the report: %d", code)
	}
}

// handoverParityRows run 交办, its decline, report and withdrawal through the
// API and the case page's forms alike. Demo case 2026-0901 was accepted 50
// days ago (its handling deadline is 2026-12-11); the demo handed 2026-0906
// to 县司法局.
func handoverParityRows() []parityRow {
	const code, handedCode = "2026-0901", "2026-0906"
	hand := func(name string, status int, field, unit, due string, setup func(*testing.T, *parityEnv)) parityRow {
		req := func(t *testing.T, e *parityEnv) (int64, int) {
			k := e.caseByCode(t, code)
			v := k.Version
			if setup != nil && name == "hand a case with a stale version" {
				v--
			}
			return k.ID, v
		}
		return parityRow{name: name, status: status, field: field, setup: setup,
			api: func(t *testing.T, e *parityEnv) parityReq {
				id, v := req(t, e)
				return parityReq{"POST", fmt.Sprintf("/api/v1/cases/%d/handovers", id), map[string]any{"unit": unit, "due": due, "version": v}}
			},
			form: func(t *testing.T, e *parityEnv) parityReq {
				id, v := req(t, e)
				return parityReq{"POST", fmt.Sprintf("/staff/cases/%d/handovers", id), url.Values{"unit": {unit}, "due": {due}, "version": {fmt.Sprint(v)}}}
			}}
	}
	handed := func(t *testing.T, e *parityEnv) {
		k := e.caseByCode(t, code)
		if _, err := e.st.CreateHandover(context.Background(), visits.Handover{Case: k.ID, Unit: "d02", Handed: roster.MustDate(parityToday),
			Due: roster.MustDate("2026-12-10")}, "other"); err != nil {
			t.Fatal(err)
		}
	}
	onHandover := func(name string, status int, field, act string, stale bool, body map[string]string) parityRow {
		// A decline needs a hand-over of today: the demo's is past its 5 working days.
		fresh := act == "decline" && status == http.StatusOK
		live := func(t *testing.T, e *parityEnv) (int64, int64, int) {
			k := e.caseByCode(t, handedCode)
			if fresh {
				k = e.caseByCode(t, code)
			}
			h, err := e.st.LiveHandover(context.Background(), k.ID)
			if err != nil {
				t.Fatal(err)
			}
			v := h.Version
			if stale {
				v--
			}
			return k.ID, h.ID, v
		}
		return parityRow{name: name, status: status, field: field,
			setup: func(t *testing.T, e *parityEnv) {
				if fresh {
					handed(t, e)
				}
				if stale {
					_, id, v := live(t, e)
					h, _ := e.st.Handover(context.Background(), id)
					if _, err := e.st.SaveHandover(context.Background(), h, v+1, "edit", "other"); err != nil {
						t.Fatal(err)
					}
				}
			},
			api: func(t *testing.T, e *parityEnv) parityReq {
				_, id, v := live(t, e)
				b := map[string]any{"version": v}
				for k, x := range body {
					b[k] = x
				}
				return parityReq{"POST", fmt.Sprintf("/api/v1/handovers/%d/%s", id, act), b}
			},
			form: func(t *testing.T, e *parityEnv) parityReq {
				k, id, v := live(t, e)
				f := url.Values{"version": {fmt.Sprint(v)}}
				for k, x := range body {
					f.Set(k, x)
				}
				return parityReq{"POST", fmt.Sprintf("/staff/cases/%d/handovers/%d/%s", k, id, act), f}
			}}
	}
	return []parityRow{
		hand("hand a case to a unit", http.StatusCreated, "", "d02", "2026-12-10", nil),
		hand("hand a case to a township", http.StatusCreated, "", "t05", "2026-12-10", nil),
		hand("hand a case to a village", http.StatusBadRequest, "unit", "v01", "2026-12-10", nil),
		hand("hand a case due after its deadline", http.StatusBadRequest, "due", "d02", "2027-06-01", nil),
		hand("hand a case with a stale version", http.StatusConflict, "", "d02", "2026-12-10",
			func(t *testing.T, e *parityEnv) { e.bumpCase(t, code) }),
		hand("hand a case a unit holds", http.StatusConflict, "", "d03", "2026-12-10", handed),
		onHandover("decline a hand-over", http.StatusOK, "", "decline", false, map[string]string{"reason": "不属于本单位职责"}),
		onHandover("decline a hand-over after 5 working days", http.StatusBadRequest, "on", "decline", false, map[string]string{"reason": "不属于本单位职责"}),
		onHandover("decline a hand-over without a reason", http.StatusBadRequest, "reason", "decline", false, nil),
		onHandover("report on a hand-over", http.StatusOK, "", "report", false, map[string]string{"report": "已入户核实并补发"}),
		onHandover("report with a stale version", http.StatusConflict, "", "report", true, map[string]string{"report": "x"}),
		onHandover("report without a text", http.StatusBadRequest, "report", "report", false, nil),
		onHandover("withdraw a hand-over", http.StatusOK, "", "withdraw", false, nil),
		onHandover("withdraw a hand-over with a stale version", http.StatusConflict, "", "withdraw", true, nil),
	}
}
