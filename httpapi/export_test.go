package httpapi

import (
	"net/http"

	"zhiban/pubcache"
)

// For the external tests: the render cache, and the router behind the
// cache-hit bypass.
func (s *Server) RenderCache() *pubcache.Cache { return s.cache }
func (s *Server) Router() http.Handler         { return s.echo }
