// Package ical builds RFC 5545 iCalendar feeds from domain values with
// github.com/arran4/golang-ical. It knows nothing of HTTP or SQL: callers
// hand it a Feed and get bytes that are equal whenever the input is equal.
package ical

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"zhiban/clean"
	"zhiban/roster"
)

// CancelledPrefix starts the title of a cancelled event, because several
// clients hide STATUS:CANCELLED or show it no differently.
const CancelledPrefix = "【已取消】"

// Feed is one calendar.
type Feed struct {
	Name        string // NAME and X-WR-CALNAME
	Description string
	URL         string
	ProductID   string         // PRODID, e.g. "-//示例县//zhiban//ZH"
	Location    *time.Location // the county zone: X-WR-TIMEZONE and TZID of timed events
	// Today is the county date of the build: its zone is described around
	// it when no event is timed, so an empty feed has its VTIMEZONE too.
	Today  roster.Date
	Events []Event
}

// Event is one VEVENT: an all-day event on civil dates (Date set) or a
// timed one (Start and End set).
type Event struct {
	UID         string
	Summary     string
	Description string
	Place       string

	Date roster.Date // all-day: the first day
	Days int         // all-day: length in days; 0 means 1

	Start, End time.Time // timed: instants; written in the feed's zone

	Updated   time.Time // DTSTAMP and LAST-MODIFIED: the record's update time, never now
	Sequence  int
	Cancelled bool
	// Tentative marks a proposal not yet confirmed (STATUS:TENTATIVE), e.g.
	// a visit still 拟安排. Cancelled wins over it.
	Tentative bool
	// Transparent marks the event as not busy (TRANSP:TRANSPARENT), e.g. a
	// duty day in a subscriber's calendar that should not block meetings.
	Transparent bool
	Categories  []string
}

// AllDay reports whether e is an all-day event.
func (e Event) AllDay() bool { return e.Start.IsZero() }

const (
	refresh       = "PT1H"
	icsDate       = "20060102"
	icsLocalStamp = "20060102T150405"
)

// Build returns the feed as iCalendar bytes: CRLF line ends, lines folded
// at 75 octets, deterministic for equal input.
func Build(f Feed) ([]byte, error) {
	loc := f.Location
	if loc == nil {
		loc = time.UTC
	}
	cal := ics.NewCalendar()
	cal.SetProductId(line(f.ProductID))
	cal.SetCalscale("GREGORIAN")
	// No METHOD: a subscribed feed is no iTIP message, and METHOD:PUBLISH
	// would require an ORGANIZER on every event (RFC 5546 §3.2.1), which
	// libical checks; a county office has no calendar address to name.
	cal.SetName(line(f.Name))
	cal.SetXWRCalName(line(f.Name))
	if f.Description != "" {
		cal.SetDescription(text(f.Description))
		cal.SetXWRCalDesc(text(f.Description))
	}
	cal.SetXWRTimezone(loc.String())
	cal.SetRefreshInterval(refresh) // golang-ical adds VALUE=DURATION
	cal.SetXPublishedTTL(refresh)
	if f.URL != "" && f.URL == line(f.URL) && !strings.ContainsAny(f.URL, " \"") {
		cal.SetUrl(f.URL) // a URI: golang-ical writes it unescaped
	}

	// The zone is described around the first timed event, else today (or
	// the first event's day when the caller gave no date).
	day := f.Today
	if day == 0 && len(f.Events) > 0 {
		day = f.Events[0].Date
	}
	ref := day.In(loc)
	for _, e := range f.Events {
		if !e.AllDay() {
			ref = e.Start
			break
		}
	}
	tzid, useTZID := "", false
	if tz, ok := vtimezone(loc, ref); ok {
		cal.AddVTimezone(tz)
		tzid, useTZID = loc.String(), true
	}
	for _, e := range f.Events {
		if e.UID == "" {
			return nil, fmt.Errorf("ical: event %q has no UID", e.Summary)
		}
		ev := ics.NewEvent(line(e.UID))
		ev.SetDtStampTime(e.Updated)
		ev.SetModifiedAt(e.Updated)
		ev.SetSequence(e.Sequence)
		if e.AllDay() {
			days := e.Days
			if days < 1 {
				days = 1
			}
			// Built from the civil date, never from an instant: an instant's
			// own location would decide the day (SetAllDayStartAt does that).
			ev.SetProperty(ics.ComponentPropertyDtStart, dateValue(e.Date), ics.WithValue(string(ics.ValueDataTypeDate)))
			ev.SetProperty(ics.ComponentPropertyDtEnd, dateValue(e.Date.AddDays(days)), ics.WithValue(string(ics.ValueDataTypeDate)))
		} else if useTZID {
			// TZID with a floating local time; a Z suffix here would contradict the TZID.
			ev.SetProperty(ics.ComponentPropertyDtStart, e.Start.In(loc).Format(icsLocalStamp), ics.WithTZID(tzid))
			ev.SetProperty(ics.ComponentPropertyDtEnd, e.End.In(loc).Format(icsLocalStamp), ics.WithTZID(tzid))
		} else {
			ev.SetStartAt(e.Start)
			ev.SetEndAt(e.End)
		}
		summary := e.Summary
		if e.Cancelled && !strings.HasPrefix(summary, CancelledPrefix) {
			summary = CancelledPrefix + summary
		}
		ev.SetSummary(line(summary))
		if e.Description != "" {
			ev.SetDescription(text(e.Description))
		}
		if e.Place != "" {
			ev.SetLocation(line(e.Place))
		}
		// One CATEGORIES line each: golang-ical escapes the list separator.
		for _, c := range e.Categories {
			ev.AddCategory(line(c))
		}
		switch {
		case e.Cancelled:
			ev.SetStatus(ics.ObjectStatusCancelled)
		case e.Tentative:
			ev.SetStatus(ics.ObjectStatusTentative)
		default:
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
		if e.Transparent || e.Cancelled {
			ev.SetTimeTransparency(ics.TransparencyTransparent)
		} else {
			ev.SetTimeTransparency(ics.TransparencyOpaque)
		}
		cal.AddVEvent(ev)
	}
	var buf bytes.Buffer
	// golang-ical folds at word boundaries and may split an escape; serialise
	// unfolded and fold here instead.
	if err := cal.SerializeTo(&buf, ics.WithNewLineWindows, ics.WithLineLength(1<<30)); err != nil {
		return nil, fmt.Errorf("ical: serialise: %w", err)
	}
	return Fold(buf.Bytes()), nil
}

func dateValue(d roster.Date) string {
	return fmt.Sprintf("%04d%02d%02d", d.Year(), int(d.Month()), d.Day())
}

// text prepares a multi-line TEXT value for golang-ical, which escapes
// backslash, LF, ';' and ',' but leaves CR and other controls alone: line
// ends become LF, and each line is repaired as stored text is at output
// (invalid UTF-8 shown as U+FFFD, controls and bidi overrides dropped).
func text(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(strings.ReplaceAll(s, "\r", "\n"), "\n")
	for i, l := range lines {
		lines[i] = clean.Repair(l)
	}
	return strings.Join(lines, "\n")
}

// line is a one-line TEXT value: line breaks become spaces.
func line(s string) string { return clean.Repair(strings.ReplaceAll(s, "\r\n", "\n")) }

// vtimezone describes loc around t as a VTIMEZONE with one STANDARD part,
// which is exact for a zone without daylight saving (Asia/Shanghai since
// 1991). For a zone that changes offset within a year it reports false and
// callers write UTC times instead.
func vtimezone(loc *time.Location, t time.Time) (*ics.VTimezone, bool) {
	y := t.In(loc).Year()
	name, off := time.Date(y, 1, 1, 0, 0, 0, 0, loc).Zone()
	for m := time.February; m <= time.December; m++ {
		if _, o := time.Date(y, m, 1, 0, 0, 0, 0, loc).Zone(); o != off {
			return nil, false
		}
		if _, o := time.Date(y+1, m, 1, 0, 0, 0, 0, loc).Zone(); o != off {
			return nil, false
		}
	}
	tz := ics.NewTimezone(loc.String())
	std := tz.AddStandard()
	std.AddProperty(ics.ComponentPropertyDtStart, "19700101T000000")
	std.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), utcOffset(off))
	std.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), utcOffset(off))
	if name != "" && name[0] != '+' && name[0] != '-' {
		std.AddProperty(ics.ComponentProperty(ics.PropertyTzname), name)
	}
	return tz, true
}

func utcOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	return sign + pad2(sec/3600) + pad2(sec%3600/60)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// maxOctets is the longest a content line may be, CRLF excluded (RFC 5545 §3.1).
const maxOctets = 75

// Fold folds every CRLF-terminated content line longer than 75 octets. A
// cut never falls inside a UTF-8 character or between a backslash and the
// character it escapes; continuation lines start with one space. Every cut
// makes progress, whatever the bytes: stray continuation bytes (invalid
// UTF-8) are no character to keep whole.
func Fold(in []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(in) + len(in)/40)
	for len(in) > 0 {
		i := bytes.Index(in, []byte("\r\n"))
		var line []byte
		if i < 0 {
			line, in = in, nil
		} else {
			line, in = in[:i], in[i+2:]
		}
		limit := maxOctets
		for len(line) > limit {
			cut := cutPoint(line, limit)
			out.Write(line[:cut])
			out.WriteString("\r\n ")
			line = line[cut:]
			limit = maxOctets - 1 // the leading space counts
		}
		out.Write(line)
		out.WriteString("\r\n")
	}
	return out.Bytes()
}

// cutPoint is where to fold line, at most limit octets in and always more
// than limit-5: it backs off only over the start of a valid character that
// limit would split (3 octets at most), then over a backslash whose escaped
// character would go to the next line.
func cutPoint(line []byte, limit int) int {
	cut := limit
	for start := limit - 1; start >= 0 && start > limit-utf8.UTFMax; start-- {
		if utf8.RuneStart(line[start]) {
			if r, size := utf8.DecodeRune(line[start:]); (r != utf8.RuneError || size > 1) && start+size > limit {
				cut = start
			}
			break
		}
	}
	n := 0
	for j := cut - 1; j >= 0 && line[j] == '\\'; j-- {
		n++
	}
	if n%2 == 1 {
		cut--
	}
	return cut
}
