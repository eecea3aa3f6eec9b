package httpapi

import (
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// connLimiter caps the open connections of one client address as they are
// accepted, before a byte is read: thousands of slow connections from one
// address took 600 MB and made everyone else wait seconds. It counts the
// direct peer (headers cannot be read yet); trusted proxies are exempt, since
// every client behind them shares their address and they limit their own.
type connLimiter struct {
	max     int
	proxies []*net.IPNet
	log     *slog.Logger
	now     func() time.Time

	mu      sync.Mutex
	open    map[string]int
	closed  int // refused since the last log line
	lastLog time.Time
}

func newConnLimiter(max int, proxies []*net.IPNet, log *slog.Logger, now func() time.Time) *connLimiter {
	return &connLimiter{max: max, proxies: proxies, log: log, now: now, open: map[string]int{}}
}

// connKey is the counted address: IPv4 as is, IPv6 by its /64, which one
// subscriber usually holds whole. "" is not counted.
func (l *connLimiter) connKey(c net.Conn) string {
	a, ok := c.RemoteAddr().(*net.TCPAddr)
	if !ok {
		return ""
	}
	for _, p := range l.proxies {
		if p.Contains(a.IP) {
			return ""
		}
	}
	if ip4 := a.IP.To4(); ip4 != nil {
		return ip4.String()
	}
	return a.IP.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// state is the http.Server's ConnState hook. A connection over the cap is
// closed at once; its goroutine then sees the close and reports StateClosed.
func (l *connLimiter) state(c net.Conn, s http.ConnState) {
	key := ""
	switch s {
	case http.StateNew, http.StateClosed, http.StateHijacked:
		key = l.connKey(c)
	}
	if key == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if s != http.StateNew {
		if l.open[key]--; l.open[key] <= 0 {
			delete(l.open, key)
		}
		return
	}
	l.open[key]++
	if l.open[key] <= l.max {
		return
	}
	c.Close()
	l.closed++
	// One line a minute at most: a flood must not fill the disk with logs.
	if now := l.now(); now.Sub(l.lastLog) >= time.Minute {
		l.log.Warn("Closed connections over the per-address cap", "addr", key, "max", l.max, "closed", l.closed)
		l.lastLog, l.closed = now, 0
	}
}
