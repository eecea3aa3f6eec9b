package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"zhiban/config"
	"zhiban/httpapi"
	"zhiban/store"
)

// reconfigure serves the fixture's store with a changed config.
func (f *staffFixture) reconfigure(t *testing.T, change func(*config.Config)) {
	t.Helper()
	cfg := testConfig(t, change)
	var err error
	f.api, err = httpapi.New(f.store, httpapi.Options{Config: cfg, Now: f.clock, Version: "test", CacheCheck: -1,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(f.api.Handler())
	t.Cleanup(f.srv.Close)
}

// The month grid shows whether the month is published; an editor publishes
// it from there, and later edits show as 调整 with the person published.
func TestPublishFromMonthGrid(t *testing.T) {
	f := newStaffFixture(t)
	f.reconfigure(t, func(c *config.Config) { c.Publish.Auto = false })
	ctx := context.Background()
	a := f.duty(t, f.today.AddDays(2))
	grid := "/staff/roster/" + a.Roster + "/" + a.Date.String()[:7]
	action := `action="` + grid + `/publish"`

	viewer := f.loggedIn(t, "viewer")
	_, body := viewer.get(grid)
	mustContain(t, "viewer grid", body, "未公布")
	if strings.Contains(body, action) {
		t.Error("a viewer is offered the publish form")
	}
	if code, _ := viewer.post(grid+"/publish", nil); code != http.StatusForbidden {
		t.Errorf("viewer publish: %d, want 403", code)
	}

	editor := f.loggedIn(t, "editor")
	_, body = editor.get(grid)
	mustContain(t, "editor grid", body, "未公布", action, "公布本月值班表")
	if code, _ := editor.post(grid+"/publish", url.Values{"csrf": {""}}); code != http.StatusForbidden {
		t.Errorf("publish without CSRF token: %d, want 403", code)
	}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+grid+"/publish", strings.NewReader(url.Values{"csrf": {editor.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	code, _, h := editor.do(req)
	if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), grid+"?done=") {
		t.Fatalf("publish: %d %s", code, h.Get("Location"))
	}
	p, err := f.store.Publication(ctx, a.Roster, a.Date.String()[:7])
	if err != nil || p.PublishedBy != "editor" || p.Count == 0 {
		t.Fatalf("publication: %+v %v", p, err)
	}
	assertAudited(t, f, "roster_month", a.Roster+"/"+a.Date.String()[:7], "publish")
	_, body = editor.get(h.Get("Location"))
	mustContain(t, "published grid", body, "已公布", "由 editor 公布", "重新公布本月值班表", "已公布 "+a.Date.String()[:7])
	if strings.Contains(body, `title="公布后调整"`) {
		t.Error("调整 marked right after publication")
	}

	// Replace the duty leader: the grid marks the day 调整 with the original person.
	old, _ := f.store.Person(ctx, a.Person)
	who := f.eligible(t, editor, a)
	if code, body := editor.post("/staff/roster/"+a.Roster+"/assign", slotForm(a, url.Values{"person": {who}})); code != http.StatusSeeOther {
		t.Fatalf("replace: %d %s", code, body)
	}
	now, _ := f.store.Person(ctx, who)
	_, body = viewer.get(grid)
	mustContain(t, "grid after an edit", body, `title="公布后调整"`, "原："+old.Name, "此后调整 1 处", "公布后的调整（1 处）",
		`<span class="diff-old">`+old.Name+`</span> → <span class="diff-new">`+now.Name+`</span>`)

	// Publishing again takes the current roster as the new baseline.
	if code, _ := editor.post(grid+"/publish", nil); code != http.StatusSeeOther {
		t.Fatalf("publish again: %d", code)
	}
	_, body = viewer.get(grid)
	if strings.Contains(body, `title="公布后调整"`) || strings.Contains(body, "此后调整") {
		t.Error("调整 still marked after publishing again")
	}
}

// With publish.auto (the default) the grid says the roster is public anyway.
func TestMonthGridAutoPublish(t *testing.T) {
	f := newStaffFixture(t)
	a := f.duty(t, f.today.AddDays(2))
	_, body := f.loggedIn(t, "viewer").get("/staff/roster/" + a.Roster + "/" + a.Date.String()[:7])
	mustContain(t, "grid", body, "自动公开")
	if strings.Contains(body, "未公布") {
		t.Error("an auto-published month shown as 未公布")
	}
	if _, err := f.store.Publication(context.Background(), a.Roster, a.Date.String()[:7]); err == nil {
		t.Error("viewing the grid published the month")
	} else if !strings.Contains(err.Error(), store.ErrNotFound.Error()) {
		t.Fatal(err)
	}
}
