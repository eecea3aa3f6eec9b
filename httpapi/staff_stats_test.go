package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhiban/auth"
	"zhiban/docs"
	"zhiban/httpapi"
	"zhiban/stats"
	"zhiban/stats/statstest"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/xlsx/xlsxtest"
)

// statsServer is the demo county with a generated year (statstest) served on
// 2027-12-20, and a viewer's session cookie.
func statsServer(tb testing.TB) (http.Handler, *statstest.World, *store.Store, string) {
	tb.Helper()
	now := time.Date(2027, 12, 20, 1, 0, 0, 0, time.UTC) // 09:00 in Shanghai
	st := storetest.OpenDemo(tb, func() time.Time { return now })
	w := statstest.Generate(tb, st)
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := st.CreateUser(context.Background(), "viewer", auth.RoleViewer, hash, "test"); err != nil {
		tb.Fatal(err)
	}
	s, err := httpapi.New(st, httpapi.Options{Config: testConfig(tb, nil), Now: func() time.Time { return now }, Version: "test",
		CacheCheck: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	h := s.Handler()
	srv := httptest.NewServer(h)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/staff/login", nil)
	roundTrip(tb, hc, req)
	u, _ := url.Parse(srv.URL)
	var token string
	for _, c := range jar.Cookies(u) {
		if c.Name == "zhiban_login" {
			token = c.Value
		}
	}
	form := url.Values{"name": {"viewer"}, "password": {testPassword}, "csrf": {token}}
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/staff/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, _ := roundTrip(tb, hc, req); resp.StatusCode != http.StatusSeeOther {
		tb.Fatalf("login: %d", resp.StatusCode)
	}
	var cookies []string
	for _, c := range jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	return h, w, st, strings.Join(cookies, "; ")
}

func getWith(h http.Handler, path, cookie string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestStatsPageJSONAndWorkbook: the page, the JSON and the workbook show the
// figures the independent computation expects, with no personal data.
func TestStatsPageJSONAndWorkbook(t *testing.T) {
	h, w, _, cookie := statsServer(t)
	p, _ := stats.ParsePeriod("2027")
	want := w.Expect(p).County

	rec := getWith(h, "/api/v1/stats?period=2027", cookie)
	if rec.Code != http.StatusOK {
		t.Fatalf("JSON: %d %s", rec.Code, rec.Body)
	}
	var got struct {
		County stats.Figures `json:"county"`
		Roster stats.Roster  `json:"roster"`
		Trend  []struct {
			Month      string `json:"month"`
			Acceptance struct {
				Value *float64 `json:"value"`
			} `json:"timely_acceptance"`
		} `json:"trend"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.County, want) {
		t.Errorf("JSON county:\n got %+v\nwant %+v", got.County, want)
	}
	if len(got.Trend) != 12 || got.Trend[0].Acceptance.Value == nil {
		t.Errorf("trend: %+v", got.Trend)
	}
	// Fairness across the years: the years, and each pool's spread.
	fair := w.Expect(p)
	if !reflect.DeepEqual(got.Roster.Years, fair.Years) || len(got.Roster.Pools) != len(fair.Pools) {
		t.Errorf("JSON fairness years %v, %d pools; want %v, %d", got.Roster.Years, len(got.Roster.Pools), fair.Years, len(fair.Pools))
	}
	for _, pl := range got.Roster.Pools {
		if e := fair.Pools[pl.Key]; e == nil || !reflect.DeepEqual(pl.Spread, e.Spread) || pl.TotalSpread != e.TotalSpread {
			t.Errorf("JSON pool %s: spread %v %d", pl.Key, pl.Spread, pl.TotalSpread)
		}
	}

	rec = getWith(h, "/staff/stats?period=2027", cookie)
	page := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("page: %d %s", rec.Code, page)
	}
	for _, s := range []string{"<svg", `role="img"`, "<title id=\"chart-trend-t\">", "<desc", "及时受理率", want.Acceptance.String(),
		want.Handling.String(), want.Satisfaction.String(), `href="/staff/stats.xlsx?period=2027"`, "2027年第1季度", "2026年",
		"历年值班公平", "2025年", "3年合计", "极差", `href="/staff/stats/definitions"`} {
		if !strings.Contains(page, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	// No personal data (the generator names every petitioner and visitor so),
	// and nothing the policy (style-src 'self', no inline script) would block.
	for _, s := range []string{"合成人", "来访人", "style=", "<style", "<script>", "onclick"} {
		if strings.Contains(page, s) || strings.Contains(rec.Body.String(), s) {
			t.Errorf("page holds %q", s)
		}
	}
	if j := getWith(h, "/api/v1/stats?period=2027", cookie).Body.String(); strings.Contains(j, "合成人") || strings.Contains(j, "来访人") {
		t.Error("JSON holds personal data")
	}

	rec = getWith(h, "/staff/stats.xlsx?period=2027", cookie)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("xlsx: %d %v", rec.Code, rec.Header())
	}
	sheets := xlsxtest.Check(t, rec.Body.Bytes(), 3)
	cell := func(name string) xlsxtest.Cell {
		for _, row := range sheets[0].Cells {
			if len(row) > 1 && row[0].Value == name {
				return row[1]
			}
		}
		t.Fatalf("no row %s", name)
		return xlsxtest.Cell{}
	}
	if c := cell("统计起始日"); c != (xlsxtest.Cell{Kind: "date", Value: "2027-01-01"}) {
		t.Errorf("start date cell %+v", c)
	}
	v, _ := want.Acceptance.Value()
	if c := cell("及时受理率"); c.Kind != "number" || math.Abs(parseFloat(c.Value)-v) > 1e-9 {
		t.Errorf("及时受理率 cell %+v, want %v", c, v)
	}
	if c := cell("信访事项（件）"); c != (xlsxtest.Cell{Kind: "number", Value: strconv.Itoa(want.Cases)}) {
		t.Errorf("cases cell %+v, want %d", c, want.Cases)
	}

	var fairSheet *xlsxtest.Sheet
	for i := range sheets {
		if sheets[i].Name == "历年公平" {
			fairSheet = &sheets[i]
		}
	}
	if fairSheet == nil {
		t.Fatal("no sheet 历年公平")
	}
	spreads := 0
	for _, row := range fairSheet.Cells {
		if len(row) > 6 && row[1].Value == "极差" {
			spreads++
			for _, pl := range got.Roster.Pools {
				if pl.Name == row[0].Value && row[6] != (xlsxtest.Cell{Kind: "number", Value: strconv.Itoa(pl.TotalSpread)}) {
					t.Errorf("历年公平 %s: total spread cell %+v, want %d", pl.Name, row[6], pl.TotalSpread)
				}
			}
		}
	}
	if spreads != len(got.Roster.Pools) {
		t.Errorf("历年公平: %d 极差 rows, want %d", spreads, len(got.Roster.Pools))
	}

	if rec := getWith(h, "/staff/stats?period=2027-13", cookie); rec.Code != http.StatusBadRequest {
		t.Errorf("bad period: %d", rec.Code)
	}
	if rec := getWith(h, "/api/v1/stats?period=2027", ""); rec.Code != http.StatusUnauthorized && rec.Code != http.StatusForbidden {
		t.Errorf("anonymous JSON: %d", rec.Code)
	}
}

// BenchmarkStatsPageYear renders /staff/stats for a generated year (issue 14:
// under 200 ms); ns/op is one page.
func BenchmarkStatsPageYear(b *testing.B) {
	h, _, _, cookie := statsServer(b)
	if rec := getWith(h, "/staff/stats?period=2027", cookie); rec.Code != http.StatusOK {
		b.Fatalf("%d", rec.Code)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rec := getWith(h, "/staff/stats?period=2027", cookie); rec.Code != http.StatusOK {
			b.Fatalf("%d", rec.Code)
		}
	}
}

func parseFloat(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

// TestStatsDefinitionsPage: staff read docs/statistics.md itself as a page,
// every heading of the file, with its emphasis and tables turned into HTML
// and nothing of the Markdown left.
func TestStatsDefinitionsPage(t *testing.T) {
	f := newStaffFixture(t)
	viewer := f.loggedIn(t, "viewer")
	code, page := viewer.get("/staff/stats/definitions")
	if code != http.StatusOK {
		t.Fatalf("definitions: %d %s", code, page)
	}
	for _, line := range strings.Split(docs.Statistics, "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok && !strings.Contains(page, ">"+h+"</h2>") {
			t.Errorf("the page lacks the heading %q", h)
		}
	}
	for _, want := range []string{"<h1>统计口径说明</h1>", "<strong>期满日落在期间内</strong>", "<code>/staff/stats</code>", `<th scope="row">按乡镇</th>`, "极差", `href="/staff/stats"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, bad := range []string{"**", "|---", "## "} {
		if strings.Contains(page, bad) {
			t.Errorf("Markdown %q left on the page", bad)
		}
	}
	if code, _ := f.client(t).get("/staff/stats/definitions"); code == http.StatusOK {
		t.Error("the definitions are served to an anonymous visitor")
	}
}
