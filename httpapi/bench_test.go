package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/httpapi"
	"zhiban/metrics"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store/storetest"
)

// discard is a ResponseWriter that keeps nothing, so a benchmark measures
// the server, not a recorder copying bodies.
type discard struct {
	h      http.Header
	status int
	n      int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(code int)        { d.status = code }
func (d *discard) Write(b []byte) (int, error) { d.n += len(b); return len(b), nil }

// benchServer is the demo county served with the production cache settings,
// counting into m when it is not nil.
func benchServer(b *testing.B, m *metrics.Metrics) http.Handler {
	b.Helper()
	ctx := context.Background()
	st := storetest.OpenDemo(b, nil)
	// As deployed: with public_url unset, "/" is cached per Host and
	// answered through echo instead of the cache-hit bypass.
	cfg := testConfig(b, func(c *config.Config) { c.PublicURL = "http://zhiban.example" })
	today := roster.Today(time.Now(), cfg.Location)
	fillRoster(b, st, today.AddDays(-90), today.AddDays(120))
	if err := service.New(st, cfg, nil).SeedDemo(ctx, service.Call{Actor: "demo", Now: time.Now()}); err != nil {
		b.Fatal(err)
	}
	s, err := httpapi.New(st, httpapi.Options{Config: cfg, Version: "bench", Metrics: m})
	if err != nil {
		b.Fatal(err)
	}
	return s.Handler()
}

func benchPath(b *testing.B, path string, header http.Header) {
	benchHandler(b, benchServer(b, nil), path, header)
}

func benchHandler(b *testing.B, h http.Handler, path string, header http.Header) {
	req, _ := http.NewRequest("GET", path, nil)
	if header != nil {
		req.Header = header
	}
	warm := &discard{h: http.Header{}}
	h.ServeHTTP(warm, req)
	if warm.status != 200 {
		b.Fatalf("%s: %d", path, warm.status)
	}
	b.SetBytes(int64(warm.n))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := &discard{h: make(http.Header, 8)}
		for pb.Next() {
			clear(w.h)
			h.ServeHTTP(w, req)
		}
	})
}

// BenchmarkServeFeed is a cache hit of the public roster feed (the figure
// issue 6 asks for; scripts/bench-http.sh measures it over TCP).
func BenchmarkServeFeed(b *testing.B) { benchPath(b, "/feeds/roster.ics", nil) }

// BenchmarkServeFeedGzip is the same hit for a client that accepts gzip.
func BenchmarkServeFeedGzip(b *testing.B) {
	benchPath(b, "/feeds/roster.ics", http.Header{"Accept-Encoding": {"gzip"}})
}

// BenchmarkServeToday is a cache hit of the public page.
func BenchmarkServeToday(b *testing.B) { benchPath(b, "/", nil) }

// BenchmarkServeMonth is a cache hit of this month's printable table.
func BenchmarkServeMonth(b *testing.B) {
	benchPath(b, "/roster/"+roster.MonthOf(roster.Today(time.Now(), time.FixedZone("CST", 8*3600))).String(), nil)
}

// BenchmarkServeTownshipFeed is a cache hit through echo (not path-keyed), for comparison.
func BenchmarkServeTownshipFeed(b *testing.B) { benchPath(b, "/feeds/township/t02.ics", nil) }
