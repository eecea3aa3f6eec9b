package publish

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhiban/clean"
	"zhiban/ical"
	"zhiban/ical/icaltest"
	"zhiban/publish/publishtest"
	"zhiban/roster"
)

// FuzzFeedBuild stores a leader's name, title and portfolio and a visit's
// place as legacy data might hold them (unchecked bytes), then builds the
// public roster feed and that leader's private feed: each must be valid
// UTF-8 with lines of at most 75 octets, parse back with golang-ical into
// exactly the events built, with no property a value could have injected,
// and give back every text value as stored text is repaired at output.
func FuzzFeedBuild(f *testing.F) {
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	st, cfg, seeded := publishtest.Open(f, now, nil)
	pub := New(st, cfg)
	today := roster.Today(now, cfg.Location)
	ctx := context.Background()
	leader, err := st.Person(ctx, seeded.Visit.Leader)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("陈立新", "县长", "政府全面工作", "漕河镇群众工作站")
	f.Add(strings.Repeat("\x80", 100), strings.Repeat("\xbf", 75), "\xe4\xb8", strings.Repeat("\x80", 100))
	f.Add("李\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil", "县长\rX-EVIL:1", "a\nDTSTART:19700101", "镇\\;,:\"\u202e\x00\t")
	f.Add(strings.Repeat("领", 200), strings.Repeat(`\`, 151), strings.Repeat("\\n", 80), strings.Repeat("𠀀,", 60))
	f.Fuzz(func(t *testing.T, name, title, portfolio, place string) {
		p := leader
		p.Name, p.Title, p.Portfolio = name, title, portfolio
		if _, err := st.UpsertPerson(ctx, p, nil, "fuzz"); err != nil {
			t.Fatal(err)
		}
		v, err := st.Visit(ctx, seeded.Visit.ID)
		if err != nil {
			t.Fatal(err)
		}
		v.Place = place
		if _, err := st.SaveVisit(ctx, v, v.Version, "update", "fuzz"); err != nil {
			t.Fatal(err)
		}
		public, _, err := pub.RosterFeed(ctx, today)
		if err != nil {
			t.Fatal(err)
		}
		private, _, err := pub.LeaderFeed(ctx, today, leader.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(public.Events) == 0 || len(private.Events) == 0 {
			t.Fatalf("feeds without events: public %d, private %d", len(public.Events), len(private.Events))
		}
		checkFeed(t, "roster feed", public)
		checkFeed(t, "leader feed", private)
	})
}

// Properties a built feed may hold; anything else came out of a value.
var (
	calendarProps = set("VERSION PRODID CALSCALE NAME X-WR-CALNAME DESCRIPTION X-WR-CALDESC X-WR-TIMEZONE REFRESH-INTERVAL X-PUBLISHED-TTL URL")
	eventProps    = set("UID DTSTAMP LAST-MODIFIED SEQUENCE DTSTART DTEND SUMMARY DESCRIPTION LOCATION CATEGORIES STATUS TRANSP")
)

func set(names string) map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(names) {
		m[n] = true
	}
	return m
}

func checkFeed(t *testing.T, which string, feed ical.Feed) {
	t.Helper()
	out, err := ical.Build(feed)
	if err != nil {
		t.Fatalf("%s: %v", which, err)
	}
	c, err := icaltest.Check(out)
	if err != nil {
		t.Fatalf("%s: %v\n%s", which, err, out)
	}
	want := "VCALENDAR VTIMEZONE STANDARD" + strings.Repeat(" VEVENT", len(feed.Events))
	if got := strings.Join(c.Components, " "); got != want || len(c.Events) != len(feed.Events) {
		t.Fatalf("%s: components %s, want %s", which, got, want)
	}
	for name, vs := range c.Props {
		if !calendarProps[name] || len(vs) != 1 {
			t.Fatalf("%s: calendar property %s %q", which, name, vs)
		}
	}
	if got := c.Props["NAME"][0]; got != repairLine(feed.Name) {
		t.Fatalf("%s: NAME %q, built from %q", which, got, feed.Name)
	}
	for i, e := range feed.Events {
		got := c.Events[i]
		for name, vs := range got {
			if !eventProps[name] || len(vs) != 1 && name != "CATEGORIES" {
				t.Fatalf("%s: event %d property %s %q", which, i, name, vs)
			}
		}
		summary := e.Summary
		if e.Cancelled && !strings.HasPrefix(summary, ical.CancelledPrefix) {
			summary = ical.CancelledPrefix + summary
		}
		if got["SUMMARY"][0] != repairLine(summary) || got["UID"][0] != repairLine(e.UID) {
			t.Fatalf("%s: event %d reads back as %q %q, built from %q %q", which, i, got["UID"], got["SUMMARY"], e.UID, summary)
		}
		if e.Place != "" && got["LOCATION"][0] != repairLine(e.Place) {
			t.Fatalf("%s: event %d place %q, built from %q", which, i, got["LOCATION"], e.Place)
		}
		if e.Description != "" && got["DESCRIPTION"][0] != repairText(e.Description) {
			t.Fatalf("%s: event %d description %q, built from %q", which, i, got["DESCRIPTION"], e.Description)
		}
	}
}

// repairLine and repairText are what a reader gets back of a one-line and a
// multi-line value: stored text repaired, line ends as LF.
func repairLine(s string) string { return clean.Repair(strings.ReplaceAll(s, "\r\n", "\n")) }

func repairText(s string) string {
	lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), "\n")
	for i, l := range lines {
		lines[i] = clean.Repair(l)
	}
	return strings.Join(lines, "\n")
}
