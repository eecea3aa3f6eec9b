package httpapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Path-keyed resources (/, /roster/YYYY-MM, /feeds/roster.ics) live in the cache's
// fast map and are served without echo. Only those: other keys have their own
// prefix, so a request path can never name one (a decoded "/ http://evil.example"
// once reached the per-Host "/"). "/" is path-keyed only when public_url is set.

// ServeHTTP serves a fresh path-keyed cache hit directly and hands the rest to echo.
func (s *Server) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if s.cfg.Log.Access {
		s.serveLogged(w, req, s.serveMetered)
		return
	}
	s.serveMetered(w, req)
}

func (s *Server) serve(w http.ResponseWriter, req *http.Request) {
	if r := s.cache.Hit(req); r != nil {
		setSecurityHeaders(w.Header(), req.URL.Path)
		r.Write(w, req)
		return
	}
	s.echo.ServeHTTP(w, req)
}

// Security headers of every response, set by the bypass and by securityHeaders.
// No page has inline script or style; a handler may tighten one.
var (
	hNosniff   = []string{"nosniff"}
	hDeny      = []string{"DENY"}
	hCSP       = []string{"default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"}
	hCSPPublic = []string{"default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors *; base-uri 'none'; form-action 'self'"}
	hReferrer  = []string{"same-origin"}
	hAnyOrigin = []string{"*"}
)

// setSecurityHeaders: staff pages and private feeds are never framed; the county
// website may frame and fetch the public roster. Public responses carry few
// headers so a cache hit stays within the eight entries Go's maps hold unsized.
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
	case path == "/", path == "/visits", path == "/display", path == "/stations", strings.HasPrefix(path, "/roster/"),
		strings.HasPrefix(path, "/township/"):
		return publicPage
	case path == "/qr.png", path == "/feeds/roster.ics", strings.HasPrefix(path, "/api/v1/public/"),
		strings.HasPrefix(path, "/feeds/township/"), strings.HasPrefix(path, "/feeds/roster/"), strings.HasPrefix(path, "/static/"), path == "/favicon.ico", path == "/robots.txt":
		return publicData
	}
	return privatePath
}

func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		setSecurityHeaders(c.Response().Header(), c.Request().URL.Path)
		return next(c)
	}
}
