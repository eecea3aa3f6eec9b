// Package icaljstest runs Mozilla's ical.js (the parser inside Thunderbird) over
// feeds in tests, so correctness is checked by a parser nobody here wrote.
package icaljstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Env names the environment variable pointing at an installed ical.js
// package directory (node_modules/ical.js); .ci/run sets it.
const Env = "ZHIBAN_ICALJS"

// Parsed is a feed as Mozilla's ical.js reads it; tests compare it to their input.
type Parsed struct {
	Name            string        `json:"name"`
	XWRCalName      string        `json:"x_wr_calname"`
	XWRTimezone     string        `json:"x_wr_timezone"`
	RefreshInterval string        `json:"refresh_interval"`
	Version         string        `json:"version"`
	ProdID          string        `json:"prodid"`
	Timezones       []string      `json:"timezones"`
	Events          []ParsedEvent `json:"events"`
}

// ParsedEvent is one VEVENT as ical.js reads it.
type ParsedEvent struct {
	UID          string   `json:"uid"`
	Summary      string   `json:"summary"`
	Description  string   `json:"description"`
	Location     string   `json:"location"`
	Status       string   `json:"status"`
	Transp       string   `json:"transp"`
	Sequence     int      `json:"sequence"`
	AllDay       bool     `json:"all_day"`
	Start        string   `json:"start"` // 2026-12-01 or 2026-12-01T09:00:00
	End          string   `json:"end"`
	StartUnix    int64    `json:"start_unix"`
	EndUnix      int64    `json:"end_unix"`
	DTStamp      string   `json:"dtstamp"`
	LastModified string   `json:"last_modified"`
	Categories   []string `json:"categories"`
}

// Parse parses data with ical.js under node. It returns ok=false
// when ZHIBAN_ICALJS is unset (a developer machine without node); when it is
// set, a missing node or package is an error, so CI cannot skip silently.
func Parse(data []byte) (p Parsed, ok bool, err error) {
	dir := os.Getenv(Env)
	if dir == "" {
		return p, false, nil
	}
	if _, err := os.Stat(filepath.Join(dir, "dist", "ical.js")); err != nil {
		return p, true, fmt.Errorf("icaljstest: %s=%s has no dist/ical.js: %w", Env, dir, err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return p, true, fmt.Errorf("icaljstest: %s is set but node is missing: %w", Env, err)
	}
	_, self, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(self), "parse.mjs")
	cmd := exec.Command(node, script, dir)
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return p, true, fmt.Errorf("icaljstest: ical.js rejected the feed: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(out, &p); err != nil {
		return p, true, fmt.Errorf("icaljstest: read ical.js output: %w", err)
	}
	return p, true, nil
}

// MustParse parses data with ical.js, failing the test on any error. Only
// when os.Getenv(Env) is empty (a machine without node) is the test skipped;
// .ci/run sets it, so in CI a missing tool fails instead.
func MustParse(t testing.TB, data []byte) Parsed {
	t.Helper()
	p, ok, err := Parse(data)
	if !ok {
		t.Skipf("os.Getenv(%q) is empty: ical.js checks skipped (.ci/run sets it)", Env)
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}
