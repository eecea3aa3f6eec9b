package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"zhiban/roster"
	"zhiban/secret"
	"zhiban/visits"
)

// TestVisitorDataNeverLeaks drives the desk's API through success, repeats
// and refusals of every kind with a visitor's data in play, then searches
// the answers (no full ID number or phone outside the audited reveal), the
// public pages and feeds, and the log (nothing of the visitor at all).
func TestVisitorDataNeverLeaks(t *testing.T) {
	t.Parallel()
	f := newAPIFixture(t)
	ctx := context.Background()
	today := roster.MustDate("2026-12-01")
	session, err := f.store.CreateVisit(ctx, visits.Visit{Kind: visits.KindOpen, Leader: "L02", Shadow: "D01", Date: today,
		Start: 8*60 + 30, End: 17*60 + 30, Place: "县群众来访接待中心", State: visits.VisitConfirmed, CreatedBy: "test"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	const (
		name, id, phone, addr = "欧阳隐私", "11010519491231002X", "13611112222", "示例县密址巷3号"
		matter, rep           = "反映机密事项壬癸", "诸葛代表"
	)
	body := func(edit func(m map[string]any)) map[string]any {
		m := map[string]any{"session": session.ID, "visitor": map[string]any{"name": name, "id_number": id, "phone": phone, "address": addr},
			"township": "t01", "group_size": 7, "representatives": []string{rep}, "matter": matter, "category": "劳资"}
		if edit != nil {
			edit(m)
		}
		return m
	}
	full := []string{id, phone}
	all := []string{name, id, phone, addr, matter, rep, secret.MaskID(id), secret.MaskPhone(phone)}
	check := func(what, s string, secrets []string) {
		for _, x := range secrets {
			if strings.Contains(s, x) {
				t.Errorf("%s contains visitor data %q:\n%s", what, x, s)
			}
		}
	}
	code, m, raw := f.do(t, "POST", "/api/v1/desk/registrations", adminToken, body(nil))
	if code != http.StatusCreated {
		t.Fatalf("register: %d %s", code, raw)
	}
	check("register", raw, full)
	reg := num(m["registration"].(map[string]any)["id"])
	for _, req := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/desk/registrations", body(nil)}, // a possible repeat
		{"POST", "/api/v1/desk/repeats", body(nil)},
		{"POST", "/api/v1/desk/registrations", body(func(m map[string]any) { m["township"] = name })},
		{"POST", "/api/v1/desk/registrations", body(func(m map[string]any) { m["category"] = matter })},
		{"POST", "/api/v1/desk/registrations", body(func(m map[string]any) { m["session"] = phone })},
		{"POST", "/api/v1/desk/registrations", body(func(m map[string]any) { m["visitor"].(map[string]any)["id_number"] = phone })},
		{"POST", "/api/v1/desk/registrations", body(func(m map[string]any) { m["visitor"].(map[string]any)["phone"] = id + addr })},
		{"POST", "/api/v1/desk/registrations", body(func(m map[string]any) { m["case_code"] = id })},
		{"POST", "/api/v1/desk/registrations", body(func(m map[string]any) { m["representatives"] = []string{} })},
		{"POST", "/api/v1/desk/registrations", body(func(m map[string]any) { m[id] = phone })},
		{"POST", fmt.Sprintf("/api/v1/desk/registrations/%d/start", reg), map[string]any{"leader": name}},
		{"POST", fmt.Sprintf("/api/v1/desk/registrations/%d/finish", reg), map[string]any{"outcome": matter}},
		{"POST", fmt.Sprintf("/api/v1/desk/registrations/%d/finish", reg), map[string]any{"outcome": "in_progress", "case_code": phone}},
		{"GET", fmt.Sprintf("/api/v1/desk/registrations/%d", reg), nil},
		{"GET", "/api/v1/desk", nil},
		{"POST", fmt.Sprintf("/api/v1/desk/registrations/%d/finish", reg), map[string]any{"outcome": "handed"}},
	} {
		_, _, raw := f.do(t, req.method, req.path, adminToken, req.body)
		check(req.method+" "+req.path, raw, full)
	}
	// The case the desk registered shows the phone masked too.
	_, _, raw = f.do(t, "GET", "/api/v1/cases?q="+phone, adminToken, nil)
	if !strings.Contains(raw, secret.MaskPhone(phone)) {
		t.Errorf("the desk's case is not found by the visitor's phone: %s", raw)
	}
	check("case list", raw, full)
	// Only the editor's reveal shows the numbers.
	if code, _, raw := f.do(t, "POST", fmt.Sprintf("/api/v1/desk/registrations/%d/reveal", reg), adminToken, nil); code != 200 ||
		!strings.Contains(raw, id) || !strings.Contains(raw, phone) {
		t.Errorf("reveal: %d %s", code, raw)
	}
	for _, p := range []string{"/", "/visits", "/display", "/roster/2026-12", "/api/v1/public/today", "/api/v1/public/visits",
		"/feeds/roster.ics", "/feeds/township/t01.ics"} {
		_, _, raw := f.do(t, "GET", p, "", nil)
		check(p, raw, all)
	}
	check("log", f.logs.String(), all)
}
