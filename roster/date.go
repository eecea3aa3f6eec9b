package roster

import (
	"fmt"
	"time"
)

// Date is a civil date (no time, no zone), stored as days since 1970-01-01.
// Duty days are civil dates in the county's zone, never midnight instants.
type Date int32

// NewDate builds a Date from year, month and day; out-of-range values normalise like time.Date.
func NewDate(y int, m time.Month, d int) Date {
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// DateOf returns the civil date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return NewDate(y, m, d)
}

// Today returns the civil date of now in loc.
func Today(now time.Time, loc *time.Location) Date { return DateOf(now.In(loc)) }

// ParseDate parses YYYY-MM-DD and rejects impossible dates such as 2027-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, fmt.Errorf("日期 %q 无效，应为 YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// MustDate parses s or panics; for tests and literals only.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (d Date) utc() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String formats as YYYY-MM-DD.
func (d Date) String() string { return d.utc().Format("2006-01-02") }

// Year, Month and Day of the date.
func (d Date) Year() int             { return d.utc().Year() }
func (d Date) Month() time.Month     { return d.utc().Month() }
func (d Date) Day() int              { return d.utc().Day() }
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// Within reports whether d is between from and to, both included.
func (d Date) Within(from, to Date) bool { return d >= from && d <= to }

// WeekdayCN is the Chinese name of a day of the week without its prefix:
// 日 for Sunday, 一 to 六 for Monday to Saturday. Write it after 周 or 星期.
func WeekdayCN(wd time.Weekday) string { return weekdayCN[wd] }

var weekdayCN = [...]string{"日", "一", "二", "三", "四", "五", "六"}

// AddDays returns the date n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// DaysSince returns d - e in days.
func (d Date) DaysSince(e Date) int { return int(d - e) }

// In returns midnight of d in loc, the start of that civil day there.
func (d Date) In(loc *time.Location) time.Time {
	y, m, day := d.utc().Date()
	return time.Date(y, m, day, 0, 0, 0, 0, loc)
}

// At returns the instant of clock time hh:mm on d in loc.
func (d Date) At(c Clock, loc *time.Location) time.Time {
	y, m, day := d.utc().Date()
	return time.Date(y, m, day, c.Hour(), c.Minute(), 0, 0, loc)
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error { return unmarshalText(d, b, ParseDate) }

// MonthStart returns the first day of d's month.
func (d Date) MonthStart() Date { return NewDate(d.Year(), d.Month(), 1) }

// MonthEnd returns the last day of d's month.
func (d Date) MonthEnd() Date { return NewDate(d.Year(), d.Month()+1, 1) - 1 }

// Clock is a time of day in minutes after midnight.
type Clock int

// ParseClock parses HH:MM.
func ParseClock(s string) (Clock, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("时间 %q 无效，应为 HH:MM", s)
	}
	return Clock(t.Hour()*60 + t.Minute()), nil
}

func (c Clock) Hour() int   { return int(c) / 60 }
func (c Clock) Minute() int { return int(c) % 60 }
func (c Clock) String() string {
	return fmt.Sprintf("%02d:%02d", c.Hour(), c.Minute())
}

// MarshalText implements encoding.TextMarshaler.
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Clock) UnmarshalText(b []byte) error { return unmarshalText(c, b, ParseClock) }

// unmarshalText is the UnmarshalText of the package's text types: *dst
// becomes parse(b), and stays as it was when b does not parse.
func unmarshalText[T any](dst *T, b []byte, parse func(string) (T, error)) error {
	v, err := parse(string(b))
	if err != nil {
		return err
	}
	*dst = v
	return nil
}
