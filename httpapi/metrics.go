package httpapi

import (
	"net/http"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/metrics"
)

// serverMetrics are a server's request counters.
type serverMetrics struct {
	routes    map[string]*metrics.Route // by route pattern, read-only after New
	bypass    sync.Map                  // request path → *metrics.Route, for cache hits echo never saw
	bypassLen atomic.Int32
}

// metricsRecorder notes the status and the route pattern of a response.
type metricsRecorder struct {
	accessRecorder
	route string // set by routeLabel when echo routed the request
}

// otherRoute labels requests no route matched: the raw path would publish
// leader feed tokens and give every scanner probe a series of its own.
const otherRoute = "other"

var notFoundPC = reflect.ValueOf(echo.NotFoundHandler).Pointer()

// useMetrics counts requests, the public cache and the outbox into m.
func (s *Server) useMetrics(m *metrics.Metrics) error {
	if err := m.CacheCounts(s.cache.Stats); err != nil {
		return err
	}
	if err := m.Store(s.store); err != nil {
		return err
	}
	// One set of counters per route pattern, resolved now so a request does one map lookup.
	routes := map[string]*metrics.Route{otherRoute: m.Route(otherRoute)}
	for _, r := range s.echo.Routes() {
		if routes[r.Path] == nil {
			routes[r.Path] = m.Route(r.Path)
		}
	}
	s.metrics = &serverMetrics{routes: routes}
	s.echo.Use(s.routeLabel)
	return nil
}

// routeLabel hands the route echo found to the recorder, saving a second lookup.
func (s *Server) routeLabel(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if rec, ok := c.Response().Writer.(*metricsRecorder); ok {
			rec.route = routeOf(c)
		}
		return next(c)
	}
}

// routeOf is the route pattern echo's router chose for c, or otherRoute.
func routeOf(c echo.Context) string {
	if c.Path() == "" || reflect.ValueOf(c.Handler()).Pointer() == notFoundPC {
		return otherRoute
	}
	return c.Path()
}

// recorders are reused: a recorder per request would be the only allocation of a cache hit.
var recorders = sync.Pool{New: func() any { return new(metricsRecorder) }}

// serveMetered serves req and counts it by route, method and status.
func (s *Server) serveMetered(w http.ResponseWriter, req *http.Request) {
	if s.metrics == nil {
		s.serve(w, req)
		return
	}
	start := time.Now()
	rec := recorders.Get().(*metricsRecorder)
	*rec = metricsRecorder{accessRecorder: accessRecorder{ResponseWriter: w}}
	s.serve(rec, req)
	r := s.metrics.routes[rec.route]
	if rec.route == "" { // a cache hit served without echo, or refused before routing
		r = s.bypassRoute(req)
	}
	status := rec.status
	*rec = metricsRecorder{}
	recorders.Put(rec)
	if status == 0 {
		status = http.StatusOK
	}
	if r == nil { // a pattern echo knows but Routes did not list
		r = s.metrics.routes[otherRoute]
	}
	r.Observe(methodLabel(req.Method), status, time.Since(start))
}

// maxBypassPaths bounds the paths whose route is remembered; past it, each
// lookup asks echo's router again.
const maxBypassPaths = 1024

// bypassRoute is the route of a request echo did not route: remembered per
// path, since the bypass serves a few paths ("/", this month) all day.
func (s *Server) bypassRoute(req *http.Request) *metrics.Route {
	path := echo.GetPath(req)
	if r, ok := s.metrics.bypass.Load(path); ok {
		return r.(*metrics.Route)
	}
	c := s.echo.AcquireContext()
	c.Reset(req, nil)
	s.echo.Router().Find(req.Method, path, c)
	r := s.metrics.routes[routeOf(c)]
	s.echo.ReleaseContext(c)
	// Only routed GETs are remembered: the bypass serves nothing else, and a
	// scanner's paths must not fill the map.
	if r != nil && r != s.metrics.routes[otherRoute] && req.Method == http.MethodGet && s.metrics.bypassLen.Add(1) <= maxBypassPaths {
		s.metrics.bypass.Store(path, r)
	}
	return r
}

// methodLabel keeps the method label to the methods the server knows: a
// client may send any token as a method.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions:
		return m
	}
	return "OTHER"
}
