package httpapi_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/httpapi"
	"zhiban/store/storetest"
)

// One address holding many idle connections gets only its cap; the extra
// connections are closed at once, another address is still served, and
// closing the idle ones frees the address again. A real listener, real sockets.
func TestConnectionsPerAddressAreCapped(t *testing.T) {
	const max, extra = 4, 6
	st := storetest.Open(t)
	s, err := httpapi.New(st, httpapi.Options{Config: testConfig(t, func(c *config.Config) { c.Server.MaxConnsPerAddress = max }),
		Version: "test", CacheCheck: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	addr := ln.Addr().String()

	idle := make([]net.Conn, max+extra)
	for i := range idle {
		if idle[i], err = net.Dial("tcp", addr); err != nil {
			t.Fatal(err)
		}
		defer idle[i].Close()
	}
	// A closed connection reads EOF at once; a kept one waits for a request
	// until the deadline (the server's header timeout is 10 s).
	var mu sync.Mutex
	closed := 0
	var wg sync.WaitGroup
	for _, c := range idle {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.SetReadDeadline(time.Now().Add(3 * time.Second))
			_, err := c.Read(make([]byte, 1))
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				mu.Lock()
				closed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if closed != extra {
		t.Fatalf("%d of %d idle connections closed, want the %d over the cap", closed, max+extra, extra)
	}

	other := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}).DialContext}}
	resp, err := other.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("another address is not served: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("another address: %d", resp.StatusCode)
	}
	same := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := same.Get("http://" + addr + "/healthz"); err == nil {
		resp.Body.Close()
		t.Fatalf("a request from the capped address was served: %d", resp.StatusCode)
	}

	for _, c := range idle {
		c.Close()
	}
	// The server notices the closes asynchronously.
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := same.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the address stays capped after its connections closed: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
