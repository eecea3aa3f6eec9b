package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/httpapi"
	"zhiban/roster"
)

// vevents returns the unfolded VEVENT blocks of an iCalendar body, keyed by UID.
func vevents(body []byte) map[string]string {
	text := string(bytes.ReplaceAll(body, []byte("\r\n "), nil))
	out := map[string]string{}
	for _, block := range strings.Split(text, "BEGIN:VEVENT\r\n")[1:] {
		block, _, _ = strings.Cut(block, "END:VEVENT\r\n")
		for _, line := range strings.Split(block, "\r\n") {
			if uid, ok := strings.CutPrefix(line, "UID:"); ok {
				out[uid] = block
			}
		}
	}
	return out
}

// Feed UIDs come from database identity only: the same database served
// under another public_url gives the same UIDs, none naming the host.
func TestFeedUIDsIgnorePublicURL(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	_, before := f.do(t, "GET", "/feeds/roster.ics", nil)
	cfg := testConfig(t, func(c *config.Config) { c.PublicURL = "https://calendar.other.example" })
	s, err := httpapi.New(f.store, httpapi.Options{Config: cfg, Now: f.clock, Version: "test", CacheCheck: -1})
	if err != nil {
		t.Fatal(err)
	}
	other := httptest.NewServer(s.Handler())
	defer other.Close()
	resp, err := http.Get(other.URL + "/feeds/roster.ics")
	if err != nil {
		t.Fatal(err)
	}
	after, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	a, b := vevents(before), vevents(after)
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("%d events before, %d after", len(a), len(b))
	}
	for uid := range a {
		if _, ok := b[uid]; !ok {
			t.Errorf("UID %s changed with public_url", uid)
		}
		if strings.Contains(uid, "example") {
			t.Errorf("UID %s names the public host", uid)
		}
	}
}

// Pinning changes nothing a subscriber sees: the duty keeps its SEQUENCE,
// DTSTAMP and LAST-MODIFIED, and the feed keeps its bytes. Taking a person
// off a row and putting them back raises the SEQUENCE of their UID each time.
func TestDutySequenceOnlyRisesOnSignificantChange(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	f := newPubFixture(t, now)
	ctx := context.Background()
	day := roster.MustDate("2026-12-03")
	a := f.firstDuty(t, day)
	domain, err := f.store.FeedDomain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	uid := "duty-" + itoa(int(a.ID)) + "-" + a.Person + "@" + domain
	prop := func(ev, name string) string {
		for _, line := range strings.Split(ev, "\r\n") {
			if v, ok := strings.CutPrefix(line, name+":"); ok {
				return v
			}
		}
		return ""
	}
	_, before := f.do(t, "GET", "/feeds/roster.ics", nil)
	ev := vevents(before)[uid]
	if ev == "" {
		t.Fatalf("%s missing from the feed", uid)
	}

	f.store.Now = func() time.Time { return now.Add(time.Hour) }
	pinned, err := f.store.SetPinned(ctx, a.Key(), a.Version, true, "staff")
	if err != nil {
		t.Fatal(err)
	}
	_, after := f.do(t, "GET", "/feeds/roster.ics", nil)
	got := vevents(after)[uid]
	for _, p := range []string{"SEQUENCE", "DTSTAMP", "LAST-MODIFIED", "STATUS"} {
		if prop(got, p) != prop(ev, p) {
			t.Errorf("pin moved %s: %s → %s", p, prop(ev, p), prop(got, p))
		}
	}
	if !bytes.Equal(before, after) {
		t.Error("pinning changed the feed's bytes")
	}

	// Off and back on again: cancelled at 1, live again at 2.
	other := a.Assignment
	for _, id := range []string{"L01", "L02", "L03", "L04", "L05"} {
		if id != a.Person {
			other.Person = id
			break
		}
	}
	f.store.Now = func() time.Time { return now.Add(2 * time.Hour) }
	moved, err := f.store.SetAssignment(ctx, other, pinned.Version, "staff")
	if err != nil {
		t.Fatal(err)
	}
	_, body := f.do(t, "GET", "/feeds/roster.ics", nil)
	if got := vevents(body)[uid]; prop(got, "SEQUENCE") != "1" || prop(got, "STATUS") != "CANCELLED" {
		t.Errorf("after reassignment: %s", got)
	}
	f.store.Now = func() time.Time { return now.Add(3 * time.Hour) }
	back := a.Assignment
	if _, err := f.store.SetAssignment(ctx, back, moved.Version, "staff"); err != nil {
		t.Fatal(err)
	}
	_, body = f.do(t, "GET", "/feeds/roster.ics", nil)
	got = vevents(body)[uid]
	if prop(got, "SEQUENCE") != "2" || prop(got, "STATUS") != "CONFIRMED" || prop(got, "DTSTAMP") != "20261201T040000Z" {
		t.Errorf("after putting %s back: %s", a.Person, got)
	}
}

// Township and leader feeds both answer only under their .ics name.
func TestFeedsNeedTheICSSuffix(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	tok, err := f.store.RotateFeedToken(context.Background(), "L02", "test")
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{
		"/feeds/township/t02.ics": 200, "/feeds/township/t02": 404,
		"/feeds/leader/" + tok + ".ics": 200, "/feeds/leader/" + tok: 404,
	} {
		if resp, _ := f.do(t, "GET", path, nil); resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}
