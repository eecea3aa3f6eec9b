package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhiban/config"
)

// The staff month grid marks the built-in, unconfirmed 2027 holidays 暂定 and
// links to where they are confirmed; publishing such a month says so.
func TestStaffGridAndPublishSayProvisional(t *testing.T) {
	f := newStaffFixture(t)
	f.reconfigure(t, func(c *config.Config) { c.Publish.Auto = false })
	editor := f.loggedIn(t, "editor")
	grid := "/staff/roster/county-duty/2027-01"
	_, body := editor.get(grid)
	mustContain(t, "2027-01 grid", body, `id="provisional"`, `href="/staff/holidays?year=2027"`,
		`<small>元旦</small> <span class="tag warn" title="系统内置的节假日安排，尚未按国务院办公厅通知确认">暂定</span>`)
	_, body = editor.get("/staff/roster/county-duty/2026-12")
	if strings.Contains(body, "暂定") {
		t.Error("the confirmed 2026 grid says 暂定")
	}

	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+grid+"/publish", strings.NewReader(url.Values{"csrf": {editor.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	code, _, h := editor.do(req)
	if code != http.StatusSeeOther {
		t.Fatalf("publish: %d", code)
	}
	done, _ := url.Parse(h.Get("Location"))
	if msg := done.Query().Get("done"); !strings.Contains(msg, "已公布 2027-01") || !strings.Contains(msg, "2027 年的节假日和调休安排为暂定") {
		t.Errorf("publish confirmation: %q", msg)
	}
}
