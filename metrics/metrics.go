// Package metrics keeps zhiban's Prometheus metrics: HTTP requests and
// latency by route, job runs, the outbox backlog and public cache hits. It is
// the one home of prometheus/client_golang; every other package reports
// through plain methods and funcs, so none of them imports it.
package metrics

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"zhiban/store"
)

// Metrics is one server's registry: its own, never the global default, so
// tests running several servers in one process keep their counts apart.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	jobRuns     *prometheus.CounterVec
	jobFailures *prometheus.CounterVec
	jobDuration *prometheus.HistogramVec
}

// New returns a registry with the Go runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "zhiban_http_requests_total",
			Help: "HTTP requests by route pattern (\"other\" for none), method and status code.",
		}, []string{"route", "method", "code"}),
		// Public cache hits take microseconds, staff writes and imports up to seconds.
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "zhiban_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern.",
			Buckets: []float64{.0001, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "zhiban_job_runs_total",
			Help: "Job runs by job and outcome (done, failed, skipped, already-done).",
		}, []string{"job", "status"}),
		jobFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "zhiban_job_failures_total",
			Help: "Failed job runs by job.",
		}, []string{"job"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "zhiban_job_duration_seconds",
			Help:    "Duration of job runs that did work (done or failed), by job.",
			Buckets: []float64{.01, .05, .1, .5, 1, 5, 10, 30, 60, 300},
		}, []string{"job"}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.latency, m.jobRuns, m.jobFailures, m.jobDuration,
	)
	return m
}

// Handler serves the registry in the Prometheus text format. A collector
// that fails (the database is down) drops its own series, not the scrape.
func (m *Metrics) Handler() http.Handler { return m.handler(nil) }

// handler is Handler logging a failed collection to log, if not nil.
func (m *Metrics) handler(log *slog.Logger) http.Handler {
	opts := promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, Registry: m.reg}
	if log != nil {
		opts.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	}
	return promhttp.HandlerFor(m.reg, opts)
}

// Route is one route's request counters. Callers resolve it once per route
// and keep it: a vector's own lookup validates, hashes and locks each time.
type Route struct {
	m       *Metrics
	name    string
	latency prometheus.Observer
	mu      sync.Mutex                  // serialises adding a method and code
	codes   atomic.Pointer[[]routeCode] // copied on add, so reads take no lock
}

type routeCode struct {
	method string
	code   int
	count  prometheus.Counter
}

// Route returns the counters of route. route must be a route pattern or a
// fixed word, never a raw path: a path would publish leader feed tokens and
// give every scanner probe a series of its own.
func (m *Metrics) Route(route string) *Route {
	return &Route{m: m, name: route, latency: m.latency.WithLabelValues(route)}
}

// Observe counts one request with method and status code that took d.
func (r *Route) Observe(method string, code int, d time.Duration) {
	r.latency.Observe(d.Seconds())
	if cs := r.codes.Load(); cs != nil {
		for _, c := range *cs {
			if c.code == code && c.method == method {
				c.count.Inc()
				return
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var cs []routeCode
	if p := r.codes.Load(); p != nil {
		cs = *p
	}
	for _, c := range cs {
		if c.code == code && c.method == method {
			c.count.Inc()
			return
		}
	}
	c := routeCode{method: method, code: code, count: r.m.requests.WithLabelValues(r.name, method, strconv.Itoa(code))}
	cs = append(slices.Clip(cs), c)
	r.codes.Store(&cs)
	c.count.Inc()
}

// InitJobs makes each job's series exist at zero, so an alert on failures
// or on the last success works before the first run.
func (m *Metrics) InitJobs(names []string) {
	for _, n := range names {
		m.jobFailures.WithLabelValues(n)
		m.jobDuration.WithLabelValues(n)
		m.jobRuns.WithLabelValues(n, "done")
		m.jobRuns.WithLabelValues(n, "failed")
	}
}

// ObserveJob records one run of job by this process with the scheduler's
// status; d is the wall time the run took.
func (m *Metrics) ObserveJob(job, status string, d time.Duration) {
	m.jobRuns.WithLabelValues(job, status).Inc()
	switch status {
	case "done":
		m.jobDuration.WithLabelValues(job).Observe(d.Seconds())
	case "failed":
		m.jobFailures.WithLabelValues(job).Inc()
		m.jobDuration.WithLabelValues(job).Observe(d.Seconds())
	}
}

// CacheCounts exports the public cache's hit and miss counters, read at scrape time.
func (m *Metrics) CacheCounts(stats func() (hits, misses uint64)) error {
	hits := prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "zhiban_pubcache_hits_total",
		Help: "Public pages and feeds served from the rendered cache.",
	}, func() float64 { h, _ := stats(); return float64(h) })
	misses := prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "zhiban_pubcache_misses_total",
		Help: "Public pages and feeds rendered because the data or the county date changed.",
	}, func() float64 { _, mi := stats(); return float64(mi) })
	return errors.Join(m.reg.Register(hits), m.reg.Register(misses))
}

// storeTimeout bounds the database queries of one scrape: a locked database
// must not hold the scraper past its own timeout.
const storeTimeout = 2 * time.Second

// Store exports what the database knows, read at each scrape so that every
// process shows the same figures: the outbox backlog (messages other
// processes queued included) and each job's last success in the ledger.
func (m *Metrics) Store(st *store.Store) error {
	return m.reg.Register(&storeCollector{st: st,
		backlog: prometheus.NewDesc("zhiban_outbox_backlog",
			"Notification deliveries not yet sent: pending (never tried) and retrying (failed, retry scheduled).",
			[]string{"state"}, nil),
		success: prometheus.NewDesc("zhiban_job_last_success_timestamp_seconds",
			"When each job last finished a period, by any process, from the job ledger (Unix seconds).",
			[]string{"job"}, nil),
	})
}

type storeCollector struct {
	st               *store.Store
	backlog, success *prometheus.Desc
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.backlog; ch <- c.success }

// Collect drops only a failing query's series (the handler continues on error).
func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if pending, retrying, err := c.st.OutboxBacklog(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(c.backlog, err)
	} else {
		ch <- prometheus.MustNewConstMetric(c.backlog, prometheus.GaugeValue, float64(pending), "pending")
		ch <- prometheus.MustNewConstMetric(c.backlog, prometheus.GaugeValue, float64(retrying), "retrying")
	}
	last, err := c.st.LastJobSuccesses(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.success, err)
		return
	}
	for job, at := range last {
		ch <- prometheus.MustNewConstMetric(c.success, prometheus.GaugeValue, float64(at.UnixMilli())/1e3, job)
	}
}

// Serve serves /metrics on ln until ctx ends. Only /metrics answers: the
// listener is for the scraper, never the public.
func (m *Metrics) Serve(ctx context.Context, ln net.Listener, log *slog.Logger) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.handler(log))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(shutCtx)
	}
}
