package httpapi

import (
	"strings"
	"zhiban/pubcache"

	"github.com/labstack/echo/v4"
)

// publicBase is the address the public reaches the service at, without a
// trailing slash: public_url when set, else the scheme (echo's c.Scheme,
// which honours X-Forwarded-Proto) and Host of this request. A Host with
// characters no real host name has falls back to the listen address.
func (s *Server) publicBase(c echo.Context) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	host := c.Request().Host
	if host == "" || strings.Trim(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != "" {
		host = s.cfg.Listen
	}
	scheme := "http"
	if c.Scheme() == "https" {
		scheme = "https"
	}
	return scheme + "://" + host
}

// publicKey is the cache key of a page that names its own address: when
// public_url is set, the path alone (fastKey for a URL path, so the bypass
// serves it); else the path and the derived address under "page:", never a
// fast-path key, so a request with another Host never gets (or plants) a
// page naming a host other than its own, whatever path it asks for.
func (s *Server) publicKey(c echo.Context, path string) string {
	if s.cfg.PublicURL != "" {
		if strings.HasPrefix(path, "/") {
			return pubcache.PathKey(path)
		}
		return "page:" + path
	}
	return "page:" + path + " " + s.publicBase(c)
}
