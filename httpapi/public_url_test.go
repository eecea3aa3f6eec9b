package httpapi_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhiban/config"
)

// With public_url unset, links and the QR code name the address each
// request came to, and a page cached for one Host is never served to another.
func TestPublicURLDerivedFromRequest(t *testing.T) {
	t.Parallel()
	f := newPubFixtureWith(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC), func(c *config.Config) { c.PublicURL = "" })
	get := func(host, path string, header map[string]string) []byte {
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		req.Host = host
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return b
	}
	for _, tc := range []struct {
		host   string
		header map[string]string
		want   []string
	}{
		{"county.example:19301", nil, []string{"webcal://county.example:19301/feeds/roster.ics", "http://county.example:19301/feeds/roster.ics"}},
		{"zhiban.gov.example", map[string]string{"X-Forwarded-Proto": "https"}, []string{"webcal://zhiban.gov.example/feeds/roster.ics", "https://zhiban.gov.example/feeds/roster.ics"}},
		{"county.example:19301", nil, []string{"http://county.example:19301/feeds/roster.ics"}},
	} {
		page := string(get(tc.host, "/", tc.header))
		for _, w := range tc.want {
			if !strings.Contains(page, w) {
				t.Errorf("Host %s: page lacks %q", tc.host, w)
			}
		}
		if strings.Contains(page, "127.0.0.1:8080") || tc.header == nil && strings.Contains(page, "zhiban.gov.example") {
			t.Errorf("Host %s: page names another address", tc.host)
		}
	}
	if a, b := get("a.example", "/qr.png", nil), get("b.example", "/qr.png", nil); bytes.Equal(a, b) {
		t.Error("QR code does not follow the request's address")
	}
	if feed := get("a.example", "/feeds/roster.ics", nil); bytes.Contains(feed, []byte("a.example")) {
		t.Error("the shared feed names one request's host")
	}
}
