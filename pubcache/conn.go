package pubcache

import (
	"context"
	"net"
	"net/http"
	"syscall"
)

// A response over net/http's 4 KB buffer leaves in two writes, so two TCP
// segments on LANs. Corking around the body (nginx's tcp_nopush) sends one:
// on 6 KB pages CPU per request went ~18 → 16 µs (scripts/bench-http.sh).
// sendfile(2) for the 60 KB feed saved nothing, so bodies stay in memory.

type connKey struct{}

// connInfo is what a handler needs of the connection under its request.
type connInfo struct {
	raw syscall.RawConn
}

// corkMin: from here headers and body no longer fit net/http's 4096-byte buffer.
const corkMin = 4096 - 512

// ConnContext is http.Server.ConnContext: it keeps a plain TCP connection's raw socket.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if !canCork {
		return ctx
	}
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return ctx
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return ctx
	}
	return context.WithValue(ctx, connKey{}, &connInfo{raw: raw})
}

// writeBody writes body as one TCP segment where possible; the header must be written already.
func writeBody(w http.ResponseWriter, req *http.Request, body []byte) {
	if len(body) >= corkMin {
		if ci, ok := req.Context().Value(connKey{}).(*connInfo); ok {
			if f, ok := w.(http.Flusher); ok {
				setCork(ci.raw, true)
				w.Write(body)
				f.Flush() // everything into the socket while corked
				setCork(ci.raw, false)
				return
			}
		}
	}
	w.Write(body)
}
