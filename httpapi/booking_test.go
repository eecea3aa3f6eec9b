package httpapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/county"
	"zhiban/httpapi"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/store/storetest"
)

// bookingFixture serves the demo county on Tuesday 1 December 2026 09:00
// (Shanghai) with its roster filled, the 3rd's 值班领导 taking only 劳资 and 社会保障, and
// 127.0.0.1 a trusted proxy (so X-Forwarded-For names the client).
type bookingFixture struct {
	srv   *httptest.Server
	store *store.Store
	logs  *syncBuf // every log line, access log on
	mu    sync.Mutex
	now   time.Time
}

func (f *bookingFixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func newBookingFixture(t testing.TB, edit func(*config.Config)) *bookingFixture {
	t.Helper()
	ctx := context.Background()
	f := &bookingFixture{now: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC), logs: &syncBuf{}}
	st := storetest.Open(t)
	st.Now = f.clock
	c := county.Demo()
	if _, err := st.ImportCounty(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	today := roster.MustDate("2026-12-01")
	if _, err := planner.Fill(ctx, st, today, today.AddDays(45), today, "test"); err != nil {
		t.Fatal(err)
	}
	// The 值班领导 of the 3rd takes only 劳资 and 社会保障.
	duties, err := st.Duties(ctx, today.AddDays(2), today.AddDays(2))
	if err != nil || len(duties) == 0 {
		t.Fatalf("duties: %v %v", duties, err)
	}
	for i := range c.People {
		for _, d := range duties {
			if c.People[i].ID == d.Person && d.Role == "值班领导" {
				c.People[i].Categories = []string{"劳资", "社会保障"}
			}
		}
	}
	if _, err := st.ImportCounty(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, func(c *config.Config) {
		c.Server.TrustedProxies = []string{"127.0.0.1/32"}
		c.Log.Access = true
		if edit != nil {
			edit(c)
		}
	})
	api, err := httpapi.New(st, httpapi.Options{Config: cfg, Now: f.clock, Version: "test", CacheCheck: -1,
		Logger: slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	f.store, f.srv = st, httptest.NewServer(api.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

var dayValue = regexp.MustCompile(`name="day" value="([^"]+)" required(?: checked)?>`)

// days are the bookable days the page offers, in order.
func (f *bookingFixture) days(t *testing.T) []string {
	t.Helper()
	code, body := get(t, f.srv.URL+"/booking")
	if code != http.StatusOK {
		t.Fatalf("booking page: %d", code)
	}
	var out []string
	for _, m := range dayValue.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func bookingForm(day string, n int) url.Values {
	return url.Values{"day": {day}, "category": {"劳资"}, "township": {"t01"}, "group_size": {"1"},
		"name": {fmt.Sprintf("预约测试人%d", n)}, "id_number": {idNumber(n)}, "phone": {fmt.Sprintf("139%08d", n)}, "consent": {"yes"}}
}

// idNumber is a valid 18-character ID number (GB 11643 check digit) for n.
func idNumber(n int) string {
	first := fmt.Sprintf("110105198002%05d", n%100000)
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(first[i]-'0') * weights[i]
	}
	return first + string("10X98765432"[sum%11])
}

func (f *bookingFixture) post(t testing.TB, path string, form url.Values, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, b := roundTrip(t, http.DefaultClient, req)
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s: Cache-Control %q, want no-store", path, cc)
	}
	return resp.StatusCode, string(b)
}

var bookingCode = regexp.MustCompile(`class="booking-code"><strong>([A-Z0-9-]+)</strong>`)

func TestBookingPagesBookLookUpAndCancel(t *testing.T) {
	t.Parallel()
	f := newBookingFixture(t, nil)
	code, body := get(t, f.srv.URL+"/")
	if code != http.StatusOK || !strings.Contains(body, `href="/booking"`) || !strings.Contains(body, "前一天 17:00 前预约") {
		t.Fatalf("the today page does not link the booking page: %d", code)
	}
	days := f.days(t)
	if len(days) < 5 || !strings.HasPrefix(days[0], "county-duty/2026-12-02") {
		t.Fatalf("days offered: %v", days)
	}
	form := bookingForm(days[0], 1)
	code, body = f.post(t, "/booking", form, nil)
	m := bookingCode.FindStringSubmatch(body)
	if code != http.StatusOK || m == nil || !strings.Contains(body, "08:30–09:00") || !strings.Contains(body, "139****0001") {
		t.Fatalf("book: %d\n%s", code, body)
	}
	for _, v := range []string{"预约测试人1", idNumber(1), "13900000001"} {
		if strings.Contains(body, v) {
			t.Errorf("the result page shows %s", v)
		}
	}
	bcode := m[1]
	code, body = f.post(t, "/booking/lookup", url.Values{"code": {strings.ToLower(bcode)}, "phone": {"139-0000-0001"}}, nil)
	if code != http.StatusOK || !strings.Contains(body, bcode) || !strings.Contains(body, "已预约") || !strings.Contains(body, "取消此预约") {
		t.Fatalf("lookup: %d\n%s", code, body)
	}
	// A wrong phone and a wrong code get the same answer.
	c1, b1 := f.post(t, "/booking/lookup", url.Values{"code": {bcode}, "phone": {"13900000002"}}, nil)
	c2, b2 := f.post(t, "/booking/lookup", url.Values{"code": {"ZZZZ-ZZZZ"}, "phone": {"13900000001"}}, nil)
	re := regexp.MustCompile(`<p class="error" role="alert">[^<]*</p>`)
	if c1 != http.StatusNotFound || c2 != c1 || re.FindString(b1) == "" || re.FindString(b1) != re.FindString(b2) {
		t.Fatalf("wrong phone %d / wrong code %d:\n%s\n%s", c1, c2, re.FindString(b1), re.FindString(b2))
	}
	code, body = f.post(t, "/booking/cancel", url.Values{"code": {bcode}, "phone": {"13900000001"}}, nil)
	if code != http.StatusOK || !strings.Contains(body, "预约已取消") || strings.Contains(body, "取消此预约") {
		t.Fatalf("cancel: %d\n%s", code, body)
	}
	code, body = f.post(t, "/booking/cancel", url.Values{"code": {bcode}, "phone": {"13900000001"}}, nil)
	if code != http.StatusConflict || !strings.Contains(body, "已经取消") {
		t.Fatalf("cancel twice: %d", code)
	}
}

func TestBookingFormRefusals(t *testing.T) {
	t.Parallel()
	f := newBookingFixture(t, nil)
	day := f.days(t)[0]
	for _, tc := range []struct {
		name   string
		edit   func(url.Values)
		header map[string]string
		status int
		says   string
	}{
		{"no consent", func(v url.Values) { v.Del("consent") }, nil, http.StatusBadRequest, "个人信息处理说明：请阅读并同意"},
		{"bad phone", func(v url.Values) { v.Set("phone", "12345") }, nil, http.StatusBadRequest, "手机号码："},
		{"bad ID number", func(v url.Values) { v.Set("id_number", "110105198002000019") }, nil, http.StatusBadRequest, "身份证号码："},
		{"six representatives", func(v url.Values) {
			v.Set("group_size", "40")
			v["rep"] = []string{"甲", "乙", "丙", "丁", "戊", "己"}
		}, nil, http.StatusBadRequest, "不得超过5人"},
		{"group without representatives", func(v url.Values) { v.Set("group_size", "9") }, nil, http.StatusBadRequest, "第二十条"},
		{"group size not a number", func(v url.Values) { v.Set("group_size", "很多") }, nil, http.StatusBadRequest, "来访人数"},
		{"no day", func(v url.Values) { v.Del("day") }, nil, http.StatusBadRequest, "请选择接访日"},
		{"invalid UTF-8", func(v url.Values) { v.Set("name", "张\xff") }, nil, http.StatusBadRequest, "姓名："},
		{"cross-site", nil, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden, "请在本站的预约页面"},
		{"other origin", nil, map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden, "请在本站的预约页面"},
		{"honeypot", func(v url.Values) { v.Set("website", "http://spam.example") }, nil, http.StatusBadRequest, "提交未成功"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := bookingForm(day, 7)
			if tc.edit != nil {
				tc.edit(form)
			}
			code, body := f.post(t, "/booking", form, tc.header)
			if code != tc.status || !strings.Contains(body, tc.says) || !strings.Contains(body, `role="alert"`) {
				t.Fatalf("%d, want %d saying %q:\n%s", code, tc.status, tc.says, body)
			}
			// What was typed is kept (but never a phone or name on a refusal of another field? kept for the visitor).
			if tc.status != http.StatusForbidden && tc.name != "invalid UTF-8" && !strings.Contains(body, `value="预约测试人7"`) {
				t.Errorf("the name typed is lost")
			}
		})
	}
	// The 3rd's leader takes only 劳资 and 社会保障: 环境 is refused and other days offered.
	_, page := get(t, f.srv.URL+"/booking")
	m := regexp.MustCompile(`value="([^"]+)" required[^>]*>\n<span>[^\n]*\n[^\n]*\n<small>接待事项：劳资、社会保障`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no day of a leader with categories:\n%s", page)
	}
	v := bookingForm(m[1], 8)
	v.Set("category", "环境")
	code, body := f.post(t, "/booking", v, nil)
	if code != http.StatusConflict || !strings.Contains(body, "不含“环境”类事项") || !strings.Contains(body, "可预约的接访日") ||
		!strings.Contains(body, `<option selected>环境</option>`) {
		t.Errorf("outside the portfolio: %d\n%s", code, body)
	}
	// An oversize body is refused unread.
	big := bookingForm(day, 9)
	big.Set("name", strings.Repeat("张", 5000))
	if code, _ := f.postRaw(t, "/booking", big.Encode()); code != http.StatusRequestEntityTooLarge {
		t.Errorf("an oversize body: %d", code)
	}
}

func (f *bookingFixture) postRaw(t testing.TB, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, b := roundTrip(t, http.DefaultClient, req)
	return resp.StatusCode, string(b)
}

// TestBookingThrottlesPerAddress: one client address (behind a trusted
// proxy, from X-Forwarded-For) is held up after per_address_per_hour
// requests with a 429 in Chinese; another address is not.
func TestBookingThrottlesPerAddress(t *testing.T) {
	t.Parallel()
	f := newBookingFixture(t, func(c *config.Config) { c.Booking.PerAddressPerHour = 2 })
	look := url.Values{"code": {"ABCD-EFGH"}, "phone": {"13900000001"}}
	from := func(ip string) map[string]string { return map[string]string{"X-Forwarded-For": ip} }
	for range 2 {
		if code, _ := f.post(t, "/booking/lookup", look, from("198.51.100.7")); code != http.StatusNotFound {
			t.Fatalf("lookup: %d", code)
		}
	}
	code, body := f.post(t, "/booking/lookup", look, from("198.51.100.7"))
	if code != http.StatusTooManyRequests || !strings.Contains(body, "提交次数过多") {
		t.Fatalf("third: %d\n%s", code, body)
	}
	if code, _ := f.post(t, "/booking", bookingForm(f.days(t)[0], 1), from("198.51.100.7")); code != http.StatusTooManyRequests {
		t.Fatalf("a booking from the held address: %d", code)
	}
	if code, body := f.post(t, "/booking", bookingForm(f.days(t)[0], 1), from("198.51.100.8")); code != http.StatusOK {
		t.Fatalf("another address: %d\n%s", code, body)
	}
	// IPv6: one /64 is one address.
	for range 2 {
		f.post(t, "/booking/lookup", look, from("2001:db8:1:2::1"))
	}
	if code, _ := f.post(t, "/booking/lookup", look, from("2001:db8:1:2::ffff")); code != http.StatusTooManyRequests {
		t.Fatalf("the same /64: %d", code)
	}
}

func TestBookingDisabled(t *testing.T) {
	t.Parallel()
	f := newBookingFixture(t, func(c *config.Config) { c.Booking.Enabled = false })
	code, body := get(t, f.srv.URL+"/booking")
	if code != http.StatusOK || !strings.Contains(body, "暂未开放网上预约") || strings.Contains(body, `name="day"`) {
		t.Fatalf("page: %d", code)
	}
	if _, body := get(t, f.srv.URL+"/"); strings.Contains(body, `href="/booking"`) {
		t.Error("the today page links a closed booking page")
	}
	if code, _ := f.post(t, "/booking", bookingForm("county-duty/2026-12-02", 1), nil); code != http.StatusForbidden {
		t.Fatalf("post: %d", code)
	}
}
