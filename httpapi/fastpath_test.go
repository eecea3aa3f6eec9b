package httpapi_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/httpapi"
	"zhiban/pubcache"
	"zhiban/roster"
	"zhiban/store/storetest"
)

// The bypass in ServeHTTP and the echo route must be indistinguishable to
// a client: same status, headers and body for every kind of request, over
// a real connection (with the gathered writes of Serve).
func TestFastPathMatchesEcho(t *testing.T) {
	st := storetest.OpenDemo(t, nil)
	// With public_url set, "/" is cached under its path (not per Host), so
	// it is one of the resources the bypass serves.
	cfg := testConfig(t, func(c *config.Config) { c.PublicURL = "http://zhiban.example" })
	today := roster.Today(time.Now(), cfg.Location)
	fillRoster(t, st, today.AddDays(-30), today.AddDays(60))
	// An hour between checks: once rendered, the hits stay fresh for the test.
	s, err := httpapi.New(st, httpapi.Options{Config: cfg, Version: "test", CacheCheck: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	serve := func(h http.Handler) *httptest.Server {
		ts := httptest.NewUnstartedServer(h)
		ts.Config.ConnContext = pubcache.ConnContext
		ts.Listener = pubcache.Listener(ts.Listener)
		ts.Start()
		t.Cleanup(ts.Close)
		return ts
	}
	fast := serve(s)          // bypass for fresh hits
	slow := serve(s.Router()) // always through echo

	do := func(base, method, path string, h http.Header) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, nil)
		for k, v := range h {
			req.Header[k] = v
		}
		// Explicit Accept-Encoding keeps the transport from decoding gzip.
		if req.Header.Get("Accept-Encoding") == "" {
			req.Header.Set("Accept-Encoding", "identity")
		}
		resp, err := fast.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		return resp, body
	}

	paths := []string{"/", "/roster/" + roster.MonthOf(today).String(), "/feeds/roster.ics"}
	for _, path := range paths {
		// Render through echo, then make sure the bypass really serves it.
		resp, body := do(slow.URL, "GET", path, nil)
		if resp.StatusCode != 200 || len(body) == 0 {
			t.Fatalf("%s: %d, %d bytes", path, resp.StatusCode, len(body))
		}
		if s.RenderCache().Hit(httptest.NewRequest("GET", path, nil)) == nil {
			t.Fatalf("%s: not served by the bypass", path)
		}
		etag := resp.Header.Get("Etag")
		gzResp, _ := do(slow.URL, "GET", path, http.Header{"Accept-Encoding": {"gzip"}})
		gzEtag := gzResp.Header.Get("Etag")
		if etag == "" || gzEtag == "" || etag == gzEtag {
			t.Fatalf("%s: etags %q and %q", path, etag, gzEtag)
		}
		lastMod := resp.Header.Get("Last-Modified")

		cases := []struct {
			name   string
			method string
			h      http.Header
			status int
		}{
			{"plain", "GET", nil, 200},
			{"gzip", "GET", http.Header{"Accept-Encoding": {"gzip, deflate, br"}}, 200},
			{"gzip refused", "GET", http.Header{"Accept-Encoding": {"gzip;q=0, deflate"}}, 200},
			{"head", "HEAD", nil, 200},
			{"head gzip", "HEAD", http.Header{"Accept-Encoding": {"gzip"}}, 200},
			{"if-none-match", "GET", http.Header{"If-None-Match": {etag}}, 304},
			{"if-none-match gzip", "GET", http.Header{"If-None-Match": {gzEtag}, "Accept-Encoding": {"gzip"}}, 304},
			{"if-none-match list", "GET", http.Header{"If-None-Match": {`"old", W/` + etag}}, 304},
			{"if-none-match stale", "GET", http.Header{"If-None-Match": {`"old"`}, "If-Modified-Since": {lastMod}}, 200},
			{"if-modified-since", "GET", http.Header{"If-Modified-Since": {lastMod}}, 304},
			{"head if-none-match", "HEAD", http.Header{"If-None-Match": {etag}}, 304},
		}
		for _, c := range cases {
			fr, fb := do(fast.URL, c.method, path, c.h)
			er, eb := do(slow.URL, c.method, path, c.h)
			if fr.StatusCode != c.status || er.StatusCode != c.status {
				t.Errorf("%s %s: status bypass %d, echo %d, want %d", path, c.name, fr.StatusCode, er.StatusCode, c.status)
			}
			if !bytes.Equal(fb, eb) {
				t.Errorf("%s %s: bodies differ (%d and %d bytes)", path, c.name, len(fb), len(eb))
			}
			if c.method == "HEAD" || c.status == 304 {
				if len(fb) != 0 {
					t.Errorf("%s %s: %d body bytes", path, c.name, len(fb))
				}
			}
			fh, eh := fr.Header.Clone(), er.Header.Clone()
			fh.Del("Date")
			eh.Del("Date")
			for k := range fh {
				if !slices.Equal(fh[k], eh[k]) {
					t.Errorf("%s %s: %s bypass %q, echo %q", path, c.name, k, fh[k], eh[k])
				}
			}
			for k := range eh {
				if _, ok := fh[k]; !ok {
					t.Errorf("%s %s: %s only from echo: %q", path, c.name, k, eh[k])
				}
			}
			if c.status == 200 {
				for _, k := range []string{"Etag", "Content-Type", "Last-Modified", "Content-Length", "Vary"} {
					if fh.Get(k) == "" {
						t.Errorf("%s %s: no %s", path, c.name, k)
					}
				}
				gz := fr.Header.Get("Content-Encoding") == "gzip"
				if want := c.h.Get("Accept-Encoding") != "" && c.name != "gzip refused"; gz != want {
					t.Errorf("%s %s: Content-Encoding %q", path, c.name, fr.Header.Get("Content-Encoding"))
				}
				if c.method == "GET" && !gz && !bytes.Equal(fb, body) {
					t.Errorf("%s %s: body differs from the first answer", path, c.name)
				}
			}
		}
	}
}
