package pubcache

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A cached response leaves in one write, headers and body together, for a
// page-sized body (over net/http's 4 KB buffer) and a feed-sized one, and
// the client reads exactly what was cached.
func TestCachedResponseLeavesInOneWrite(t *testing.T) {
	c, _, _ := newCache(t, time.Hour)
	n := 0
	bodies := map[string]string{"/": strings.Repeat("值班", 1150), "/feeds/roster.ics": strings.Repeat("BEGIN:VEVENT\r\n", 4400)}
	writes := make(chan int, 1)
	srv := &http.Server{ConnContext: ConnContext, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		gc, ok := req.Context().Value(connKey{}).(*gatherConn)
		if !ok {
			t.Error("no gatherConn under the request")
			return
		}
		before := gc.writes
		if err := c.Serve(w, req, PathKey(req.URL.Path), "text/plain", "public", counting(bodies[req.URL.Path], &n)); err != nil {
			t.Error(err)
		}
		writes <- gc.writes - before
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(Listener(ln))
	t.Cleanup(func() { srv.Close() })
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, path := range []string{"/", "/feeds/roster.ics", "/"} {
		resp, err := client.Get("http://" + ln.Addr().String() + path)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if w := <-writes; w != 1 {
			t.Errorf("%s: %d writes, want 1", path, w)
		}
		if !bytes.Equal(got, []byte(bodies[path])) || resp.ContentLength != int64(len(got)) {
			t.Errorf("%s: read %d bytes of %d", path, len(got), len(bodies[path]))
		}
	}
}
