package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhiban/auth"
	"zhiban/county"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// Staff scoped to units (issue 16 item 2, docs/staff-scope.md): the clerk of
// 柳林镇 (t05, an editor confined to it) changes that township's roster, the
// leave of its own duty leaders, its visits and its sweep report, and is
// refused (403) on 石桥镇's (t04) — which the demo's December sweep also
// leaves open — and on every county route.

const (
	ownTown   = "t05"
	otherTown = "t04"
	clerk     = "clerk-t05"
)

// unitCounty is the demo county with a duty roster for each of t04 and t05,
// each drawing on a pool of three township leaders who serve nowhere else.
func unitCounty() *county.County {
	c := county.Demo()
	for _, town := range []string{otherTown, ownTown} {
		pool := county.Pool{ID: town + "-leaders", Name: town + " 镇领导"}
		for i := 1; i <= 3; i++ {
			id := fmt.Sprintf("%s-L%d", strings.ToUpper(town), i)
			c.People = append(c.People, county.Person{ID: id, Name: fmt.Sprintf("%s镇领导%d", town, i), Title: "副镇长", Rank: "department"})
			pool.Members = append(pool.Members, id)
		}
		c.Pools = append(c.Pools, pool)
		c.Rosters = append(c.Rosters, county.Roster{ID: town + "-duty", Name: town + " 群众工作站值班", Days: "workdays",
			Start: "08:30", End: "17:30", Place: town + " 群众工作站", Unit: town,
			Slots: []county.Slot{{Role: "值班领导", Pool: pool.ID}}})
	}
	return c
}

// withTownships adds t04's and t05's rosters, fills them, and signs in the
// clerk of t05 (an editor confined to it).
func (f *staffFixture) withTownships(t *testing.T) *client {
	t.Helper()
	ctx := context.Background()
	if _, err := f.store.ImportCounty(ctx, unitCounty(), "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := planner.Fill(ctx, f.store, f.today, f.today.AddDays(45), f.today, "test"); err != nil {
		t.Fatal(err)
	}
	f.addUser(t, clerk, auth.RoleEditor, ownTown)
	return f.loggedInClerk(t, clerk)
}

func (f *staffFixture) addUser(t *testing.T, name string, role auth.Role, unit string) {
	t.Helper()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.CreateUnitUser(context.Background(), name, role, unit, hash, "test"); err != nil {
		t.Fatal(err)
	}
}

// loggedInClerk signs in a township account; its CSRF token comes from the
// absences page, which township accounts may read (the audit log is county's).
func (f *staffFixture) loggedInClerk(t *testing.T, name string) *client {
	t.Helper()
	c := f.client(t)
	if code := c.login(name, testPassword); code != http.StatusSeeOther {
		t.Fatalf("login %s: status %d", name, code)
	}
	c.csrf = ""
	c.get("/staff/absences")
	if c.csrf == "" {
		t.Fatal("no CSRF token on the absences page")
	}
	return c
}

// scopeReq is one request of a township-owned act: a form, or JSON when body is set.
type scopeReq struct {
	method, path string
	form         url.Values
	body         any
}

func (c *client) send(t *testing.T, r scopeReq) (int, string) {
	t.Helper()
	var req *http.Request
	if r.body != nil {
		b, _ := json.Marshal(r.body)
		req, _ = http.NewRequest(r.method, c.base+r.path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", c.csrf)
	} else {
		form := url.Values{}
		for k, v := range r.form {
			form[k] = v
		}
		form.Set("csrf", c.csrf)
		req, _ = http.NewRequest(r.method, c.base+r.path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	code, body, _ := c.do(req)
	return code, body
}

// townDuty is the first stored duty of town's roster from d on.
func townDuty(t *testing.T, st *store.Store, town string, d roster.Date) store.StoredAssignment {
	t.Helper()
	as, err := st.Assignments(context.Background(), d, d.AddDays(14))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.Roster == town+"-duty" {
			return a
		}
	}
	t.Fatalf("no duty of %s from %s", town, d)
	return store.StoredAssignment{}
}

// otherMember is a member of town's pool other than person.
func otherMember(town, person string) string {
	for i := 1; i <= 3; i++ {
		if id := fmt.Sprintf("%s-L%d", strings.ToUpper(town), i); id != person {
			return id
		}
	}
	return ""
}

// townVisit stores a visit of town by L02 on d (today: recordable), in state.
func townVisit(t *testing.T, f *staffFixture, town string, d roster.Date, state visits.VisitState) visits.Visit {
	t.Helper()
	v, err := f.store.CreateVisit(context.Background(), visits.Visit{Kind: visits.KindCarry, Leader: "L02", Date: d,
		Start: 19 * 60, End: 20 * 60, Place: "镇群众工作站", Township: town, State: state, CreatedBy: "other"}, "other")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// freeDayOf is leader's first working day from from on with nothing else to do.
func freeDayOf(t *testing.T, st *store.Store, leader string, from roster.Date) roster.Date {
	t.Helper()
	ctx := context.Background()
	to := from.AddDays(40)
	busy, err := st.Busy(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := planner.Calendar(ctx, st, from, to)
	if err != nil {
		t.Fatal(err)
	}
	days := visits.FreeDays(leader, from, to, cal, busy)
	if len(days) == 0 {
		t.Fatalf("%s has no free day from %s", leader, from)
	}
	return days[0]
}

// townFinding stores a finding in town's December report.
func townFinding(t *testing.T, st *store.Store, town string) int64 {
	t.Helper()
	ctx := context.Background()
	task, err := st.SweepTaskOf(ctx, "2026-12", town)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := st.AddFindings(ctx, []visits.Finding{{Task: task.ID, Summary: "两户村民宅基地界址纠纷" + town, Category: "其他",
		Village: "柳林村", Parties: 2, Risk: visits.RiskLow}}, "other")
	if err != nil {
		t.Fatal(err)
	}
	return fs[0].ID
}

// unitRoute is a write route a township account may use, with a request for
// town's thing built on f's current state.
type unitRoute struct {
	route string // METHOD path, as in the routes table
	req   func(t *testing.T, f *staffFixture, town string) scopeReq
	// ownOnly: the act cannot name another township's thing (regeneration
	// re-plans the clerk's own rosters); then is run after it instead.
	ownOnly bool
	then    func(t *testing.T, f *staffFixture)
}

// unitWriteRoutes are every write route requireUnitRole admits, in an order
// where each own success leaves what the next needs (a mark before its undo).
func unitWriteRoutes() []unitRoute {
	day := func(f *staffFixture) roster.Date { return f.today.AddDays(2) }
	slotForm := func(a store.StoredAssignment, extra url.Values) url.Values {
		v := url.Values{"date": {a.Date.String()}, "role": {a.Role}, "version": {fmt.Sprint(a.Version)}}
		for k, x := range extra {
			v[k] = x
		}
		return v
	}
	visitAct := func(act string, api bool, d func(*testing.T, *staffFixture) roster.Date, state visits.VisitState, extra map[string]string) func(*testing.T, *staffFixture, string) scopeReq {
		return func(t *testing.T, f *staffFixture, town string) scopeReq {
			when := f.today
			if d != nil {
				when = d(t, f)
			}
			v := townVisit(t, f, town, when, state)
			if api {
				body := map[string]any{"version": v.Version}
				for k, x := range extra {
					body[k] = x
				}
				return scopeReq{method: "POST", path: fmt.Sprintf("/api/v1/visits/%d/%s", v.ID, act), body: body}
			}
			form := url.Values{"version": {fmt.Sprint(v.Version)}}
			for k, x := range extra {
				form.Set(k, x)
			}
			return scopeReq{method: "POST", path: fmt.Sprintf("/staff/visits/%d/%s", v.ID, act), form: form}
		}
	}
	later := func(t *testing.T, f *staffFixture) roster.Date {
		return freeDayOf(t, f.store, "L02", f.today.AddDays(3))
	}
	newVisit := func(api bool) func(*testing.T, *staffFixture, string) scopeReq {
		return func(t *testing.T, f *staffFixture, town string) scopeReq {
			d := freeDayOf(t, f.store, "L03", f.today.AddDays(1))
			v := map[string]string{"kind": "carry", "leader": "L03", "date": d.String(), "start": "09:00", "end": "11:30",
				"place": "镇群众工作站", "township": town}
			if api {
				return scopeReq{method: "POST", path: "/api/v1/visits", body: v}
			}
			form := url.Values{}
			for k, x := range v {
				form.Set(k, x)
			}
			return scopeReq{method: "POST", path: "/staff/visits", form: form}
		}
	}
	attendance := func(api, undo bool) func(*testing.T, *staffFixture, string) scopeReq {
		return func(t *testing.T, f *staffFixture, town string) scopeReq {
			a := townDuty(t, f.store, town, f.today)
			if a.Date != f.today {
				t.Fatalf("no duty of %s today", town)
			}
			suffix := ""
			if undo {
				suffix = "/undo"
			}
			if api {
				return scopeReq{method: "POST", path: "/api/v1/attendance" + suffix,
					body: map[string]any{"roster": a.Roster, "date": a.Date, "role": a.Role}}
			}
			return scopeReq{method: "POST", path: "/staff/roster/" + a.Roster + "/attendance" + suffix,
				form: url.Values{"date": {a.Date.String()}, "role": {a.Role}}}
		}
	}
	absence := func(path string) func(*testing.T, *staffFixture, string) scopeReq {
		return func(t *testing.T, f *staffFixture, town string) scopeReq {
			d := f.today.AddDays(20)
			return scopeReq{method: "POST", path: path, form: url.Values{"person": {strings.ToUpper(town) + "-L1"}, "kind": {"leave"},
				"from": {d.String()}, "to": {d.String()}, "reason": {"事假"}}}
		}
	}
	return []unitRoute{
		{route: "POST /staff/roster/:roster/assign", req: func(t *testing.T, f *staffFixture, town string) scopeReq {
			a := townDuty(t, f.store, town, day(f))
			return scopeReq{method: "POST", path: "/staff/roster/" + a.Roster + "/assign",
				form: slotForm(a, url.Values{"person": {otherMember(town, a.Person)}})}
		}},
		{route: "PUT /api/v1/assignments/:roster/:date/:role", req: func(t *testing.T, f *staffFixture, town string) scopeReq {
			a := townDuty(t, f.store, town, day(f).AddDays(1))
			return scopeReq{method: "PUT", path: "/api/v1/assignments/" + a.Roster + "/" + a.Date.String() + "/" + url.PathEscape(a.Role),
				body: map[string]any{"person": otherMember(town, a.Person), "version": a.Version}}
		}},
		{route: "POST /staff/roster/:roster/pin", req: func(t *testing.T, f *staffFixture, town string) scopeReq {
			a := townDuty(t, f.store, town, day(f).AddDays(3))
			return scopeReq{method: "POST", path: "/staff/roster/" + a.Roster + "/pin", form: slotForm(a, url.Values{"pinned": {"1"}})}
		}},
		{route: "POST /staff/roster/:roster/swap", req: func(t *testing.T, f *staffFixture, town string) scopeReq {
			a := townDuty(t, f.store, town, day(f).AddDays(7))
			b := townDuty(t, f.store, town, a.Date.AddDays(1))
			return scopeReq{method: "POST", path: "/staff/roster/" + a.Roster + "/swap",
				form: slotForm(a, url.Values{"other": {b.Date.String() + "/" + fmt.Sprint(b.Version)}, "force": {"1"}})}
		}},
		{route: "POST /staff/roster/:roster/attendance", req: attendance(false, false)},
		{route: "POST /staff/roster/:roster/attendance/undo", req: attendance(false, true)},
		{route: "POST /api/v1/attendance", req: attendance(true, false)},
		{route: "POST /api/v1/attendance/undo", req: attendance(true, true)},
		{route: "POST /staff/roster/:roster/:month/publish", req: func(t *testing.T, f *staffFixture, town string) scopeReq {
			return scopeReq{method: "POST", path: "/staff/roster/" + town + "-duty/2026-12/publish"}
		}},
		{route: "POST /api/v1/rosters/:roster/months/:month/publish", req: func(t *testing.T, f *staffFixture, town string) scopeReq {
			return scopeReq{method: "POST", path: "/api/v1/rosters/" + town + "-duty/months/2027-01/publish", body: map[string]any{}}
		}},
		{route: "POST /staff/regenerate", ownOnly: true, req: func(t *testing.T, f *staffFixture, town string) scopeReq {
			from, to := f.today.AddDays(10), f.today.AddDays(30)
			c := f.loggedInClerk(t, clerk)
			code, body := c.get(fmt.Sprintf("/staff/regenerate?from=%s&to=%s&preview=1", from, to))
			m := regexp.MustCompile(`name="fingerprint" value="([0-9a-f]+)"`).FindStringSubmatch(body)
			if code != 200 || m == nil {
				t.Fatalf("regeneration preview: %d", code)
			}
			return scopeReq{method: "POST", path: "/staff/regenerate",
				form: url.Values{"from": {from.String()}, "to": {to.String()}, "fingerprint": {m[1]}}}
		}},
		{route: "POST /staff/absences/preview", req: absence("/staff/absences/preview")},
		{route: "POST /staff/absences", req: absence("/staff/absences")},
		{route: "POST /staff/absences/:id/delete", req: func(t *testing.T, f *staffFixture, town string) scopeReq {
			d := f.today.AddDays(25)
			id, err := f.store.AddAbsence(context.Background(), roster.Absence{Person: strings.ToUpper(town) + "-L2", Kind: roster.Leave,
				From: d, To: d}, "other")
			if err != nil {
				t.Fatal(err)
			}
			return scopeReq{method: "POST", path: fmt.Sprintf("/staff/absences/%d/delete", id)}
		}},
		{route: "POST /api/v1/visits", req: newVisit(true)},
		{route: "POST /staff/visits", req: newVisit(false)},
		{route: "POST /api/v1/visits/:id/confirm", req: visitAct("confirm", true, later, visits.VisitPlanned, nil)},
		{route: "POST /staff/visits/:id/confirm", req: visitAct("confirm", false, later, visits.VisitPlanned, nil)},
		{route: "POST /api/v1/visits/:id/reschedule", req: func(t *testing.T, f *staffFixture, town string) scopeReq {
			to := freeDayOf(t, f.store, "L02", f.today.AddDays(1))
			return visitAct("reschedule", true, func(*testing.T, *staffFixture) roster.Date { return to.AddDays(1) }, visits.VisitPlanned,
				map[string]string{"date": to.String(), "start": "19:00", "end": "20:00", "reason": "领导临时会议"})(t, f, town)
		}},
		{route: "POST /staff/visits/:id/reschedule", req: func(t *testing.T, f *staffFixture, town string) scopeReq {
			to := freeDayOf(t, f.store, "L02", f.today.AddDays(1))
			return visitAct("reschedule", false, func(*testing.T, *staffFixture) roster.Date { return to.AddDays(1) }, visits.VisitPlanned,
				map[string]string{"date": to.String(), "start": "19:00", "end": "20:00", "reason": "领导临时会议"})(t, f, town)
		}},
		{route: "POST /api/v1/visits/:id/cancel", req: visitAct("cancel", true, later, visits.VisitPlanned, map[string]string{"reason": "领导临时会议"})},
		{route: "POST /staff/visits/:id/cancel", req: visitAct("cancel", false, later, visits.VisitPlanned, map[string]string{"reason": "领导临时会议"})},
		{route: "POST /api/v1/visits/:id/outcome", req: visitAct("outcome", true, nil, visits.VisitConfirmed, map[string]string{"state": "done", "notes": "已接待"})},
		{route: "POST /staff/visits/:id/outcome", req: visitAct("outcome", false, nil, visits.VisitConfirmed, map[string]string{"state": "done", "notes": "已接待"})},
		{route: "POST /api/v1/sweeps/:month/reports", req: func(t *testing.T, f *staffFixture, town string) scopeReq {
			return scopeReq{method: "POST", path: "/api/v1/sweeps/2026-12/reports", body: map[string]any{"township": town, "nil": true}}
		}},
		{route: "POST /staff/sweeps/:month/reports", req: func(t *testing.T, f *staffFixture, town string) scopeReq {
			// November: the API row above filed December's (both months' tasks are open for t04 and t05).
			return scopeReq{method: "POST", path: "/staff/sweeps/2026-11/reports", form: url.Values{"township": {town},
				"summary": {"村民承包地流转纠纷"}, "category": {"其他"}, "village": {"柳林村"}, "parties": {"3"}, "risk": {"低"}}}
		}},
		{route: "POST /api/v1/findings/:id/resolve", req: func(t *testing.T, f *staffFixture, town string) scopeReq {
			return scopeReq{method: "POST", path: fmt.Sprintf("/api/v1/findings/%d/resolve", townFinding(t, f.store, town))}
		}},
		{route: "POST /staff/findings/:id/resolve", req: func(t *testing.T, f *staffFixture, town string) scopeReq {
			return scopeReq{method: "POST", path: fmt.Sprintf("/staff/findings/%d/resolve", townFinding(t, f.store, town))}
		}},
	}
}

// TestTownshipEditorScope: on every write route a township account may use,
// the clerk of t05 is refused (403, a Chinese message; the API's JSON error)
// on t04's thing and allowed on its own; nothing outside t05's rosters moves.
func TestTownshipEditorScope(t *testing.T) {
	f := newWorkFixture(t)
	c := f.withTownships(t)
	ctx := context.Background()
	outside := func() string {
		as, err := f.store.Assignments(ctx, f.today, f.today.AddDays(45))
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, a := range as {
			if a.Roster != ownTown+"-duty" {
				fmt.Fprintf(&b, "%s %s %s %s %v\n", a.Roster, a.Date, a.Role, a.Person, a.Pinned)
			}
		}
		return b.String()
	}
	before := outside()
	for _, r := range unitWriteRoutes() {
		t.Run(r.route, func(t *testing.T) {
			if !r.ownOnly {
				req := r.req(t, f, otherTown)
				code, body := c.send(t, req)
				if code != http.StatusForbidden || !strings.Contains(body, "没有权限") {
					t.Errorf("%s on %s's thing: status %d, want 403 with a reason\n%s", req.path, otherTown, code, clip(body))
				}
				if req.body != nil && !strings.Contains(body, `"code":"forbidden"`) {
					t.Errorf("API refusal is not the JSON error: %s", clip(body))
				}
			}
			req := r.req(t, f, ownTown)
			if code, body := c.send(t, req); code >= 400 {
				t.Errorf("%s on its own township's thing: status %d\n%s", req.path, code, clip(body))
			}
		})
	}
	if after := outside(); after != before {
		t.Errorf("the clerk of %s changed other rosters:\n%s", ownTown, firstDiff(before, after))
	}
}

// TestTownshipClerkReads: a township account reads its own township's visits
// and findings only, and none of the county's private pages.
func TestTownshipClerkReads(t *testing.T) {
	f := newWorkFixture(t)
	c := f.withTownships(t)
	own, other := townVisit(t, f, ownTown, f.today.AddDays(5), visits.VisitPlanned), townVisit(t, f, otherTown, f.today.AddDays(5), visits.VisitPlanned)
	townFinding(t, f.store, ownTown)
	townFinding(t, f.store, otherTown)
	for path, want := range map[string]int{
		fmt.Sprintf("/staff/visits/%d", own.ID): 200, fmt.Sprintf("/staff/visits/%d", other.ID): 403,
		fmt.Sprintf("/api/v1/visits/%d", own.ID): 200, fmt.Sprintf("/api/v1/visits/%d", other.ID): 403,
		"/api/v1/visits?township=" + otherTown: 403, "/staff/sweeps/2026-12.xlsx": 403,
		"/staff/cases": 403, "/api/v1/cases": 403, "/staff/desk": 403, "/staff/audit": 403, "/staff/users": 403,
		"/staff/roster": 303, "/staff/roster/" + ownTown + "-duty/2026-12": 200, "/staff/absences": 200,
	} {
		if code, body := c.get(path); code != want {
			t.Errorf("GET %s: %d, want %d\n%s", path, code, want, clip(body))
		}
	}
	var list struct{ Visits []visits.Visit }
	_, body := c.get("/api/v1/visits")
	if err := json.Unmarshal([]byte(body), &list); err != nil || len(list.Visits) == 0 {
		t.Fatalf("visits: %v %s", err, clip(body))
	}
	for _, v := range list.Visits {
		if v.Township != ownTown {
			t.Errorf("the clerk of %s sees visit %d of %q", ownTown, v.ID, v.Township)
		}
	}
	if _, body := c.get("/staff/visits?view=month"); strings.Contains(body, fmt.Sprintf("/staff/visits/%d", other.ID)) || !strings.Contains(body, fmt.Sprintf("/staff/visits/%d", own.ID)) {
		t.Errorf("the visits calendar does not keep to %s", ownTown)
	}
	var sw struct{ Findings []visits.Finding }
	_, body = c.get("/api/v1/sweeps/2026-12/findings")
	if err := json.Unmarshal([]byte(body), &sw); err != nil || len(sw.Findings) != 1 {
		t.Fatalf("findings of the clerk: %v %s", err, clip(body))
	}
	if _, body := c.get("/staff/sweeps/2026-12"); strings.Contains(body, "两户村民宅基地界址纠纷"+otherTown) || !strings.Contains(body, "两户村民宅基地界址纠纷"+ownTown) {
		t.Errorf("the sweep page does not keep to %s's findings", ownTown)
	}
	// The nav offers the clerk only what a township account may open.
	_, body = c.get("/staff/absences")
	if !strings.Contains(body, `href="/staff/visits"`) || strings.Contains(body, `href="/staff/cases"`) {
		t.Errorf("the clerk's nav: %s", clip(body))
	}
	// The absences page lists and offers only t05's own duty leaders.
	d := f.today.AddDays(30)
	for _, who := range []string{"T04-L3", "T05-L3", "L07"} {
		if _, err := f.store.AddAbsence(context.Background(), roster.Absence{Person: who, Kind: roster.Leave, From: d, To: d}, "other"); err != nil {
			t.Fatal(err)
		}
	}
	_, body = c.get("/staff/absences")
	if !strings.Contains(body, `value="T05-L1"`) || strings.Contains(body, `value="T04-L1"`) || strings.Contains(body, `value="L07"`) ||
		!strings.Contains(body, "t05镇领导3") || strings.Contains(body, "t04镇领导3") {
		t.Errorf("the clerk's absences page is not confined to %s's people", ownTown)
	}
	// The roster pages open on the clerk's own roster.
	req, _ := http.NewRequest(http.MethodGet, c.base+"/staff/roster", nil)
	if code, _, h := c.do(req); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/staff/roster/"+ownTown+"-duty/") {
		t.Errorf("/staff/roster sends the clerk to %q", h.Get("Location"))
	}
	// County staff still see everything.
	editor := f.loggedIn(t, "editor")
	if code, _ := editor.get(fmt.Sprintf("/staff/visits/%d", other.ID)); code != 200 {
		t.Errorf("county editor on t04's visit: %d", code)
	}
}

// The users page sets an account's township: only townships, never for an admin.
func TestUsersPageSetsTheTownship(t *testing.T) {
	f := newStaffFixture(t)
	admin := f.loggedIn(t, "admin")
	ctx := context.Background()
	if code, body := admin.post("/staff/users", url.Values{"name": {"小赵"}, "role": {"editor"}, "unit": {"t05"}, "password": {testPassword}}); code != http.StatusSeeOther {
		t.Fatalf("create a township editor: %d %s", code, clip(body))
	}
	if u, err := f.store.UserByName(ctx, "小赵"); err != nil || u.Unit != "t05" {
		t.Fatalf("小赵: %+v %v", u, err)
	}
	for _, bad := range []url.Values{{"role": {"admin"}, "unit": {"t05"}}, {"role": {"editor"}, "unit": {"v01"}}} {
		if code, body := admin.post("/staff/users/小赵", bad); code != http.StatusBadRequest || !strings.Contains(body, "小赵：") {
			t.Errorf("%v: %d", bad, code)
		}
	}
	if code, _ := admin.post("/staff/users/小赵", url.Values{"role": {"viewer"}, "unit": {""}}); code != http.StatusSeeOther {
		t.Fatalf("make 小赵 county-wide: %d", code)
	}
	if u, _ := f.store.UserByName(ctx, "小赵"); u.Unit != "" || u.Role != auth.RoleViewer {
		t.Fatalf("小赵 after the update: %+v", u)
	}
	if _, body := admin.get("/staff/users"); !strings.Contains(body, `<option value="t05">柳林镇</option>`) || strings.Contains(body, `<option value="v01"`) {
		t.Error("the users page does not offer exactly the townships")
	}
}
