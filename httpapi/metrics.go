package httpapi

import (
	"net/http"
	"reflect"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/metrics"
)

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
	s.metrics = map[string]*metrics.Route{otherRoute: m.Route(otherRoute)}
	for _, r := range s.echo.Routes() {
		if s.metrics[r.Path] == nil {
			s.metrics[r.Path] = m.Route(r.Path)
		}
	}
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

// serveMetered serves req and counts it by route, method and status.
func (s *Server) serveMetered(w http.ResponseWriter, req *http.Request) {
	if s.metrics == nil {
		s.serve(w, req)
		return
	}
	start := time.Now()
	rec := &metricsRecorder{accessRecorder: accessRecorder{ResponseWriter: w}}
	s.serve(rec, req)
	if rec.route == "" { // a cache hit served without echo, or refused before routing
		c := s.echo.AcquireContext()
		c.Reset(req, nil)
		s.echo.Router().Find(req.Method, echo.GetPath(req), c)
		rec.route = routeOf(c)
		s.echo.ReleaseContext(c)
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	r := s.metrics[rec.route]
	if r == nil { // a pattern echo knows but Routes did not list
		r = s.metrics[otherRoute]
	}
	r.Observe(methodLabel(req.Method), rec.status, time.Since(start))
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
