package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zhiban/config/configtest"
	"zhiban/county"
	"zhiban/httpapi"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/store/storetest"
)

// fixture is a demo county with two duty days stored, served over real HTTP.
type fixture struct {
	srv   *httptest.Server
	store *store.Store
	now   time.Time
}

func newFixture(t *testing.T, now time.Time) *fixture {
	t.Helper()
	st := storetest.OpenDemo(t, nil)
	cfg := testConfig(t, nil)
	f := &fixture{store: st, now: now}
	s, err := httpapi.New(st, httpapi.Options{Config: cfg, Now: func() time.Time { return f.now }, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(s.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

// assign stores one duty day: the first member of each slot's pool, offset by i.
func (f *fixture) assign(t *testing.T, d roster.Date, i int) []roster.Person {
	t.Helper()
	ctx := context.Background()
	defs, _ := f.store.Rosters(ctx)
	pools, _ := f.store.Pools(ctx)
	var as []roster.Assignment
	var who []roster.Person
	for _, sl := range defs[0].Slots {
		for _, p := range pools {
			if p.ID == sl.Pool {
				id := p.Members[i%len(p.Members)]
				as = append(as, roster.Assignment{Roster: defs[0].ID, Date: d, Role: sl.Role, Person: id})
				person, _ := f.store.Person(ctx, id)
				who = append(who, person)
			}
		}
	}
	if _, _, err := f.store.SaveGenerated(ctx, as, nil, "test"); err != nil {
		t.Fatal(err)
	}
	return who
}

// fillRoster generates the stored roster from from to to.
func fillRoster(tb testing.TB, st *store.Store, from, to roster.Date) {
	tb.Helper()
	if _, err := planner.Fill(context.Background(), st, from, to, from, "test"); err != nil {
		tb.Fatal(err)
	}
}

// get fetches url and returns the status and the body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return send(t, req)
}

// send does req and returns the status and the body.
func send(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, b := roundTrip(t, http.DefaultClient, req)
	return resp.StatusCode, string(b)
}

// roundTrip does req with hc and returns the response (its body read and
// closed) and the body.
func roundTrip(t testing.TB, hc *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestHealthz(t *testing.T) {
	f := newFixture(t, time.Now())
	code, body := get(t, f.srv.URL+"/healthz")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	var h map[string]any
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatal(err)
	}
	if h["version"] != "test" || h["database"] != "ok" {
		t.Fatalf("healthz %v", h)
	}
}

func TestTodayPageShowsDutyLeaders(t *testing.T) {
	// 2026-12-01 09:00 in Shanghai is 2026-11-30 20:00 in New York: the page must say 1 December.
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	f := newFixture(t, now)
	who := f.assign(t, roster.MustDate("2026-12-01"), 0)
	f.assign(t, roster.MustDate("2026-12-02"), 1)
	code, body := get(t, f.srv.URL+"/")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	for _, want := range []string{`lang="zh-CN"`, "2026年12月1日", "值班领导", "跟班领导", who[0].Name, who[0].Title, who[1].Name} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, p := range county.Demo().People {
		if p.Phone != "" && strings.Contains(body, p.Phone) {
			t.Errorf("page shows the private phone of %s", p.ID)
		}
		if p.Email != "" && strings.Contains(body, p.Email) {
			t.Errorf("page shows the private e-mail of %s", p.ID)
		}
	}
}

func TestTodayPageOnAnOffDay(t *testing.T) {
	f := newFixture(t, time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC)) // a Saturday
	f.assign(t, roster.MustDate("2026-12-07"), 0)
	_, body := get(t, f.srv.URL+"/")
	if !strings.Contains(body, "不是值班日") || !strings.Contains(body, "12月7日") {
		t.Fatalf("off-day page lacks the notice or the next duty day:\n%s", body)
	}
}

func TestUnknownPageIs404InChinese(t *testing.T) {
	f := newFixture(t, time.Now())
	code, body := get(t, f.srv.URL+"/no-such-page")
	if code != 404 || !strings.Contains(body, "页面不存在") {
		t.Fatalf("%d %s", code, body)
	}
}

// testConfig is the default configuration, changed by edit (when not nil)
// and validated, as a server is started with it.
var testConfig = configtest.Valid
