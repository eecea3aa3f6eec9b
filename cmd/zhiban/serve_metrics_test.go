package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhiban/metrics/metricstest"
)

// serveLog runs args (serve) until ctx ends, its log lines on a channel;
// done gets the exit code.
func serveLog(ctx context.Context, args ...string) (lines <-chan string, done <-chan int) {
	pr, pw := io.Pipe()
	ch, code := make(chan string), make(chan int, 1)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	go func() {
		code <- run(ctx, args, io.Discard, pw)
		pw.Close()
	}()
	return ch, code
}

// addrs reads log lines until the public and the metrics listeners are up
// and returns their addresses; later lines are drained.
func addrs(t *testing.T, lines <-chan string) (public, metrics string) {
	t.Helper()
	serving := regexp.MustCompile(`msg=Serving addr=(\S+)`)
	servingMetrics := regexp.MustCompile(`msg="Serving metrics" addr=(\S+)`)
	timeout := time.After(20 * time.Second)
	for public == "" || metrics == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatal("serve stopped before listening")
			}
			if m := serving.FindStringSubmatch(line); m != nil {
				public = m[1]
			}
			if m := servingMetrics.FindStringSubmatch(line); m != nil {
				metrics = m[1]
			}
		case <-timeout:
			t.Fatal("serve did not log its addresses")
		}
	}
	go func() {
		for range lines {
		}
	}()
	return public, metrics
}

// getURL fetches url and returns the status and the body.
func getURL(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// serve with metrics.listen serves /metrics on that address, counting the
// public listener's requests and the jobs, and closes it with the server.
func TestServeStartsAndStopsTheMetricsListener(t *testing.T) {
	db := demoDB(t)
	cfg := writeFile(t, t.TempDir(), "c.yaml", []byte("metrics:\n  listen: 127.0.0.1:0\n"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lines, done := serveLog(ctx, "serve", "--config", cfg, "--db", db, "--listen", "127.0.0.1:0")
	addr, maddr := addrs(t, lines)
	if addr == maddr {
		t.Fatalf("metrics on the public address %s", addr)
	}
	if code, body := getURL(t, "http://"+addr+"/"); code != 200 {
		t.Fatalf("public page: %d %.200s", code, body)
	}
	if code, _ := getURL(t, "http://"+addr+"/metrics"); code != 404 {
		t.Errorf("/metrics on the public address: %d", code)
	}
	sc := metricstest.Get(t, "http://"+maddr+"/metrics")
	sc.Want(t, 1, "zhiban_http_requests_total", "route=/", "method=GET", "code=200")
	if _, ok := sc.Value("zhiban_job_failures_total", "job=extend-roster"); !ok {
		t.Errorf("no job series in:\n%s", sc.Text)
	}
	if _, ok := sc.Value("zhiban_outbox_backlog", "state=pending"); !ok {
		t.Errorf("no outbox backlog in:\n%s", sc.Text)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if c, err := net.DialTimeout("tcp", maddr, time.Second); err == nil {
		c.Close()
		t.Fatal("the metrics listener outlived the server")
	}
}

// metrics.listen may not be the public address, also when --listen makes it so.
func TestServeRefusesMetricsOnThePublicAddress(t *testing.T) {
	cfg := writeFile(t, t.TempDir(), "c.yaml", []byte("metrics:\n  listen: 127.0.0.1:18089\n"))
	code, _, errs := zhiban(t, "serve", "--config", cfg, "--db", demoDB(t), "--listen", "127.0.0.1:18089")
	if code != 1 || !strings.Contains(errs, "metrics.listen") || !strings.Contains(errs, "不能与 listen 相同") {
		t.Fatalf("%d %q", code, errs)
	}
}
