package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhiban/ical/icaltest"
)

// Static files carry a cache lifetime and an ETag, answer 304 to it, and
// text is gzipped for clients that accept it.
func TestStaticFilesAreCachedValidatedAndGzipped(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	for _, path := range []string{"/static/site.css", "/static/staff.css", "/static/zhiban.js"} {
		resp, plain := f.do(t, "GET", path, nil)
		etag := resp.Header.Get("Etag")
		if resp.StatusCode != 200 || etag == "" || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age=") || len(plain) == 0 {
			t.Fatalf("%s: %d %v", path, resp.StatusCode, resp.Header)
		}
		resp, body := f.do(t, "GET", path, map[string]string{"Accept-Encoding": "gzip, br"})
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil || resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("%s: not gzipped: %v %v", path, err, resp.Header)
		}
		if unzipped, _ := io.ReadAll(zr); !bytes.Equal(unzipped, plain) || len(body) >= len(plain) {
			t.Errorf("%s: gzip body differs or is no smaller", path)
		}
		if resp, body := f.do(t, "GET", path, map[string]string{"If-None-Match": etag}); resp.StatusCode != 304 || len(body) != 0 {
			t.Errorf("%s with its ETag: %d", path, resp.StatusCode)
		}
		if resp, _ := f.do(t, "HEAD", path, nil); resp.StatusCode != 200 || resp.Header.Get("Etag") != etag {
			t.Errorf("HEAD %s: %d", path, resp.StatusCode)
		}
	}
	if resp, _ := f.do(t, "GET", "/static/nosuch.css", nil); resp.StatusCode != 404 {
		t.Errorf("unknown static file: %d", resp.StatusCode)
	}
}

// /favicon.ico and /robots.txt exist; robots keeps crawlers out of staff
// pages and leaders' private feeds and lets them read the public pages.
func TestFaviconAndRobots(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	resp, ico := f.do(t, "GET", "/favicon.ico", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/x-icon" || !bytes.HasPrefix(ico, []byte{0, 0, 1, 0}) {
		t.Errorf("favicon: %d %s % x", resp.StatusCode, resp.Header.Get("Content-Type"), ico[:min(8, len(ico))])
	}
	resp, robots := f.do(t, "GET", "/robots.txt", nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("robots.txt: %d %v", resp.StatusCode, resp.Header)
	}
	rules := map[string]bool{}
	for _, l := range strings.Split(string(robots), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && !strings.HasPrefix(l, "#") {
			rules[strings.TrimSpace(k)+" "+strings.TrimSpace(v)] = true
		}
	}
	for _, want := range []string{"User-agent *", "Allow /", "Disallow /staff", "Disallow /feeds/leader/"} {
		if !rules[want] {
			t.Errorf("robots.txt lacks %q:\n%s", want, robots)
		}
	}
}

// Without public_url, pages naming their own address are made per Host, so
// they say Vary: Host; with public_url they are one page for every Host.
func TestPerHostPagesVaryByHost(t *testing.T) {
	t.Parallel()
	f := newFixture(t, time.Now()) // public_url ""
	for _, path := range []string{"/", "/visits", "/qr.png"} {
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		req.Host = "county.example"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Vary"), "Host") {
			t.Errorf("%s without public_url: %d, Vary %q", path, resp.StatusCode, resp.Header.Get("Vary"))
		}
	}
	p := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)) // public_url set
	for _, path := range []string{"/", "/visits", "/qr.png", "/feeds/roster.ics"} {
		resp, _ := p.do(t, "GET", path, nil)
		if resp.StatusCode != 200 || strings.Contains(resp.Header.Get("Vary"), "Host") {
			t.Errorf("%s with public_url: %d, Vary %q", path, resp.StatusCode, resp.Header.Get("Vary"))
		}
	}
}

// /visits links each township's feed with webcal://, as the home page does.
func TestVisitsFeedLinksAreWebcal(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	_, page := f.do(t, "GET", "/visits", nil)
	if !bytes.Contains(page, []byte(`href="webcal://zhiban.example.cn/feeds/township/t02.ics"`)) || bytes.Contains(page, []byte(`href="/feeds/township/`)) {
		t.Errorf("township feed links are not webcal:\n%s", page)
	}
}

// Every public feed, an empty one included, describes the county zone and
// claims no METHOD (which would need an ORGANIZER).
func TestFeedsCarryZoneWithoutMethod(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	for _, path := range []string{"/feeds/roster.ics", "/feeds/township/t02.ics", "/feeds/township/t14.ics"} {
		_, body := f.do(t, "GET", path, nil)
		c, err := icaltest.Check(body)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(c.Components) < 3 || c.Components[1] != "VTIMEZONE" || c.Props["METHOD"] != nil {
			t.Errorf("%s: components %v, METHOD %v", path, c.Components, c.Props["METHOD"])
		}
	}
}

// The report of issue 11: a visit place stored as 100 bytes of %80 made the
// leader's private feed loop in ical.Fold until the process ran out of memory.
// The feed now answers at once, valid UTF-8 and well formed.
func TestLeaderFeedWithInvalidStoredPlaceAnswers(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	if f.store.Postgres() {
		t.Skip("PostgreSQL refuses invalid UTF-8 on write: no such stored row can exist there")
	}
	ctx := context.Background()
	v, err := f.store.Visit(ctx, f.visit.ID)
	if err != nil {
		t.Fatal(err)
	}
	v.Place = strings.Repeat("\x80", 100)
	if _, err := f.store.SaveVisit(ctx, v, v.Version, "update", "legacy"); err != nil {
		t.Fatal(err)
	}
	tok, err := f.store.RotateFeedToken(ctx, v.Leader, "test")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", f.srv.URL+"/feeds/leader/"+tok+".ics", nil)
	resp, body := roundTrip(t, http.DefaultClient, req)
	if resp.StatusCode != 200 {
		t.Fatalf("leader feed: %d", resp.StatusCode)
	}
	c, err := icaltest.Check(body)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range c.Events {
		if len(e["LOCATION"]) == 1 && e["LOCATION"][0] == "\uFFFD" {
			found = true
		}
	}
	if !found {
		t.Errorf("no event shows the repaired place:\n%s", body)
	}
}
