package httpapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/county"
	"zhiban/roster"
	"zhiban/store"
)

// cacheCount counts the entries of the cache proper, the bypass's map and
// the pending renders.
func cacheCount(p *pubCache) (entries, fast, pending int) {
	p.entries.Range(func(any, any) bool { entries++; return true })
	p.fast.Range(func(any, any) bool { fast++; return true })
	p.pending.Range(func(any, any) bool { pending++; return true })
	return
}

// A failed render leaves no entry behind (404s for made-up feed names once
// filled the cache), and a full cache evicts one entry per new one instead
// of clearing everything, so the busy pages stay cached.
func TestCacheKeepsOnlySuccessesAndEvictsOneByOne(t *testing.T) {
	st := demoStore(t, nil)
	cfg := config.Default()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	s, err := New(st, Options{Config: cfg, Version: "test", CacheCheck: time.Hour})
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
	if e, f, p := cacheCount(s.pub); e != 1 || f != 1 || p != 0 || s.pub.size.Load() != 1 {
		t.Fatalf("after 600 404s: %d entries, %d fast, %d pending, size %d; want only the feed", e, f, p, s.pub.size.Load())
	}
	if s.fastHit(httptest.NewRequest("GET", "/feeds/roster.ics", nil)) == nil {
		t.Fatal("the feed left the bypass")
	}

	// 700 distinct ranges: the cache fills to its bound and stays there.
	from := roster.MustDate("2026-01-01")
	for i := range 700 {
		d := from.AddDays(i)
		if code := get("/api/v1/public/range?from=" + d.String() + "&to=" + d.String()); code != 200 {
			t.Fatalf("range %s: %d", d, code)
		}
		if n := s.pub.size.Load(); n > maxCacheEntries {
			t.Fatalf("size %d over the bound", n)
		}
	}
	e, f, p := cacheCount(s.pub)
	if e != maxCacheEntries || int64(e) != s.pub.size.Load() || p != 0 || f > 1 {
		t.Fatalf("after 700 ranges: %d entries (size %d), %d fast, %d pending; want %d", e, s.pub.size.Load(), f, p, maxCacheEntries)
	}
	// The bypass only knows entries still cached.
	s.pub.fast.Range(func(k, v any) bool {
		if cur, ok := s.pub.entries.Load(fastKey(k.(string))); !ok || cur != v {
			t.Errorf("fast entry %s is not in the cache", k)
		}
		return true
	})
	// Nothing but successes: no key of a failed request.
	s.pub.entries.Range(func(k, _ any) bool {
		if strings.Contains(k.(string), "nosuch") {
			t.Errorf("entry %s from a failed request", k)
		}
		return true
	})
}

// demoStore opens a fresh SQLite file holding the demo county. now, when
// not nil, stamps the rows it writes.
func demoStore(tb testing.TB, now func() time.Time) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "z.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if now != nil {
		st.Now = now
	}
	if _, err := st.ImportCounty(context.Background(), county.Demo(), "test"); err != nil {
		tb.Fatal(err)
	}
	return st
}
