package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiban/store"
	"zhiban/visits"
)

// BenchmarkBookingRush is the 17:00 rush (issue 15 item 5): 2,000 booking
// attempts in 10 seconds over 200 connections, each connection a different
// client address behind the trusted proxy (X-Forwarded-For), 70% of them
// for tomorrow and the rest over the next days. It checks that no day holds
// more bookings than its capacity (and a day asked for more holds exactly
// it), that no code repeats, and reports the latencies. One iteration takes
// 10 s: run it with
//
//	go test ./httpapi -run '^$' -bench BookingRush -benchtime 1x
//
// (and ZHIBAN_TEST_STORE=postgres ZHIBAN_TEST_POSTGRES=… for PostgreSQL).
func BenchmarkBookingRush(b *testing.B) {
	const (
		conns    = 200
		perConn  = 10
		duration = 10 * time.Second
		capacity = 10
	)
	for range b.N {
		f := newBookingFixture(b, nil)
		f.mu.Lock()
		f.now = time.Date(2026, 12, 1, 8, 55, 0, 0, time.UTC) // 16:55 in Shanghai
		f.mu.Unlock()
		resp, err := http.Get(f.srv.URL + "/booking")
		if err != nil {
			b.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var days []string
		for _, m := range dayValue.FindAllStringSubmatch(string(page), -1) {
			days = append(days, m[1])
		}
		if len(days) < 5 {
			b.Fatalf("days offered: %v", days)
		}
		asked := map[string]int{}
		var mu sync.Mutex
		var lat []time.Duration
		status := map[int]int{}
		var wg sync.WaitGroup
		start := time.Now()
		b.ResetTimer()
		for c := range conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				hc := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1}}
				defer hc.CloseIdleConnections()
				addr := fmt.Sprintf("203.0.%d.%d", c/250, c%250+1)
				// Spread each connection's requests over the 10 seconds.
				offset := time.Duration(c) * duration / perConn / conns
				for i := range perConn {
					time.Sleep(time.Until(start.Add(offset + time.Duration(i)*duration/perConn)))
					n := c*perConn + i + 1
					day := days[0]
					if n%10 >= 7 {
						day = days[1+n%4]
					}
					form := bookingForm(day, n)
					req, _ := http.NewRequest("POST", f.srv.URL+"/booking", strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("X-Forwarded-For", addr)
					t0 := time.Now()
					resp, err := hc.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					d := time.Since(t0)
					mu.Lock()
					lat = append(lat, d)
					status[resp.StatusCode]++
					asked[day]++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		b.StopTimer()
		bs, err := f.store.Bookings(context.Background(), store.BookingFilter{State: visits.BookingActive})
		if err != nil {
			b.Fatal(err)
		}
		held := map[string]int{}
		codes := map[string]bool{}
		for _, x := range bs {
			key := x.Roster + "/" + x.Date.String()
			held[key]++
			if codes[x.Code] {
				b.Errorf("code %s twice", x.Code)
			}
			codes[x.Code] = true
		}
		for day, n := range asked {
			if want := min(n, capacity); held[day] != want {
				b.Errorf("%s: %d asked, %d booked, want %d", day, n, held[day], want)
			}
		}
		if status[http.StatusOK] != len(bs) || status[http.StatusOK]+status[http.StatusConflict] != conns*perConn {
			b.Errorf("answers %v for %d bookings", status, len(bs))
		}
		slices.Sort(lat)
		p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
		b.ReportMetric(float64(len(lat)), "attempts")
		b.ReportMetric(float64(len(bs)), "booked")
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "attempts/s")
		b.ReportMetric(float64(p(0.50).Microseconds())/1000, "p50_ms")
		b.ReportMetric(float64(p(0.99).Microseconds())/1000, "p99_ms")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max_ms")
		b.Logf("%d attempts in %s over %d connections: %v; booked %d on %d days; p50 %s p99 %s max %s",
			len(lat), elapsed.Round(time.Millisecond), conns, status, len(bs), len(held), p(0.5), p(0.99), lat[len(lat)-1])
		if p(0.99) > 200*time.Millisecond {
			b.Errorf("p99 %s over 200 ms", p(0.99))
		}
	}
}
