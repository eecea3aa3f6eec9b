package pubcache

import (
	"context"
	"net"
	"net/http"
	"sync"
)

// A cached response leaves in one write(2), headers and body together, as
// nginx's writev does. net/http writes through a 4 KB buffer, so a 7 KB page
// took two writes and two segments; corking them (TCP_CORK) cost two more
// setsockopt calls, 4 syscalls of the 6 per request. Listener's connections
// gather those writes and hand them to the kernel once (scripts/bench-http.sh).

type connKey struct{}

// Listener wraps ln so that Serve can send each cached response in one write.
func Listener(ln net.Listener) net.Listener { return gatherListener{ln} }

type gatherListener struct{ net.Listener }

func (l gatherListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok && err == nil {
		return &gatherConn{TCPConn: tc}, nil
	}
	return c, err
}

// gatherConn is a TCP connection that can hold back writes: between begin
// and end they are kept (the cached body by reference, net/http's reused
// buffer by copy) and then written with one writev.
type gatherConn struct {
	*net.TCPConn
	body    []byte // the cached body being written: never changes, so kept by reference
	parts   net.Buffers
	scratch *[]byte
	writes  int // write calls on the socket, for tests
}

// Net/http writes a connection from its serving goroutine only, so a
// gatherConn needs no lock.
func (c *gatherConn) Write(p []byte) (int, error) {
	if c.scratch == nil {
		c.writes++
		return c.TCPConn.Write(p)
	}
	if n := len(p); n > 0 && n <= len(c.body) && &p[0] == &c.body[len(c.body)-n] {
		c.parts = append(c.parts, p)
		return n, nil
	}
	s := *c.scratch
	s = append(s, p...)
	c.parts = append(c.parts, s[len(s)-len(p):])
	*c.scratch = s
	return len(p), nil
}

var scratchPool = sync.Pool{New: func() any { b := make([]byte, 0, 8192); return &b }}

func (c *gatherConn) begin(body []byte) {
	c.body, c.scratch = body, scratchPool.Get().(*[]byte)
}

func (c *gatherConn) end() {
	parts := c.parts
	c.writes++
	_, _ = parts.WriteTo(c.TCPConn) // an error shows on the connection's next use
	clear(c.parts)
	c.parts = c.parts[:0]
	*c.scratch = (*c.scratch)[:0]
	scratchPool.Put(c.scratch)
	c.body, c.scratch = nil, nil
}

// ConnContext is http.Server.ConnContext: it lets a handler reach its gatherConn.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if gc, ok := c.(*gatherConn); ok {
		return context.WithValue(ctx, connKey{}, gc)
	}
	return ctx
}

// gatherMin: from here headers and body no longer fit net/http's 4096-byte buffer.
const gatherMin = 4096 - 512

// writeBody writes body, in one write with the headers where possible; the
// header must be written already.
func writeBody(w http.ResponseWriter, req *http.Request, body []byte) {
	if len(body) >= gatherMin {
		if gc, ok := req.Context().Value(connKey{}).(*gatherConn); ok {
			if f, ok := w.(http.Flusher); ok {
				gc.begin(body)
				w.Write(body)
				f.Flush() // headers and body, into gc
				gc.end()
				return
			}
		}
	}
	w.Write(body)
}
