package httpapi_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"zhiban/config"
	"zhiban/httpapi"
	"zhiban/store/storetest"
)

// TestAccessLogKeepsSecretsOut: with log.access on, every request is one
// JSON line with its status and size, cache hits included, and neither a
// leader feed's token nor a search query reaches the log.
func TestAccessLogKeepsSecretsOut(t *testing.T) {
	st := storetest.OpenDemo(t, nil)
	cfg := testConfig(t, func(c *config.Config) { c.Log.Access = true; c.PublicURL = "http://zhiban.example" })
	var buf bytes.Buffer
	srv, err := httpapi.New(st, httpapi.Options{Config: cfg, Version: "test", Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	paths := []string{"/", "/", "/feeds/leader/SECRETTOKEN123.ics", "/staff/cases?q=" + url.QueryEscape("王小明"), "/no-such-page"}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, p := range paths {
		resp, err := hc.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if strings.Contains(buf.String(), "SECRETTOKEN123") || strings.Contains(buf.String(), "王小明") {
		t.Fatalf("a secret reached the log:\n%s", buf.String())
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		if m["msg"] == "request" {
			lines = append(lines, m)
		}
	}
	if len(lines) != len(paths) {
		t.Fatalf("%d request lines for %d requests:\n%s", len(lines), len(paths), buf.String())
	}
	want := []struct {
		path   string
		status float64
	}{{"/", 200}, {"/", 200}, {"/feeds/leader/…", 404}, {"/staff/cases", 303}, {"/no-such-page", 404}}
	for i, w := range want {
		if lines[i]["path"] != w.path || lines[i]["status"] != w.status {
			t.Errorf("line %d: path %v status %v, want %s %v", i, lines[i]["path"], lines[i]["status"], w.path, w.status)
		}
	}
	if lines[1]["bytes"].(float64) < 1000 {
		t.Errorf("the cached home page logged %v bytes", lines[1]["bytes"])
	}
}
