package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/httpapi"
	"zhiban/roster"
	"zhiban/visits"
)

// vevents returns the unfolded VEVENT blocks of an iCalendar body, keyed by UID.
func vevents(body []byte) map[string]string {
	text := string(bytes.ReplaceAll(body, []byte("\r\n "), nil))
	out := map[string]string{}
	for _, block := range strings.Split(text, "BEGIN:VEVENT\r\n")[1:] {
		block, _, _ = strings.Cut(block, "END:VEVENT\r\n")
		for _, line := range strings.Split(block, "\r\n") {
			if uid, ok := strings.CutPrefix(line, "UID:"); ok {
				out[uid] = block
			}
		}
	}
	return out
}

// leaderFeed fetches personID's private feed through a fresh token.
func (f *pubFixture) leaderFeed(t *testing.T, personID string) []byte {
	t.Helper()
	tok, err := f.store.RotateFeedToken(context.Background(), personID, "test")
	if err != nil {
		t.Fatal(err)
	}
	resp, body := f.do(t, "GET", "/feeds/leader/"+tok+".ics", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("leader feed of %s: %d", personID, resp.StatusCode)
	}
	return body
}

// A visit still 拟安排 is tentative in the leader's feed, a confirmed one confirmed.
func TestLeaderFeedPlannedVisitIsTentative(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	planned, err := f.store.CreateVisit(context.Background(), visits.Visit{Kind: visits.KindCarry, Leader: "L02",
		Date: f.visit.Date.AddDays(2), Start: 14 * 60, End: 16 * 60, Place: "漕河镇群众工作站", Township: "t02",
		State: visits.VisitPlanned}, "test")
	if err != nil {
		t.Fatal(err)
	}
	events := vevents(f.leaderFeed(t, "L02"))
	for id, want := range map[int64]string{planned.ID: "STATUS:TENTATIVE", f.visit.ID: "STATUS:CONFIRMED"} {
		uid := ""
		for u := range events {
			if strings.HasPrefix(u, "visit-"+itoa(int(id))+"@") {
				uid = u
			}
		}
		if uid == "" {
			t.Fatalf("visit %d missing from the feed", id)
		}
		if !strings.Contains(events[uid], want+"\r\n") {
			t.Errorf("%s: want %s in\n%s", uid, want, events[uid])
		}
	}
}

// Duty days in a leader's own feed do not block the day, as in the public feed.
func TestLeaderFeedDutyDaysAreTransparent(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	duties := 0
	for uid, ev := range vevents(f.leaderFeed(t, "L02")) {
		if !strings.HasPrefix(uid, "duty-") {
			continue
		}
		duties++
		if !strings.Contains(ev, "TRANSP:TRANSPARENT\r\n") {
			t.Errorf("%s is not transparent:\n%s", uid, ev)
		}
	}
	if duties == 0 {
		t.Fatal("L02 has no duty in the feed")
	}
}

// Feed UIDs come from database identity only: the same database served
// under another public_url gives the same UIDs, none naming the host.
func TestFeedUIDsIgnorePublicURL(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	_, before := f.do(t, "GET", "/feeds/roster.ics", nil)
	cfg := config.Default()
	cfg.PublicURL = "https://calendar.other.example"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	s, err := httpapi.New(f.store, httpapi.Options{Config: cfg, Now: f.clock, Version: "test", CacheCheck: -1})
	if err != nil {
		t.Fatal(err)
	}
	other := httptest.NewServer(s.Handler())
	defer other.Close()
	resp, err := http.Get(other.URL + "/feeds/roster.ics")
	if err != nil {
		t.Fatal(err)
	}
	after, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	a, b := vevents(before), vevents(after)
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("%d events before, %d after", len(a), len(b))
	}
	for uid := range a {
		if _, ok := b[uid]; !ok {
			t.Errorf("UID %s changed with public_url", uid)
		}
		if strings.Contains(uid, "example") {
			t.Errorf("UID %s names the public host", uid)
		}
	}
}

// Pinning changes nothing a subscriber sees: the duty keeps its SEQUENCE,
// DTSTAMP and LAST-MODIFIED, and the feed keeps its bytes. Taking a person
// off a row and putting them back raises the SEQUENCE of their UID each time.
func TestDutySequenceOnlyRisesOnSignificantChange(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	f := newPubFixture(t, now)
	ctx := context.Background()
	day := roster.MustDate("2026-12-03")
	as, err := f.store.Assignments(ctx, day, day)
	if err != nil || len(as) == 0 {
		t.Fatalf("no duty on %s: %v", day, err)
	}
	a := as[0]
	domain, err := f.store.FeedDomain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	uid := "duty-" + itoa(int(a.ID)) + "-" + a.Person + "@" + domain
	prop := func(ev, name string) string {
		for _, line := range strings.Split(ev, "\r\n") {
			if v, ok := strings.CutPrefix(line, name+":"); ok {
				return v
			}
		}
		return ""
	}
	_, before := f.do(t, "GET", "/feeds/roster.ics", nil)
	ev := vevents(before)[uid]
	if ev == "" {
		t.Fatalf("%s missing from the feed", uid)
	}

	f.store.Now = func() time.Time { return now.Add(time.Hour) }
	pinned, err := f.store.SetPinned(ctx, a.Key(), a.Version, true, "staff")
	if err != nil {
		t.Fatal(err)
	}
	_, after := f.do(t, "GET", "/feeds/roster.ics", nil)
	got := vevents(after)[uid]
	for _, p := range []string{"SEQUENCE", "DTSTAMP", "LAST-MODIFIED", "STATUS"} {
		if prop(got, p) != prop(ev, p) {
			t.Errorf("pin moved %s: %s → %s", p, prop(ev, p), prop(got, p))
		}
	}
	if !bytes.Equal(before, after) {
		t.Error("pinning changed the feed's bytes")
	}

	// Off and back on again: cancelled at 1, live again at 2.
	other := a.Assignment
	for _, id := range []string{"L01", "L02", "L03", "L04", "L05"} {
		if id != a.Person {
			other.Person = id
			break
		}
	}
	f.store.Now = func() time.Time { return now.Add(2 * time.Hour) }
	moved, err := f.store.SetAssignment(ctx, other, pinned.Version, "staff")
	if err != nil {
		t.Fatal(err)
	}
	_, body := f.do(t, "GET", "/feeds/roster.ics", nil)
	if got := vevents(body)[uid]; prop(got, "SEQUENCE") != "1" || prop(got, "STATUS") != "CANCELLED" {
		t.Errorf("after reassignment: %s", got)
	}
	f.store.Now = func() time.Time { return now.Add(3 * time.Hour) }
	back := a.Assignment
	if _, err := f.store.SetAssignment(ctx, back, moved.Version, "staff"); err != nil {
		t.Fatal(err)
	}
	_, body = f.do(t, "GET", "/feeds/roster.ics", nil)
	got = vevents(body)[uid]
	if prop(got, "SEQUENCE") != "2" || prop(got, "STATUS") != "CONFIRMED" || prop(got, "DTSTAMP") != "20261201T040000Z" {
		t.Errorf("after putting %s back: %s", a.Person, got)
	}
}

// With public_url unset, links and the QR code name the address each
// request came to, and a page cached for one Host is never served to another.
func TestPublicURLDerivedFromRequest(t *testing.T) {
	t.Parallel()
	f := newPubFixtureWith(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC), func(c *config.Config) { c.PublicURL = "" })
	get := func(host, path string, header map[string]string) []byte {
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		req.Host = host
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return b
	}
	for _, tc := range []struct {
		host   string
		header map[string]string
		want   []string
	}{
		{"county.example:19301", nil, []string{"webcal://county.example:19301/feeds/roster.ics", "http://county.example:19301/feeds/roster.ics"}},
		{"zhiban.gov.example", map[string]string{"X-Forwarded-Proto": "https"}, []string{"webcal://zhiban.gov.example/feeds/roster.ics", "https://zhiban.gov.example/feeds/roster.ics"}},
		{"county.example:19301", nil, []string{"http://county.example:19301/feeds/roster.ics"}},
	} {
		page := string(get(tc.host, "/", tc.header))
		for _, w := range tc.want {
			if !strings.Contains(page, w) {
				t.Errorf("Host %s: page lacks %q", tc.host, w)
			}
		}
		if strings.Contains(page, "127.0.0.1:8080") || tc.header == nil && strings.Contains(page, "zhiban.gov.example") {
			t.Errorf("Host %s: page names another address", tc.host)
		}
	}
	if a, b := get("a.example", "/qr.png", nil), get("b.example", "/qr.png", nil); bytes.Equal(a, b) {
		t.Error("QR code does not follow the request's address")
	}
	if feed := get("a.example", "/feeds/roster.ics", nil); bytes.Contains(feed, []byte("a.example")) {
		t.Error("the shared feed names one request's host")
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
