// Package icaltest checks built feeds in tests: the RFC 5545 line rules,
// the component structure, and a read back with golang-ical's own parser,
// so a value that broke out of its property shows as an extra property.
package icaltest

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

// Calendar is a feed as golang-ical reads it back: each property's values
// (TEXT unescaped by the parser) by name, for the calendar and each event in order.
type Calendar struct {
	Props      map[string][]string
	Components []string // BEGIN names in order, VCALENDAR first
	Events     []map[string][]string
}

var contentLine = regexp.MustCompile(`^[A-Z][A-Z0-9-]*(;[A-Z0-9-]+=[^:;]*)*:`)

// Check returns why data is not a well-formed feed: invalid UTF-8, a line
// not ended by CRLF, a line over 75 octets, a content line without a name,
// unbalanced BEGIN/END, or a parse error.
func Check(data []byte) (Calendar, error) {
	var c Calendar
	if !utf8.Valid(data) {
		return c, fmt.Errorf("icaltest: not valid UTF-8")
	}
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		return c, fmt.Errorf("icaltest: does not end with CRLF")
	}
	physical := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
	var lines []string
	for i, l := range physical {
		if strings.ContainsAny(l, "\r\n") {
			return c, fmt.Errorf("icaltest: line %d holds a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			return c, fmt.Errorf("icaltest: line %d has %d octets", i+1, len(l))
		}
		if rest, ok := strings.CutPrefix(l, " "); ok && i > 0 {
			lines[len(lines)-1] += rest
		} else {
			lines = append(lines, l)
		}
	}
	var open []string
	for _, l := range lines {
		if !contentLine.MatchString(l) {
			return c, fmt.Errorf("icaltest: not a content line: %q", l)
		}
		if name, ok := strings.CutPrefix(l, "BEGIN:"); ok {
			open = append(open, name)
			c.Components = append(c.Components, name)
		} else if name, ok := strings.CutPrefix(l, "END:"); ok {
			if len(open) == 0 || open[len(open)-1] != name {
				return c, fmt.Errorf("icaltest: END:%s does not close %v", name, open)
			}
			open = open[:len(open)-1]
		} else if len(open) == 0 {
			return c, fmt.Errorf("icaltest: property outside VCALENDAR: %q", l)
		}
	}
	if len(open) != 0 || len(c.Components) == 0 || c.Components[0] != "VCALENDAR" {
		return c, fmt.Errorf("icaltest: components %v, unclosed %v", c.Components, open)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		return c, fmt.Errorf("icaltest: golang-ical: %w", err)
	}
	c.Props = map[string][]string{}
	for _, p := range cal.CalendarProperties {
		add(c.Props, p.BaseProperty)
	}
	for _, e := range cal.Events() {
		m := map[string][]string{}
		for _, p := range e.Properties {
			add(m, p.BaseProperty)
		}
		c.Events = append(c.Events, m)
	}
	return c, nil
}

// add keeps p's value as parsed: golang-ical unescapes TEXT itself.
func add(m map[string][]string, p ics.BaseProperty) {
	m[p.IANAToken] = append(m[p.IANAToken], p.Value)
}
