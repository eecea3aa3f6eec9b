package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"zhiban/auth"
	"zhiban/httpapi"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/visits"
)

// The parity test runs each use case twice, on two fresh copies of the demo
// county (cases, visits and sweeps seeded, 2026-12-01 09:00 Shanghai): once
// through the JSON API and once through the staff form, both as the same
// signed-in editor (session cookie; the API gets the CSRF token in a header).
// Both must answer alike (the API's status, or 303 for a form that worked;
// the same field for a refusal) and leave the same stored state, read back
// through the store with ids, timestamps and actor names left out. A refusal
// stores nothing; a success changes something.

// parityReq is one request: a JSON body for the API, url.Values for a form.
type parityReq struct {
	method, path string
	body         any
}

type parityRow struct {
	name string
	// setup runs on each fresh database before the request (optional).
	setup func(t *testing.T, e *parityEnv)
	api   func(t *testing.T, e *parityEnv) parityReq
	form  func(t *testing.T, e *parityEnv) parityReq
	// status is the API's answer; the form answers 303 when it is 2xx.
	status int
	// field is the refused field: the API's error.field, and the label the
	// form's message starts with ("日期：…"). Empty for a success or a
	// refusal without a field (a stale version).
	field string
	// then checks the effect on each database after a success (optional).
	then func(t *testing.T, e *parityEnv)
	// as is who sends both requests: "" the county editor, or clerk (the
	// editor confined to t05, scope_test.go).
	as string
}

// formLabels are the Chinese names staff forms prefix a refused field's
// message with (httpapi's fieldLabels), for the fields the rows refuse.
var formLabels = map[string]string{
	"title": "标题", "township": "乡镇", "on": "日期", "date": "日期", "place": "地点", "reason": "原因",
	"cases": "关联案件", "leader": "领导", "version": "版本", "days": "延长天数", "person": "人员",
	"unit": "责任单位", "due": "办结期限", "report": "办结报告", "answer": "评价结果",
	// Conflicts carry no label on forms.
	"state": "",
}

const parityToday = "2026-12-01"

func TestParityAPIAndStaffForms(t *testing.T) {
	tmpl := newParityTemplate(t)
	for _, row := range parityRows() {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			api, form := tmpl.envAs(t, row.as), tmpl.envAs(t, row.as)
			var before [2]string
			for i, e := range []*parityEnv{api, form} {
				if row.setup != nil {
					row.setup(t, e)
				}
				before[i] = e.snapshot(t)
			}
			if before[0] != before[1] {
				t.Fatalf("the two databases differ before the request:\n%s", firstDiff(before[0], before[1]))
			}
			ar := row.api(t, api)
			aStatus, aField, aBody := api.sendJSON(t, ar)
			fr := row.form(t, form)
			fStatus, fMsg, fBody := form.sendForm(t, fr)

			wantForm := row.status
			if row.status < 300 {
				wantForm = http.StatusSeeOther
			}
			if aStatus != row.status {
				t.Errorf("API %s %s: status %d, want %d\n%s", ar.method, ar.path, aStatus, row.status, clip(aBody))
			}
			if fStatus != wantForm {
				t.Errorf("form POST %s: status %d, want %d (message %q)\n%s", fr.path, fStatus, wantForm, fMsg, clip(fBody))
			}
			if row.status >= 300 {
				if aField != row.field {
					t.Errorf("API refused field %q, want %q\n%s", aField, row.field, clip(aBody))
				}
				if fStatus < 500 && fStatus != http.StatusNotFound {
					if fMsg == "" {
						t.Errorf("form: no error message on the re-rendered page")
					} else if label := formLabels[row.field]; label != "" && !strings.HasPrefix(fMsg, label+"：") {
						t.Errorf("form message %q does not name the field %s (%s)", fMsg, row.field, formLabels[row.field])
					}
				}
			}

			after := [2]string{api.snapshot(t), form.snapshot(t)}
			if after[0] != after[1] {
				t.Errorf("stored state differs, API (-) vs form (+):\n%s", firstDiff(after[0], after[1]))
			}
			for i, who := range []string{"API", "form"} {
				switch changed := after[i] != before[i]; {
				case row.status >= 300 && changed:
					t.Errorf("the %s path was refused but stored something:\n%s", who, firstDiff(before[i], after[i]))
				case row.status < 300 && !changed && (i == 0 && aStatus < 300 || i == 1 && fStatus == http.StatusSeeOther):
					t.Errorf("the %s path answered success but stored nothing", who)
				}
			}
			if row.then != nil && row.status < 300 {
				row.then(t, api)
				row.then(t, form)
			}
		})
	}
}

func parityRows() []parityRow {
	caseBody := func() map[string]any {
		return map[string]any{"title": "某小区物业纠纷", "category": "其他", "township": "t03", "received": parityToday,
			"channel": "来访", "petitioner": map[string]any{"name": "王某某", "phone": "13800001111", "address": "东风村三组"},
			"content": "诉求内容丙", "group_size": 1, "leader": "L02", "unit": "县住建局"}
	}
	caseForm := func() url.Values {
		return url.Values{"title": {"某小区物业纠纷"}, "category": {"其他"}, "township": {"t03"}, "received": {parityToday},
			"channel": {"来访"}, "petitioner.name": {"王某某"}, "petitioner.phone": {"13800001111"}, "petitioner.address": {"东风村三组"},
			"content": {"诉求内容丙"}, "group_size": {"1"}, "leader": {"L02"}, "unit": {"县住建局"}}
	}
	// versioned builds a row's two requests for an act on a stored thing:
	// the API's JSON body and the form's fields, each with the version
	// current reads (one less when stale), posted to apiPath and formPath
	// (formatted with the thing's id).
	versioned := func(current func(*testing.T, *parityEnv) (int64, int), stale bool, apiPath, formPath string, api map[string]any, form url.Values) (func(*testing.T, *parityEnv) parityReq, func(*testing.T, *parityEnv) parityReq) {
		version := func(t *testing.T, e *parityEnv) (int64, int) {
			id, v := current(t, e)
			if stale {
				return id, v - 1
			}
			return id, v
		}
		return func(t *testing.T, e *parityEnv) parityReq {
				id, v := version(t, e)
				body := map[string]any{"version": v}
				for k, x := range api {
					body[k] = x
				}
				return parityReq{"POST", fmt.Sprintf(apiPath, id), body}
			}, func(t *testing.T, e *parityEnv) parityReq {
				id, v := version(t, e)
				f := url.Values{"version": {fmt.Sprint(v)}}
				for k, x := range form {
					f[k] = x
				}
				return parityReq{"POST", fmt.Sprintf(formPath, id), f}
			}
	}
	// caseVariant registers the case with field key set to value, or left
	// out when value is "".
	caseVariant := func(name string, status int, field, key, value string) parityRow {
		return parityRow{name: name, status: status, field: field,
			api: func(*testing.T, *parityEnv) parityReq {
				b := caseBody()
				delete(b, key)
				if value != "" {
					b[key] = value
				}
				return parityReq{"POST", "/api/v1/cases", b}
			},
			form: func(*testing.T, *parityEnv) parityReq {
				f := caseForm()
				f.Del(key)
				if value != "" {
					f.Set(key, value)
				}
				return parityReq{"POST", "/staff/cases", f}
			}}
	}
	// onCase acts on case code.
	onCase := func(code, apiAct, formAct string, stale bool, api map[string]any, form url.Values) (func(*testing.T, *parityEnv) parityReq, func(*testing.T, *parityEnv) parityReq) {
		current := func(t *testing.T, e *parityEnv) (int64, int) {
			k := e.caseByCode(t, code)
			return k.ID, k.Version
		}
		return versioned(current, stale, "/api/v1/cases/%d/"+apiAct, "/staff/cases/%d/"+formAct, api, form)
	}
	row := func(name string, status int, field string, reqs func() (func(*testing.T, *parityEnv) parityReq, func(*testing.T, *parityEnv) parityReq)) parityRow {
		a, f := reqs()
		return parityRow{name: name, api: a, form: f, status: status, field: field}
	}
	caseRow := func(name string, status int, field, code, apiAct, formAct string, stale bool, api map[string]any, form url.Values) parityRow {
		return row(name, status, field, func() (func(*testing.T, *parityEnv) parityReq, func(*testing.T, *parityEnv) parityReq) {
			return onCase(code, apiAct, formAct, stale, api, form)
		})
	}

	// onVisit acts on the visit the setup planned (e.visit).
	onVisit := func(act string, stale bool, api map[string]any, form url.Values) (func(*testing.T, *parityEnv) parityReq, func(*testing.T, *parityEnv) parityReq) {
		current := func(t *testing.T, e *parityEnv) (int64, int) {
			v, err := e.st.Visit(context.Background(), e.visit)
			if err != nil {
				t.Fatal(err)
			}
			return v.ID, v.Version
		}
		return versioned(current, stale, "/api/v1/visits/%d/"+act, "/staff/visits/%d/"+act, api, form)
	}
	visitRow := func(name string, status int, field string, setup func(*testing.T, *parityEnv), act string, stale bool, api map[string]any, form url.Values) parityRow {
		r := row(name, status, field, func() (func(*testing.T, *parityEnv) parityReq, func(*testing.T, *parityEnv) parityReq) {
			return onVisit(act, stale, api, form)
		})
		r.setup = setup
		return r
	}
	// planned is an invited visit of L02 about case 2026-0901, planned on
	// L02's first free day after the 3rd at 19:00; bumped saves it once more
	// so the version the request sends is stale.
	planned := func(bumped bool) func(*testing.T, *parityEnv) {
		return func(t *testing.T, e *parityEnv) {
			d := e.freeDay(t, "L02", roster.MustDate("2026-12-03"))
			e.visit = e.createVisit(t, visits.Visit{Kind: visits.KindInvite, Leader: "L02", Date: d, Start: 19 * 60, End: 20 * 60,
				Place: "县群众来访接待中心约谈室", Cases: []int64{e.caseByCode(t, "2026-0901").ID}, State: visits.VisitPlanned})
			if bumped {
				v, _ := e.st.Visit(context.Background(), e.visit)
				v.Place = "县群众来访接待中心二楼"
				if _, err := e.st.SaveVisit(context.Background(), v, v.Version, "edit", "other"); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// newVisit builds a create-visit row; change edits the API body and the form alike.
	newVisit := func(name string, status int, field string, change func(t *testing.T, e *parityEnv, v map[string]string)) parityRow {
		fields := func(t *testing.T, e *parityEnv) map[string]string {
			v := map[string]string{"kind": "carry", "leader": "L03", "date": e.freeDay(t, "L03", roster.MustDate("2026-12-03")).String(),
				"start": "09:00", "end": "11:00", "place": "东岭乡群众工作站", "township": "t03"}
			if change != nil {
				change(t, e, v)
			}
			return v
		}
		return parityRow{name: name, status: status, field: field,
			api: func(t *testing.T, e *parityEnv) parityReq {
				body := map[string]any{}
				for k, x := range fields(t, e) {
					if k == "cases" {
						var ids []int64
						json.Unmarshal([]byte("["+x+"]"), &ids)
						body[k] = ids
						continue
					}
					body[k] = x
				}
				return parityReq{"POST", "/api/v1/visits", body}
			},
			form: func(t *testing.T, e *parityEnv) parityReq {
				f := url.Values{}
				for k, x := range fields(t, e) {
					f.Set(k, x)
				}
				return parityReq{"POST", "/staff/visits", f}
			}}
	}

	// report files the first open township's report for December.
	report := func(name string, status int, field string, township string, findings []map[string]string) parityRow {
		town := func(t *testing.T, e *parityEnv) string {
			if township != "" {
				return township
			}
			if e.town == "" {
				e.town = e.openTownship(t)
			}
			return e.town
		}
		return parityRow{name: name, status: status, field: field,
			api: func(t *testing.T, e *parityEnv) parityReq {
				var fs []any
				for _, f := range findings {
					var parties int
					fmt.Sscan(f["parties"], &parties)
					fs = append(fs, map[string]any{"summary": f["summary"], "category": f["category"], "village": f["village"], "parties": parties, "risk": f["risk"]})
				}
				body := map[string]any{"township": town(t, e), "findings": fs}
				if findings == nil {
					body = map[string]any{"township": town(t, e), "nil": true}
				}
				return parityReq{"POST", "/api/v1/sweeps/2026-12/reports", body}
			},
			form: func(t *testing.T, e *parityEnv) parityReq {
				v := url.Values{"township": {town(t, e)}}
				if findings == nil {
					v.Set("nil", "1")
				}
				for _, f := range findings {
					for _, k := range []string{"summary", "category", "village", "parties", "risk"} {
						v.Add(k, f[k])
					}
				}
				return parityReq{"POST", "/staff/sweeps/2026-12/reports", v}
			}}
	}
	finding := []map[string]string{{"summary": "两村因灌溉水源分配发生争执", "category": "其他", "village": "西山村", "parties": "2", "risk": "高"}}
	// onFinding acts on December's first finding that is neither a case nor
	// resolved, or on the one the setup picked (e.finding).
	onFinding := func(name string, status int, act string, setup func(*testing.T, *parityEnv)) parityRow {
		id := func(t *testing.T, e *parityEnv) int64 {
			if e.found == 0 {
				e.found = e.finding(t)
			}
			return e.found
		}
		return parityRow{name: name, status: status, setup: setup,
			api: func(t *testing.T, e *parityEnv) parityReq {
				return parityReq{"POST", fmt.Sprintf("/api/v1/findings/%d/%s", id(t, e), act), nil}
			},
			form: func(t *testing.T, e *parityEnv) parityReq {
				return parityReq{"POST", fmt.Sprintf("/staff/findings/%d/%s", id(t, e), act), url.Values{}}
			}}
	}

	// slot replaces the duty leader of the first duty day from the 4th on;
	// who picks the person from the slot page's offer.
	slot := func(name string, status int, field string, stale bool, who func(t *testing.T, e *parityEnv, a store.StoredAssignment) string) parityRow {
		duty := func(t *testing.T, e *parityEnv) (store.StoredAssignment, string, int) {
			a := e.duty(t, roster.MustDate("2026-12-04"))
			v := a.Version
			if stale {
				v--
			}
			return a, who(t, e, a), v
		}
		return parityRow{name: name, status: status, field: field,
			setup: func(t *testing.T, e *parityEnv) {
				if !stale {
					return
				}
				a := e.duty(t, roster.MustDate("2026-12-04"))
				if _, err := e.st.SetPinned(context.Background(), a.Key(), a.Version, true, "other"); err != nil {
					t.Fatal(err)
				}
			},
			api: func(t *testing.T, e *parityEnv) parityReq {
				a, p, v := duty(t, e)
				return parityReq{"PUT", "/api/v1/assignments/" + a.Roster + "/" + a.Date.String() + "/" + url.PathEscape(a.Role),
					map[string]any{"person": p, "version": v, "pinned": a.Pinned}}
			},
			form: func(t *testing.T, e *parityEnv) parityReq {
				a, p, v := duty(t, e)
				return parityReq{"POST", "/staff/roster/" + a.Roster + "/assign",
					url.Values{"date": {a.Date.String()}, "role": {a.Role}, "person": {p}, "version": {fmt.Sprint(v)}}}
			}}
	}

	rows := []parityRow{
		{name: "register a case", status: 201,
			api:  func(*testing.T, *parityEnv) parityReq { return parityReq{"POST", "/api/v1/cases", caseBody()} },
			form: func(*testing.T, *parityEnv) parityReq { return parityReq{"POST", "/staff/cases", caseForm()} },
			then: func(t *testing.T, e *parityEnv) {
				cs, err := e.st.Cases(context.Background(), store.CaseFilter{Township: "t03"})
				if err != nil || !slices.ContainsFunc(cs, func(k visits.Case) bool {
					return k.Title == "某小区物业纠纷" && k.Petitioner.Phone == "13800001111"
				}) {
					t.Errorf("the registered case is not stored: %v", err)
				}
			}},
		caseVariant("register a case without a title", 400, "title", "title", ""),
		caseVariant("register a case under a code already taken", 409, "", "code", "2026-0900"),
		caseVariant("register a case in an unknown township", 400, "township", "township", "t99"),
		caseRow("accept a case", 200, "", "2026-0902", "transitions", "transition", false,
			map[string]any{"action": "accept", "on": parityToday}, url.Values{"action": {"accept"}, "on": {parityToday}}),
		caseRow("accept a case on a date before it was received", 400, "on", "2026-0902", "transitions", "transition", false,
			map[string]any{"action": "accept", "on": "2026-11-01"}, url.Values{"action": {"accept"}, "on": {"2026-11-01"}}),
		caseRow("accept a case on a date after today", 400, "on", "2026-0902", "transitions", "transition", false,
			map[string]any{"action": "accept", "on": "2026-12-02"}, url.Values{"action": {"accept"}, "on": {"2026-12-02"}}),
		func() parityRow {
			r := caseRow("accept a case with a stale version", 409, "", "2026-0902", "transitions", "transition", true,
				map[string]any{"action": "accept"}, url.Values{"action": {"accept"}})
			r.setup = func(t *testing.T, e *parityEnv) { e.bumpCase(t, "2026-0902") }
			return r
		}(),
		func() parityRow {
			r := caseRow("reply to a case schedules the return visit", 200, "", "2026-0900", "transitions", "transition", false,
				map[string]any{"action": "reply"}, url.Values{"action": {"reply"}})
			r.then = func(t *testing.T, e *parityEnv) {
				k := e.caseByCode(t, "2026-0900")
				vs, err := e.st.Visits(context.Background(), store.VisitFilter{Case: k.ID, Kind: visits.KindReturn})
				if err != nil || len(vs) != 1 || vs[0].Date <= roster.MustDate(parityToday) {
					t.Errorf("return visit of %s: %+v %v", k.Code, vs, err)
				}
			}
			return r
		}(),
		caseRow("record a milestone", 200, "", "2026-0906", "milestones", "milestone", false,
			map[string]any{"duty": "investigate", "note": "走访核实"}, url.Values{"duty": {"investigate"}, "note": {"走访核实"}}),
		func() parityRow {
			r := caseRow("record a milestone with a stale version", 409, "", "2026-0906", "milestones", "milestone", true,
				map[string]any{"duty": "investigate", "note": "走访核实"}, url.Values{"duty": {"investigate"}, "note": {"走访核实"}})
			r.setup = func(t *testing.T, e *parityEnv) { e.bumpCase(t, "2026-0906") }
			return r
		}(),
		caseRow("extend a case", 200, "", "2026-0906", "extension", "extension", false,
			map[string]any{"days": 20, "reason": "需要鉴定"}, url.Values{"days": {"20"}, "reason": {"需要鉴定"}}),
		caseRow("extend a case without a reason", 400, "reason", "2026-0906", "extension", "extension", false,
			map[string]any{"days": 20}, url.Values{"days": {"20"}}),
		caseRow("change a case's leader", 200, "", "2026-0902", "leader", "leader", false,
			map[string]any{"leader": "L05", "reason": "工作调整"}, url.Values{"leader": {"L05"}, "reason": {"工作调整"}}),
		caseRow("change a case's leader to nobody known", 400, "leader", "2026-0902", "leader", "leader", false,
			map[string]any{"leader": "L999", "reason": "工作调整"}, url.Values{"leader": {"L999"}, "reason": {"工作调整"}}),

		newVisit("create a visit", 201, "", nil),
		newVisit("create a visit in an unknown township", 400, "township", func(_ *testing.T, _ *parityEnv, v map[string]string) { v["township"] = "t99" }),
		newVisit("create a visit without a place", 400, "place", func(_ *testing.T, _ *parityEnv, v map[string]string) { delete(v, "place") }),
		newVisit("create an invited visit for a known case", 201, "", func(t *testing.T, e *parityEnv, v map[string]string) {
			v["kind"], v["cases"] = "invite", fmt.Sprint(e.caseByCode(t, "2026-0902").ID)
		}),
		newVisit("create an invited visit for an unknown case", 400, "cases", func(t *testing.T, e *parityEnv, v map[string]string) {
			v["kind"], v["cases"] = "invite", "99999"
		}),
		newVisit("create a visit that clashes with the leader's duty", 409, "", func(t *testing.T, e *parityEnv, v map[string]string) {
			a := e.duty(t, roster.MustDate("2026-12-03"))
			v["leader"], v["date"] = a.Person, a.Date.String()
		}),
		newVisit("create a visit on a past date (refused: issue 11 item 7)", 400, "date", func(t *testing.T, e *parityEnv, v map[string]string) {
			v["date"], v["start"], v["end"] = "2026-11-28", "19:00", "20:00" // a Saturday: no duty, no absence
		}),
		visitRow("confirm a visit", 200, "", planned(false), "confirm", false, nil, nil),
		visitRow("confirm a visit with a stale version", 409, "", planned(true), "confirm", true, nil, nil),
		func() parityRow {
			moved := func(t *testing.T, e *parityEnv) string {
				v, _ := e.st.Visit(context.Background(), e.visit)
				return e.freeDay(t, "L02", v.Date.AddDays(1)).String()
			}
			r := parityRow{name: "reschedule a visit", status: 200, setup: planned(false)}
			r.api = func(t *testing.T, e *parityEnv) parityReq {
				a, _ := onVisit("reschedule", false, map[string]any{"date": moved(t, e), "start": "19:00", "end": "20:00", "reason": "领导临时会议"}, nil)
				return a(t, e)
			}
			r.form = func(t *testing.T, e *parityEnv) parityReq {
				_, f := onVisit("reschedule", false, nil, url.Values{"date": {moved(t, e)}, "start": {"19:00"}, "end": {"20:00"}, "reason": {"领导临时会议"}})
				return f(t, e)
			}
			return r
		}(),
		visitRow("reschedule a visit with a stale version", 409, "", planned(true), "reschedule", true,
			map[string]any{"date": "2026-12-24", "start": "19:00", "end": "20:00", "reason": "领导临时会议"},
			url.Values{"date": {"2026-12-24"}, "start": {"19:00"}, "end": {"20:00"}, "reason": {"领导临时会议"}}),
		visitRow("record a visit's outcome before its day", 409, "state", planned(false), "outcome", false,
			map[string]any{"state": "done", "notes": "已接待"}, url.Values{"state": {"done"}, "notes": {"已接待"}}),
		visitRow("cancel a visit", 200, "", planned(false), "cancel", false,
			map[string]any{"reason": "信访人外出"}, url.Values{"reason": {"信访人外出"}}),
		visitRow("cancel a visit without a reason", 400, "reason", planned(false), "cancel", false,
			map[string]any{"reason": ""}, url.Values{"reason": {""}}),
		func() parityRow {
			// A return visit of the replied case 2026-0904 today; the petitioner is not satisfied.
			r := visitRow("record a return visit's outcome (not satisfied keeps the 复查 window, no reopening)", 200, "", func(t *testing.T, e *parityEnv) {
				e.visit = e.createVisit(t, visits.Visit{Kind: visits.KindReturn, Leader: "L05", Date: roster.MustDate(parityToday), Start: 19 * 60, End: 20 * 60,
					Place: "信访人家中", Township: "t05", Cases: []int64{e.caseByCode(t, "2026-0904").ID}, State: visits.VisitConfirmed})
			}, "outcome", false,
				map[string]any{"state": "done", "notes": "当面回访", "satisfaction": string(visits.Dissatisfied)},
				url.Values{"state": {"done"}, "notes": {"当面回访"}, "satisfaction": {string(visits.Dissatisfied)}})
			r.then = func(t *testing.T, e *parityEnv) {
				if k := e.caseByCode(t, "2026-0904"); k.Reopened != 0 || k.State != visits.StateReplied {
					t.Errorf("case 2026-0904 reopened: %s", k.State)
				}
			}
			return r
		}(),

		report("file a sweep report", 201, "", "", finding),
		report("file a nil sweep report", 201, "", "", nil),
		func() parityRow {
			r := report("file a sweep report twice", 409, "", "", finding)
			r.setup = func(t *testing.T, e *parityEnv) {
				e.town = e.openTownship(t)
				e.fileReport(t, e.town)
			}
			return r
		}(),
		report("file a sweep report for an unknown township", 400, "township", "t99", finding),
		onFinding("escalate a finding", 201, "escalate", nil),
		onFinding("escalate a finding twice", 409, "escalate", func(t *testing.T, e *parityEnv) {
			e.found = e.finding(t)
			if code, _, body := e.sendJSON(t, parityReq{"POST", fmt.Sprintf("/api/v1/findings/%d/escalate", e.found), nil}); code != 201 {
				t.Fatalf("first escalation: %d %s", code, body)
			}
		}),
		onFinding("resolve a finding", 200, "resolve", nil),
		onFinding("resolve a finding twice", 409, "resolve", func(t *testing.T, e *parityEnv) {
			e.found = e.finding(t)
			if code, _, body := e.sendJSON(t, parityReq{"POST", fmt.Sprintf("/api/v1/findings/%d/resolve", e.found), nil}); code != 200 {
				t.Fatalf("first resolution: %d %s", code, body)
			}
		}),

		slot("replace a roster slot", 200, "", false, func(t *testing.T, e *parityEnv, a store.StoredAssignment) string { return e.eligible(t, a) }),
		slot("replace a roster slot with someone outside the pool", 400, "person", false, func(*testing.T, *parityEnv, store.StoredAssignment) string { return "L999" }),
		slot("replace a roster slot with a stale version", 409, "", true, func(t *testing.T, e *parityEnv, a store.StoredAssignment) string { return e.eligible(t, a) }),
	}
	rows = append(rows, evaluationParityRows()...)
	rows = append(rows, scopeParityRows()...)
	rows = append(rows, bookingParityRows()...)
	return append(append(append(rows, attendanceParityRows()...), handoverParityRows()...), deskParityRows()...)
}

// parityTemplate is the demo county with a signed-in editor, saved once as
// a database file (on PostgreSQL: a database) that every run copies.
type parityTemplate struct {
	db      string // a SQLite file, or a PostgreSQL URL
	now     time.Time
	cookies []*http.Cookie
	csrf    string
	// The clerk of t05's session (parityRow.as).
	clerkCookies []*http.Cookie
	clerkCSRF    string
}

func newParityTemplate(t *testing.T) *parityTemplate {
	t.Helper()
	if storetest.OnPostgres() {
		db := storetest.PostgresDatabase(t)
		f := newWorkFixtureOn(t, storetest.Demo(t, storetest.OpenURL(t, db), nil))
		tmpl := f.parityTemplate(t)
		tmpl.db = db
		return tmpl
	}
	f := newWorkFixture(t)
	tmpl := f.parityTemplate(t)
	// The fixture's database is the only *.db under this test's temporary
	// directories (demoStore puts it in a t.TempDir of its own).
	dir := t.TempDir()
	dbs, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), "*", "*.db"))
	if len(dbs) != 1 {
		t.Fatalf("want the fixture's one database file beside %s, found %v", dir, dbs)
	}
	tmpl.db = filepath.Join(dir, "template.db")
	copyFile(t, dbs[0], tmpl.db)
	copyKeyFile(t, dbs[0], tmpl.db) // the phones are sealed with it
	return tmpl
}

// parityTemplate signs the editor in and closes f, leaving its database to copy.
func (f *staffFixture) parityTemplate(t *testing.T) *parityTemplate {
	t.Helper()
	c := f.loggedIn(t, "editor")
	f.addUser(t, clerk, auth.RoleEditor, ownTown)
	cl := f.loggedInClerk(t, clerk)
	u, _ := url.Parse(f.srv.URL)
	tmpl := &parityTemplate{now: f.clock(), cookies: c.hc.Jar.Cookies(u), csrf: c.csrf,
		clerkCookies: cl.hc.Jar.Cookies(u), clerkCSRF: cl.csrf}
	f.srv.Close()
	if err := f.store.Close(); err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// copyKeyFile copies the SQLite database's privacy key file, if it has one
// (with ZHIBAN_PRIVACY_KEY set, as when PostgreSQL tests run, it has none).
func copyKeyFile(t *testing.T, fromDB, toDB string) {
	t.Helper()
	if _, err := os.Stat(fromDB + ".key"); err == nil {
		copyFile(t, fromDB+".key", toDB+".key")
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// parityEnv is one fresh copy of the template, served.
type parityEnv struct {
	st    *store.Store
	base  string
	hc    *http.Client
	csrf  string
	visit int64  // the visit a row's setup planned
	found int64  // the finding a row acts on
	town  string // the township whose report a row files
}

func (p *parityTemplate) env(t *testing.T) *parityEnv {
	t.Helper()
	return p.envAs(t, "")
}

// envAs is env signed in as who: "" the county editor, or clerk.
func (p *parityTemplate) envAs(t *testing.T, who string) *parityEnv {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "z.db")
	if storetest.OnPostgres() {
		path = storetest.ClonePostgres(t, p.db)
	} else {
		copyFile(t, p.db, path)
		copyKeyFile(t, p.db, path)
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := p.now
	clock := func() time.Time { return now }
	st.Now = clock
	cfg := testConfig(t, nil)
	api, err := httpapi.New(st, httpapi.Options{Config: cfg, Now: clock, Version: "test", CacheCheck: -1,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(srv.URL)
	cookies, csrf := p.cookies, p.csrf
	if who == clerk {
		cookies, csrf = p.clerkCookies, p.clerkCSRF
	}
	jar.SetCookies(u, cookies)
	return &parityEnv{st: st, base: srv.URL, csrf: csrf, hc: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (e *parityEnv) send(t *testing.T, method, path, ctype string, body io.Reader) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("X-CSRF-Token", e.csrf)
	resp, b := roundTrip(t, e.hc, req)
	return resp.StatusCode, string(b)
}

// sendJSON sends r to the API and returns the status and the refused field.
func (e *parityEnv) sendJSON(t *testing.T, r parityReq) (int, string, string) {
	t.Helper()
	var body io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	code, raw := e.send(t, r.method, r.path, "application/json", body)
	var m struct {
		Error struct {
			Field string `json:"field"`
		} `json:"error"`
	}
	json.Unmarshal([]byte(raw), &m)
	return code, m.Error.Field, raw
}

var formError = regexp.MustCompile(`<p class="error" role="alert">([^<]*)</p>`)

var errorPageMessage = regexp.MustCompile(`<h1>出错了</h1>\s*<p>([^<]*)</p>`)

// sendForm posts r as a staff form and returns the status and the page's error message.
func (e *parityEnv) sendForm(t *testing.T, r parityReq) (int, string, string) {
	t.Helper()
	form, _ := r.body.(url.Values)
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", e.csrf)
	code, raw := e.send(t, r.method, r.path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	msg := ""
	if m := formError.FindStringSubmatch(raw); m != nil {
		msg = html.UnescapeString(m[1])
	} else if m := errorPageMessage.FindStringSubmatch(raw); m != nil && code == http.StatusForbidden {
		msg = html.UnescapeString(m[1]) // another township's thing: the error page, not the thing's page
	}
	return code, msg, raw
}

func (e *parityEnv) caseByCode(t *testing.T, code string) visits.Case {
	t.Helper()
	k, err := e.st.CaseByCode(context.Background(), code)
	if err != nil {
		t.Fatalf("case %s: %v", code, err)
	}
	return k
}

// bumpCase saves a case unchanged by someone else: its version moves on.
func (e *parityEnv) bumpCase(t *testing.T, code string) {
	t.Helper()
	k := e.caseByCode(t, code)
	if _, err := e.st.SaveCase(context.Background(), k, k.Version, "edit", "other"); err != nil {
		t.Fatal(err)
	}
}

func (e *parityEnv) createVisit(t *testing.T, v visits.Visit) int64 {
	t.Helper()
	v.CreatedBy = "other"
	saved, err := e.st.CreateVisit(context.Background(), v, "other")
	if err != nil {
		t.Fatal(err)
	}
	return saved.ID
}

// freeDay is leader's first working day from from on with no duty, absence or visit.
func (e *parityEnv) freeDay(t *testing.T, leader string, from roster.Date) roster.Date {
	t.Helper()
	ctx := context.Background()
	to := from.AddDays(40)
	busy, err := e.st.Busy(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := planner.Calendar(ctx, e.st, from, to)
	if err != nil {
		t.Fatal(err)
	}
	days := visits.FreeDays(leader, from, to, cal, busy)
	if len(days) == 0 {
		t.Fatalf("%s has no free day from %s", leader, from)
	}
	return days[0]
}

// fileReport files township's nil report for December through the API.
func (e *parityEnv) fileReport(t *testing.T, township string) {
	t.Helper()
	if code, _, body := e.sendJSON(t, parityReq{"POST", "/api/v1/sweeps/2026-12/reports", map[string]any{"township": township, "nil": true}}); code != 201 {
		t.Fatalf("filing %s: %d %s", township, code, body)
	}
}

// openTownship is the first December township whose report is still due.
func (e *parityEnv) openTownship(t *testing.T) string {
	t.Helper()
	tasks, err := e.st.SweepTasks(context.Background(), "2026-12")
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range tasks {
		if tk.Status == visits.TaskOpen {
			return tk.Township
		}
	}
	t.Fatal("no open sweep task in 2026-12")
	return ""
}

// finding is December's first finding that is neither a case nor resolved.
func (e *parityEnv) finding(t *testing.T) int64 {
	t.Helper()
	fs, err := e.st.Findings(context.Background(), store.FindingFilter{Month: "2026-12"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Case == 0 && !f.Resolved {
			return f.ID
		}
	}
	t.Fatal("no open finding in 2026-12")
	return 0
}

// duty is the county duty leader's slot on the first day from d that has one.
func (e *parityEnv) duty(t *testing.T, d roster.Date) store.StoredAssignment {
	t.Helper()
	as, err := e.st.Assignments(context.Background(), d, d.AddDays(14))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.Roster == "county-duty" && a.Role == "值班领导" {
			return a
		}
	}
	t.Fatalf("no duty from %s", d)
	return store.StoredAssignment{}
}

// eligible is the first person the slot page offers in a's place.
func (e *parityEnv) eligible(t *testing.T, a store.StoredAssignment) string {
	t.Helper()
	code, body := e.send(t, "GET", "/staff/roster/"+a.Roster+"/slot?date="+a.Date.String()+"&role="+url.QueryEscape(a.Role), "", nil)
	if code != 200 {
		t.Fatalf("slot page: %d", code)
	}
	for _, m := range regexp.MustCompile(`name="person" value="([^"]+)"( disabled)?`).FindAllStringSubmatch(body, -1) {
		if m[1] != a.Person && m[2] == "" {
			return m[1]
		}
	}
	t.Fatalf("the slot page offers nobody for %s %s", a.Date, a.Role)
	return ""
}

// snapshot is the stored state a use case can change, as indented JSON with
// ids, timestamps and actor names left out.
func (e *parityEnv) snapshot(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	var state struct {
		Cases       []visits.Case
		Visits      []visits.Visit
		Tasks       []visits.Task
		Findings    []visits.Finding
		Assignments []store.StoredAssignment
		Audit       []store.AuditEntry
		Outbox      []store.Delivery
		Handovers   []visits.Handover
		Desk        []visits.Registration
		Evaluations []visits.Evaluation
		Bookings    []visits.Booking
	}
	var errs []error
	must := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var err error
	state.Cases, err = e.st.Cases(ctx, store.CaseFilter{})
	must(err)
	state.Visits, err = e.st.Visits(ctx, store.VisitFilter{})
	must(err)
	for _, m := range []visits.Month{"2026-11", "2026-12"} {
		ts, err := e.st.SweepTasks(ctx, m)
		must(err)
		state.Tasks = append(state.Tasks, ts...)
	}
	state.Findings, err = e.st.Findings(ctx, store.FindingFilter{})
	must(err)
	state.Assignments, err = e.st.Assignments(ctx, roster.MustDate("2026-11-20"), roster.MustDate("2027-01-31"))
	must(err)
	state.Audit, err = e.st.AuditLog(ctx, store.AuditFilter{})
	must(err)
	state.Outbox, err = e.st.Deliveries(ctx, store.DeliveryFilter{})
	must(err)
	state.Handovers, err = e.st.Handovers(ctx, store.HandoverFilter{})
	must(err)
	state.Desk, err = e.st.Registrations(ctx, store.RegistrationFilter{})
	must(err)
	state.Evaluations, err = e.st.Evaluations(ctx, store.EvaluationFilter{})
	must(err)
	state.Bookings, err = e.st.Bookings(ctx, store.BookingFilter{})
	must(err)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	raw, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	// The audit log and the outbox are compared as sets: the order of two
	// writes in one transaction is not part of the contract.
	for _, k := range []string{"Audit", "Outbox"} {
		xs, _ := m[k].([]any)
		for i := range xs {
			xs[i] = normalise(xs[i])
		}
		slices.SortFunc(xs, func(a, b any) int {
			x, _ := json.Marshal(a)
			y, _ := json.Marshal(b)
			return strings.Compare(string(x), string(y))
		})
	}
	out, err := json.MarshalIndent(normalise(m), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// volatile are the keys left out of a snapshot: ids, instants and who.
var volatile = map[string]bool{
	"id": true, "at": true, "actor": true, "by": true, "created_by": true, "updated_by": true, "filed_by": true,
	"created_at": true, "updated_at": true, "assigned_at": true, "job": true, "period": true,
}

var instant = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d`)

// normalise drops volatile keys, blanks instants, and reads JSON kept in
// strings (an audit entry's before and after) so it is normalised too.
func normalise(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, y := range x {
			if volatile[k] {
				delete(x, k)
				continue
			}
			x[k] = normalise(y)
		}
	case []any:
		for i := range x {
			x[i] = normalise(x[i])
		}
	case string:
		if instant.MatchString(x) {
			return "<instant>"
		}
		if strings.HasPrefix(x, "{") || strings.HasPrefix(x, "[") {
			var inner any
			if json.Unmarshal([]byte(x), &inner) == nil {
				return normalise(inner)
			}
		}
	}
	return v
}

// firstDiff shows where two snapshots part, with a little context.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	i := 0
	for i < len(al) && i < len(bl) && al[i] == bl[i] {
		i++
	}
	from := max(0, i-8)
	var sb strings.Builder
	for j := from; j < i; j++ {
		sb.WriteString("  " + al[j] + "\n")
	}
	for j := i; j < min(len(al), i+6); j++ {
		sb.WriteString("- " + al[j] + "\n")
	}
	for j := i; j < min(len(bl), i+6); j++ {
		sb.WriteString("+ " + bl[j] + "\n")
	}
	return sb.String()
}

func clip(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}
