package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/httpapi"
	"zhiban/ical/icaljstest"
	"zhiban/publish/publishtest"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// pubFixture is the demo county with a generated roster, a case with a
// petitioner and a public visit, served over real HTTP with a settable clock.
type pubFixture struct {
	srv     *httptest.Server
	store   *store.Store
	mu      sync.Mutex
	now     time.Time
	private []string // strings that must never appear in public output
	visit   visits.Visit
}

func newPubFixture(t *testing.T, now time.Time) *pubFixture {
	t.Helper()
	return newPubFixtureWith(t, now, nil)
}

// newPubFixtureWith is newPubFixture with the configuration adjusted by edit.
func newPubFixtureWith(t *testing.T, now time.Time, edit func(*config.Config)) *pubFixture {
	t.Helper()
	st, cfg, seeded := publishtest.Open(t, now, edit)
	f := &pubFixture{store: st, now: now, private: seeded.Private, visit: seeded.Visit}
	s, err := httpapi.New(st, httpapi.Options{Config: cfg, Now: f.clock, Version: "test", CacheCheck: -1})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(s.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

func (f *pubFixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *pubFixture) setNow(t time.Time) {
	f.mu.Lock()
	f.now = t
	f.mu.Unlock()
}

func (f *pubFixture) do(t *testing.T, method, path string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	// Keep the transport from decoding gzip so tests see what was sent.
	tr := &http.Transport{DisableCompression: true}
	return roundTrip(t, &http.Client{Transport: tr}, req)
}

var publicPaths = []string{
	"/", "/roster/2026-12", "/roster/2027-01", "/visits", "/display", "/api/v1/public/today", "/api/v1/public/range",
	"/api/v1/public/range?from=2026-11-20&to=2027-01-10", "/api/v1/public/visits",
	"/feeds/roster.ics", "/feeds/township/t02.ics", "/feeds/township/t01.ics",
}

// Every public page renders with demo data, and none shows a petitioner,
// a case text, an absence reason or a leader's phone or e-mail.
func TestPublicOutputsRenderAndStayPrivate(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	if len(f.private) < 5 {
		t.Fatalf("too few private strings to check: %v", f.private)
	}
	for _, p := range publicPaths {
		resp, body := f.do(t, "GET", p, nil)
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d\n%s", p, resp.StatusCode, body)
			continue
		}
		for _, s := range f.private {
			if bytes.Contains(body, []byte(s)) {
				t.Errorf("%s shows private %q", p, s)
			}
		}
	}
	_, page := f.do(t, "GET", "/", nil)
	for _, want := range []string{`lang="zh-CN"`, `name="viewport"`, "<title>", "值班领导", "跟班领导", "分管工作", "接访时间", "接访地点",
		"接访形式", "县群众来访接待中心", "示例县人民路88号", "0713-0000000", "县公安局", "webcal://zhiban.example.cn/feeds/roster.ics",
		"https://zhiban.example.cn/feeds/roster.ics", `src="/qr.png"`, "带案下访", "漕河镇", "最近更新", `scope="col"`, `scope="row"`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("today page lacks %q", want)
		}
	}
	_, month := f.do(t, "GET", "/roster/2026-12", nil)
	for _, want := range []string{"示例县2026年12月领导值班接访安排表", "打印日期：2026年12月1日", `href="/roster/2026-11"`, `href="/roster/2027-01"`, "@media print"} {
		if !strings.Contains(string(month), want) && !(want == "@media print" && f.cssHasPrint(t)) {
			t.Errorf("month page lacks %q", want)
		}
	}
	resp, png := f.do(t, "GET", "/qr.png", nil)
	if resp.StatusCode != 200 || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("qr.png: %d", resp.StatusCode)
	}
}

func (f *pubFixture) cssHasPrint(t *testing.T) bool {
	_, css := f.do(t, "GET", "/static/site.css", nil)
	return bytes.Contains(css, []byte("@media print")) && bytes.Contains(css, []byte("size: A4"))
}

func TestBadMonthAndUnknownFeeds(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	for path, want := range map[string]int{
		"/roster/2026-13": 400, "/roster/26-1": 400, "/roster/1999-01": 400, "/api/v1/public/range?from=2026-02-30": 400,
		"/api/v1/public/range?from=2026-01-01&to=2026-12-31": 400, "/feeds/township/t99.ics": 404,
		"/feeds/township/L01.ics": 404, "/feeds/leader/nope.ics": 404, "/feeds/leader/x": 404,
	} {
		if resp, body := f.do(t, "GET", path, nil); resp.StatusCode != want {
			t.Errorf("%s: %d, want %d: %s", path, resp.StatusCode, want, body)
		}
	}
}

func TestJSONToday(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	_, body := f.do(t, "GET", "/api/v1/public/today", nil)
	var got struct {
		Date    string `json:"date"`
		DutyDay bool   `json:"duty_day"`
		Duties  []struct {
			Leaders []map[string]any `json:"leaders"`
		} `json:"duties"`
		Visits []map[string]any `json:"visits"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Date != "2026-12-01" || !got.DutyDay || len(got.Duties) == 0 || len(got.Duties[0].Leaders) != 2 || len(got.Visits) == 0 {
		t.Fatalf("today JSON: %s", body)
	}
	for _, v := range got.Visits {
		if _, ok := v["place"]; ok {
			t.Errorf("a public visit carries its place: %v", v)
		}
	}
	for _, k := range []string{"phone", "email"} {
		if _, ok := got.Duties[0].Leaders[0][k]; ok {
			t.Errorf("JSON carries a %s field", k)
		}
	}
}

// The page at 23:59 and 00:01 in Shanghai shows the right day, whatever the
// process zone; .ci/run also runs the suite with TZ=America/New_York.
func TestTodayPageAroundMidnight(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	old := time.Local
	time.Local = ny
	defer func() { time.Local = old }()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	f := newPubFixture(t, time.Date(2026, 12, 1, 23, 59, 0, 0, sh))
	_, before := f.do(t, "GET", "/", nil)
	if !strings.Contains(string(before), "2026年12月1日 星期二") {
		t.Errorf("23:59: page does not show 1 December")
	}
	f.setNow(time.Date(2026, 12, 2, 0, 1, 0, 0, sh))
	_, after := f.do(t, "GET", "/", nil)
	if !strings.Contains(string(after), "2026年12月2日 星期三") {
		t.Errorf("00:01: page does not show 2 December (cache not rolled over?)")
	}
}

func TestETagLastModifiedGzipHEAD(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	for _, p := range []string{"/", "/roster/2026-12", "/feeds/roster.ics", "/api/v1/public/today"} {
		resp, body := f.do(t, "GET", p, nil)
		etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		if etag == "" || lm == "" {
			t.Fatalf("%s: no validators", p)
		}
		if r, b := f.do(t, "GET", p, map[string]string{"If-None-Match": etag}); r.StatusCode != 304 || len(b) != 0 {
			t.Errorf("%s: If-None-Match gives %d", p, r.StatusCode)
		}
		if r, _ := f.do(t, "GET", p, map[string]string{"If-Modified-Since": lm}); r.StatusCode != 304 {
			t.Errorf("%s: If-Modified-Since gives %d", p, r.StatusCode)
		}
		if r, _ := f.do(t, "GET", p, map[string]string{"If-None-Match": `"other"`, "If-Modified-Since": lm}); r.StatusCode != 200 {
			t.Errorf("%s: a different ETag must win over If-Modified-Since, got %d", p, r.StatusCode)
		}
		head, hb := f.do(t, "HEAD", p, nil)
		if head.StatusCode != 200 || len(hb) != 0 || head.Header.Get("ETag") != etag || head.Header.Get("Content-Length") != itoa(len(body)) {
			t.Errorf("%s: HEAD %d len %s etag %s", p, head.StatusCode, head.Header.Get("Content-Length"), head.Header.Get("ETag"))
		}
		gz, gb := f.do(t, "GET", p, map[string]string{"Accept-Encoding": "gzip, br"})
		if gz.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: not gzipped", p)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gb))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		if !bytes.Equal(plain, body) {
			t.Errorf("%s: gzip body differs", p)
		}
		if r, _ := f.do(t, "GET", p, map[string]string{"If-None-Match": gz.Header.Get("ETag"), "Accept-Encoding": "gzip"}); r.StatusCode != 304 {
			t.Errorf("%s: gzip ETag not honoured", p)
		}
	}
	resp, _ := f.do(t, "GET", "/feeds/roster.ics", nil)
	if ct := resp.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("feed Content-Type %q", ct)
	}
	// A write changes the ETag; the same data again gives the same one.
	r1, _ := f.do(t, "GET", "/feeds/roster.ics", nil)
	r2, _ := f.do(t, "GET", "/feeds/roster.ics", nil)
	if r1.Header.Get("ETag") != r2.Header.Get("ETag") {
		t.Error("ETag changes without a write")
	}
	f.reassignFirst(t, roster.MustDate("2026-12-03"))
	r3, _ := f.do(t, "GET", "/feeds/roster.ics", nil)
	if r3.Header.Get("ETag") == r1.Header.Get("ETag") {
		t.Error("ETag unchanged after a reassignment")
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// firstDuty is the first stored slot of day d.
func (f *pubFixture) firstDuty(t *testing.T, d roster.Date) store.StoredAssignment {
	t.Helper()
	as, err := f.store.Assignments(context.Background(), d, d)
	if err != nil || len(as) == 0 {
		t.Fatalf("no duty on %s: %v", d, err)
	}
	return as[0]
}

// reassignFirst gives the first slot of day d to another member of its pool
// and returns the old and the new person.
func (f *pubFixture) reassignFirst(t *testing.T, d roster.Date) (store.StoredAssignment, string) {
	t.Helper()
	ctx := context.Background()
	a := f.firstDuty(t, d)
	pools, _ := f.store.Pools(ctx)
	defs, _ := f.store.Rosters(ctx)
	var pool string
	for _, def := range defs {
		for _, sl := range def.Slots {
			if def.ID == a.Roster && sl.Role == a.Role {
				pool = sl.Pool
			}
		}
	}
	var other string
	for _, p := range pools {
		if p.ID == pool {
			for _, m := range p.Members {
				if m != a.Person && other == "" {
					other = m
				}
			}
		}
	}
	next := a.Assignment
	next.Person = other
	if _, err := f.store.SetAssignment(ctx, next, a.Version, "staff"); err != nil {
		t.Fatal(err)
	}
	return a, other
}

// The roster feed read by ical.js matches the database, and a reassigned
// duty appears once as cancelled and once as new.
func TestRosterFeedMatchesDatabase(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	ctx := context.Background()
	day := roster.MustDate("2026-12-03")
	old, newPerson := f.reassignFirst(t, day)
	resp, body := f.do(t, "GET", "/feeds/roster.ics", nil)
	if resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	oldP, _ := f.store.Person(ctx, old.Person)
	newP, _ := f.store.Person(ctx, newPerson)
	var cancelled, fresh int
	for _, block := range strings.Split(string(body), "BEGIN:VEVENT")[1:] {
		unfolded := strings.ReplaceAll(block, "\r\n ", "")
		if !strings.Contains(unfolded, "DTSTART;VALUE=DATE:20261203") || !strings.Contains(unfolded, old.Role) {
			continue
		}
		switch {
		case strings.Contains(unfolded, "STATUS:CANCELLED") && strings.Contains(unfolded, "SUMMARY:【已取消】"+old.Role+"："+oldP.Name):
			cancelled++
			if !strings.Contains(unfolded, "SEQUENCE:1\r\n") {
				t.Errorf("cancelled event sequence:\n%s", unfolded)
			}
		case strings.Contains(unfolded, "STATUS:CONFIRMED") && strings.Contains(unfolded, old.Role+"："+newP.Name):
			fresh++
		}
	}
	if cancelled != 1 || fresh != 1 {
		t.Errorf("reassigned duty: %d cancelled and %d new events, want 1 and 1", cancelled, fresh)
	}

	p := icaljstest.MustParse(t, body)
	today := roster.MustDate("2026-12-01")
	live, _ := f.store.Assignments(ctx, today.AddDays(-90), today.AddDays(365))
	gone, _ := f.store.CancelledAssignments(ctx, today.AddDays(-90), today.AddDays(365))
	people, _ := f.store.People(ctx)
	name := map[string]string{}
	for _, pp := range people {
		name[pp.ID] = pp.Name
	}
	type key struct{ date, role, name, status string }
	want := map[key]int{}
	for _, a := range live {
		want[key{a.Date.String(), a.Role, name[a.Person], "CONFIRMED"}]++
	}
	for _, g := range gone {
		want[key{g.Date.String(), g.Role, name[g.Person], "CANCELLED"}]++
	}
	got := map[key]int{}
	uids := map[string]bool{}
	for _, e := range p.Events {
		if uids[e.UID] {
			t.Errorf("duplicate UID %s", e.UID)
		}
		uids[e.UID] = true
		if !e.AllDay || e.Transp != "TRANSPARENT" {
			t.Errorf("%s: all-day %v transp %s", e.UID, e.AllDay, e.Transp)
		}
		role, rest, _ := strings.Cut(strings.TrimPrefix(e.Summary, "【已取消】"), "：")
		nm, _, _ := strings.Cut(rest, "（")
		got[key{e.Start, role, nm, e.Status}]++
	}
	if len(got) != len(want) {
		t.Errorf("ical.js sees %d distinct events, database has %d", len(got), len(want))
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("event %v: ical.js %d, database %d", k, got[k], n)
		}
	}
	if p.XWRTimezone != "Asia/Shanghai" || p.RefreshInterval != "PT1H" {
		t.Errorf("calendar properties %+v", p)
	}

	// The township feed: the confirmed visit, timed in the county zone.
	_, tb := f.do(t, "GET", "/feeds/township/t02.ics", nil)
	tp := icaljstest.MustParse(t, tb)
	found := false
	for _, e := range tp.Events {
		if !strings.Contains(e.Summary, "漕河镇") {
			t.Errorf("township feed holds another township's visit: %+v", e)
		}
		if strings.HasPrefix(e.UID, fmt.Sprintf("visit-%d@", f.visit.ID)) {
			found = e.StartUnix == f.visit.Date.At(f.visit.Start, sh(t)).Unix()
		}
	}
	if !found {
		t.Errorf("township feed lacks the confirmed visit at its time: %+v", tp.Events)
	}
}

func sh(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// A leader's private feed works with the current token only; rotation and
// revocation make the old URL a plain 404.
func TestLeaderFeedTokenRotation(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	ctx := context.Background()
	as, _ := f.store.Assignments(ctx, roster.MustDate("2026-12-01"), roster.MustDate("2026-12-31"))
	leader := as[0].Person
	tok1, err := f.store.RotateFeedToken(ctx, leader, "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(tok1) < 22 {
		t.Fatalf("token %q shorter than 128 bits", tok1)
	}
	resp, body := f.do(t, "GET", "/feeds/leader/"+tok1+".ics", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "private, max-age=300" {
		t.Fatalf("leader feed: %d %s", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	person, _ := f.store.Person(ctx, leader)
	if !bytes.Contains(body, []byte(person.Name)) || bytes.Contains(body, []byte(person.Phone)) ||
		person.Email == "" || bytes.Contains(body, []byte(person.Email)) {
		t.Error("leader feed lacks the leader or shows their phone or e-mail")
	}
	for _, a := range as {
		if a.Person != leader && bytes.Contains(body, []byte("duty-"+itoa(int(a.ID))+"-"+a.Person)) {
			t.Errorf("leader feed carries someone else's duty %d", a.ID)
		}
	}
	tok2, err := f.store.RotateFeedToken(ctx, leader, "test")
	if err != nil {
		t.Fatal(err)
	}
	if r, b := f.do(t, "GET", "/feeds/leader/"+tok1+".ics", nil); r.StatusCode != 404 || bytes.Contains(b, []byte("token")) {
		t.Errorf("old token after rotation: %d %s", r.StatusCode, b)
	}
	if r, _ := f.do(t, "GET", "/feeds/leader/"+tok2+".ics", nil); r.StatusCode != 200 {
		t.Errorf("new token: %d", r.StatusCode)
	}
	if _, err := f.store.RevokeFeedTokens(ctx, leader, "test"); err != nil {
		t.Fatal(err)
	}
	if r, _ := f.do(t, "GET", "/feeds/leader/"+tok2+".ics", nil); r.StatusCode != 404 {
		t.Errorf("revoked token: %d", r.StatusCode)
	}
}

// Pages are rendered once per change: equal bytes for equal data, new bytes
// after a write without waiting.
func TestPagesFollowWrites(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	_, before := f.do(t, "GET", "/roster/2026-12", nil)
	_, again := f.do(t, "GET", "/roster/2026-12", nil)
	if !bytes.Equal(before, again) {
		t.Fatal("same data, different page")
	}
	_, newPerson := f.reassignFirst(t, roster.MustDate("2026-12-03"))
	p, _ := f.store.Person(context.Background(), newPerson)
	_, after := f.do(t, "GET", "/roster/2026-12", nil)
	if bytes.Equal(before, after) || !bytes.Contains(after, []byte(`12月3日</time> <span class="wd">星期四</span><span class="tag"`)) {
		t.Errorf("month page did not follow the write or mark the changed day (%s)", p.Name)
	}
	_, today := f.do(t, "GET", "/", nil)
	if !strings.Contains(string(today), "近期调整的值班日：12月3日") { // publish.auto: no publication to speak of
		t.Errorf("today page lacks the changed day")
	}
}
