package httpapi_test

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"zhiban/config"
	"zhiban/httpapi"
)

// forwarding sends every request with X-Forwarded-For set to addr, as a
// client (or a proxy) would.
type forwarding struct {
	addr string
	next http.RoundTripper
}

func (f forwarding) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.addr)
	return f.next.RoundTrip(r)
}

// fromLocal makes c connect from the loopback address local (Linux routes all of 127/8).
func fromLocal(c *client, local string) {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	c.hc.Transport = &http.Transport{DialContext: d.DialContext}
}

// serveWith starts a second server on f's database with edit applied to its
// config, logging to logs (nil: nowhere).
func serveWith(t *testing.T, f *staffFixture, edit func(*config.Config), logs io.Writer) string {
	t.Helper()
	if logs == nil {
		logs = io.Discard
	}
	s, err := httpapi.New(f.store, httpapi.Options{Config: testConfig(t, edit), Now: f.clock, Version: "test", CacheCheck: -1,
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// Fifty wrong passwords for the admin from one address leave the admin
// logging in at once from another; the attacker's own address is slowed.
func TestAttackerCannotLockTheOwnerOut(t *testing.T) {
	f := newStaffFixture(t)
	attacker := f.client(t)
	for i := 0; i < 50; i++ {
		code := attacker.login("admin", "wrong-guess")
		if code != http.StatusUnauthorized && code != http.StatusTooManyRequests {
			t.Fatalf("attempt %d: %d", i+1, code)
		}
	}
	owner := f.client(t)
	fromLocal(owner, "127.0.0.2")
	if code := owner.login("admin", testPassword); code != http.StatusSeeOther {
		t.Fatalf("the owner from another address: %d, want a login", code)
	}
	attacker.get("/staff/login")
	code, body := attacker.post("/staff/login", map[string][]string{"name": {"admin"}, "password": {testPassword}, "csrf": {attacker.cookie("zhiban_login")}})
	if code != http.StatusTooManyRequests || !strings.Contains(body, "请 1 分钟后再试") {
		t.Fatalf("the attacker's address: %d, want 429 saying how long to wait\n%s", code, body)
	}
}

// X-Forwarded-For from a peer that is not a trusted proxy is ignored: a
// client forging a new address on every try is still one address.
func TestForwardedForFromUntrustedPeerIsIgnored(t *testing.T) {
	f := newStaffFixture(t)
	base := serveWith(t, f, func(c *config.Config) { c.Server.TrustedProxies = []string{"10.9.9.9"} }, nil)
	for i := 0; i < 6; i++ {
		c := f.client(t)
		c.base = base
		c.hc.Transport = forwarding{addr: "203.0.113." + itoa(i+1), next: http.DefaultTransport}
		want := http.StatusUnauthorized
		if i == 5 {
			want = http.StatusTooManyRequests
		}
		if code := c.login("editor", "wrong-guess"); code != want {
			t.Fatalf("try %d with a forged address: %d, want %d", i+1, code, want)
		}
	}
}

// Behind a trusted proxy the forwarded address is the client's: clients
// behind one proxy do not share one delay.
func TestForwardedForFromTrustedProxyIsUsed(t *testing.T) {
	f := newStaffFixture(t)
	base := serveWith(t, f, func(c *config.Config) { c.Server.TrustedProxies = []string{"127.0.0.1"} }, nil)
	via := func(addr string) *client {
		c := f.client(t)
		c.base = base
		c.hc.Transport = forwarding{addr: addr, next: http.DefaultTransport}
		return c
	}
	attacker := via("203.0.113.7")
	for i := 0; i < 5; i++ {
		attacker.login("editor", "wrong-guess")
	}
	if code := attacker.login("editor", testPassword); code != http.StatusTooManyRequests {
		t.Fatalf("the attacker's forwarded address is not slowed: %d", code)
	}
	if code := via("198.51.100.4").login("editor", testPassword); code != http.StatusSeeOther {
		t.Fatalf("another client behind the proxy: %d, want a login", code)
	}
}
