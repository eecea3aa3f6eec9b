package pubcache

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"zhiban/auth"
	"zhiban/store"
	"zhiban/store/storetest"
)

var shanghai = time.FixedZone("CST", 8*3600)

// newCache is a cache over a fresh SQLite file with a clock the test moves.
func newCache(t testing.TB, checkEvery time.Duration) (*Cache, *store.Store, *atomic.Pointer[time.Time]) {
	t.Helper()
	st := storetest.Open(t)
	var clock atomic.Pointer[time.Time]
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, shanghai)
	clock.Store(&now)
	return New(st, checkEvery, func() time.Time { return *clock.Load() }, shanghai), st, &clock
}

// counting is a builder that says how often it ran.
func counting(body string, n *int) Builder {
	return func(context.Context) ([]byte, time.Time, error) {
		*n++
		return []byte(body), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), nil
	}
}

func get(t testing.TB, c *Cache, key string, build Builder, h http.Header) (*httptest.ResponseRecorder, error) {
	t.Helper()
	req := httptest.NewRequest("GET", "/x", nil)
	for k, v := range h {
		req.Header[k] = v
	}
	w := httptest.NewRecorder()
	return w, c.Serve(w, req, key, "text/plain; charset=utf-8", "public, max-age=60", build)
}

// cacheCount counts the entries of the cache proper, the bypass's map and
// the pending renders.
func cacheCount(p *Cache) (entries, fast, pending int) {
	p.entries.Range(func(any, any) bool { entries++; return true })
	p.fast.Range(func(any, any) bool { fast++; return true })
	p.pending.Range(func(any, any) bool { pending++; return true })
	return
}

// A render happens once per data version and county date: a write or
// midnight re-renders, a hit does not.
func TestRendersOncePerVersionAndDay(t *testing.T) {
	c, st, clock := newCache(t, -1)
	ctx := context.Background()
	n := 0
	build := counting("hello", &n)
	for range 3 {
		if w, err := get(t, c, "page:a", build, nil); err != nil || w.Body.String() != "hello" || w.Code != 200 {
			t.Fatalf("%d %q %v", w.Code, w.Body, err)
		}
	}
	if n != 1 {
		t.Fatalf("rendered %d times for one version", n)
	}
	if _, err := st.CreateUser(ctx, "u", auth.RoleViewer, "x", "test"); err != nil {
		t.Fatal(err)
	}
	get(t, c, "page:a", build, nil)
	if n != 2 {
		t.Fatalf("a write did not re-render (%d renders)", n)
	}
	// 23:59 is still the same county day; 00:00 the next.
	late := time.Date(2026, 12, 2, 23, 59, 0, 0, shanghai)
	clock.Store(&late)
	get(t, c, "page:a", build, nil)
	if n != 2 {
		t.Fatalf("re-rendered within the day (%d renders)", n)
	}
	midnight := late.Add(time.Minute)
	clock.Store(&midnight)
	w, _ := get(t, c, "page:a", build, nil)
	if n != 3 {
		t.Fatalf("midnight did not re-render (%d renders)", n)
	}
	// A page that names today changed at midnight even if its data did not.
	if lm := w.Header().Get("Last-Modified"); lm != midnight.UTC().Format(http.TimeFormat) {
		t.Fatalf("Last-Modified %q", lm)
	}
}

// Within checkEvery a write by this process still shows at once (the store
// counts its writes); only other processes' writes wait for the next check.
func TestOwnWritesShowAtOnce(t *testing.T) {
	c, st, _ := newCache(t, time.Hour)
	n := 0
	get(t, c, "page:a", counting("x", &n), nil)
	if _, err := st.CreateUser(context.Background(), "u", auth.RoleViewer, "x", "test"); err != nil {
		t.Fatal(err)
	}
	get(t, c, "page:a", counting("x", &n), nil)
	if n != 2 {
		t.Fatalf("%d renders", n)
	}
}

// A failed render leaves no entry behind (404s for made-up feed names once
// filled the cache), and a full cache evicts one entry per new one instead
// of clearing everything, so the busy pages stay cached.
func TestKeepsOnlySuccessesAndEvictsOneByOne(t *testing.T) {
	c, _, _ := newCache(t, time.Hour)
	n := 0
	if _, err := get(t, c, PathKey("/feed"), counting("feed", &n), nil); err != nil {
		t.Fatal(err)
	}
	notFound := errors.New("no such township")
	for i := range 600 {
		_, err := get(t, c, fmt.Sprintf("feed:nosuch%d", i), func(context.Context) ([]byte, time.Time, error) {
			return nil, time.Time{}, notFound
		}, nil)
		if err != notFound {
			t.Fatalf("error %v", err)
		}
	}
	if e, f, p := cacheCount(c); e != 1 || f != 1 || p != 0 || c.Len() != 1 {
		t.Fatalf("after 600 failures: %d entries, %d fast, %d pending, size %d; want only the feed", e, f, p, c.Len())
	}
	if c.Hit(httptest.NewRequest("GET", "/feed", nil)) == nil {
		t.Fatal("the feed left the bypass")
	}

	// 700 distinct keys: the cache fills to its bound and stays there.
	for i := range 700 {
		if _, err := get(t, c, fmt.Sprintf("api:range:%d", i), counting("r", &n), nil); err != nil {
			t.Fatal(err)
		}
		if c.Len() > maxCacheEntries {
			t.Fatalf("size %d over the bound", c.Len())
		}
	}
	e, f, p := cacheCount(c)
	if e != maxCacheEntries || e != c.Len() || p != 0 || f > 1 {
		t.Fatalf("after 700 keys: %d entries (size %d), %d fast, %d pending; want %d", e, c.Len(), f, p, maxCacheEntries)
	}
	// The bypass only knows entries still cached.
	c.fast.Range(func(k, v any) bool {
		if cur, ok := c.entries.Load(PathKey(k.(string))); !ok || cur != v {
			t.Errorf("fast entry %s is not in the cache", k)
		}
		return true
	})
	c.entries.Range(func(k, _ any) bool {
		if strings.Contains(k.(string), "nosuch") {
			t.Errorf("entry %s from a failed request", k)
		}
		return true
	})
}

// Only PathKey entries are reachable by a request path, and only while the
// state check is fresh.
func TestHitOnlyForPathKeys(t *testing.T) {
	c, _, _ := newCache(t, time.Hour)
	n := 0
	get(t, c, PathKey("/"), counting("home", &n), nil)
	get(t, c, "page:/visits", counting("visits", &n), nil)
	if c.Hit(httptest.NewRequest("GET", "/", nil)) == nil || c.Hit(httptest.NewRequest("HEAD", "/", nil)) == nil {
		t.Fatal("no hit for a path key")
	}
	for _, req := range []*http.Request{
		httptest.NewRequest("GET", "/visits", nil),
		httptest.NewRequest("GET", "/page:/visits", nil),
		httptest.NewRequest("POST", "/", nil),
	} {
		if c.Hit(req) != nil {
			t.Errorf("%s %s: hit", req.Method, req.URL.Path)
		}
	}
	stale, _, _ := newCache(t, -1)
	get(t, stale, PathKey("/"), counting("home", &n), nil)
	if stale.Hit(httptest.NewRequest("GET", "/", nil)) != nil {
		t.Fatal("a cache that checks every request served a hit unchecked")
	}
}

// Validators, 304s and gzip, straight from Serve.
func TestValidatorsAndGzip(t *testing.T) {
	c, _, _ := newCache(t, time.Hour)
	n := 0
	body := strings.Repeat("值班", 3000)
	build := counting(body, &n)
	w, _ := get(t, c, "page:big", build, nil)
	etag, lm := w.Header().Get("Etag"), w.Header().Get("Last-Modified")
	if w.Code != 200 || w.Body.String() != body || etag == "" || lm == "" || w.Header().Get("Vary") != "Accept-Encoding" ||
		w.Header().Get("Cache-Control") != "public, max-age=60" || w.Header().Get("Content-Length") != fmt.Sprint(len(body)) {
		t.Fatalf("plain: %d %v", w.Code, w.Header())
	}
	gz, _ := get(t, c, "page:big", build, http.Header{"Accept-Encoding": {"br, gzip;q=0.5"}})
	gzEtag := gz.Header().Get("Etag")
	zr, err := gzip.NewReader(bytes.NewReader(gz.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if gz.Header().Get("Content-Encoding") != "gzip" || string(plain) != body || gzEtag == etag || gz.Body.Len() >= len(body) {
		t.Fatalf("gzip: %v", gz.Header())
	}
	for _, tc := range []struct {
		name string
		h    http.Header
		want int
	}{
		{"etag", http.Header{"If-None-Match": {etag}}, 304},
		{"gzip etag", http.Header{"If-None-Match": {gzEtag}}, 304},
		{"weak in a list", http.Header{"If-None-Match": {`"old", W/` + etag}}, 304},
		{"star", http.Header{"If-None-Match": {"*"}}, 304},
		{"stale etag wins over date", http.Header{"If-None-Match": {`"old"`}, "If-Modified-Since": {lm}}, 200},
		{"date", http.Header{"If-Modified-Since": {lm}}, 304},
		{"older date", http.Header{"If-Modified-Since": {"Mon, 30 Nov 2026 00:00:00 GMT"}}, 200},
		{"gzip refused", http.Header{"Accept-Encoding": {"gzip;q=0"}}, 200},
	} {
		w, _ := get(t, c, "page:big", build, tc.h)
		if w.Code != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, w.Code, tc.want)
		}
		if tc.want == 304 && w.Body.Len() != 0 {
			t.Errorf("%s: body on a 304", tc.name)
		}
		if tc.name == "gzip refused" && w.Header().Get("Content-Encoding") != "" {
			t.Errorf("gzip;q=0 got gzip")
		}
	}
	if n != 1 {
		t.Fatalf("%d renders", n)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for ae, want := range map[string]bool{
		"gzip": true, "gzip, deflate, br": true, "br;q=1.0, gzip;q=0.8": true, "GZIP": false,
		"gzip;q=0": false, "gzip; q=0.000": false, "identity": false, "": false, "x-gzip": false,
	} {
		if got := acceptsGzip(ae); got != want {
			t.Errorf("acceptsGzip(%q) = %v", ae, got)
		}
	}
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }

// BenchmarkHit is a fresh hit found by Hit and written, the bypass's whole cost.
func BenchmarkHit(b *testing.B) {
	c, _, _ := newCache(b, time.Hour)
	n := 0
	req := httptest.NewRequest("GET", "/feeds/roster.ics", nil)
	if err := c.Serve(&discard{h: http.Header{}}, req, PathKey("/feeds/roster.ics"), "text/calendar", "public", counting(strings.Repeat("x", 60000), &n)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		w := &discard{h: make(http.Header, 8)}
		for pb.Next() {
			clear(w.h)
			c.Hit(req).Write(w, req)
		}
	})
}

// BenchmarkServe is a hit through Serve (what a routed request costs here).
func BenchmarkServe(b *testing.B) {
	c, _, _ := newCache(b, time.Hour)
	n := 0
	build := counting(strings.Repeat("x", 6000), &n)
	req := httptest.NewRequest("GET", "/feeds/township/t02.ics", nil)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		w := &discard{h: make(http.Header, 8)}
		for pb.Next() {
			clear(w.h)
			c.Serve(w, req, "feed:township:t02", "text/calendar", "public", build)
		}
	})
}

// With the database gone, a page rendered today is still served; one of
// yesterday is not (it would name the wrong day's duty).
func TestServesTodaysLastRenderWhenTheDatabaseIsDown(t *testing.T) {
	c, st, clock := newCache(t, -1)
	n := 0
	if w, err := get(t, c, "page:/", counting("today's page", &n), nil); err != nil || w.Body.String() != "today's page" {
		t.Fatalf("first render: %v %q", err, w.Body.String())
	}
	st.Close()
	w, err := get(t, c, "page:/", counting("never", &n), nil)
	if err != nil || w.Code != 200 || w.Body.String() != "today's page" || n != 1 {
		t.Fatalf("database down: %v %d %q, %d renders", err, w.Code, w.Body.String(), n)
	}
	if _, err := get(t, c, "page:/other", counting("never", &n), nil); err == nil {
		t.Fatal("a page never rendered was served with the database down")
	}
	tomorrow := clock.Load().Add(24 * time.Hour)
	clock.Store(&tomorrow)
	if _, err := get(t, c, "page:/", counting("never", &n), nil); err == nil {
		t.Fatal("yesterday's page was served as today's with the database down")
	}
}
