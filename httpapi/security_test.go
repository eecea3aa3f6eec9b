package httpapi_test

import (
	"io"
	"net/http"
	"strings"
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
