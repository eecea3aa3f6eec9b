package publish

import (
	"testing"

	"zhiban/roster"
)

func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2027-03", "2026-13", "+027-03", "2027-+3", "2027-3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMonth(s)
		if err != nil {
			return
		}
		if m.Year() < 2000 || m.Year() > 2100 || m.String() != s {
			t.Fatalf("ParseMonth(%q) = %s", s, m)
		}
	})
}

func FuzzParseRange(f *testing.F) {
	f.Add("2026-12-01", "2026-12-31")
	f.Add("", "2027-02-30")
	f.Add("2027-01-01", "2026-01-01")
	today := roster.MustDate("2026-12-01")
	f.Fuzz(func(t *testing.T, from, to string) {
		a, b, err := ParseRange(from, to, today)
		if err != nil {
			return
		}
		if b < a || b.DaysSince(a) >= maxRangeDays {
			t.Fatalf("ParseRange(%q, %q) = %s–%s", from, to, a, b)
		}
	})
}
