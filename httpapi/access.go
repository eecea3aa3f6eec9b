package httpapi

import (
	"net/http"
	"strings"
	"time"
)

// accessRecorder notes the status and size of a response for the access log.
type accessRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *accessRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *accessRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flush, deadlines).
func (r *accessRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// serveLogged serves req and logs one line for it (config log.access).
func (s *Server) serveLogged(w http.ResponseWriter, req *http.Request, serve func(http.ResponseWriter, *http.Request)) {
	start := time.Now()
	rec := &accessRecorder{ResponseWriter: w}
	serve(rec, req)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	s.log.Info("request", "method", req.Method, "path", accessPath(req.URL.Path), "status", rec.status,
		"bytes", rec.bytes, "ms", float64(time.Since(start).Microseconds())/1000)
}

// accessPath is a path fit for the log: a private feed's token is a secret,
// and the query (a staff search may hold a petitioner's name) is never logged.
func accessPath(path string) string {
	if rest, ok := strings.CutPrefix(path, "/feeds/leader/"); ok && rest != "" {
		return "/feeds/leader/…"
	}
	if len(path) > 200 {
		return path[:200] + "…"
	}
	return path
}
