package httpapi_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// doHost sends one request to the fixture's server with the given Host
// header, returning the status and body.
func doHost(t *testing.T, f *fixture, method, host, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// With public_url unset "/" is cached per Host under a key naming that
// host. No request path may reach that entry through the bypass: once
// "/%20http://evil.example" decoded to exactly the key and served the page
// rendered for Host evil.example to everyone (cache poisoning).
func TestCacheKeyIsNeverARequestPath(t *testing.T) {
	f := newFixture(t, time.Now()) // default config: public_url "", fast path on
	code, page := doHost(t, f, "GET", "evil.example", "/")
	if code != 200 || !strings.Contains(page, "webcal://evil.example") {
		t.Fatalf("Host evil.example: %d, page lacks its own links", code)
	}
	for _, path := range []string{
		"/%20http://evil.example",
		"/%20http://evil.example/",
		"/ http://evil.example",
		"/page:/%20http://evil.example",
		"/%20" + strings.TrimPrefix(f.srv.URL, "http://"),
		"/qr%20http://evil.example",
		"/path:/",
	} {
		for _, method := range []string{"GET", "HEAD"} {
			code, body := doHost(t, f, method, "", path)
			if code != http.StatusNotFound {
				t.Errorf("%s %s: status %d, want 404", method, path, code)
			}
			if strings.Contains(body, "evil.example") {
				t.Errorf("%s %s: serves the page rendered for another Host", method, path)
			}
		}
	}
	// The request's own Host still gets its own links, twice (fresh and cached).
	for range 2 {
		_, page := doHost(t, f, "GET", "", "/")
		if strings.Contains(page, "evil.example") || !strings.Contains(page, "webcal://"+strings.TrimPrefix(f.srv.URL, "http://")) {
			t.Fatal("/ for the server's own Host names another address")
		}
	}
}

// Parallel wrong passwords cannot slip past the lockout while their bcrypt
// checks run: each attempt is counted before its check, so of 20 at once at
// most 5 reach the password check (401) and the rest are refused (429); the
// right password afterwards is refused too. The refused ones count nothing
// against the address, so another account there still logs in.
func TestParallelLoginsHitTheLockout(t *testing.T) {
	f := newStaffFixture(t)
	const n = 20
	clients := make([]*client, n)
	for i := range clients {
		clients[i] = f.client(t)
		clients[i].get("/staff/login")
	}
	codes := make([]int, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i, c := range clients {
		done.Add(1)
		go func() {
			defer done.Done()
			form := url.Values{"name": {"editor"}, "password": {"wrong-guess"}, "csrf": {c.cookie("zhiban_login")}}
			req, _ := http.NewRequest(http.MethodPost, c.base+"/staff/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			start.Wait()
			resp, err := c.hc.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	start.Done()
	done.Wait()
	checked, refused := 0, 0
	for _, code := range codes {
		switch code {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
			refused++
		default:
			t.Errorf("status %d", code)
		}
	}
	if checked > 5 || checked+refused != n {
		t.Fatalf("%d of %d parallel wrong passwords reached the password check (%d refused), want at most 5", checked, n, refused)
	}
	if code := f.client(t).login("editor", testPassword); code != http.StatusTooManyRequests {
		t.Fatalf("right password after the parallel failures: %d, want 429", code)
	}
	if code := f.client(t).login("viewer", testPassword); code != http.StatusSeeOther {
		t.Fatalf("another account from the same address: %d, want a login", code)
	}
}
