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
	"zhiban/visits"
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

// leaderFeed fetches personID's private feed through a fresh token.
func (f *pubFixture) leaderFeed(t *testing.T, personID string) []byte {
	t.Helper()
	tok, err := f.store.RotateFeedToken(context.Background(), personID, "test")
	if err != nil {
		t.Fatal(err)
	}
	resp, body := f.do(t, "GET", "/feeds/leader/"+tok+".ics", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("leader feed of %s: %d", personID, resp.StatusCode)
	}
	return body
}

// A visit still 拟安排 is tentative in the leader's feed, a confirmed one confirmed.
func TestLeaderFeedPlannedVisitIsTentative(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	planned, err := f.store.CreateVisit(context.Background(), visits.Visit{Kind: visits.KindCarry, Leader: "L02",
		Date: f.visit.Date.AddDays(2), Start: 14 * 60, End: 16 * 60, Place: "漕河镇群众工作站", Township: "t02",
		State: visits.VisitPlanned}, "test")
	if err != nil {
		t.Fatal(err)
	}
	events := vevents(f.leaderFeed(t, "L02"))
	for id, want := range map[int64]string{planned.ID: "STATUS:TENTATIVE", f.visit.ID: "STATUS:CONFIRMED"} {
		uid := ""
		for u := range events {
			if strings.HasPrefix(u, "visit-"+itoa(int(id))+"@") {
				uid = u
			}
		}
		if uid == "" {
			t.Fatalf("visit %d missing from the feed", id)
		}
		if !strings.Contains(events[uid], want+"\r\n") {
			t.Errorf("%s: want %s in\n%s", uid, want, events[uid])
		}
	}
}

// Duty days in a leader's own feed do not block the day, as in the public feed.
func TestLeaderFeedDutyDaysAreTransparent(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	duties := 0
	for uid, ev := range vevents(f.leaderFeed(t, "L02")) {
		if !strings.HasPrefix(uid, "duty-") {
			continue
		}
		duties++
		if !strings.Contains(ev, "TRANSP:TRANSPARENT\r\n") {
			t.Errorf("%s is not transparent:\n%s", uid, ev)
		}
	}
	if duties == 0 {
		t.Fatal("L02 has no duty in the feed")
	}
}

// Feed UIDs come from database identity only: the same database served
// under another public_url gives the same UIDs, none naming the host.
func TestFeedUIDsIgnorePublicURL(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	_, before := f.do(t, "GET", "/feeds/roster.ics", nil)
	cfg := config.Default()
	cfg.PublicURL = "https://calendar.other.example"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
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
