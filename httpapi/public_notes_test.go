package httpapi_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/planner"
	"zhiban/roster"
)

var tagRE = regexp.MustCompile(`(?s)<script.*?</script>|<[^>]*>`)

// visibleText is a page's text without markup: what a reader sees.
func visibleText(page string) string { return tagRE.ReplaceAllString(page, " ") }

// 2027's holidays are built in but not yet confirmed: the public pages say 暂定
// next to the 调休上班 day and the holidays, and stop once staff confirm.
func TestPublicPagesSayProvisional(t *testing.T) {
	t.Parallel()
	// 2027-01-27, a Wednesday: the coming week holds the 调休上班 Sunday 01-31.
	f := newPubFixture(t, time.Date(2027, 1, 27, 1, 0, 0, 0, time.UTC))
	_, body := f.do(t, "GET", "/", nil)
	home := string(body)
	for _, want := range []string{"调休上班（暂定）", "2027 年放假安排以国务院办公厅通知为准"} {
		if !strings.Contains(home, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	_, body = f.do(t, "GET", "/roster/2027-02", nil)
	month := string(body)
	for _, want := range []string{"春节 <span class=\"tag\">暂定</span>", "调休上班 <span class=\"tag\">暂定</span>", "2027 年放假安排以国务院办公厅通知为准"} {
		if !strings.Contains(month, want) {
			t.Errorf("month page lacks %q", want)
		}
	}
	_, body = f.do(t, "GET", "/api/v1/public/range?from=2027-01-31&to=2027-01-31", nil)
	if !strings.Contains(string(body), `"day_note":"调休上班","provisional":true`) {
		t.Errorf("range JSON does not mark the provisional 调休上班: %s", body)
	}

	ctx := context.Background()
	entries, err := planner.HolidayEntries(ctx, f.store, roster.NewDate(2027, 1, 1), roster.NewDate(2027, 12, 31))
	if err != nil {
		t.Fatal(err)
	}
	if err := planner.ConfirmHolidays(ctx, f.store, 2027, planner.HolidayBase(entries), "ed"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/", "/roster/2027-02"} {
		_, body := f.do(t, "GET", p, nil)
		if strings.Contains(string(body), "暂定") {
			t.Errorf("%s still says 暂定 after 2027 was confirmed", p)
		}
		if p == "/" && !strings.Contains(string(body), "调休上班") {
			t.Errorf("%s lost the 调休上班 note", p)
		}
	}
}

// The printed month stands on paper alone: hours, place, phone, the 来访须知 and
// the issuing office; a month past the roster horizon says 尚未排班; no page
// speaks of webcal or JSON.
func TestPublicPagesOnPaper(t *testing.T) {
	t.Parallel()
	f := newPubFixtureWith(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC), func(c *config.Config) {
		c.Publish.Organizer = "中共示例县委群众工作部"
	})
	_, body := f.do(t, "GET", "/roster/2026-12", nil)
	month := visibleText(string(body))
	for _, want := range []string{"接访时间：工作日 08:30–17:30", "接访地点：县群众来访接待中心（示例县人民路88号）", "咨询电话：0713-0000000",
		"来访须知", "身份证", "逐级走访", "不超过 5 人", "网上信访", "12345", "主办单位：中共示例县委群众工作部"} {
		if !strings.Contains(month, want) {
			t.Errorf("printed month lacks %q", want)
		}
	}
	if strings.Contains(month, "见首页") {
		t.Errorf("printed month sends the reader to the home page")
	}

	_, body = f.do(t, "GET", "/roster/2027-06", nil)
	if !strings.Contains(string(body), "2027年6月尚未排班") || strings.Contains(string(body), "<table") {
		t.Errorf("a month past the horizon is not 尚未排班:\n%s", visibleText(string(body)))
	}
	if strings.Contains(string(body), "暂定") {
		t.Errorf("a month with no table explains 暂定 marks it does not show")
	}
	// The fill reaches 2027-01-15: the rest of January is 尚未排班 row by row.
	_, body = f.do(t, "GET", "/roster/2027-01", nil)
	if !strings.Contains(string(body), `<time datetime="2027-01-20">`) || !strings.Contains(string(body), `class="pending">尚未排班</td>`) {
		t.Errorf("days past the horizon are not marked 尚未排班")
	}

	for _, p := range []string{"/", "/roster/2026-12", "/visits"} {
		_, body := f.do(t, "GET", p, nil)
		text := visibleText(string(body))
		for _, word := range []string{"webcal", "JSON", "json"} {
			if strings.Contains(text, word) {
				t.Errorf("%s says %q to the public", p, word)
			}
		}
		for _, want := range []string{"主办单位：中共示例县委群众工作部", "来访须知"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q", p, want)
			}
		}
	}
}
