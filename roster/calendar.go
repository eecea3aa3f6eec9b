package roster

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// DayClass is the kind of a day for fairness: a holiday duty is heavier than
// a weekend duty, which is heavier than a workday duty, so each is shared out separately.
type DayClass int

const (
	Workday DayClass = iota
	Weekend
	Holiday
)

// Classes lists every day class in display order.
var Classes = []DayClass{Workday, Weekend, Holiday}

func (c DayClass) String() string {
	switch c {
	case Weekend:
		return "weekend"
	case Holiday:
		return "holiday"
	default:
		return "workday"
	}
}

// Label is the Chinese name shown to users.
func (c DayClass) Label() string {
	switch c {
	case Weekend:
		return "周末"
	case Holiday:
		return "节假日"
	default:
		return "工作日"
	}
}

// HolidayKind says whether an official calendar entry is a day off or a make-up workday (调休补班).
type HolidayKind string

const (
	Off  HolidayKind = "off"
	Work HolidayKind = "work"
)

// HolidayDay is one entry of the official calendar.
type HolidayDay struct {
	Date Date        `json:"date" yaml:"date"`
	Kind HolidayKind `json:"kind" yaml:"kind"`
	Name string      `json:"name" yaml:"name"`
}

// Calendar answers which days are official working days. Days without an
// entry follow the week: Monday–Friday work, Saturday and Sunday off.
type Calendar struct {
	days map[Date]HolidayDay
	// provisional are entries from a built-in schedule staff have not yet
	// checked against the State Council notice (暂定).
	provisional map[Date]bool
}

// NewCalendar builds a calendar; later entries for the same date win, so
// staff overrides are passed after the built-in schedule.
func NewCalendar(entries ...[]HolidayDay) Calendar {
	c := Calendar{days: map[Date]HolidayDay{}}
	for _, list := range entries {
		for _, h := range list {
			c.days[h.Date] = h
		}
	}
	return c
}

// Entry returns the calendar entry for d, if any.
func (c Calendar) Entry(d Date) (HolidayDay, bool) {
	h, ok := c.days[d]
	return h, ok
}

// WithProvisional returns c with days marked as resting on an unconfirmed
// schedule; days without an entry in c are ignored.
func (c Calendar) WithProvisional(days []HolidayDay) Calendar {
	out := Calendar{days: c.days, provisional: map[Date]bool{}}
	for d := range c.provisional {
		out.provisional[d] = true
	}
	for _, h := range days {
		if e, ok := c.days[h.Date]; ok && e == h {
			out.provisional[h.Date] = true
		}
	}
	return out
}

// Provisional reports whether d's entry (a holiday or a make-up workday)
// comes from an unconfirmed schedule.
func (c Calendar) Provisional(d Date) bool { return c.provisional[d] }

// ProvisionalYears lists, in order, the years of [from, to] with a provisional entry.
func (c Calendar) ProvisionalYears(from, to Date) []int {
	var out []int
	for y := from.Year(); y <= to.Year(); y++ {
		for d := range c.provisional {
			if d.Year() == y && d.Within(from, to) {
				out = append(out, y)
				break
			}
		}
	}
	return out
}

// SettledProvisionally reports whether working day d was reached through a
// provisional entry: d itself is one, or a deadline moved forward to d across
// days off of which one is provisional (a built-in holiday may yet move).
func (c Calendar) SettledProvisionally(d Date) bool {
	if c.provisional[d] {
		return true
	}
	// The longest official break is well under a month.
	for i, p := 0, d.AddDays(-1); i < 31 && !c.IsWorkday(p); i, p = i+1, p.AddDays(-1) {
		if c.provisional[p] {
			return true
		}
	}
	return false
}

// Entries returns all entries between from and to inclusive, in date order.
func (c Calendar) Entries(from, to Date) []HolidayDay {
	var out []HolidayDay
	for d, h := range c.days {
		if d.Within(from, to) {
			out = append(out, h)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

func isWeekend(d Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// IsWorkday reports whether d is an official working day: a weekday that is
// not a public holiday, or a weekend make-up workday.
func (c Calendar) IsWorkday(d Date) bool {
	if h, ok := c.days[d]; ok {
		return h.Kind == Work
	}
	return !isWeekend(d)
}

// IsMakeupWorkday reports whether d is a weekend day turned into a working day.
func (c Calendar) IsMakeupWorkday(d Date) bool {
	h, ok := c.days[d]
	return ok && h.Kind == Work && isWeekend(d)
}

// Class returns the fairness class of d. A weekend inside a holiday break
// (an "off" entry) counts as a holiday.
func (c Calendar) Class(d Date) DayClass {
	if h, ok := c.days[d]; ok {
		if h.Kind == Work {
			return Workday
		}
		return Holiday
	}
	if isWeekend(d) {
		return Weekend
	}
	return Workday
}

// DaysRule selects a roster's duty days.
type DaysRule struct {
	kind     string // workdays | all | offdays | weekly
	weekdays [7]bool
}

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseDaysRule parses "workdays", "all", "offdays" or "weekly:mon,thu".
func ParseDaysRule(s string) (DaysRule, error) {
	switch s {
	case "workdays", "all", "offdays":
		return DaysRule{kind: s}, nil
	}
	rest, ok := strings.CutPrefix(s, "weekly:")
	if !ok || rest == "" {
		return DaysRule{}, fmt.Errorf("值班日规则 %q 无效，应为 workdays、all、offdays 或 weekly:mon,thu", s)
	}
	r := DaysRule{kind: "weekly"}
	for _, name := range strings.Split(rest, ",") {
		wd, ok := weekdayNames[strings.TrimSpace(name)]
		if !ok {
			return DaysRule{}, fmt.Errorf("值班日规则 %q 中的星期 %q 无效", s, name)
		}
		r.weekdays[wd] = true
	}
	return r, nil
}

// String returns the rule in its file form.
func (r DaysRule) String() string {
	if r.kind != "weekly" {
		return r.kind
	}
	var names []string
	for _, n := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		if r.weekdays[weekdayNames[n]] {
			names = append(names, n)
		}
	}
	return "weekly:" + strings.Join(names, ",")
}

// MarshalText implements encoding.TextMarshaler.
func (r DaysRule) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *DaysRule) UnmarshalText(b []byte) error { return unmarshalText(r, b, ParseDaysRule) }

// IsDutyDay reports whether d is a duty day under the rule. A weekly rule
// names weekdays that are official working days (a holiday Monday is skipped,
// a make-up Saturday is not added).
func (r DaysRule) IsDutyDay(d Date, cal Calendar) bool {
	switch r.kind {
	case "all":
		return true
	case "offdays":
		return !cal.IsWorkday(d)
	case "weekly":
		return r.weekdays[d.Weekday()] && cal.IsWorkday(d)
	default:
		return cal.IsWorkday(d)
	}
}
