package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/httpapi"
	"zhiban/metrics"
	"zhiban/metrics/metricstest"
	"zhiban/store"
	"zhiban/store/storetest"
)

// metricsFixture serves the demo county over real HTTP, and its metrics on a listener of their own.
type metricsFixture struct {
	srv, scrape *httptest.Server
	store       *store.Store
}

func newMetricsFixture(t *testing.T) *metricsFixture {
	t.Helper()
	return newMetricsFixtureWith(t, nil)
}

// newMetricsFixtureWith is newMetricsFixture with the configuration adjusted by edit.
func newMetricsFixtureWith(t *testing.T, edit func(*config.Config)) *metricsFixture {
	t.Helper()
	st := storetest.OpenDemo(t, nil)
	m := metrics.New()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	s, err := httpapi.New(st, httpapi.Options{Config: testConfig(t, edit), Now: func() time.Time { return now }, Version: "test", Metrics: m,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f := &metricsFixture{srv: httptest.NewServer(s.Handler()), scrape: httptest.NewServer(m.Handler()), store: st}
	t.Cleanup(f.srv.Close)
	t.Cleanup(f.scrape.Close)
	return f
}

func (f *metricsFixture) get(t *testing.T, path string, want int) {
	t.Helper()
	if code, body := get(t, f.srv.URL+path); code != want {
		t.Fatalf("GET %s: %d, want %d\n%.300s", path, code, want, body)
	}
}

func (f *metricsFixture) metrics(t *testing.T) metricstest.Scrape {
	t.Helper()
	return metricstest.Get(t, f.scrape.URL)
}

// Requests are counted by echo's route pattern, never the raw path: a leader
// feed's token stays out of the scrape, and unknown paths share one label.
func TestMetricsCountRequestsByRoute(t *testing.T) {
	f := newMetricsFixture(t)
	people, err := f.store.People(context.Background())
	if err != nil || len(people) == 0 {
		t.Fatal(people, err)
	}
	token, err := f.store.RotateFeedToken(context.Background(), people[0].ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	f.get(t, "/", 200)
	f.get(t, "/", 200)
	f.get(t, "/roster/2026-12", 200)
	f.get(t, "/roster/2026-12", 200) // the second and third from the bypass, without echo
	f.get(t, "/roster/2026-12", 200)
	f.get(t, "/feeds/leader/"+token+".ics", 200)
	f.get(t, "/feeds/leader/not-a-token-abcdef.ics", 404)
	f.get(t, "/wp-admin/setup-config.php", 404)
	f.get(t, "/staff/nowhere", 404)

	sc := f.metrics(t)
	sc.Want(t, 2, "zhiban_http_requests_total", "route=/", "method=GET", "code=200")
	sc.Want(t, 3, "zhiban_http_requests_total", "route=/roster/:month", "method=GET", "code=200")
	sc.Want(t, 1, "zhiban_http_requests_total", "route=/feeds/leader/:file", "method=GET", "code=200")
	sc.Want(t, 1, "zhiban_http_requests_total", "route=/feeds/leader/:file", "method=GET", "code=404")
	sc.Want(t, 2, "zhiban_http_requests_total", "route=other", "method=GET", "code=404")
	sc.Want(t, 3, "zhiban_http_request_duration_seconds_count", "route=/roster/:month")
	sc.Want(t, 2, "zhiban_http_request_duration_seconds_bucket", "route=/feeds/leader/:file", "le=+Inf")
	for _, secret := range []string{token, "not-a-token", "wp-admin", "nowhere", "2026-12"} {
		if strings.Contains(sc.Text, secret) {
			t.Errorf("the scrape contains %q", secret)
		}
	}
	for _, family := range []string{"go_goroutines", "process_cpu_seconds_total", "zhiban_http_request_duration_seconds_bucket"} {
		if !strings.Contains(sc.Text, "\n"+family) {
			t.Errorf("the scrape lacks %s", family)
		}
	}
}

// With the access log on, its recorder wraps the metrics one and echo still hands over the route.
func TestMetricsWithAccessLog(t *testing.T) {
	f := newMetricsFixtureWith(t, func(c *config.Config) { c.Log.Access = true })
	f.get(t, "/visits", 200)
	f.get(t, "/feeds/township/nowhere.ics", 404)
	sc := f.metrics(t)
	sc.Want(t, 1, "zhiban_http_requests_total", "route=/visits", "method=GET", "code=200")
	sc.Want(t, 1, "zhiban_http_requests_total", "route=/feeds/township/:file", "method=GET", "code=404")
}

// A page asked twice is rendered once: the second request is a cache hit,
// whether served through echo ("/" per Host) or by the bypass (a month).
func TestMetricsCountCacheHits(t *testing.T) {
	f := newMetricsFixture(t)
	for _, path := range []string{"/", "/roster/2026-12"} {
		f.get(t, path, 200)
		before := f.metrics(t)
		f.get(t, path, 200)
		after := f.metrics(t)
		hits0, _ := before.Value("zhiban_pubcache_hits_total")
		misses0, _ := before.Value("zhiban_pubcache_misses_total")
		after.Want(t, hits0+1, "zhiban_pubcache_hits_total")
		after.Want(t, misses0, "zhiban_pubcache_misses_total")
		if misses0 < 1 {
			t.Errorf("%s: the first request was not counted as a miss (%v)", path, misses0)
		}
	}
}

// The outbox backlog is counted in the database at each scrape.
func TestMetricsOutboxBacklog(t *testing.T) {
	f := newMetricsFixture(t)
	f.metrics(t).Want(t, 0, "zhiban_outbox_backlog", "state=pending")
	ctx := context.Background()
	for range 2 {
		if _, err := f.store.EnqueueNotification(ctx, store.Notification{Job: "duty-reminder", Period: "2026-12-02",
			Recipients: "[]", Subject: "值班提醒", Body: "明天值班"}, []string{"log", "webhook"}); err != nil {
			t.Fatal(err)
		}
	}
	sc := f.metrics(t)
	sc.Want(t, 4, "zhiban_outbox_backlog", "state=pending")
	sc.Want(t, 0, "zhiban_outbox_backlog", "state=retrying")
}

// BenchmarkServeTodayMetrics is BenchmarkServeToday with /metrics on: the
// cost of counting a bypass hit (its route looked up in echo's router).
func BenchmarkServeTodayMetrics(b *testing.B) {
	benchHandler(b, benchServer(b, metrics.New()), "/", nil)
}

// BenchmarkServeTownshipFeedMetrics is a hit through echo with /metrics on.
func BenchmarkServeTownshipFeedMetrics(b *testing.B) {
	benchHandler(b, benchServer(b, metrics.New()), "/feeds/township/t02.ics", nil)
}
