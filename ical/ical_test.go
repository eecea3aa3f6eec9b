package ical_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"zhiban/clean"
	"zhiban/ical"
	"zhiban/ical/icaljstest"
	"zhiban/ical/icaltest"
	"zhiban/roster"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// sampleFeed has an all-day duty, a cancelled one, a timed visit and text
// that needs escaping and folding.
func sampleFeed(loc *time.Location) ical.Feed {
	upd := time.Date(2026, 11, 20, 2, 30, 0, 0, time.UTC)
	return ical.Feed{
		Name:        "示例县领导值班接访",
		Description: "县领导值班接访安排, 每个工作日更新; 详见官网",
		URL:         "https://zhiban.example.cn/",
		ProductID:   "-//zhiban//示例县//ZH",
		Location:    loc,
		Events: []ical.Event{
			{UID: "duty-1-L01@zhiban.example.cn", Summary: "值班领导：李志远（县委书记）", Date: roster.MustDate("2026-12-01"),
				Description: "分管：主持县委全面工作\r\n时间：08:30–17:30\r地点：县群众来访接待中心",
				Place:       "县群众来访接待中心, 示例县人民路88号", Updated: upd, Sequence: 1, Transparent: true, Categories: []string{"值班", "接访"}},
			{UID: "duty-2-L02@zhiban.example.cn", Summary: "值班领导：陈立新（县长）", Date: roster.MustDate("2026-12-02"),
				Updated: upd.Add(time.Hour), Sequence: 2, Cancelled: true, Transparent: true},
			{UID: "visit-7@zhiban.example.cn", Summary: "带案下访：漕河镇",
				Start: time.Date(2026, 12, 3, 9, 0, 0, 0, loc), End: time.Date(2026, 12, 3, 11, 30, 0, 0, loc),
				Description: strings.Repeat("一段很长的说明，含逗号, 分号; 反斜杠\\ 与换行\n", 4), Place: "漕河镇群众工作站", Updated: upd},
		},
	}
}

func TestBuildMatchesGolden(t *testing.T) {
	t.Parallel()
	got, err := ical.Build(sampleFeed(shanghai(t)))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "sample.ics")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ical -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("feed differs from %s (run go test ./ical -update and review the diff):\n%s", path, got)
	}
}

func TestBuildIsRFC5545(t *testing.T) {
	t.Parallel()
	out, err := ical.Build(sampleFeed(shanghai(t)))
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\n") || strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\r") {
		t.Error("a line ends without CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d has %d octets: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d splits a UTF-8 character: %q", i+1, line)
		}
		if strings.HasSuffix(strings.TrimRight(line, "\\"), "") && (len(line)-len(strings.TrimRight(line, "\\")))%2 == 1 {
			t.Errorf("line %d splits an escape: %q", i+1, line)
		}
	}
	for _, want := range []string{
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", "PRODID:", "NAME:示例县领导值班接访\r\n", "X-WR-CALNAME:示例县领导值班接访\r\n",
		"X-WR-TIMEZONE:Asia/Shanghai\r\n", "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n", "X-PUBLISHED-TTL:PT1H\r\n",
		"DTSTART;VALUE=DATE:20261201\r\n", "DTEND;VALUE=DATE:20261202\r\n", "TRANSP:TRANSPARENT\r\n",
		"STATUS:CANCELLED\r\n", "SUMMARY:【已取消】值班领导：陈立新（县长）\r\n", "SEQUENCE:2\r\n",
		"DTSTAMP:20261120T023000Z\r\n", "LAST-MODIFIED:20261120T023000Z\r\n",
		"BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\nBEGIN:STANDARD\r\n", "TZOFFSETTO:+0800\r\n",
		"DTSTART;TZID=Asia/Shanghai:20261203T090000\r\n", "DTEND;TZID=Asia/Shanghai:20261203T113000\r\n",
		`县群众来访接待中心\, 示例县人民路88号`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("feed lacks %q", want)
		}
	}
	if strings.Contains(s, "\r\n\r\n") || strings.Contains(s, ";TZID=Asia/Shanghai:20261203T090000Z") {
		t.Error("empty line, or TZID with a UTC time")
	}
}

// All-day dates come from civil dates, whatever zone the feed or the machine is in.
func TestAllDayDatesIgnoreZones(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"Asia/Shanghai", "America/New_York", "Pacific/Kiritimati", "UTC"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		out, err := ical.Build(ical.Feed{Name: "x", Location: loc, Events: []ical.Event{{UID: "u", Summary: "s", Date: roster.MustDate("2027-03-01")}}})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(out, []byte("DTSTART;VALUE=DATE:20270301\r\nDTEND;VALUE=DATE:20270302\r\n")) {
			t.Errorf("%s: wrong all-day dates:\n%s", zone, out)
		}
	}
}

// A zone with daylight saving gets UTC times rather than a wrong VTIMEZONE.
func TestTimedEventsInDSTZoneAreUTC(t *testing.T) {
	t.Parallel()
	loc, _ := time.LoadLocation("America/New_York")
	start := time.Date(2027, 7, 1, 9, 0, 0, 0, loc)
	out, err := ical.Build(ical.Feed{Name: "x", Location: loc, Events: []ical.Event{{UID: "u", Summary: "s", Start: start, End: start.Add(time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("VTIMEZONE")) || !bytes.Contains(out, []byte("DTSTART:20270701T130000Z\r\n")) {
		t.Errorf("want UTC times and no VTIMEZONE:\n%s", out)
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		line string
	}{
		{"ascii", "DESCRIPTION:" + strings.Repeat("a", 200)},
		{"chinese", "SUMMARY:" + strings.Repeat("值班领导", 30)},
		{"escapes at every position", "DESCRIPTION:" + strings.Repeat(`\,`, 100)},
		{"backslashes then text", "DESCRIPTION:a" + strings.Repeat(`\\`, 50) + strings.Repeat("中", 30)},
		{"mixed", "LOCATION:" + strings.Repeat(`县\;a\n中\\`, 25)},
		{"exactly 75", strings.Repeat("x", 75)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := string(ical.Fold([]byte(tt.line + "\r\n")))
			lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
			for i, l := range lines {
				if len(l) > 75 {
					t.Errorf("line %d: %d octets", i, len(l))
				}
				if !utf8.ValidString(l) {
					t.Errorf("line %d splits a character: %q", i, l)
				}
				if i > 0 && !strings.HasPrefix(l, " ") {
					t.Errorf("continuation line %d lacks the space", i)
				}
				if i < len(lines)-1 && (len(l)-len(strings.TrimRight(l, `\`)))%2 == 1 {
					t.Errorf("line %d ends inside an escape: %q", i, l)
				}
			}
			if unfolded := strings.ReplaceAll(out, "\r\n ", ""); unfolded != tt.line+"\r\n" {
				t.Errorf("unfolding does not give the line back")
			}
		})
	}
}

// A stored place of 100 stray continuation bytes (a form post of %80 before
// input was checked) once made Fold loop forever, growing its buffer until
// the process ran out of memory.
func TestFoldTerminatesOnInvalidUTF8(t *testing.T) {
	t.Parallel()
	for _, line := range []string{
		"LOCATION:" + strings.Repeat("\x80", 100),
		strings.Repeat("\xbf", 300),
		"SUMMARY:" + strings.Repeat("\xe4\xb8", 80), // truncated characters
		"X:" + strings.Repeat("\\", 37) + strings.Repeat("\x80", 90),
	} {
		done := make(chan string, 1)
		go func() { done <- string(ical.Fold([]byte(line + "\r\n"))) }()
		select {
		case out := <-done:
			if strings.ReplaceAll(out, "\r\n ", "") != line+"\r\n" {
				t.Errorf("%q: folding lost bytes", line)
			}
			for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
				if len(l) > 75 {
					t.Errorf("%q: line of %d octets", line, len(l))
				}
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("Fold does not return on %q", line)
		}
	}
}

func FuzzFold(f *testing.F) {
	f.Add("SUMMARY:" + strings.Repeat(`中\,`, 40))
	f.Add("LOCATION:" + strings.Repeat("\x80", 100))
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, "\r\n") {
			return
		}
		out := string(ical.Fold([]byte(s + "\r\n")))
		if strings.ReplaceAll(out, "\r\n ", "") != s+"\r\n" {
			t.Fatalf("fold lost data: %q", out)
		}
		// Invalid input may stay invalid, but a valid character is never cut.
		valid := utf8.ValidString(s)
		for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
			if len(l) > 75 || valid && !utf8.ValidString(l) {
				t.Fatalf("bad line %q", l)
			}
		}
	})
}

// Mozilla's ical.js reads back exactly what went in.
func TestICALJSReadsTheFeed(t *testing.T) {
	t.Parallel()
	loc := shanghai(t)
	feed := sampleFeed(loc)
	out, err := ical.Build(feed)
	if err != nil {
		t.Fatal(err)
	}
	p := icaljstest.MustParse(t, out)
	if p.Name != feed.Name || p.XWRCalName != feed.Name || p.XWRTimezone != "Asia/Shanghai" || p.RefreshInterval != "PT1H" || p.Version != "2.0" {
		t.Errorf("calendar properties: %+v", p)
	}
	if len(p.Events) != len(feed.Events) {
		t.Fatalf("ical.js sees %d events, want %d", len(p.Events), len(feed.Events))
	}
	for i, e := range feed.Events {
		got := p.Events[i]
		wantSummary := e.Summary
		if e.Cancelled {
			wantSummary = ical.CancelledPrefix + wantSummary
		}
		wantDesc := strings.ReplaceAll(strings.ReplaceAll(e.Description, "\r\n", "\n"), "\r", "\n")
		if got.UID != e.UID || got.Summary != wantSummary || got.Description != wantDesc || got.Location != e.Place || got.Sequence != e.Sequence {
			t.Errorf("event %d: ical.js reads %+v", i, got)
		}
		if e.AllDay() {
			if !got.AllDay || got.Start != e.Date.String() || got.End != e.Date.AddDays(1).String() {
				t.Errorf("event %d: dates %s–%s", i, got.Start, got.End)
			}
		} else if got.StartUnix != e.Start.Unix() || got.EndUnix != e.End.Unix() {
			t.Errorf("event %d: times %d–%d, want %d–%d", i, got.StartUnix, got.EndUnix, e.Start.Unix(), e.End.Unix())
		}
		if (got.Status == "CANCELLED") != e.Cancelled {
			t.Errorf("event %d: status %s", i, got.Status)
		}
	}
	if len(p.Events[0].Categories) != 2 {
		t.Errorf("categories: %v", p.Events[0].Categories)
	}
}

// A tentative event is STATUS:TENTATIVE; cancelled wins over tentative.
func TestBuildTentative(t *testing.T) {
	t.Parallel()
	upd := time.Date(2026, 11, 20, 2, 30, 0, 0, time.UTC)
	body, err := ical.Build(ical.Feed{Name: "x", ProductID: "-//x//ZH", Events: []ical.Event{
		{UID: "a@x", Summary: "拟安排", Date: roster.MustDate("2026-12-01"), Updated: upd, Tentative: true},
		{UID: "b@x", Summary: "已取消", Date: roster.MustDate("2026-12-02"), Updated: upd, Tentative: true, Cancelled: true},
	}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(body)
	if strings.Count(s, "STATUS:TENTATIVE\r\n") != 1 || strings.Count(s, "STATUS:CANCELLED\r\n") != 1 {
		t.Errorf("want one TENTATIVE and one CANCELLED:\n%s", s)
	}
}

// An empty feed still describes its zone, and no feed claims METHOD:PUBLISH,
// which would need an ORGANIZER on every event (RFC 5546; libical flags it).
func TestEmptyFeedHasZoneAndNoMethod(t *testing.T) {
	t.Parallel()
	out, err := ical.Build(ical.Feed{Name: "空", ProductID: "-//x//ZH", Location: shanghai(t), Today: roster.MustDate("2026-12-02")})
	if err != nil {
		t.Fatal(err)
	}
	c, err := icaltest.Check(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if strings.Join(c.Components, " ") != "VCALENDAR VTIMEZONE STANDARD" || c.Props["METHOD"] != nil {
		t.Errorf("components %v, METHOD %v:\n%s", c.Components, c.Props["METHOD"], out)
	}
	if !bytes.Contains(out, []byte("TZOFFSETTO:+0800\r\n")) {
		t.Errorf("zone:\n%s", out)
	}
	if p, ok, err := icaljstest.Parse(out); ok && (err != nil || len(p.Events) != 0 || len(p.Timezones) != 1 || p.Timezones[0] != "Asia/Shanghai") {
		t.Errorf("ical.js reads the empty feed as %+v (%v)", p, err)
	}
}

// Stored text from before input was checked (invalid UTF-8, controls, bidi
// overrides, CR/LF meant to start a property) leaves as valid, inert text.
func TestBuildRepairsStoredText(t *testing.T) {
	t.Parallel()
	bad := "漕河\x80\x80镇\r\nEND:VEVENT\r\nBEGIN:VEVENT\rX-EVIL:1\u202e\x00"
	out, err := ical.Build(ical.Feed{Name: bad, Description: bad, ProductID: bad, Location: shanghai(t), Events: []ical.Event{{
		UID: "u\r\nX-UID:1@x", Summary: bad, Description: bad, Place: strings.Repeat("\x80", 100), Categories: []string{bad},
		Date: roster.MustDate("2026-12-02"),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := icaltest.Check(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(c.Events) != 1 || c.Props["X-EVIL"] != nil || c.Events[0]["X-EVIL"] != nil || c.Events[0]["X-UID"] != nil {
		t.Fatalf("a value broke out of its property:\n%s", out)
	}
	e := c.Events[0]
	if got := e["SUMMARY"][0]; got != "漕河\uFFFD镇 END:VEVENT BEGIN:VEVENT X-EVIL:1" {
		t.Errorf("summary %q", got)
	}
	if got := e["DESCRIPTION"][0]; got != "漕河\uFFFD镇\nEND:VEVENT\nBEGIN:VEVENT\nX-EVIL:1" {
		t.Errorf("description %q", got)
	}
	if got := e["LOCATION"][0]; got != "\uFFFD" {
		t.Errorf("location %q", got)
	}
}

// libical (Evolution's parser) finds nothing to flag: with METHOD:PUBLISH and
// no ORGANIZER it reported "Failed iTIP restrictions for ORGANIZER property".
func TestLibicalAcceptsTheFeed(t *testing.T) {
	t.Parallel()
	for name, feed := range map[string]ical.Feed{
		"sample": sampleFeed(shanghai(t)),
		"empty":  {Name: "空", ProductID: "-//x//ZH", Location: shanghai(t), Today: roster.MustDate("2026-12-02")},
	} {
		out, err := ical.Build(feed)
		if err != nil {
			t.Fatal(err)
		}
		problems, ok, err := icaltest.Libical(out)
		if !ok {
			t.Logf("%s unset: libical not run", icaltest.LibicalEnv)
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(problems) > 0 {
			t.Errorf("%s: libical: %q", name, problems)
		}
	}
}

// FuzzBuild puts arbitrary text in every text field of a feed and its two
// events (the store-backed FuzzFeedBuild in publish is thorough but slow):
// the output must be well formed, parse back with exactly the properties
// built, and give each value back as repaired text.
func FuzzBuild(f *testing.F) {
	f.Add("示例县", "说明; 含,逗号", "UID-1@x", "值班领导：李\r\nBEGIN:VEVENT", strings.Repeat("\x80", 100), "cat\\,")
	f.Add(strings.Repeat(`\`, 80), "a\rb\nc", "u\x00", strings.Repeat("中", 40)+"\xe4", "\u202e", "")
	loc := time.FixedZone("CST", 8*3600)
	f.Fuzz(func(t *testing.T, name, desc, uid, summary, place, category string) {
		upd := time.Date(2026, 11, 20, 2, 30, 0, 0, time.UTC)
		feed := ical.Feed{Name: name, Description: desc, ProductID: name, Location: loc, Today: roster.MustDate("2026-12-02"), Events: []ical.Event{
			{UID: "a" + uid, Summary: summary, Description: desc, Place: place, Categories: []string{category}, Date: roster.MustDate("2026-12-01"), Updated: upd},
			{UID: "b" + uid, Summary: place, Description: summary, Place: summary, Start: time.Date(2026, 12, 3, 9, 0, 0, 0, loc), End: time.Date(2026, 12, 3, 10, 0, 0, 0, loc), Updated: upd, Cancelled: true},
		}}
		out, err := ical.Build(feed)
		if err != nil {
			t.Fatal(err)
		}
		c, err := icaltest.Check(out)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if strings.Join(c.Components, " ") != "VCALENDAR VTIMEZONE STANDARD VEVENT VEVENT" || len(c.Events) != 2 {
			t.Fatalf("components %v", c.Components)
		}
		line := func(s string) string { return clean.Repair(strings.ReplaceAll(s, "\r\n", "\n")) }
		for i, e := range feed.Events {
			got := c.Events[i]
			if len(got) != len(want(e)) {
				t.Fatalf("event %d has properties %v", i, got)
			}
			s := e.Summary
			if e.Cancelled {
				s = ical.CancelledPrefix + s
			}
			if got["UID"][0] != line(e.UID) || got["SUMMARY"][0] != line(s) || e.Place != "" && got["LOCATION"][0] != line(e.Place) {
				t.Fatalf("event %d reads back as %q", i, got)
			}
		}
	})
}

// want lists the properties Build writes for e.
func want(e ical.Event) []string {
	p := []string{"UID", "DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "STATUS", "TRANSP"}
	if e.Description != "" {
		p = append(p, "DESCRIPTION")
	}
	if e.Place != "" {
		p = append(p, "LOCATION")
	}
	if len(e.Categories) > 0 {
		p = append(p, "CATEGORIES")
	}
	return p
}
