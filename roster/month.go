package roster

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// Month is a civil month (no day, no zone), counted as year*12 + month-1.
// Rosters are published, swept and printed a month at a time; the month is
// its own type so "2026-10" is parsed and formatted in one place.
type Month int32

// NewMonth builds a Month; out-of-range months normalise (13 is January next year).
func NewMonth(y int, m time.Month) Month {
	return Month(y*12) + Month(m-1)
}

// MonthOf returns the month that contains d.
func MonthOf(d Date) Month { return NewMonth(d.Year(), d.Month()) }

// ParseMonth parses YYYY-MM (years 0001–9999). The error is in Chinese and
// quotes at most a short, valid-UTF-8 prefix of the input, so it is safe to
// show on a page.
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' {
		return 0, monthError(s)
	}
	y, m := 0, 0
	for i, c := range []byte(s) {
		switch {
		case i == 4:
		case c < '0' || c > '9':
			return 0, monthError(s)
		case i < 4:
			y = y*10 + int(c-'0')
		default:
			m = m*10 + int(c-'0')
		}
	}
	if y < 1 || m < 1 || m > 12 {
		return 0, monthError(s)
	}
	return NewMonth(y, time.Month(m)), nil
}

func monthError(s string) error {
	const max = 32
	if len(s) > max {
		s = s[:max]
		for len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return fmt.Errorf("月份 %q 无效，应为 YYYY-MM", s)
}

// MustMonth parses s or panics; for tests and literals only.
func MustMonth(s string) Month {
	m, err := ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

// Year of the month.
func (m Month) Year() int { return int(m) / 12 }

// Month of the year, January to December.
func (m Month) Month() time.Month { return time.Month(int(m)%12 + 1) }

// String formats as YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year(), int(m.Month())) }

// Label is the Chinese display form, "2026年10月".
func (m Month) Label() string { return fmt.Sprintf("%d年%d月", m.Year(), int(m.Month())) }

// First returns the first day of the month.
func (m Month) First() Date { return NewDate(m.Year(), m.Month(), 1) }

// Last returns the last day of the month.
func (m Month) Last() Date { return m.Next().First() - 1 }

// Next returns the following month.
func (m Month) Next() Month { return m + 1 }

// Prev returns the preceding month.
func (m Month) Prev() Month { return m - 1 }

// AddMonths returns the month n months later (earlier when n < 0).
func (m Month) AddMonths(n int) Month { return m + Month(n) }

// Contains reports whether d falls in the month.
func (m Month) Contains(d Date) bool { return d >= m.First() && d <= m.Last() }

// MarshalText implements encoding.TextMarshaler.
func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *Month) UnmarshalText(b []byte) error { return unmarshalText(m, b, ParseMonth) }
