package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhiban/auth"
	"zhiban/config"
	"zhiban/httpapi"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store/storetest"
	"zhiban/visits"
)

type casePageJSON struct {
	Cases []struct {
		ID       int64  `json:"id"`
		Code     string `json:"code"`
		Received string `json:"received"`
	} `json:"cases"`
	Next    string `json:"next"`
	Overdue int    `json:"overdue"`
}

// apiGet sends GET path with the bearer token and returns status and body.
func apiGet(t *testing.T, f *staffFixture, token, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return send(t, req)
}

func viewerToken(t *testing.T, f *staffFixture) string {
	t.Helper()
	secret, hash := auth.NewToken()
	if _, err := f.store.CreateAPIToken(context.Background(), "viewer", hash, "lists", "test"); err != nil {
		t.Fatal(err)
	}
	return secret
}

// TestCaseListPagesWithoutGapsOrRepeats walks the API's and the staff page's
// pages while cases are added between requests: every case present at the
// start is listed exactly once, in the stable order.
func TestCaseListPagesWithoutGapsOrRepeats(t *testing.T) {
	f := newStaffFixture(t)
	storetest.SeedCases(t, f.store, 130, f.today)
	token := viewerToken(t, f)
	added := 0
	addCase := func() {
		added++
		k := visits.Case{Code: fmt.Sprintf("2026-9%04d", added), Title: "新案", Category: "其他", Township: "t01",
			Received: f.today, Channel: "来访", Petitioner: visits.Petitioner{Name: "新来人"}, GroupSize: 1, State: visits.StateReceived}
		if _, err := f.store.CreateCase(context.Background(), k, "test"); err != nil {
			t.Fatal(err)
		}
	}

	seen := map[string]int{}
	var order []string
	after := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("the API's pages never end")
		}
		code, body := apiGet(t, f, token, "/api/v1/cases?limit=40&after="+url.QueryEscape(after))
		if code != http.StatusOK {
			t.Fatalf("page %d: %d %s", pages, code, body)
		}
		var p casePageJSON
		decodeJSON(t, body, &p)
		if len(p.Cases) > 40 {
			t.Fatalf("page of %d over the limit", len(p.Cases))
		}
		for _, k := range p.Cases {
			seen[k.Code]++
			order = append(order, k.Received+"."+k.Code)
		}
		addCase()
		if p.Next == "" {
			break
		}
		after = p.Next
	}
	for code, n := range seen {
		if n != 1 {
			t.Errorf("%s listed %d times", code, n)
		}
	}
	if len(seen) != 130 {
		t.Errorf("API pages listed %d cases, want the 130 present at the start", len(seen))
	}
	for i := 1; i < len(order); i++ {
		if order[i] > order[i-1] && order[i][:10] != order[i-1][:10] {
			t.Fatalf("not newest first: %s after %s", order[i], order[i-1])
		}
	}

	c := f.loggedIn(t, "viewer")
	codeRe := regexp.MustCompile(`<a href="/staff/cases/\d+">([0-9-]+)</a>`)
	nextRe := regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
	staff := map[string]int{}
	path := "/staff/cases?township=t03"
	for pages := 0; path != ""; pages++ {
		if pages > 10 {
			t.Fatal("the staff pages never end")
		}
		code, body := c.get(path)
		if code != http.StatusOK {
			t.Fatalf("%s: %d", path, code)
		}
		for _, m := range codeRe.FindAllStringSubmatch(body, -1) {
			staff[m[1]]++
		}
		path = ""
		if m := nextRe.FindStringSubmatch(body); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
			if !strings.Contains(path, "township=t03") {
				t.Fatalf("next page lost the filter: %s", path)
			}
		}
	}
	want := 0
	for i := 1; i <= 130; i++ {
		if 1+i%14 == 3 {
			want++
		}
	}
	if len(staff) != want {
		t.Errorf("staff pages of 城关镇… t03 listed %d cases, want %d", len(staff), want)
	}
	for code, n := range staff {
		if n != 1 {
			t.Errorf("staff pages list %s %d times", code, n)
		}
	}
}

// TestCaseSearchByCodeNameOrPhone finds a case however a clerk types the
// name or phone, and only by the whole name or number.
func TestCaseSearchByCodeNameOrPhone(t *testing.T) {
	f := newStaffFixture(t)
	storetest.SeedCases(t, f.store, 60, f.today)
	token := viewerToken(t, f)
	find := func(q string) []string {
		t.Helper()
		code, body := apiGet(t, f, token, "/api/v1/cases?q="+url.QueryEscape(q))
		if code != http.StatusOK {
			t.Fatalf("q=%q: %d %s", q, code, body)
		}
		var p casePageJSON
		decodeJSON(t, body, &p)
		var codes []string
		for _, k := range p.Cases {
			codes = append(codes, k.Code[5:])
		}
		return codes
	}
	for q, want := range map[string]string{
		"测试人7":              "00007",
		" 测试人 7 ":           "00007",
		"１３９０００００００７":       "00007",
		"+86 139-0000-0007": "00007",
		"139 0000 0042":     "00042",
		"测试":                "",
		"0000007":           "",
		"13900000099":       "",
	} {
		if got := strings.Join(find(q), ","); got != want {
			t.Errorf("q=%q found %q, want %q", q, got, want)
		}
	}
	var year string
	code, body := apiGet(t, f, token, "/api/v1/cases?limit=1")
	if code == http.StatusOK {
		var p casePageJSON
		decodeJSON(t, body, &p)
		year = p.Cases[0].Code[:4]
	}
	if got := find(year + "-0000"); len(got) != 9 {
		t.Errorf("code prefix %s-0000 found %v, want 00001…00009", year, got)
	}
	if got := find("ＸＸ" + year); len(got) != 0 {
		t.Errorf("a wrong prefix found %v", got)
	}
	// The staff page searches the same way and keeps the query in its box.
	c := f.loggedIn(t, "viewer")
	if code, body := c.get("/staff/cases?q=" + url.QueryEscape("测试人42")); code != http.StatusOK ||
		!strings.Contains(body, "-00042</a>") || strings.Contains(body, "-00041</a>") || !strings.Contains(body, `value="测试人42"`) {
		t.Errorf("staff search: %d", code)
	}
}

func TestCaseListRefusesBadPaging(t *testing.T) {
	f := newStaffFixture(t)
	token := viewerToken(t, f)
	for _, q := range []string{"limit=0", "limit=501", "limit=x", "after=garbage", "after=2026-13-01.5", "after=2026-11-01.-1",
		"q=" + url.QueryEscape(strings.Repeat("长", 201)), "q=%80%80"} {
		code, body := apiGet(t, f, token, "/api/v1/cases?"+q)
		if code != http.StatusBadRequest || !strings.Contains(body, `"field"`) {
			t.Errorf("%s: %d %s", q, code, body)
		}
	}
	c := f.loggedIn(t, "viewer")
	if code, _ := c.get("/staff/cases?after=garbage"); code != http.StatusBadRequest {
		t.Errorf("staff page with a bad cursor: %d", code)
	}
}

// BenchmarkCaseList50k serves list pages over 50,000 cases received over two
// years (a city's load; the 6,000 of the last 90 days still open); issue 11
// asks < 50 ms a page.
func BenchmarkCaseList50k(b *testing.B) {
	ctx := context.Background()
	st := storetest.OpenDemo(b, nil)
	cfg := testConfig(b, func(c *config.Config) { c.PublicURL = "http://zhiban.example" })
	now := time.Now()
	today := roster.Today(now, cfg.Location)
	storetest.SeedCases(b, st, 50000, today)
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "viewer", auth.RoleViewer, hash, "bench"); err != nil {
		b.Fatal(err)
	}
	_, sess, err := service.New(st, cfg, nil).Login(ctx, "viewer", testPassword, "127.0.0.1", now)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := httpapi.New(st, httpapi.Options{Config: cfg, Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	mid := ""
	for _, path := range []string{
		"/staff/cases",
		"/staff/cases?state=open",
		"/staff/cases?overdue=1",
		"/staff/cases?q=" + url.QueryEscape("测试人31415"),
		"/staff/cases?township=t05&after=MID",
		"/api/v1/cases?limit=100",
		"/api/v1/cases?limit=100&after=MID",
	} {
		b.Run(path, func(b *testing.B) {
			req, _ := http.NewRequest(http.MethodGet, strings.ReplaceAll(path, "MID", url.QueryEscape(mid)), nil)
			req.AddCookie(&http.Cookie{Name: "zhiban_session", Value: sess.Secret})
			w := &discard{h: http.Header{}}
			h.ServeHTTP(w, req)
			if w.status != http.StatusOK {
				b.Fatalf("%s: %d", path, w.status)
			}
			size := w.n
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				clear(w.h)
				h.ServeHTTP(w, req)
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
		if mid == "" {
			mid = fmt.Sprintf("%s.%d", today.AddDays(-25000/7), 25000)
		}
	}
}
