package httpapi

import (
	"strings"
	"zhiban/pubcache"

	"github.com/labstack/echo/v4"
)

// publicBase is public_url, else this request's scheme and Host; a Host with
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

// publicKey keys a page naming its own address: the path alone when public_url is
// set, else path and derived address (a HostKey, served with Vary: Host), so a
// request with another Host never gets (or plants) a page naming another host.
// Vary: Host rather than requiring public_url: a fresh install answers at
// whatever address it is reached by, and shared caches still keep hosts apart.
func (s *Server) publicKey(c echo.Context, path string) string {
	if s.cfg.PublicURL != "" {
		if strings.HasPrefix(path, "/") {
			return pubcache.PathKey(path)
		}
		return "page:" + path
	}
	return pubcache.HostKey(path, s.publicBase(c))
}
