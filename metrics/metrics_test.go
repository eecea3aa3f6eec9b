package metrics_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"zhiban/metrics"
	"zhiban/metrics/metricstest"
	"zhiban/store/storetest"
)

// A database that does not answer costs the scrape its own series only.
func TestScrapeSurvivesADeadDatabase(t *testing.T) {
	st := storetest.Open(t)
	m := metrics.New()
	if err := m.Store(st); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	metricstest.Get(t, srv.URL).Want(t, 0, "zhiban_outbox_backlog", "state=pending")
	st.Close()
	sc := metricstest.Get(t, srv.URL)
	if strings.Contains(sc.Text, "zhiban_outbox_backlog") || !strings.Contains(sc.Text, "go_goroutines") {
		t.Fatalf("scrape with the database closed:\n%s", sc.Text)
	}
}

// One registry per server: two servers in one process count apart.
func TestRegistriesAreSeparate(t *testing.T) {
	a, b := metrics.New(), metrics.New()
	a.Route("/").Observe("GET", 200, 0)
	for _, m := range []*metrics.Metrics{a, b} {
		if err := m.Store(storetest.Open(t)); err != nil {
			t.Fatal(err)
		}
	}
	srvA, srvB := httptest.NewServer(a.Handler()), httptest.NewServer(b.Handler())
	defer srvA.Close()
	defer srvB.Close()
	metricstest.Get(t, srvA.URL).Want(t, 1, "zhiban_http_requests_total", "route=/", "method=GET", "code=200")
	if _, ok := metricstest.Get(t, srvB.URL).Value("zhiban_http_requests_total", "route=/", "method=GET", "code=200"); ok {
		t.Fatal("a request on one server shows on the other")
	}
}
