package httpapi

import (
	"io/fs"
	"path"
	"sync"

	"github.com/labstack/echo/v4"

	"zhiban/paper"
	"zhiban/pubcache"
)

// Static files are built into the binary, so each is read, hashed and
// gzipped once. Their URLs carry no version (every page and golden file
// would change with each stylesheet edit), so they are cached briefly and
// revalidated by ETag: a 304 costs a few headers.
const (
	staticCacheControl = "public, max-age=300"
	rootCacheControl   = "public, max-age=86400" // favicon.ico, robots.txt
)

var staticTypes = map[string]struct {
	contentType string
	compress    bool
}{
	".css": {"text/css; charset=utf-8", true},
	".js":  {"text/javascript; charset=utf-8", true},
	".txt": {"text/plain; charset=utf-8", true},
	".ico": {"image/x-icon", false}, // holds a PNG: gzip gains nothing
}

// staticAssets maps a file name under static/ to its ready response.
var staticAssets = sync.OnceValue(func() map[string]*pubcache.Rendered {
	out := map[string]*pubcache.Rendered{}
	entries, _ := fs.ReadDir(staticFiles, "static")
	for _, e := range entries {
		typ, ok := staticTypes[path.Ext(e.Name())]
		if e.IsDir() || !ok {
			continue
		}
		body, err := staticFiles.ReadFile("static/" + e.Name())
		if err != nil {
			continue
		}
		cc := staticCacheControl
		if e.Name() == "favicon.ico" || e.Name() == "robots.txt" {
			cc = rootCacheControl
		}
		out[e.Name()] = pubcache.Static(typ.contentType, cc, body, typ.compress)
	}
	// The official documents' A4 layout belongs to package paper.
	out["paper.css"] = pubcache.Static(staticTypes[".css"].contentType, staticCacheControl, paper.Stylesheet, true)
	return out
})

// showStatic serves /static/<name>, /favicon.ico and /robots.txt.
func (s *Server) showStatic(c echo.Context) error {
	name := c.Param("*")
	if name == "" {
		name = path.Base(c.Path())
	}
	r := staticAssets()[name]
	if r == nil {
		return echo.ErrNotFound
	}
	r.Write(c.Response(), c.Request())
	return nil
}
