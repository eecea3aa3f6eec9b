package httpapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// The busiest public resources are cached under pubcache.PathKey(their URL path)
// (see the serveCached calls of /, /roster/YYYY-MM and /feeds/roster.ics),
// which also registers them in the cache's fast map, so a hit is found by
// the request path alone and served without echo: no context from a pool,
// no routing, no allocation of our own. Only those entries: every other
// cache key has its own prefix and lives outside the fast map, so a request
// path can never name it (a decoded path such as "/ http://evil.example"
// once reached the per-Host "/"). ("/" is path-keyed only when public_url
// is set; otherwise it names the request's own host, is cached per Host and
// always goes through echo.) A hit larger than the connection buffer is
// corked into one TCP segment (see pubcache/conn.go).

// ServeHTTP answers a fresh cache hit of a path-keyed resource directly and
// hands everything else to echo.
func (s *Server) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if r := s.cache.Hit(req); r != nil {
		setSecurityHeaders(w.Header(), req.URL.Path)
		r.Write(w, req)
		return
	}
	s.echo.ServeHTTP(w, req)
}

// The security headers of every response: the bypass sets them itself,
// echo in securityHeaders before routing (so 404s, static files and errors
// carry them too). No page has inline script or style (the little script
// there is lives in static/zhiban.js); a handler may tighten one, as the
// leader feed page does with Referrer-Policy: no-referrer.
var (
	hNosniff   = []string{"nosniff"}
	hDeny      = []string{"DENY"}
	hCSP       = []string{"default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"}
	hCSPPublic = []string{"default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors *; base-uri 'none'; form-action 'self'"}
	hReferrer  = []string{"same-origin"}
	hAnyOrigin = []string{"*"}
)

// setSecurityHeaders sets the headers for a response to path. Staff pages
// and private feeds are never framed. The public roster is published
// information with no actions on it: the county website may frame its pages
// and fetch its JSON and feeds from another origin. Public responses carry
// only the headers that matter for their type, because a cache hit must stay
// within the eight header entries Go's maps hold without growing.
func setSecurityHeaders(h http.Header, path string) {
	h["X-Content-Type-Options"] = hNosniff
	switch publicKind(path) {
	case publicPage:
		h["Content-Security-Policy"] = hCSPPublic
	case publicData:
		h["Access-Control-Allow-Origin"] = hAnyOrigin
	default:
		h["X-Frame-Options"] = hDeny
		h["Content-Security-Policy"] = hCSP
		h["Referrer-Policy"] = hReferrer
	}
}

type pathKind int

const (
	privatePath pathKind = iota
	publicPage           // HTML anyone may read and frame
	publicData           // JSON, feeds, images and static files anyone may fetch
)

// publicKind classifies path; leader feeds and staff pages are private.
func publicKind(path string) pathKind {
	switch {
	case path == "/", path == "/visits", strings.HasPrefix(path, "/roster/"):
		return publicPage
	case path == "/qr.png", path == "/feeds/roster.ics", strings.HasPrefix(path, "/api/v1/public/"),
		strings.HasPrefix(path, "/feeds/township/"), strings.HasPrefix(path, "/static/"):
		return publicData
	}
	return privatePath
}

// securityHeaders is the echo side of setSecurityHeaders.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		setSecurityHeaders(c.Response().Header(), c.Request().URL.Path)
		return next(c)
	}
}
