package httpapi_test

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"zhiban/roster"
	"zhiban/store"
)

var update = flag.Bool("update", false, "rewrite the golden pages in testdata/golden")

// goldenPage is one page rendered over HTTP and compared with the HTML in
// testdata/golden/<name>.golden (test data, not source); templates are the
// files under templates/ it renders (besides the layouts).
type goldenPage struct {
	name      string
	anonymous bool // fetched without signing in
	method    string
	path      func(t *testing.T, f *staffFixture) string
	form      func(t *testing.T, f *staffFixture) url.Values
	status    int
	templates []string
	wants     []string // demo data the page must show
}

func fixed(p string) func(*testing.T, *staffFixture) string {
	return func(*testing.T, *staffFixture) string { return p }
}

func goldenPages() []goldenPage {
	return []goldenPage{
		{name: "today", anonymous: true, path: fixed("/"), templates: []string{"today.html"}, wants: []string{"值班领导", "跟班领导"}},
		{name: "roster_month", anonymous: true, path: fixed("/roster/2026-12"), templates: []string{"roster_month.html"}, wants: []string{"2026"}},
		{name: "visits", anonymous: true, path: fixed("/visits"), templates: []string{"visits.html"}, wants: []string{"带案下访"}},
		{name: "township", anonymous: true, path: fixed("/township/t02"), templates: []string{"township.html"}, wants: []string{"漕河镇群众工作站", "带案下访"}},
		{name: "stations", anonymous: true, path: fixed("/stations?q=" + url.QueryEscape("城关")), templates: []string{"stations.html"}, wants: []string{"城关"}},
		{name: "display", anonymous: true, path: fixed("/display"), templates: []string{"display.html"}, wants: []string{"今日接访领导", "接待窗口"}},
		{name: "signin", anonymous: true, path: signinToday, templates: []string{"signin.html"}, wants: []string{"确认到岗签到"}},
		{name: "error_404", anonymous: true, path: fixed("/no-such-page"), status: http.StatusNotFound, templates: []string{"error.html"}, wants: []string{"页面不存在"}},

		{name: "staff_login", anonymous: true, path: fixed("/staff/login"), templates: []string{"staff/login.html"}, wants: []string{"登录"}},
		{name: "staff_password", path: fixed("/staff/password"), templates: []string{"staff/password.html"}},
		{name: "staff_audit", path: fixed("/staff/audit"), templates: []string{"staff/audit.html"}, wants: []string{"审计日志"}},
		{name: "staff_users", path: fixed("/staff/users"), templates: []string{"staff/users.html"}, wants: []string{"editor", "viewer"}},
		{name: "staff_cases", path: fixed("/staff/cases"), templates: []string{"staff/cases.html"}, wants: []string{"2026-0900", "超期"}},
		{name: "staff_case", path: caseHref("2026-0900"), templates: []string{"staff/case.html"}, wants: []string{"包调查", "张某甲"}},
		// Issue 11 items 11 and 9: an extension shows both readings of art. 34; a dispute its 包 steps and 销号.
		{name: "staff_case_extended", path: caseHref("2026-0903"), templates: []string{"staff/case.html"},
			wants: []string{"2027-01-04", "严格口径（自第60日起算）；按顺延后的届满日起算为 2027-01-06"}},
		{name: "staff_case_dispute", path: caseHref("2026-0907"), templates: []string{"staff/case.html"},
			wants: []string{"矛盾纠纷·包保", "包保职责（完成五包后销号）", ">销号<"}},
		{name: "staff_case_new", path: fixed("/staff/cases/new"), templates: []string{"staff/case_new.html"}, wants: []string{"信访事项登记"}},
		{name: "staff_visits", path: fixed("/staff/visits"), templates: []string{"staff/visits.html"}, wants: []string{"走访日历"}},
		{name: "staff_visit", path: caseVisitHref, templates: []string{"staff/visit.html"}, wants: []string{"关联案件", "2026-"}},
		{name: "staff_sweep", path: fixed("/staff/sweeps/2026-12"), templates: []string{"staff/sweep.html"}, wants: []string{"报送情况", "排查发现"}},
		{name: "staff_handovers", path: fixed("/staff/handovers"), templates: []string{"staff/handovers.html"}, wants: []string{"县人社局", "超期 3 天", "县司法局"}},
		{name: "staff_flags", path: fixed("/staff/flags"), templates: []string{"staff/flags.html"}},
		{name: "staff_jobs", path: fixed("/staff/jobs"), templates: []string{"staff/jobs.html"}, wants: []string{"open-sweep"}},
		{name: "staff_holidays", path: fixed("/staff/holidays?year=2026"), templates: []string{"staff/holidays.html"}, wants: []string{"国庆节"}},
		{name: "staff_leaders", path: fixed("/staff/leaders"), templates: []string{"staff/leaders.html"}, wants: []string{"四个一"}},
		{name: "staff_roster", path: fixed("/staff/roster/county-duty/2026-12"), templates: []string{"staff/roster.html"}, wants: []string{"值班领导"}},
		{name: "staff_slot", path: fixed("/staff/roster/county-duty/slot?date=2026-12-02&role=" + url.QueryEscape("值班领导")), templates: []string{"staff/slot.html"}, wants: []string{"可安排的人员"}},
		{name: "staff_regenerate", path: fixed("/staff/regenerate?preview=1&from=2026-12-02&to=2026-12-31"), templates: []string{"staff/regenerate.html"}, wants: []string{"公平指标"}},
		{name: "staff_stats", path: fixed("/staff/stats?period=2026-11"), templates: []string{"staff/stats.html"}, wants: []string{"及时受理率", "<svg", "按乡镇"}},
		{name: "staff_stats_definitions", path: fixed("/staff/stats/definitions"), templates: []string{"staff/stats_definitions.html"}, wants: []string{"统计口径说明", "极差"}},
		{name: "staff_fairness", path: fixed("/staff/fairness"), templates: []string{"staff/fairness.html"}, wants: []string{"均衡分"}},
		{name: "staff_absences", path: fixed("/staff/absences"), templates: []string{"staff/absences.html"}},
		{name: "staff_absence_preview", method: http.MethodPost, path: fixed("/staff/absences/preview"), templates: []string{"staff/absence_preview.html"},
			form: dutyAbsence, wants: []string{"建议接替"}},
		{name: "staff_import", path: fixed("/staff/import"), templates: []string{"staff/import.html"}},
		{name: "staff_desk", path: deskWithQueue, templates: []string{"staff/desk.html"}, wants: []string{"值班领导", "跟班领导", "重复信访", "已等", "交办", "预约来访", "待电话告知"}},
		// 满意度评价: the public page, and last (it makes a code) the slip of a case's 评价码.
		{name: "evaluate", anonymous: true, path: fixed("/evaluate"), templates: []string{"evaluate.html"}, wants: []string{"评价码", "满意"}},
		{name: "staff_evaluation_code", method: http.MethodPost, path: evaluationCodeHref, templates: []string{"staff/evaluation_code.html"},
			form: func(*testing.T, *staffFixture) url.Values { return url.Values{"stage": {"accept"}} }, wants: []string{"满意度评价码", "/evaluate"}},
		// 预约接访: the form, a refusal keeping the values, a booking made, the lookup form.
		{name: "booking", anonymous: true, path: fixed("/booking"), templates: []string{"booking.html"}, wants: []string{"选择接访日和领导", "个人信息保护法"}},
		{name: "booking_refused", anonymous: true, method: http.MethodPost, path: fixed("/booking"), templates: []string{"booking.html"},
			form: goldenBooking(false), status: http.StatusBadRequest, wants: []string{"请阅读并同意", "金某某"}},
		{name: "booking_done", anonymous: true, method: http.MethodPost, path: fixed("/booking"), templates: []string{"booking.html"},
			form: goldenBooking(true), wants: []string{"预约成功", "08:30–09:00"}},
		{name: "booking_lookup", anonymous: true, path: fixed("/booking/lookup"), templates: []string{"booking_lookup.html"}, wants: []string{"预约码"}},
	}
}

// goldenBooking is a booking of the 2nd of December, with consent or without.
func goldenBooking(consent bool) func(*testing.T, *staffFixture) url.Values {
	return func(*testing.T, *staffFixture) url.Values {
		v := url.Values{"day": {"county-duty/2026-12-02"}, "category": {"劳资"}, "township": {"t02"}, "group_size": {"1"},
			"name": {"金某某"}, "id_number": {"11010519491231002X"}, "phone": {"13912340000"}}
		if consent {
			v.Set("consent", "yes")
		}
		return v
	}
}

// evaluationCodeHref makes the 受理 评价码 of the demo's accepted case 2026-0900.
func evaluationCodeHref(t *testing.T, f *staffFixture) string {
	return caseHref("2026-0900")(t, f) + "/evaluation-code"
}

func caseHref(code string) func(*testing.T, *staffFixture) string {
	return func(t *testing.T, f *staffFixture) string {
		return fmt.Sprintf("/staff/cases/%d", f.caseByCode(t, code).ID)
	}
}

// caseVisitHref is the first demo visit that carries cases.
func caseVisitHref(t *testing.T, f *staffFixture) string {
	vs, err := f.store.Visits(context.Background(), store.VisitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if len(v.Cases) > 0 {
			return fmt.Sprintf("/staff/visits/%d", v.ID)
		}
	}
	t.Fatal("no demo visit carries a case")
	return ""
}

// dutyAbsence is a trip of the duty leader of 2026-12-15, so the preview
// has a duty to replace.
func dutyAbsence(t *testing.T, f *staffFixture) url.Values {
	a := f.duty(t, roster.MustDate("2026-12-15"))
	return url.Values{"person": {a.Person}, "kind": {"trip"}, "from": {a.Date.String()}, "to": {a.Date.String()}, "reason": {"赴市开会"}}
}

// volatileParts are what differs between two runs of the same page: the
// CSRF tokens of the session and of the login form, and instants written
// before the fixture fixed the clock (demoStore imports the county at the
// machine's time; the audit page shows it).
var volatileParts = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`(<meta name="csrf-token" content=")[^"]*(")`), "${1}CSRF${2}"},
	{regexp.MustCompile(`(name="csrf" value=")[^"]*(")`), "${1}CSRF${2}"},
	{regexp.MustCompile(`(name="t" value=")[^"]*(")`), "${1}SIGNIN-TOKEN${2}"}, // signed with the installation's random key
	// A random 评价码, and a random booking code (预约码).
	{regexp.MustCompile(`\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b`), "EVAL-CODE"},
	{regexp.MustCompile(`class="booking-code"><strong>[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}<`), `class="booking-code"><strong>BOOK-CODE<`},
	{regexp.MustCompile(`\b20\d\d-\d\d-\d\d \d\d:\d\d:\d\d\b`), ""},
	{regexp.MustCompile(`20\d\d年\d\d?月\d\d?日 \d\d:\d\d`), ""},
}

// fixtureInstants are the fixture's own clock as pages show it: kept.
var fixtureInstants = map[string]bool{"2026-12-01 09:00:00": true, "2026年12月1日 09:00": true}

// normalisePage blanks the volatile parts of a page served at base.
func normalisePage(s, base string) string {
	s = strings.ReplaceAll(s, strings.TrimPrefix(base, "http://"), "SERVER")
	for _, v := range volatileParts {
		s = v.re.ReplaceAllStringFunc(s, func(m string) string {
			if v.with == "" { // an instant: only the fixture's own clock is stable
				if fixtureInstants[m] {
					return m
				}
				return "WALL-CLOCK"
			}
			return v.re.ReplaceAllString(m, v.with)
		})
	}
	return s
}

var emptyBody = regexp.MustCompile(`<tbody>\s*</tbody>`)

// TestTemplatesGolden renders every template with the demo county at a fixed
// clock (2026-12-01 09:00 Shanghai) and compares the pages with the golden
// files; go test ./httpapi -run TestTemplatesGolden -update rewrites them.
func TestTemplatesGolden(t *testing.T) {
	f := newWorkFixture(t)
	admin := f.loggedIn(t, "admin")
	pages := goldenPages()
	dir := filepath.Join("testdata", "golden")
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			c := admin
			if p.anonymous {
				c = f.client(t)
			}
			method := p.method
			if method == "" {
				method = http.MethodGet
			}
			var req *http.Request
			if method == http.MethodPost {
				form := url.Values{"csrf": {c.csrf}}
				for k, v := range p.form(t, f) {
					form[k] = v
				}
				req, _ = http.NewRequest(method, f.srv.URL+p.path(t, f), strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			} else {
				req, _ = http.NewRequest(method, f.srv.URL+p.path(t, f), nil)
			}
			code, body, _ := c.do(req)
			want := p.status
			if want == 0 {
				want = http.StatusOK
			}
			if code != want {
				t.Fatalf("%s %s: status %d, want %d", method, p.path(t, f), code, want)
			}
			if strings.Contains(body, "<no value>") {
				t.Errorf("the page shows <no value>")
			}
			if !strings.ContainsFunc(body, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				t.Errorf("the page has no Chinese text")
			}
			if emptyBody.MatchString(body) {
				t.Errorf("the page has an empty table body")
			}
			mustContain(t, p.name, body, p.wants...)
			got := normalisePage(body, f.srv.URL)
			file := filepath.Join(dir, p.name+".golden")
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			golden, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./httpapi -run TestTemplatesGolden -update)", err)
			}
			if got != string(golden) {
				t.Errorf("%s differs from %s (rerun with -update if the change is intended):\n%s", p.name, file, firstDiff(string(golden), got))
			}
		})
	}

	// Every template is rendered by some page, and every golden file belongs to one.
	covered := map[string]bool{"layout.html": true, "staff/layout.html": true}
	names := map[string]bool{}
	for _, p := range pages {
		names[p.name+".golden"] = true
		for _, tpl := range p.templates {
			covered[tpl] = true
		}
	}
	var found []string
	err := filepath.WalkDir("templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		rel, _ := filepath.Rel("templates", path)
		found = append(found, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range found {
		if !covered[tpl] {
			t.Errorf("template %s is rendered by no golden page: add one to goldenPages", tpl)
		}
	}
	for tpl := range covered {
		if !slices.Contains(found, tpl) {
			t.Errorf("goldenPages names template %s, which does not exist", tpl)
		}
	}
	if !*update {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if !names[e.Name()] {
				t.Errorf("golden file %s belongs to no page: remove it", filepath.Join(dir, e.Name()))
			}
		}
	}
}
