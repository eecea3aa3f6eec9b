package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhiban/httpapi"
	"zhiban/roster"
	"zhiban/scheduler"
	"zhiban/service"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/visits"
)

// newWorkFixture is the staff fixture with the demo cases, visits and sweeps
// seeded and a scheduler with every job, served by a fresh server.
func newWorkFixture(t *testing.T) *staffFixture {
	t.Helper()
	return newWorkFixtureOn(t, storetest.OpenDemo(t, nil))
}

// newWorkFixtureOn is newWorkFixture on st, which holds the demo county.
func newWorkFixtureOn(t *testing.T, st *store.Store) *staffFixture {
	t.Helper()
	f := newStaffFixtureOn(t, st)
	ctx := context.Background()
	cfg := testConfig(t, nil)
	svc := service.New(f.store, cfg, nil)
	if err := svc.SeedDemo(ctx, service.Call{Actor: "demo", Now: f.clock()}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sch := scheduler.New(f.store, scheduler.Options{Location: cfg.Location, Logger: log, Now: f.clock})
	for _, j := range append(scheduler.Standard(svc), scheduler.VisitJobs(svc)...) {
		if err := sch.Add(j); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	f.api, err = httpapi.New(f.store, httpapi.Options{Config: cfg, Now: f.clock, Version: "test", CacheCheck: -1, Logger: log, Scheduler: sch, Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(f.api.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

func (f *staffFixture) caseByCode(t *testing.T, code string) visits.Case {
	t.Helper()
	k, err := f.store.CaseByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// clone copies a form, so the CSRF token one client adds does not stick.
func clone(v url.Values) url.Values {
	out := url.Values{}
	for k, x := range v {
		out[k] = append([]string(nil), x...)
	}
	return out
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

func TestWorkPagesRender(t *testing.T) {
	f := newWorkFixture(t)
	ctx := context.Background()
	overdue := f.caseByCode(t, "2026-0900") // accepted 72 days ago: handling overdue
	vs, err := f.store.Visits(ctx, store.VisitFilter{})
	if err != nil || len(vs) == 0 {
		t.Fatalf("demo visits: %v %d", err, len(vs))
	}
	sw, err := f.store.LatestSweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pages := []struct {
		path  string
		wants []string
	}{
		{"/staff/cases", []string{"2026-0900", "超期", "信访工作条例", "导出台账"}},
		{"/staff/cases?overdue=1", []string{"2026-0900"}},
		{"/staff/cases?township=t03&state=received", []string{"2026-0902", "养老保险"}},
		{fmt.Sprintf("/staff/cases/%d", overdue.ID), []string{"包调查", "第三十四条", "超期", "张某甲"}},
		{"/staff/visits", []string{"走访日历", "安排走访"}},
		{"/staff/visits?view=month&at=" + vs[0].Date.String(), []string{vs[0].Kind.Label()}},
		{fmt.Sprintf("/staff/visits/%d", vs[0].ID), []string{vs[0].Kind.Label(), vs[0].Place}},
		{"/staff/sweeps/" + string(sw.Month), []string{"报送情况", "零报告", "排查发现", "东风村"}},
		{"/staff/jobs", []string{"立即运行", "open-sweep"}},
		{"/staff/holidays?year=2027", []string{"2027 年节假日"}},
		{"/staff/leaders", []string{"四个一", "联系乡镇"}},
	}
	for _, who := range []string{"viewer", "admin"} {
		c := f.loggedIn(t, who)
		for _, p := range pages {
			code, body := c.get(p.path)
			if code != http.StatusOK {
				t.Errorf("%s GET %s: %d", who, p.path, code)
				continue
			}
			wants := p.wants
			if who == "viewer" {
				wants = nil
				for _, w := range p.wants {
					if w != "立即运行" && w != "安排走访" {
						wants = append(wants, w)
					}
				}
				if strings.Contains(body, `method="post" action="/staff/cases`) || strings.Contains(body, "立即运行") {
					t.Errorf("viewer sees a write form on %s", p.path)
				}
			}
			mustContain(t, who+" "+p.path, body, wants...)
			mustContain(t, p.path+" nav", body, `href="/staff/cases"`, `href="/staff/visits"`, `href="/staff/sweeps"`,
				`href="/staff/jobs"`, `href="/staff/holidays"`, `href="/staff/leaders"`)
		}
	}
	c := f.loggedIn(t, "viewer")
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/staff/sweeps", nil)
	if code, _, h := c.do(req); code != http.StatusSeeOther || h.Get("Location") != "/staff/sweeps/"+string(sw.Month) {
		t.Errorf("/staff/sweeps: %d %s", code, h.Get("Location"))
	}
}

func TestCaseWrites(t *testing.T) {
	f := newWorkFixture(t)
	k := f.caseByCode(t, "2026-0902") // received, not yet accepted
	path := fmt.Sprintf("/staff/cases/%d", k.ID)
	editor, viewer := f.loggedIn(t, "editor"), f.loggedIn(t, "viewer")
	form := url.Values{"version": {fmt.Sprint(k.Version)}, "action": {"accept"}, "on": {f.today.String()}}

	if code, _ := viewer.post(path+"/transition", clone(form)); code != http.StatusForbidden {
		t.Fatalf("viewer: %d", code)
	}
	noCSRF := url.Values{"csrf": {""}}
	for key, v := range form {
		noCSRF[key] = v
	}
	if code, _ := editor.post(path+"/transition", noCSRF); code != http.StatusForbidden {
		t.Fatalf("no CSRF: %d", code)
	}
	if code, body := editor.post(path+"/transition", form); code != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", code, body)
	}
	k = f.caseByCode(t, "2026-0902")
	if k.State != visits.StateAccepted {
		t.Fatalf("state %s", k.State)
	}
	// The same form again carries a stale version: 409, the current state, the typed values.
	form.Set("on", "2026-11-30")
	code, body := editor.post(path+"/transition", form)
	if code != http.StatusConflict {
		t.Fatalf("stale version: %d", code)
	}
	mustContain(t, "conflict", body, "已被他人修改", "办理中", `value="2026-11-30"`, fmt.Sprintf(`name="version" value="%d"`, k.Version))

	// A milestone, then a refused one (close is recorded by closing) with the note kept.
	if code, body := editor.post(path+"/milestone", url.Values{"version": {fmt.Sprint(k.Version)}, "duty": {"investigate"}, "note": {"走访核实"}}); code != http.StatusSeeOther {
		t.Fatalf("milestone: %d %s", code, body)
	}
	k = f.caseByCode(t, "2026-0902")
	code, body = editor.post(path+"/milestone", url.Values{"version": {fmt.Sprint(k.Version)}, "duty": {"stabilise"}, "note": {"稳控说明甲"}})
	if code != http.StatusBadRequest {
		t.Fatalf("out-of-order milestone: %d", code)
	}
	mustContain(t, "milestone refusal", body, "须先完成", "稳控说明甲")

	// Extension: more than 30 days is refused with the reason kept; 20 days works once.
	code, body = editor.post(path+"/extension", url.Values{"version": {fmt.Sprint(k.Version)}, "days": {"45"}, "reason": {"需要鉴定乙"}})
	if code != http.StatusBadRequest {
		t.Fatalf("extension 45: %d", code)
	}
	mustContain(t, "extension refusal", body, "延长天数", "需要鉴定乙")
	if code, body := editor.post(path+"/extension", url.Values{"version": {fmt.Sprint(k.Version)}, "days": {"20"}, "reason": {"需要鉴定"}}); code != http.StatusSeeOther {
		t.Fatalf("extension: %d %s", code, body)
	}
	k = f.caseByCode(t, "2026-0902")
	if k.ExtensionDays != 20 {
		t.Fatalf("extension days %d", k.ExtensionDays)
	}
	if code, _ := editor.post(path+"/leader", url.Values{"version": {fmt.Sprint(k.Version)}, "leader": {"L02"}, "reason": {"工作调整"}}); code != http.StatusSeeOther {
		t.Fatalf("leader: %d", code)
	}
	// Serving the opinion plans the return visit.
	k = f.caseByCode(t, "2026-0902")
	if code, body := editor.post(path+"/transition", url.Values{"version": {fmt.Sprint(k.Version)}, "action": {"reply"}}); code != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", code, body)
	}
	_, body = editor.get(path)
	mustContain(t, "case page", body, "上门回访", "已答复")
	assertAudited(t, f, "case", fmt.Sprint(k.ID), "transition", "milestone", "extend", "assign")
}

func assertAudited(t *testing.T, f *staffFixture, entity, id string, actions ...string) {
	t.Helper()
	entries, err := f.store.AuditLog(context.Background(), store.AuditFilter{Entity: entity})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if e.EntityID == id && e.Actor == "editor" {
			seen[e.Action] = true
		}
	}
	for _, a := range actions {
		if !seen[a] {
			t.Errorf("no audit entry %s %s %s by editor", entity, id, a)
		}
	}
}

func TestVisitWrites(t *testing.T) {
	f := newWorkFixture(t)
	ctx := context.Background()
	editor, viewer := f.loggedIn(t, "editor"), f.loggedIn(t, "viewer")
	// A duty leader on a day ahead: planning them at duty hours is a 409.
	d := f.today.AddDays(2)
	for !isDutyDay(t, f, d) {
		d++
	}
	as, _ := f.store.Assignments(ctx, d, d)
	leader := as[0].Person
	form := url.Values{"kind": {"invite"}, "leader": {leader}, "date": {d.String()}, "start": {"10:00"}, "end": {"11:00"},
		"place": {"县群众工作部三楼约访室"}, "cases": {"2026-0902"}}
	if code, _ := viewer.post("/staff/visits", clone(form)); code != http.StatusForbidden {
		t.Fatalf("viewer: %d", code)
	}
	code, body := editor.post("/staff/visits", form)
	if code != http.StatusConflict {
		t.Fatalf("duty clash: %d", code)
	}
	mustContain(t, "clash", body, "冲突的安排", "值班", "县群众工作部三楼约访室", `value="2026-0902"`, `value="`+d.String()+`"`)

	// Out of duty hours it is planned; the same time again clashes with that visit, linked.
	form.Set("start", "19:00")
	form.Set("end", "20:00")
	code, body = editor.post("/staff/visits", form)
	if code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", code, body)
	}
	vs, _ := f.store.Visits(ctx, store.VisitFilter{Leader: leader, From: d, To: d, Kind: visits.KindInvite})
	if len(vs) != 1 {
		t.Fatalf("visits %v", vs)
	}
	v := vs[0]
	code, body = editor.post("/staff/visits", form)
	if code != http.StatusConflict || !strings.Contains(body, fmt.Sprintf(`href="/staff/visits/%d"`, v.ID)) {
		t.Fatalf("visit clash: %d", code)
	}
	path := fmt.Sprintf("/staff/visits/%d", v.ID)
	if code, _ := editor.post(path+"/confirm", url.Values{"version": {fmt.Sprint(v.Version)}}); code != http.StatusSeeOther {
		t.Fatalf("confirm: %d", code)
	}
	// Stale version on reschedule: 409 with the typed reason.
	code, body = editor.post(path+"/reschedule", url.Values{"version": {fmt.Sprint(v.Version)}, "date": {d.AddDays(1).String()},
		"start": {"19:00"}, "end": {"20:00"}, "reason": {"领导临时会议丙"}})
	if code != http.StatusConflict {
		t.Fatalf("stale reschedule: %d", code)
	}
	mustContain(t, "stale reschedule", body, "已被他人修改", "已确认", "领导临时会议丙")
	v, _ = f.store.Visit(ctx, v.ID)
	code, body = editor.post(path+"/reschedule", url.Values{"version": {fmt.Sprint(v.Version)}, "date": {d.AddDays(1).String()},
		"start": {"19:00"}, "end": {"20:00"}, "reason": {"领导临时会议"}})
	if code != http.StatusSeeOther {
		t.Fatalf("reschedule: %d %s", code, body)
	}
	v, _ = f.store.Visit(ctx, v.ID)
	if v.Date != d.AddDays(1) || len(v.History) != 1 {
		t.Fatalf("rescheduled visit %+v", v)
	}
	// An outcome before the day is refused; cancelling needs a reason.
	code, body = editor.post(path+"/outcome", url.Values{"version": {fmt.Sprint(v.Version)}, "state": {"done"}, "notes": {"记录丁"}})
	if code != http.StatusConflict {
		t.Fatalf("early outcome: %d", code)
	}
	if code, _ := editor.post(path+"/cancel", url.Values{"version": {fmt.Sprint(v.Version)}, "reason": {""}}); code != http.StatusBadRequest {
		t.Fatalf("cancel without reason: %d", code)
	}
	if code, _ := editor.post(path+"/cancel", url.Values{"version": {fmt.Sprint(v.Version)}, "reason": {"信访人外出"}}); code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", code)
	}
	// A past visit takes an outcome.
	past, _ := f.store.Visits(ctx, store.VisitFilter{To: f.today, ActiveOnly: true})
	for _, p := range past {
		if p.Kind == visits.KindReturn {
			continue
		}
		code, body := editor.post(fmt.Sprintf("/staff/visits/%d/outcome", p.ID), url.Values{"version": {fmt.Sprint(p.Version)}, "state": {"done"}, "notes": {"已接待"}, "walk_ins": {"3"}})
		if code != http.StatusSeeOther {
			t.Fatalf("outcome on %d (%s): %d %s", p.ID, p.Kind, code, body)
		}
		break
	}
	assertAudited(t, f, "visit", fmt.Sprint(v.ID), "create", "confirm", "reschedule", "cancel")
}

func TestSweepWrites(t *testing.T) {
	f := newWorkFixture(t)
	ctx := context.Background()
	sw, _ := f.store.LatestSweep(ctx)
	tasks, _ := f.store.SweepTasks(ctx, sw.Month)
	var open []string
	for _, tk := range tasks {
		if tk.Status == visits.TaskOpen {
			open = append(open, tk.Township)
		}
	}
	if len(open) < 2 {
		t.Fatalf("open tasks %v", open)
	}
	editor, viewer := f.loggedIn(t, "editor"), f.loggedIn(t, "viewer")
	path := "/staff/sweeps/" + string(sw.Month) + "/reports"
	if code, _ := viewer.post(path, url.Values{"township": {open[0]}, "nil": {"1"}}); code != http.StatusForbidden {
		t.Fatalf("viewer: %d", code)
	}
	if code, body := editor.post(path, url.Values{"township": {open[0]}, "nil": {"1"}, "summary": {"", ""}}); code != http.StatusSeeOther {
		t.Fatalf("nil report: %d %s", code, body)
	}
	if code, body := editor.post(path, url.Values{"township": {open[0]}, "nil": {"1"}}); code != http.StatusConflict || !strings.Contains(body, "不能重复提交") {
		t.Fatalf("second report: %d", code)
	}
	// A phone number in a summary is refused; the row stays as typed.
	bad := url.Values{"township": {open[1]}, "summary": {"联系13912345678协调土地纠纷"}, "category": {"征地拆迁"}, "village": {"西山村"}, "parties": {"2"}, "risk": {"高"}}
	code, body := editor.post(path, bad)
	if code != http.StatusBadRequest {
		t.Fatalf("phone in summary: %d", code)
	}
	mustContain(t, "refused report", body, "第 1 条", "西山村", "联系13912345678协调土地纠纷")
	bad.Set("summary", "两村因灌溉水源分配发生争执")
	if code, body := editor.post(path, bad); code != http.StatusSeeOther {
		t.Fatalf("report: %d %s", code, body)
	}
	fs, _ := f.store.Findings(ctx, store.FindingFilter{Month: sw.Month, HighNoCase: true})
	if len(fs) == 0 {
		t.Fatal("no high-risk finding to escalate")
	}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+fmt.Sprintf("/staff/findings/%d/escalate", fs[0].ID), strings.NewReader(url.Values{"csrf": {editor.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	code, _, h := editor.do(req)
	if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/staff/cases/") {
		t.Fatalf("escalate: %d %s", code, h.Get("Location"))
	}
	if code, body := editor.post(fmt.Sprintf("/staff/findings/%d/escalate", fs[0].ID), nil); code != http.StatusConflict || !strings.Contains(body, "已列入包保") {
		t.Fatalf("escalate twice: %d", code)
	}
	if code, _ := editor.get(h.Get("Location")); code != http.StatusOK {
		t.Fatalf("escalated case page: %d", code)
	}
	low, _ := f.store.Findings(ctx, store.FindingFilter{Month: sw.Month, Unresolved: true})
	for _, x := range low {
		if x.Case == 0 {
			if code, _ := editor.post(fmt.Sprintf("/staff/findings/%d/resolve", x.ID), nil); code != http.StatusSeeOther {
				t.Fatalf("resolve: %d", code)
			}
			break
		}
	}
}

func TestWorkExcelExports(t *testing.T) {
	f := newWorkFixture(t)
	c := f.loggedIn(t, "viewer")
	open := func(path string) *excelize.File {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
		resp, err := c.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		x, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { x.Close() })
		return x
	}
	x := open("/staff/cases.xlsx")
	rows, err := x.GetRows("信访事项台账")
	if err != nil {
		t.Fatal(err)
	}
	all, _ := f.store.Cases(context.Background(), store.CaseFilter{})
	if len(rows) != 3+len(all) || rows[2][0] != "编号" || rows[3][0] != "2026-0900" {
		t.Fatalf("ledger rows: %d %v", len(rows), rows[:4])
	}
	if !strings.Contains(strings.Join(rows[3], "|"), "已超期") {
		t.Errorf("overdue case not marked: %v", rows[3])
	}
	layout, err := x.GetPageLayout("信访事项台账")
	if err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" || layout.Size == nil || *layout.Size != 9 {
		t.Errorf("ledger page layout: %+v %v", layout, err)
	}
	x = open("/staff/cases.xlsx?township=t01")
	rows, _ = x.GetRows("信访事项台账")
	t01, _ := f.store.Cases(context.Background(), store.CaseFilter{Township: "t01"})
	if len(rows) != 3+len(t01) || len(t01) == len(all) {
		t.Errorf("filtered ledger: %d rows", len(rows))
	}

	sw, _ := f.store.LatestSweep(context.Background())
	x = open("/staff/sweeps/" + string(sw.Month) + ".xlsx")
	if got := x.GetSheetList(); strings.Join(got, ",") != "报送情况,排查发现,汇总" {
		t.Fatalf("sheets %v", got)
	}
	tasks, _ := f.store.SweepTasks(context.Background(), sw.Month)
	units, _ := x.GetRows("报送情况")
	if len(units) != 3+len(tasks) || !strings.Contains(strings.Join(units[3], "|"), "已报送") {
		t.Errorf("units sheet: %d rows, want %d; %v", len(units), 3+len(tasks), units[3])
	}
	fs, _ := x.GetRows("排查发现")
	if len(fs) < 4 || !strings.Contains(strings.Join(fs[3], "|"), "东风村") {
		t.Errorf("findings sheet: %v", fs)
	}
	for _, r := range append(units, fs...) {
		if strings.Contains(strings.Join(r, ""), "（示例）") {
			t.Errorf("a petitioner's name in the sweep report: %v", r)
		}
	}
}

func TestRunJobNow(t *testing.T) {
	f := newWorkFixture(t)
	ctx := context.Background()
	admin, editor := f.loggedIn(t, "admin"), f.loggedIn(t, "editor")
	if code, _ := editor.post("/staff/jobs/follow-ups/run", nil); code != http.StatusForbidden {
		t.Fatalf("editor run-now: %d", code)
	}
	code, body := admin.post("/staff/jobs/follow-ups/run", nil)
	if code != http.StatusSeeOther {
		t.Fatalf("run-now: %d %s", code, body)
	}
	run, err := f.store.LastJobRun(ctx, "follow-ups")
	if err != nil || run.Status != "done" {
		t.Fatalf("ledger: %+v %v", run, err)
	}
	_, body = admin.get("/staff/jobs")
	mustContain(t, "jobs page", body, run.Period)
	if code, _ := admin.post("/staff/jobs/no-such-job/run", nil); code != http.StatusNotFound {
		t.Fatalf("unknown job: %d", code)
	}

	// JSON, with the session's token in the header.
	api := func(c *client, method, path string) (int, string) {
		req, _ := http.NewRequest(method, f.srv.URL+path, nil)
		req.Header.Set("X-CSRF-Token", c.csrf)
		code, body, _ := c.do(req)
		return code, body
	}
	code, body = api(admin, http.MethodGet, "/api/v1/jobs")
	var list struct {
		Jobs []scheduler.Status `json:"jobs"`
	}
	decodeJSON(t, body, &list)
	if code != 200 || len(list.Jobs) < 5 {
		t.Fatalf("GET /api/v1/jobs: %d %d", code, len(list.Jobs))
	}
	if code, _ := api(editor, http.MethodGet, "/api/v1/jobs"); code != http.StatusForbidden {
		t.Fatalf("editor GET /api/v1/jobs: %d", code)
	}
	code, body = api(admin, http.MethodPost, "/api/v1/jobs/follow-ups/run")
	var res struct {
		Result scheduler.Result `json:"result"`
	}
	decodeJSON(t, body, &res)
	if code != 200 || res.Result.Status != scheduler.StatusAlreadyDone {
		t.Fatalf("second run: %d %+v", code, res.Result)
	}
	// The answer says why nothing ran and what to do instead.
	mustContain(t, "second run", res.Result.String(), "本期已执行过", "下一期（", "将于", "--future")

	// A run can be done while its message never arrived: the page says so.
	id, err := f.store.EnqueueNotification(ctx, store.Notification{Job: "follow-ups", Period: run.Period, Recipients: "[]",
		Subject: "跟踪", Body: "跟踪"}, []string{"webhook"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.ClaimDeliveries(ctx, "test", time.Now(), time.Now(), time.Minute, 10); err != nil {
		t.Fatal(err)
	}
	if err := f.store.FinishDelivery(ctx, "test", id, "webhook", "failed", 3, "notify: wecom webhook qyapi.weixin.qq.com: HTTP 502", time.Time{}); err != nil {
		t.Fatal(err)
	}
	_, body = admin.get("/staff/jobs")
	mustContain(t, "jobs page", body, "通知未送达（"+run.Period+"，群机器人）：notify: wecom webhook qyapi.weixin.qq.com: HTTP 502")
	entries, _ := f.store.AuditLog(ctx, store.AuditFilter{Entity: "job"})
	if len(entries) < 2 || entries[0].Actor != "admin" {
		t.Fatalf("audit: %+v", entries)
	}
}

func (c *client) upload(path, field, filename string, content []byte, fields url.Values) (int, string) {
	c.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if _, ok := fields["csrf"]; !ok {
		w.WriteField("csrf", c.csrf)
	}
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile(field, filename)
	fw.Write(content)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	code, body, _ := c.do(req)
	return code, body
}

var hiddenField = func(name string) *regexp.Regexp {
	return regexp.MustCompile(`name="` + name + `" value="([^"]*)"`)
}

func TestHolidayImport(t *testing.T) {
	f := newWorkFixture(t)
	ctx := context.Background()
	editor, viewer := f.loggedIn(t, "editor"), f.loggedIn(t, "viewer")
	csv := []byte("date,name,kind\n2028-01-01,元旦,off\n2028-10-01,国庆节,off\n2028-10-02,国庆节,off\n2028-10-08,国庆节,work\n")
	if code, _ := viewer.upload("/staff/holidays/preview", "file", "2028.csv", csv, nil); code != http.StatusForbidden {
		t.Fatalf("viewer: %d", code)
	}
	code, body := editor.upload("/staff/holidays/preview", "file", "2028.csv", []byte("2028-13-01,坏日期,off\n"), nil)
	if code != http.StatusBadRequest || !strings.Contains(body, "第 1 行") {
		t.Fatalf("bad file: %d", code)
	}
	code, body = editor.upload("/staff/holidays/preview", "file", "2028.csv", csv, nil)
	if code != http.StatusOK {
		t.Fatalf("preview: %d", code)
	}
	mustContain(t, "preview", body, "导入预览：2028 年", "国庆节（补班）", "保存并确认 2028 年")
	base := hiddenField("base").FindAllStringSubmatch(body, -1)
	m := regexp.MustCompile(`(?s)<textarea name="csv" hidden>(.*?)</textarea>`).FindStringSubmatch(body)
	if m == nil || len(base) < 1 {
		t.Fatal("no save form")
	}
	save := url.Values{"year": {"2028"}, "base": {base[len(base)-1][1]}, "csv": {strings.ReplaceAll(m[1], "&#43;", "+")}}
	// Someone else changes 2028 between preview and save: a 409 with a fresh diff.
	other := []roster.HolidayDay{{Date: roster.NewDate(2028, 5, 1), Kind: roster.Off, Name: "劳动节"}}
	if err := f.store.ReplaceHolidayYear(ctx, 2028, other, "other"); err != nil {
		t.Fatal(err)
	}
	code, body = editor.post("/staff/holidays", save)
	if code != http.StatusConflict || !strings.Contains(body, "已被他人修改") {
		t.Fatalf("stale save: %d", code)
	}
	base = hiddenField("base").FindAllStringSubmatch(body, -1)
	save.Set("base", base[len(base)-1][1])
	if code, body := editor.post("/staff/holidays", save); code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", code, body)
	}
	if ok, _ := f.store.HolidayYearConfirmed(ctx, 2028); !ok {
		t.Fatal("2028 not confirmed")
	}
	_, body = editor.get("/staff/holidays?year=2028")
	mustContain(t, "saved year", body, "已按国务院办公厅通知确认", "2028-10-08")
}

func TestLeaderFeedRotationAndLinks(t *testing.T) {
	f := newWorkFixture(t)
	ctx := context.Background()
	editor, viewer := f.loggedIn(t, "editor"), f.loggedIn(t, "viewer")
	if code, _ := viewer.post("/staff/leaders/L01/feed-token", nil); code != http.StatusForbidden {
		t.Fatalf("viewer: %d", code)
	}
	code, body := editor.post("/staff/leaders/L01/feed-token", nil)
	if code != http.StatusOK {
		t.Fatalf("rotate: %d", code)
	}
	m := regexp.MustCompile(`/feeds/leader/([A-Za-z0-9_-]+)\.ics`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no feed URL shown")
	}
	if who, err := f.store.FeedTokenPerson(ctx, m[1]); err != nil || who != "L01" {
		t.Fatalf("token: %q %v", who, err)
	}
	if _, again := editor.get("/staff/leaders"); strings.Contains(again, m[1]) {
		t.Fatal("the feed URL is shown twice")
	}
	if code, _ := editor.post("/staff/leaders/L01/feed-token/revoke", nil); code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", code)
	}
	if _, err := f.store.FeedTokenPerson(ctx, m[1]); err == nil {
		t.Fatal("revoked token still works")
	}

	p, _ := f.store.Person(ctx, "L02")
	old := url.Values{"old_township": {p.Links.Township}, "old_enterprise": {p.Links.Enterprise}, "old_project": {p.Links.Project}, "old_village": {p.Links.Village}}
	form := url.Values{"township": {"t05"}, "enterprise": {"示例新材料公司"}, "project": {p.Links.Project}, "village": {"新河村"}}
	for k, v := range old {
		form[k] = v
	}
	if code, body := editor.post("/staff/leaders/L02/links", form); code != http.StatusSeeOther {
		t.Fatalf("links: %d %s", code, body)
	}
	if p, _ = f.store.Person(ctx, "L02"); p.Links.Township != "t05" || p.Links.Enterprise != "示例新材料公司" {
		t.Fatalf("links not saved: %+v", p.Links)
	}
	form.Set("enterprise", "另一家公司戊")
	code, body = editor.post("/staff/leaders/L02/links", form) // old_* now stale
	if code != http.StatusConflict {
		t.Fatalf("stale links: %d", code)
	}
	mustContain(t, "stale links", body, "已被他人修改", "示例新材料公司", "另一家公司戊")
}

// TestVisitFormWithUnknownCaseKeepsTheForm: a visit naming a case that does
// not exist, by id or by code, is a 400 on the re-rendered form with
// everything typed, as the JSON API answers 400 naming the field.
func TestVisitFormWithUnknownCaseKeepsTheForm(t *testing.T) {
	f := newStaffFixture(t)
	editor := f.loggedIn(t, "editor")
	day := f.today.AddDays(3).String()
	for _, cases := range []string{"99999", "2026-0999", "99999, 2026-0999"} {
		form := url.Values{"kind": {"invite"}, "leader": {"L02"}, "date": {day}, "start": {"19:00"}, "end": {"20:00"},
			"place": {"县群众工作部约访室乙"}, "cases": {cases}}
		code, body := editor.post("/staff/visits", form)
		if code != http.StatusBadRequest {
			t.Fatalf("cases %q: %d", cases, code)
		}
		mustContain(t, "cases "+cases, body, "关联案件：", `value="`+cases+`"`, "县群众工作部约访室乙", `value="`+day+`"`, `value="19:00"`)
	}
	vs, err := f.store.Visits(context.Background(), store.VisitFilter{Leader: "L02"})
	if err != nil || len(vs) != 0 {
		t.Fatalf("visits stored: %v %v", vs, err)
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
