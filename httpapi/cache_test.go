package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"zhiban/httpapi"
	"zhiban/store/storetest"
)

// A 404 leaves no cache entry behind (404s for made-up feed names once
// filled the cache). Eviction is tested in package pubcache.
func TestCacheKeepsOnlySuccesses(t *testing.T) {
	st := storetest.OpenDemo(t, nil)
	cfg := testConfig(t, nil)
	s, err := httpapi.New(st, httpapi.Options{Config: cfg, Version: "test", CacheCheck: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	get := func(path string) int {
		t.Helper()
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if get("/feeds/roster.ics") != 200 {
		t.Fatal("feed")
	}
	for i := range 600 {
		if code := get(fmt.Sprintf("/feeds/township/nosuch%d.ics", i)); code != 404 {
			t.Fatalf("unknown township: %d", code)
		}
	}
	if n := s.RenderCache().Len(); n != 1 {
		t.Fatalf("after 600 404s: %d entries; want only the feed", n)
	}
	if s.RenderCache().Hit(httptest.NewRequest("GET", "/feeds/roster.ics", nil)) == nil {
		t.Fatal("the feed left the bypass")
	}
}
