package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"zhiban/roster"
)

// A write by this process shows on the next request, even inside the
// once-a-second check for other processes' writes.
func TestWriteShowsAtOnce(t *testing.T) {
	f := newFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	f.assign(t, roster.MustDate("2026-12-01"), 0)
	_, before := get(t, f.srv.URL+"/roster/2026-12")
	who := f.assign(t, roster.MustDate("2026-12-01"), 1)
	_, after := get(t, f.srv.URL+"/roster/2026-12")
	if before == after || !strings.Contains(after, who[0].Name) {
		t.Fatalf("the month page did not follow the write at once")
	}
	if w := f.store.Writes(); w == 0 {
		t.Fatalf("store counted no writes")
	}
}
