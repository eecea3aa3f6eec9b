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

	rec = getWith(h, "/staff/stats?period=2027", cookie)
	page := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("page: %d %s", rec.Code, page)
	}
	for _, s := range []string{"<svg", `role="img"`, "<title id=\"chart-trend-t\">", "<desc", "及时受理率", want.Acceptance.String(),
		want.Handling.String(), want.Satisfaction.String(), `href="/staff/stats.xlsx?period=2027"`, "2027年第1季度", "2026年"} {
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
