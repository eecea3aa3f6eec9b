package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhiban/publish"
	"zhiban/publish/publishtest"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// todayJSON is the public today data the display must agree with.
func (f *pubFixture) todayJSON(t *testing.T) publish.Today {
	t.Helper()
	_, body := f.do(t, "GET", "/api/v1/public/today", nil)
	var d publish.Today
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatalf("today JSON: %v\n%s", err, body)
	}
	return d
}

// receiveAtOpenSession records n people received at day's 开门接访 session,
// with private notes and the seeded case, which the display must not show.
func (f *pubFixture) receiveAtOpenSession(t *testing.T, day roster.Date, n int) {
	t.Helper()
	ctx := context.Background()
	vs, err := f.store.Visits(ctx, store.VisitFilter{Kind: visits.KindOpen, From: day, To: day})
	if err != nil || len(vs) == 0 {
		t.Fatalf("no 开门接访 session on %s: %v", day, err)
	}
	v := vs[0]
	cases, err := f.store.Cases(ctx, store.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	v.WalkIns, v.Notes = n, "接待"+publishtest.Petitioner.Name+"，电话"+publishtest.Petitioner.Phone
	v.Cases = append(v.Cases, cases[0].ID)
	if _, err := f.store.SaveVisit(ctx, v, v.Version, "outcome", "test"); err != nil {
		t.Fatal(err)
	}
}

// The hall display shows today's leaders with titles and portfolios, the
// hours and place, every window and today's head count; no private data; it
// revalidates by ETag and shows the new day after midnight.
func TestDisplayShowsTodayAndCountOnly(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)) // 09:00 Tuesday in Shanghai
	today := roster.MustDate("2026-12-01")
	f.receiveAtOpenSession(t, today, 17)
	d := f.todayJSON(t)
	if len(d.Duties) == 0 || len(d.Duties[0].Leaders) < 2 || len(d.Reception.Windows) == 0 {
		t.Fatalf("the demo has no duty or windows today: %+v", d)
	}

	resp, raw := f.do(t, "GET", "/display", nil)
	body := string(raw)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/display: %d\n%s", resp.StatusCode, body)
	}
	wants := []string{"2026年12月1日", "星期二", "今日接访领导", "接访时间", "08:30–17:30", "接访地点", "县群众来访接待中心",
		"今日已接待来访群众", "<strong>17</strong> 人次", `<meta http-equiv="refresh" content="60">`, `href="/static/display.css"`}
	for _, l := range d.Duties[0].Leaders {
		wants = append(wants, l.Role, `<p class="hall-name">`+l.Name+`</p>`, l.Title, strings.TrimPrefix(l.Portfolio, "分管"))
	}
	for _, w := range d.Reception.Windows {
		wants = append(wants, fmt.Sprintf(`<span class="no">%d</span>%s`, w.No, w.Department))
	}
	mustContain(t, "/display", body, wants...)
	for _, s := range append(f.private, "接待"+publishtest.Petitioner.Name, "2026-0991") {
		if strings.Contains(body, s) {
			t.Errorf("/display shows private %q", s)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src") && !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	if strings.Contains(body, "<script") || strings.Contains(body, "style=") {
		t.Error("/display has inline script or style, which the CSP refuses")
	}

	// A reload (the meta refresh) with the ETag costs a 304 while nothing moves.
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Cache-Control") != "public, no-cache" {
		t.Fatalf("validators: ETag %q, Cache-Control %q", etag, resp.Header.Get("Cache-Control"))
	}
	if r, _ := f.do(t, "GET", "/display", map[string]string{"If-None-Match": etag}); r.StatusCode != http.StatusNotModified {
		t.Errorf("reload with the ETag: %d, want 304", r.StatusCode)
	}
	// A new head count is a new page.
	f.receiveAtOpenSession(t, today, 18)
	r, raw := f.do(t, "GET", "/display", map[string]string{"If-None-Match": etag})
	if r.StatusCode != http.StatusOK || !strings.Contains(string(raw), "<strong>18</strong> 人次") {
		t.Errorf("after the count moved: %d, count 18 shown %v", r.StatusCode, strings.Contains(string(raw), "<strong>18</strong>"))
	}

	// After midnight the display shows the new day and its own count.
	f.setNow(time.Date(2026, 12, 1, 16, 0, 30, 0, time.UTC)) // 00:00:30 Wednesday in Shanghai
	_, raw = f.do(t, "GET", "/display", nil)
	mustContain(t, "/display after midnight", string(raw), "2026年12月2日", "星期三", "<strong>0</strong> 人次")
}

// On a day without reception the display says why (节假日, 休息日) and shows
// the next reception day's leaders; no count is shown.
func TestDisplayOnDaysWithoutReception(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		now  time.Time
		want string
	}{
		{"holiday", time.Date(2027, 1, 1, 1, 0, 0, 0, time.UTC), "今日为法定节假日（元旦"},
		{"weekend", time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC), "今日为休息日"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newPubFixture(t, tc.now)
			d := f.todayJSON(t)
			if d.DutyDay || len(d.NextDuty) == 0 {
				t.Fatalf("want a day off with a next duty: %+v", d)
			}
			_, raw := f.do(t, "GET", "/display", nil)
			body := string(raw)
			next := d.NextDuty[0]
			wants := []string{tc.want, "不安排领导接访", "下一个接访日", fmt.Sprintf("%d月%d日", int(next.Date.Month()), next.Date.Day()),
				publish.WeekdayLabels[next.Date.Weekday()], "接待窗口"}
			for _, l := range next.Leaders {
				wants = append(wants, `<p class="hall-name">`+l.Name+`</p>`, l.Title)
			}
			mustContain(t, "/display "+tc.name, body, wants...)
			for _, not := range []string{"今日接访领导", "今日已接待"} {
				if strings.Contains(body, not) {
					t.Errorf("/display on a day off shows %q", not)
				}
			}
			for _, s := range f.private {
				if strings.Contains(body, s) {
					t.Errorf("/display shows private %q", s)
				}
			}
		})
	}
}
