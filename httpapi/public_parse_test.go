package httpapi

import (
	"testing"

	"zhiban/roster"
)

func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2027-03", "2026-13", "+027-03", "2027-+3", "2027-3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseMonth(s)
		if err != nil {
			return
		}
		if d.Day() != 1 || d.Year() < 2000 || d.Year() > 2100 || monthKey(d) != s {
			t.Fatalf("parseMonth(%q) = %s", s, d)
		}
	})
}

func FuzzParseRange(f *testing.F) {
	f.Add("2026-12-01", "2026-12-31")
	f.Add("", "2027-02-30")
	f.Add("2027-01-01", "2026-01-01")
	today := roster.MustDate("2026-12-01")
	f.Fuzz(func(t *testing.T, from, to string) {
		a, b, err := parseRange(from, to, today)
		if err != nil {
			return
		}
		if b < a || b.DaysSince(a) >= maxRangeDays {
			t.Fatalf("parseRange(%q, %q) = %s–%s", from, to, a, b)
		}
	})
}
