package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// Every JSON write endpoint and every staff form, sent hostile values in
// each field they take: invalid UTF-8, 100,000 characters, bidi and control
// characters, 64-bit extremes, years 0000 and 9999, 99,999 case ids. Each
// must be a 400 or 413 that names the field (the API's error.field; the
// form's message starts with the field's Chinese name), never a 500, and
// must store nothing.

type hostileKind int

const (
	hText  hostileKind = iota // a one-line text
	hMulti                    // a text that may hold line breaks
	hInt
	hDate
	hIDs  // a list of case ids
	hRows // a list whose first item is repeated 5,000 times
)

// rawBytes marks a value sent as these bytes, not as a JSON string (json.Marshal would repair invalid UTF-8).
type rawBytes string

// many is a value made by repeating the field's first item so many times.
type many int

type hostileValue struct {
	name  string
	value any // string, rawBytes, json.Number or []int64
}

func hostileValues(k hostileKind) []hostileValue {
	switch k {
	case hText, hMulti:
		return []hostileValue{
			{"invalid UTF-8", rawBytes(strings.Repeat("\x80", 100))},
			{"100,000 characters", strings.Repeat("访", 100000)},
			{"bidi override", "东岭\u202E乡"},
			{"control character", "东岭\x07乡"},
		}
	case hInt:
		return []hostileValue{{"int64 max", json.Number("9223372036854775807")}, {"int64 min", json.Number("-9223372036854775808")}}
	case hDate:
		return []hostileValue{{"year 0000", "0000-01-01"}, {"year 9999", "9999-12-31"}}
	}
	if k == hRows {
		return []hostileValue{{"5,000 rows", many(5000)}}
	}
	ids := make([]int64, 99999)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	return []hostileValue{{"99,999 ids", ids}}
}

// hostileField is one field of an endpoint: key in the request (dotted for
// nested JSON, "findings.0.summary"), and what a refusal names: the API's
// field and the form message's label ("" when the page shows none).
type hostileField struct {
	key   string
	kind  hostileKind
	field string
	label string
}

type hostileEndpoint struct {
	name   string
	form   bool
	setup  func(t *testing.T, e *parityEnv)
	req    func(t *testing.T, e *parityEnv) (method, path string, body map[string]any)
	fields []hostileField
}

func TestHostileInputIsRefused(t *testing.T) {
	tmpl := newParityTemplate(t)
	for _, ep := range hostileEndpoints() {
		t.Run(ep.name, func(t *testing.T) {
			t.Parallel()
			e := tmpl.env(t)
			if ep.setup != nil {
				ep.setup(t, e)
			}
			// Every write is audited: the newest audit entry tells a write
			// cheaply after each request; the whole snapshot is compared once.
			before := e.snapshot(t)
			audited := e.lastAudit(t)
			for _, f := range ep.fields {
				for _, hv := range hostileValues(f.kind) {
					t.Run(f.key+"/"+hv.name, func(t *testing.T) {
						method, path, body := ep.req(t, e)
						v := hv.value
						if n, ok := v.(many); ok {
							v = repeated(body[f.key], int(n))
						}
						setPath(body, f.key, v)
						var status int
						var field, msg, raw string
						if ep.form {
							status, msg, raw = e.sendHostileForm(t, method, path, body)
						} else {
							status, field, raw = e.sendHostileJSON(t, method, path, body)
						}
						if status != http.StatusBadRequest && status != http.StatusRequestEntityTooLarge {
							t.Fatalf("%s %s: status %d, want 400 or 413\n%s", method, path, status, clip(raw))
						}
						if !ep.form && field != f.field {
							t.Errorf("refused field %q, want %q\n%s", field, f.field, clip(raw))
						}
						if ep.form && (msg == "" || !strings.HasPrefix(msg, f.label)) {
							t.Errorf("form message %q does not start with %q", clip(msg), f.label)
						}
						if a := e.lastAudit(t); a != audited {
							t.Errorf("refused but stored (audited %+v)", a)
							audited = a
						}
					})
				}
			}
			if after := e.snapshot(t); after != before {
				t.Errorf("refused but stored:\n%s", firstDiff(before, after))
			}
		})
	}
}

func (e *parityEnv) lastAudit(t *testing.T) store.AuditEntry {
	t.Helper()
	es, err := e.st.AuditLog(context.Background(), store.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) == 0 {
		return store.AuditEntry{}
	}
	return es[0]
}

// setPath sets a dotted key in a JSON body ("petitioner.name", "findings.0.summary").
func setPath(body map[string]any, key string, v any) {
	if _, ok := body[key]; ok { // a form's flat key
		body[key] = v
		return
	}
	parts := strings.Split(key, ".")
	var cur any = body
	for i, p := range parts {
		last := i == len(parts)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[p] = v
				return
			}
			cur = c[p]
		case []any:
			n, _ := strconv.Atoi(p)
			if last {
				c[n] = v
				return
			}
			cur = c[n]
		}
	}
}

// repeated is a list of n copies of v's first item (v itself if it is no list).
func repeated(v any, n int) any {
	if xs, ok := v.([]any); ok {
		out := make([]any, n)
		for i := range out {
			out[i] = xs[0]
		}
		return out
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(v)
	}
	return out
}

const rawMark = "\uE000raw\uE000"

func (e *parityEnv) sendHostileJSON(t *testing.T, method, path string, body map[string]any) (int, string, string) {
	t.Helper()
	var raws []string
	var mark func(v any) any
	mark = func(v any) any {
		switch x := v.(type) {
		case rawBytes:
			raws = append(raws, string(x))
			return rawMark
		case map[string]any:
			for k, y := range x {
				x[k] = mark(y)
			}
		case []any:
			for i := range x {
				x[i] = mark(x[i])
			}
		}
		return v
	}
	mark(body)
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range raws {
		b = bytes.Replace(b, []byte(rawMark), []byte(r), 1)
	}
	code, raw := e.send(t, method, path, "application/json", bytes.NewReader(b))
	var m map[string]map[string]any
	json.Unmarshal([]byte(raw), &m)
	field, _ := m["error"]["field"].(string)
	return code, field, raw
}

// sendHostileForm posts body's values as a form; lists become repeated or comma-joined values.
func (e *parityEnv) sendHostileForm(t *testing.T, method, path string, body map[string]any) (int, string, string) {
	t.Helper()
	f := url.Values{}
	for k, v := range body {
		switch x := v.(type) {
		case []int64:
			s := make([]string, len(x))
			for i, id := range x {
				s[i] = strconv.FormatInt(id, 10)
			}
			f.Set(k, strings.Join(s, ","))
		case []string:
			f[k] = x
		default:
			f.Set(k, fmt.Sprint(x))
		}
	}
	return e.sendForm(t, parityReq{method, path, f})
}

func hostileEndpoints() []hostileEndpoint {
	caseID := func(code string) func(t *testing.T, e *parityEnv) (int64, int) {
		return func(t *testing.T, e *parityEnv) (int64, int) {
			k := e.caseByCode(t, code)
			return k.ID, k.Version
		}
	}
	visitID := func(t *testing.T, e *parityEnv) (int64, int) {
		v, err := e.st.Visit(context.Background(), e.visit)
		if err != nil {
			t.Fatal(err)
		}
		return v.ID, v.Version
	}
	// versioned is a request on a stored thing at its current version.
	versioned := func(current func(*testing.T, *parityEnv) (int64, int), pathf string, body func() map[string]any) func(t *testing.T, e *parityEnv) (string, string, map[string]any) {
		return func(t *testing.T, e *parityEnv) (string, string, map[string]any) {
			id, v := current(t, e)
			b := body()
			b["version"] = v
			return "POST", fmt.Sprintf(pathf, id), b
		}
	}
	fixed := func(method, path string, body func() map[string]any) func(*testing.T, *parityEnv) (string, string, map[string]any) {
		return func(*testing.T, *parityEnv) (string, string, map[string]any) { return method, path, body() }
	}
	// planned is an invited visit of L02 in December; today is a return visit held today.
	planned := func(t *testing.T, e *parityEnv) {
		d := e.freeDay(t, "L02", roster.MustDate("2026-12-03"))
		e.visit = e.createVisit(t, visits.Visit{Kind: visits.KindInvite, Leader: "L02", Date: d, Start: 19 * 60, End: 20 * 60,
			Place: "县群众来访接待中心约谈室", Cases: []int64{e.caseByCode(t, "2026-0901").ID}, State: visits.VisitPlanned})
	}
	heldToday := func(t *testing.T, e *parityEnv) {
		e.visit = e.createVisit(t, visits.Visit{Kind: visits.KindReturn, Leader: "L05", Date: roster.MustDate(parityToday), Start: 19 * 60, End: 20 * 60,
			Place: "信访人家中", Township: "t05", Cases: []int64{e.caseByCode(t, "2026-0904").ID}, State: visits.VisitConfirmed})
	}
	openTown := func(t *testing.T, e *parityEnv) { e.town = e.openTownship(t) }

	caseJSON := func() map[string]any {
		return map[string]any{"title": "某小区物业纠纷", "category": "其他", "township": "t03", "received": parityToday,
			"channel": "来访", "petitioner": map[string]any{"name": "王某某", "phone": "13800001111", "address": "东风村三组"},
			"content": "诉求内容丙", "group_size": 8, "representatives": 2, "leader": "L02", "unit": "县住建局"}
	}
	caseForm := func() map[string]any {
		b := caseJSON()
		p := b["petitioner"].(map[string]any)
		delete(b, "petitioner")
		for k, v := range p {
			b["petitioner."+k] = v
		}
		return b
	}
	caseFields := []hostileField{
		{"code", hText, "code", "案件编号："}, {"title", hText, "title", "标题："}, {"township", hText, "township", "乡镇："},
		{"petitioner.name", hText, "petitioner.name", "信访人姓名："}, {"petitioner.phone", hText, "petitioner.phone", "联系电话："},
		{"petitioner.address", hText, "petitioner.address", "住址："}, {"content", hMulti, "content", "主要诉求："},
		{"leader", hText, "leader", "领导："}, {"unit", hText, "unit", "责任单位："}, {"category", hText, "category", "类别："},
		{"channel", hText, "channel", "渠道："},
		{"group_size", hInt, "group_size", "来访人数："}, {"representatives", hInt, "representatives", "代表人数："},
		{"received", hDate, "received", "收到日期："},
	}
	visitJSON := func() map[string]any {
		return map[string]any{"kind": "carry", "leader": "L03", "date": "2026-12-10", "start": "09:00", "end": "11:00",
			"place": "东岭乡群众工作站", "township": "t03"}
	}
	visitFields := []hostileField{
		{"place", hText, "place", "地点："}, {"leader", hText, "leader", "领导："}, {"township", hText, "township", "乡镇："},
		{"kind", hText, "kind", "类型："}, {"date", hDate, "date", "日期："}, {"cases", hIDs, "cases", "关联案件："},
	}
	reportJSON := func(e *parityEnv) map[string]any {
		return map[string]any{"township": e.town, "findings": []any{map[string]any{"summary": "两村因灌溉水源分配发生争执",
			"category": "其他", "village": "西山村", "parties": 2, "risk": "高"}}}
	}
	reportForm := func(e *parityEnv) map[string]any {
		return map[string]any{"township": e.town, "summary": "两村因灌溉水源分配发生争执", "category": "其他", "village": "西山村", "parties": "2", "risk": "高"}
	}
	twoDays := parityToday[:8] + "03"
	absence := func() map[string]any {
		return map[string]any{"person": "L02", "kind": "leave", "from": twoDays, "to": twoDays, "reason": "病假"}
	}
	absenceFields := []hostileField{{"reason", hText, "", "原因："}, {"from", hDate, "", "开始日期："}, {"to", hDate, "", "结束日期："}}

	eps := []hostileEndpoint{
		{name: "API register a case", req: fixed("POST", "/api/v1/cases", caseJSON), fields: caseFields},
		{name: "form register a case", form: true, req: fixed("POST", "/staff/cases", caseForm), fields: caseFields},
		{name: "API plan a visit", req: fixed("POST", "/api/v1/visits", visitJSON), fields: visitFields},
		{name: "form plan a visit", form: true, req: fixed("POST", "/staff/visits", visitJSON), fields: visitFields},
		{name: "API file a sweep report", setup: openTown, req: func(t *testing.T, e *parityEnv) (string, string, map[string]any) {
			return "POST", "/api/v1/sweeps/2026-12/reports", reportJSON(e)
		}, fields: []hostileField{
			{"township", hText, "township", ""}, {"findings.0.summary", hText, "findings[0].summary", ""},
			{"findings.0.village", hText, "findings[0].village", ""}, {"findings.0.parties", hInt, "findings[0].parties", ""},
			{"findings", hRows, "findings", ""},
		}},
		{name: "form file a sweep report", form: true, setup: openTown, req: func(t *testing.T, e *parityEnv) (string, string, map[string]any) {
			return "POST", "/staff/sweeps/2026-12/reports", reportForm(e)
		}, fields: []hostileField{
			// The form's findings are rows of repeated fields: one hostile value in the first row.
			{"township", hText, "", "乡镇："}, {"summary", hText, "", "摘要：第 1 条："}, {"village", hText, "", "村：第 1 条："},
			{"parties", hInt, "", "当事人数：第 1 条："}, {"summary", hRows, "", "排查发现："},
		}},
	}

	// Acts on a case and on a visit, through the API and the form.
	type act struct {
		name, api, form string
		setup           func(*testing.T, *parityEnv)
		current         func(*testing.T, *parityEnv) (int64, int)
		body            func() map[string]any
		fields          []hostileField
	}
	acts := []act{
		{"accept a case", "/api/v1/cases/%d/transitions", "/staff/cases/%d/transition", nil, caseID("2026-0902"),
			func() map[string]any { return map[string]any{"action": "accept"} },
			[]hostileField{{"on", hDate, "on", "日期："}, {"action", hText, "action", "操作："}}},
		{"record a milestone", "/api/v1/cases/%d/milestones", "/staff/cases/%d/milestone", nil, caseID("2026-0906"),
			func() map[string]any { return map[string]any{"duty": "investigate", "note": "走访核实"} },
			[]hostileField{{"note", hMulti, "note", "备注："}, {"duty", hText, "duty", "职责："}, {"on", hDate, "on", "日期："}}},
		{"extend a case", "/api/v1/cases/%d/extension", "/staff/cases/%d/extension", nil, caseID("2026-0906"),
			func() map[string]any { return map[string]any{"days": 20, "reason": "需要鉴定"} },
			[]hostileField{{"reason", hText, "reason", "原因："}, {"days", hInt, "days", "延长天数："}}},
		{"change a case's leader", "/api/v1/cases/%d/leader", "/staff/cases/%d/leader", nil, caseID("2026-0902"),
			func() map[string]any { return map[string]any{"leader": "L05", "reason": "工作调整"} },
			[]hostileField{{"leader", hText, "leader", "领导："}, {"reason", hText, "reason", "原因："}}},
		{"reschedule a visit", "/api/v1/visits/%d/reschedule", "/staff/visits/%d/reschedule", planned, visitID,
			func() map[string]any {
				return map[string]any{"date": "2026-12-24", "start": "19:00", "end": "20:00", "reason": "领导临时会议"}
			},
			[]hostileField{{"reason", hText, "reason", "原因："}, {"date", hDate, "date", "日期："}}},
		{"cancel a visit", "/api/v1/visits/%d/cancel", "/staff/visits/%d/cancel", planned, visitID,
			func() map[string]any { return map[string]any{"reason": "信访人外出"} },
			[]hostileField{{"reason", hText, "reason", "原因："}}},
		{"record a visit's outcome", "/api/v1/visits/%d/outcome", "/staff/visits/%d/outcome", heldToday, visitID,
			func() map[string]any {
				return map[string]any{"state": "done", "notes": "当面回访", "satisfaction": string(visits.Satisfied)}
			},
			[]hostileField{{"notes", hMulti, "notes", "备注："}, {"walk_ins", hInt, "walk_ins", "接待人数："},
				{"cases", hIDs, "cases", "关联案件："}, {"satisfaction", hText, "satisfaction", "满意度："}}},
	}
	for _, a := range acts {
		eps = append(eps,
			hostileEndpoint{name: "API " + a.name, setup: a.setup, req: versioned(a.current, a.api, a.body), fields: a.fields},
			hostileEndpoint{name: "form " + a.name, form: true, setup: a.setup, req: versioned(a.current, a.form, a.body), fields: a.fields})
	}

	// The roster, absences and 四个一 links.
	slot := func(t *testing.T, e *parityEnv) (string, string, map[string]any) {
		a := e.duty(t, roster.MustDate("2026-12-04"))
		return "PUT", "/api/v1/assignments/" + a.Roster + "/" + a.Date.String() + "/" + url.PathEscape(a.Role),
			map[string]any{"person": a.Person, "version": a.Version}
	}
	eps = append(eps,
		hostileEndpoint{name: "API assign a roster slot", req: slot, fields: []hostileField{{"person", hText, "person", ""}}},
		hostileEndpoint{name: "form assign a roster slot", form: true, req: func(t *testing.T, e *parityEnv) (string, string, map[string]any) {
			a := e.duty(t, roster.MustDate("2026-12-04"))
			return "POST", "/staff/roster/" + a.Roster + "/assign", map[string]any{"date": a.Date.String(), "role": a.Role, "person": a.Person, "version": a.Version}
		}, fields: []hostileField{{"person", hText, "", "人员："}}},
		hostileEndpoint{name: "form preview an absence", form: true, req: fixed("POST", "/staff/absences/preview", absence), fields: absenceFields},
		hostileEndpoint{name: "form record an absence", form: true, req: fixed("POST", "/staff/absences", absence), fields: absenceFields},
		hostileEndpoint{name: "form save a leader's 四个一 links", form: true, req: fixed("POST", "/staff/leaders/L02/links", func() map[string]any {
			return map[string]any{"enterprise": "某某公司", "project": "某某项目", "village": "西山村"}
		}), fields: []hostileField{{"enterprise", hText, "", "企业"}, {"project", hText, "", "项目"}, {"village", hText, "", "村"}}},
	)
	return eps
}

// A chunked body over the limit is a 413, not "not valid JSON" or an empty form.
func TestChunkedBodyOverLimitIs413(t *testing.T) {
	e := newParityTemplate(t).env(t)
	for _, r := range []struct{ method, path, ctype, head, tail string }{
		{"POST", "/api/v1/cases", "application/json", `{"title":"`, `"}`},
		{"POST", "/api/v1/visits", "application/json", `{"place":"`, `"}`},
		{"PUT", "/api/v1/assignments/county-duty/2026-12-04/" + url.PathEscape("值班领导"), "application/json", `{"person":"`, `"}`},
		{"POST", "/staff/cases", "application/x-www-form-urlencoded", "csrf=" + e.csrf + "&title=", ""},
	} {
		before := e.lastAudit(t)
		body := io.MultiReader(strings.NewReader(r.head), strings.NewReader(strings.Repeat("a", 2<<20)), strings.NewReader(r.tail))
		req, err := http.NewRequest(r.method, e.base+r.path, body)
		if err != nil {
			t.Fatal(err)
		}
		req.ContentLength = -1 // sent chunked: the size is not declared
		req.Header.Set("Content-Type", r.ctype)
		req.Header.Set("X-CSRF-Token", e.csrf)
		resp, b := roundTrip(t, e.hc, req)
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%s %s chunked 2 MB: %d %s, want 413", r.method, r.path, resp.StatusCode, clip(string(b)))
		}
		if strings.HasPrefix(r.path, "/api/") && !strings.Contains(string(b), `"too_large"`) {
			t.Errorf("%s %s: %s, want code too_large", r.method, r.path, clip(string(b)))
		}
		if e.lastAudit(t) != before {
			t.Errorf("%s %s: stored something", r.method, r.path)
		}
	}
}

// Ids, months and dates in paths, at their extremes, are refused (or not
// found) without a 500 and without a write.
func TestHostilePathsAreRefused(t *testing.T) {
	e := newParityTemplate(t).env(t)
	duty := url.PathEscape("值班领导")
	slot := map[string]any{"person": "L01", "version": 0}
	for _, r := range []struct {
		method, path string
		body         map[string]any // JSON for /api/, a form otherwise
	}{
		{"POST", "/api/v1/rosters/county-duty/months/9999-12/publish", nil},
		{"POST", "/api/v1/rosters/county-duty/months/0000-01/publish", nil},
		{"POST", "/api/v1/rosters/county-duty/months/%80%80/publish", nil},
		{"POST", "/api/v1/findings/9223372036854775807/escalate", nil},
		{"POST", "/api/v1/findings/99999999999999999999/resolve", nil},
		{"POST", "/api/v1/cases/9223372036854775807/transitions", map[string]any{"version": 1, "action": "accept"}},
		{"POST", "/api/v1/visits/-1/confirm", map[string]any{"version": 1}},
		{"PUT", "/api/v1/assignments/county-duty/9999-12-31/" + duty, slot},
		{"PUT", "/api/v1/assignments/county-duty/0000-01-01/" + duty, slot},
		{"PUT", "/api/v1/assignments/%80%80/2026-12-04/" + duty, slot},
		{"POST", "/api/v1/sweeps/9999-12/reports", map[string]any{"township": "t01", "nil": true}},
		{"POST", "/api/v1/sweeps/%80%80/reports", map[string]any{"township": "t01", "nil": true}},
		{"POST", "/staff/roster/county-duty/9999-12/publish", map[string]any{}},
		{"POST", "/staff/roster/county-duty/assign", map[string]any{"date": "9999-12-31", "role": "值班领导", "person": "L01", "version": "0"}},
		{"POST", "/staff/roster/county-duty/assign", map[string]any{"date": "0000-01-01", "role": "值班领导", "person": "L01", "version": "0"}},
		{"POST", "/staff/regenerate", map[string]any{"from": "0000-01-01", "to": "9999-12-31", "fingerprint": "x"}},
		{"POST", "/staff/absences/9223372036854775807/delete", map[string]any{}},
	} {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			audited := e.lastAudit(t)
			var status int
			var raw string
			if strings.HasPrefix(r.path, "/api/") {
				body := r.body
				if body == nil {
					body = map[string]any{}
				}
				status, _, raw = e.sendHostileJSON(t, r.method, r.path, body)
			} else {
				status, _, raw = e.sendHostileForm(t, r.method, r.path, r.body)
			}
			if status < 400 || status >= 500 {
				t.Errorf("status %d, want 4xx\n%s", status, clip(raw))
			}
			if a := e.lastAudit(t); a != audited {
				t.Errorf("refused but stored (audited %+v)", a)
			}
		})
	}
}

// Account names and token labels from the users page: refused on the
// re-rendered page, nothing stored.
func TestHostileAccountNamesAreRefused(t *testing.T) {
	f := newStaffFixture(t)
	admin := f.loggedIn(t, "admin")
	for _, v := range []string{"admin\u202Egnp", "a\x07b", strings.Repeat("\x80", 100), strings.Repeat("长", 100000)} {
		code, body := admin.post("/staff/users", url.Values{"name": {v}, "role": {"editor"}, "password": {testPassword}})
		if code != http.StatusBadRequest || !strings.Contains(body, `class="error"`) {
			t.Errorf("user name %q: %d, want 400 on the users page", clip(v), code)
		}
		code, body = admin.post("/staff/users/admin/tokens", url.Values{"label": {v}})
		if code != http.StatusBadRequest || !strings.Contains(body, "令牌名称") {
			t.Errorf("token label %q: %d, want 400 on the users page\n%s", clip(v), code, clip(body))
		}
	}
	users, err := f.store.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if strings.ContainsAny(u.Name, "\u202E\x07\x80长") {
			t.Errorf("stored user %q", clip(u.Name))
		}
		if ts, err := f.store.APITokens(context.Background(), u.ID); err != nil || len(ts) > 0 {
			t.Errorf("%s has tokens %v (%v)", u.Name, ts, err)
		}
	}
}
