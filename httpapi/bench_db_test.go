package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhiban/auth"
	"zhiban/config"
	"zhiban/county"
	"zhiban/httpapi"
	"zhiban/publish"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/store/storetest"
)

// The benchmarks below compare SQLite and PostgreSQL through a real HTTP
// listener (issue 12, item 7); scripts/bench-db.sh measures the public pages
// of a real `zhiban serve` with wrk. PostgreSQL runs need ZHIBAN_TEST_POSTGRES:
//
//	ZHIBAN_TEST_POSTGRES=postgres://… go test ./httpapi -run '^$' \
//	  -bench 'StaffWrite|PublicDB' -benchtime 400x
//
// Each reports p50 and p99 latency in milliseconds and the rate reached;
// ns/op is left out, being only the inverse of that rate.

// dbServer is the demo county with a filled roster on one database, served
// over real HTTP, with an editor's bearer token.
type dbServer struct {
	url   string
	store *store.Store
	cfg   config.Config
	token string
	today roster.Date
}

// benchDatabases are the databases each benchmark runs on; PostgreSQL skips
// without ZHIBAN_TEST_POSTGRES.
var benchDatabases = []struct {
	name string
	dsn  func(b *testing.B) string
}{
	{"sqlite", func(b *testing.B) string { return filepath.Join(b.TempDir(), "zhiban.db") }},
	{"postgres", func(b *testing.B) string { return storetest.PostgresURL(b) }},
}

// newDBServer serves a fresh demo county on dsn; cacheCheck is httpapi.Options.CacheCheck.
func newDBServer(b *testing.B, dsn string, cacheCheck time.Duration) *dbServer {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.ImportCounty(ctx, county.Demo(), "bench"); err != nil {
		b.Fatal(err)
	}
	cfg := testConfig(b, func(c *config.Config) { c.PublicURL = "http://zhiban.example" })
	today := roster.Today(time.Now(), cfg.Location)
	fillRoster(b, st, today.AddDays(-30), today.AddDays(150))
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "editor", auth.RoleEditor, hash, "bench"); err != nil {
		b.Fatal(err)
	}
	secret, tokenHash := auth.NewToken()
	if _, err := st.CreateAPIToken(ctx, "editor", tokenHash, "bench", "bench"); err != nil {
		b.Fatal(err)
	}
	s, err := httpapi.New(st, httpapi.Options{Config: cfg, Version: "bench", CacheCheck: cacheCheck,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	b.Cleanup(srv.Close)
	return &dbServer{url: srv.URL, store: st, cfg: cfg, token: secret, today: today}
}

// benchClient keeps one connection per concurrent client alive, as a browser would.
func benchClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
}

// measure runs b.N requests from clients goroutines, each asking its own
// next(client, i) for the i-th request it makes, and reports p50, p99 and the rate.
func measure(b *testing.B, clients int, unit string, next func(client, i int) (*http.Request, func([]byte) error)) {
	b.Helper()
	hc := benchClient()
	var (
		taken  atomic.Int64
		mu     sync.Mutex
		all    []time.Duration
		failed error
		wg     sync.WaitGroup
	)
	b.ResetTimer()
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := 0; taken.Add(1) <= int64(b.N); i++ {
				req, check := next(c, i)
				t0 := time.Now()
				resp, err := hc.Do(req)
				var body []byte
				if err == nil {
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				mine = append(mine, time.Since(t0))
				if err == nil && check != nil {
					err = check(body)
				}
				if err == nil && resp.StatusCode/100 != 2 {
					err = fmt.Errorf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, body)
				}
				if err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
					taken.Store(int64(b.N)) // stop every client
					break
				}
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	took := time.Since(start)
	b.StopTimer()
	if failed != nil {
		b.Fatal(failed)
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[min(len(all)-1, int(p*float64(len(all))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(len(all))/took.Seconds(), unit)
}

// BenchmarkStaffWrite is staff writes through the JSON API with a bearer
// token, by 1 and by 8 concurrent clients: "slot" re-saves a duty slot
// (same leader, pin toggled: a versioned update with its audit row), "case"
// registers a petition case (new rows, case code, search index, outbox).
func BenchmarkStaffWrite(b *testing.B) {
	for _, db := range benchDatabases {
		b.Run(db.name, func(b *testing.B) {
			s := newDBServer(b, db.dsn(b), 0)
			ctx := context.Background()
			// Duty slots from tomorrow on; client c edits only every
			// clients-th of them, so concurrent edits never conflict.
			stored, err := s.store.Assignments(ctx, s.today.AddDays(1), s.today.AddDays(150))
			if err != nil {
				b.Fatal(err)
			}
			var slots []store.StoredAssignment
			for _, a := range stored {
				if a.Role == "值班领导" {
					slots = append(slots, a)
				}
			}
			if len(slots) < 64 {
				b.Fatalf("only %d duty slots", len(slots))
			}
			for _, clients := range []int{1, 8} {
				b.Run("slot/clients="+strconv.Itoa(clients), func(b *testing.B) {
					mine := make([][]*store.StoredAssignment, clients)
					for i := range slots {
						mine[i%clients] = append(mine[i%clients], &slots[i])
					}
					measure(b, clients, "writes/s", func(c, i int) (*http.Request, func([]byte) error) {
						a := mine[c][i%len(mine[c])]
						a.Pinned = !a.Pinned
						body := fmt.Sprintf(`{"person":%q,"version":%d,"pinned":%t}`, a.Person, a.Version, a.Pinned)
						req := s.request(http.MethodPut, "/api/v1/assignments/"+a.Roster+"/"+a.Date.String()+"/"+url.PathEscape(a.Role), body)
						return req, func(resp []byte) error {
							var got store.StoredAssignment
							if err := json.Unmarshal(resp, &got); err != nil {
								return fmt.Errorf("%w: %s", err, resp)
							}
							a.Version = got.Version // the next edit of this slot builds on this one
							return nil
						}
					})
				})
			}
			received := s.today.AddDays(-1).String()
			for _, clients := range []int{1, 8} {
				b.Run("case/clients="+strconv.Itoa(clients), func(b *testing.B) {
					measure(b, clients, "writes/s", func(c, i int) (*http.Request, func([]byte) error) {
						body := fmt.Sprintf(`{"title":"征地补偿款未到位","category":"征地拆迁","township":"t01","received":%q,`+
							`"channel":"来访","petitioner":{"name":"张%d","phone":"1380000%04d","address":"城关镇%d号"},`+
							`"content":"反映征地补偿款至今未发放到位。","group_size":1,"leader":"L01"}`, received, c, i%10000, i)
						return s.request(http.MethodPost, "/api/v1/cases", body), nil
					})
				})
			}
		})
	}
}

func (s *dbServer) request(method, path, body string) *http.Request {
	req, err := http.NewRequest(method, s.url+path, bytes.NewReader([]byte(body)))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	return req
}

// BenchmarkPublicDB is the public pages and feed over real HTTP from 8
// concurrent clients, with the cache as deployed ("cached") and with the
// database version checked on every request ("check-every-request", the
// cost each request would pay the database without the 1 s / 250 ms trust).
func BenchmarkPublicDB(b *testing.B) {
	for _, db := range benchDatabases {
		b.Run(db.name, func(b *testing.B) {
			for _, mode := range []struct {
				name  string
				check time.Duration
			}{{"cached", 0}, {"check-every-request", -1}} {
				b.Run(mode.name, func(b *testing.B) {
					s := newDBServer(b, db.dsn(b), mode.check)
					month := roster.MonthOf(s.today).String()
					for _, p := range []struct{ name, path string }{
						{"today", "/"}, {"month", "/roster/" + month}, {"feed", "/feeds/roster.ics"},
					} {
						b.Run(p.name, func(b *testing.B) {
							measure(b, 8, "req/s", func(int, int) (*http.Request, func([]byte) error) {
								req, _ := http.NewRequest(http.MethodGet, s.url+p.path, nil)
								return req, nil
							})
						})
					}
				})
			}
		})
	}
}

// BenchmarkPublishDB is what a cache miss asks of the database: the data of
// the today page, the month page and the roster feed, read and assembled
// (no template, no HTTP), from 8 goroutines. It is the cost each public
// request would pay without the page cache.
func BenchmarkPublishDB(b *testing.B) {
	for _, db := range benchDatabases {
		b.Run(db.name, func(b *testing.B) {
			s := newDBServer(b, db.dsn(b), 0)
			pub := publish.New(s.store, s.cfg)
			month := roster.MonthOf(s.today)
			for _, p := range []struct {
				name string
				load func(context.Context) error
			}{
				{"today", func(ctx context.Context) error { _, err := pub.TodayPage(ctx, s.today); return err }},
				{"month", func(ctx context.Context) error { _, _, err := pub.MonthPage(ctx, s.today, month); return err }},
				{"feed", func(ctx context.Context) error { _, _, err := pub.RosterFeed(ctx, s.today); return err }},
			} {
				b.Run(p.name, func(b *testing.B) {
					b.SetParallelism(4) // 4 × GOMAXPROCS goroutines: 8 on the 2-CPU machine
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if err := p.load(context.Background()); err != nil {
								b.Error(err)
								return
							}
						}
					})
				})
			}
		})
	}
}
