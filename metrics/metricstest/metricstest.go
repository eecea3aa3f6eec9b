// Package metricstest scrapes a /metrics endpoint over HTTP and reads its
// samples, for the tests of the packages that report metrics.
package metricstest

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Scrape is one scrape's text.
type Scrape struct {
	Text string
}

// Get scrapes url and fails t unless it answers 200 in the text format.
func Get(t testing.TB, url string) Scrape {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("scrape %s: %d %s\n%s", url, resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	return Scrape{Text: string(b)}
}

// Value returns the sample of name with exactly the labels given as
// name=value pairs ("route=/", "code=200"), and whether there is one.
func (s Scrape) Value(name string, labels ...string) (float64, bool) {
	want := slices.Clone(labels)
	slices.Sort(want)
	for _, line := range strings.Split(s.Text, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		series, val, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		n, set, _ := strings.Cut(series, "{")
		if n != name {
			continue
		}
		var got []string
		if set = strings.TrimSuffix(set, "}"); set != "" {
			for _, kv := range strings.Split(set, `",`) {
				k, v, _ := strings.Cut(kv, "=")
				got = append(got, k+"="+strings.Trim(v, `"`))
			}
		}
		slices.Sort(got)
		if slices.Equal(got, want) {
			f, err := strconv.ParseFloat(val, 64)
			return f, err == nil
		}
	}
	return 0, false
}

// Want fails t unless the sample of name with labels equals want.
func (s Scrape) Want(t testing.TB, want float64, name string, labels ...string) {
	t.Helper()
	got, ok := s.Value(name, labels...)
	if !ok {
		t.Errorf("no sample %s%v in the scrape", name, labels)
	} else if got != want {
		t.Errorf("%s%v = %v, want %v", name, labels, got, want)
	}
}
