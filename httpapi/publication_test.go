package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhiban/auth"
	"zhiban/config"
	"zhiban/roster"
	"zhiban/store"
)

// With publish.auto false, an unpublished month is on no public page, JSON
// or feed; publishing it (through the staff API) shows it; an edit after
// publication shows as 调整 with the person first published, and the feed
// keeps the published duty as cancelled.
func TestPublicationGatesAndMarksAdjustments(t *testing.T) {
	t.Parallel()
	f := newPubFixtureWith(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC), func(c *config.Config) { c.Publish.Auto = false })
	ctx := context.Background()
	day := roster.MustDate("2026-12-03")
	as, err := f.store.Assignments(ctx, day, day)
	if err != nil || len(as) == 0 {
		t.Fatalf("no duty on %s: %v", day, err)
	}
	first, _ := f.store.Person(ctx, as[0].Person)

	// Unpublished: nothing of December is public.
	for _, p := range []string{"/roster/2026-12", "/", "/api/v1/public/range?from=2026-12-01&to=2026-12-31", "/feeds/roster.ics"} {
		_, body := f.do(t, "GET", p, nil)
		if strings.Contains(string(body), first.Name) {
			t.Errorf("%s shows unpublished duty of %s", p, first.Name)
		}
	}
	_, js := f.do(t, "GET", "/api/v1/public/range?from=2026-12-01&to=2026-12-31", nil)
	if !strings.Contains(string(js), `"duties":[]`) {
		t.Errorf("range JSON before publication: %s", js)
	}

	// Publish through the API: staff only.
	token, hash := auth.NewToken()
	if _, err := f.store.CreateUser(ctx, "editor", auth.RoleEditor, "x", "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.CreateAPIToken(ctx, "editor", hash, "test", "test"); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/rosters/" + as[0].Roster + "/months/2026-12/publish"
	if resp, _ := f.do(t, "POST", path, nil); resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		t.Errorf("anonymous publish: %d", resp.StatusCode)
	}
	resp, body := f.do(t, "POST", path, map[string]string{"Authorization": "Bearer " + token})
	if resp.StatusCode != 200 {
		t.Fatalf("publish: %d %s", resp.StatusCode, body)
	}
	var pub store.Publication
	if err := json.Unmarshal(body, &pub); err != nil || pub.Month != "2026-12" || pub.PublishedBy != "editor" || pub.Count == 0 {
		t.Errorf("publication %s (%v)", body, err)
	}
	if resp, _ := f.do(t, "POST", "/api/v1/rosters/nope/months/2026-12/publish", map[string]string{"Authorization": "Bearer " + token}); resp.StatusCode != 404 {
		t.Errorf("unknown roster: %d", resp.StatusCode)
	}
	audit, _ := f.store.AuditLog(ctx, store.AuditFilter{})
	found := false
	for _, e := range audit {
		found = found || e.Action == "publish" && e.Actor == "editor"
	}
	if !found {
		t.Error("publication is not in the audit log")
	}
	_, month := f.do(t, "GET", "/roster/2026-12", nil)
	if !strings.Contains(string(month), first.Name) || strings.Contains(string(month), "（调整）") {
		t.Errorf("published month lacks %s or shows an adjustment", first.Name)
	}
	_, feed := f.do(t, "GET", "/feeds/roster.ics", nil)
	if !strings.Contains(string(feed), "DTSTART;VALUE=DATE:20261203") {
		t.Error("published month not in the public feed")
	}
	// January stays unpublished.
	_, jan := f.do(t, "GET", "/api/v1/public/range?from=2027-01-01&to=2027-01-31", nil)
	if !strings.Contains(string(jan), `"duties":[]`) {
		t.Errorf("unpublished January is public: %.200s", jan)
	}

	// An edit after publication: 调整, with the original person.
	_, newPerson := f.reassignFirst(t, day)
	np, _ := f.store.Person(ctx, newPerson)
	_, month = f.do(t, "GET", "/roster/2026-12", nil)
	if !strings.Contains(string(month), np.Name) || !strings.Contains(string(month), `12月3日</time> <span class="wd">星期四</span><span class="tag"`) ||
		!strings.Contains(string(month), "（调整）") || !strings.Contains(string(month), "原："+first.Name) {
		t.Errorf("month page does not show the adjustment %s → %s", first.Name, np.Name)
	}
	_, js = f.do(t, "GET", "/api/v1/public/range?from=2026-12-01&to=2026-12-31", nil)
	if !strings.Contains(string(js), `"was":"`+first.Name+`"`) || !strings.Contains(string(js), `"changed":true`) {
		t.Errorf("range JSON lacks the adjustment")
	}
	_, page := f.do(t, "GET", "/", nil)
	if !strings.Contains(string(page), "原："+first.Name) || !strings.Contains(string(page), "公布后调整的值班日：12月3日") {
		t.Errorf("today page lacks the adjustment")
	}
	_, feed = f.do(t, "GET", "/feeds/roster.ics", nil)
	unfolded := strings.ReplaceAll(string(feed), "\r\n ", "")
	if !strings.Contains(unfolded, "SUMMARY:【已取消】"+as[0].Role+"："+first.Name) || !strings.Contains(unfolded, as[0].Role+"："+np.Name) {
		t.Error("feed does not cancel the published duty and add the new one")
	}
}

// With publish.auto (the default) every stored month is public at once.
func TestAutoPublishShowsEverything(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	_, jan := f.do(t, "GET", "/api/v1/public/range?from=2027-01-01&to=2027-01-10", nil)
	if strings.Contains(string(jan), `"duties":[]`) {
		t.Error("auto-publish hides January")
	}
}

// Under publish.auto nothing was announced before it went public, so an
// edit is a recent change, never one "after publication".
func TestAutoPublishSaysRecentChange(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	f.reassignFirst(t, roster.MustDate("2026-12-03"))
	for _, path := range []string{"/", "/roster/2026-12"} {
		_, body := f.do(t, "GET", path, nil)
		page := string(body)
		if strings.Contains(page, "公布后") || !strings.Contains(page, "近期") || !strings.Contains(page, "调整") {
			t.Errorf("%s under publish.auto speaks of publication or misses the change", path)
		}
	}
	_, body := f.do(t, "GET", "/", nil)
	if !strings.Contains(string(body), "近期调整的值班日") {
		t.Error("today page does not list the recently changed day")
	}
}
