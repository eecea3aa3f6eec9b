package holiday

import (
	"cmp"
	"slices"

	"zhiban/roster"
)

// Change is one difference between two lists of entries: Old is nil for an
// added day, New is nil for a removed one.
type Change struct {
	Date     roster.Date
	Old, New *roster.HolidayDay
}

// Diff lists what changes when old is replaced by new, in date order.
// Unchanged days are left out; when a list repeats a date, the later entry
// counts, as in roster.NewCalendar.
func Diff(old, new []roster.HolidayDay) []Change {
	before, after := byDate(old), byDate(new)
	var out []Change
	for d, o := range before {
		n, ok := after[d]
		switch {
		case !ok:
			out = append(out, Change{Date: d, Old: &o})
		case n != o:
			out = append(out, Change{Date: d, Old: &o, New: &n})
		}
	}
	for d, n := range after {
		if _, ok := before[d]; !ok {
			out = append(out, Change{Date: d, New: &n})
		}
	}
	slices.SortFunc(out, func(a, b Change) int { return cmp.Compare(a.Date, b.Date) })
	return out
}

// String renders the change for the import preview:
// "+ 2027-02-05 春节 休", "- 2027-01-31 春节 班", "~ 2027-10-09 国庆节 班 → 休".
func (c Change) String() string {
	switch {
	case c.Old == nil && c.New == nil:
		return "  " + c.Date.String()
	case c.Old == nil:
		return "+ " + c.Date.String() + " " + entryLabel(*c.New)
	case c.New == nil:
		return "- " + c.Date.String() + " " + entryLabel(*c.Old)
	case c.Old.Name == c.New.Name:
		return "~ " + c.Date.String() + " " + entryLabel(*c.Old) + " → " + kindLabel(c.New.Kind)
	}
	return "~ " + c.Date.String() + " " + entryLabel(*c.Old) + " → " + entryLabel(*c.New)
}

func entryLabel(h roster.HolidayDay) string {
	if h.Name == "" {
		return kindLabel(h.Kind)
	}
	return h.Name + " " + kindLabel(h.Kind)
}

// kindLabel uses the 休/班 marks of Chinese printed calendars.
func kindLabel(k roster.HolidayKind) string {
	switch k {
	case roster.Off:
		return "休"
	case roster.Work:
		return "班"
	}
	return string(k)
}

// Effective merges the built-in schedule with staff overrides, which win
// date by date, and returns the result in date order.
func Effective(builtin, overrides []roster.HolidayDay) []roster.HolidayDay {
	m := byDate(builtin)
	for _, h := range overrides {
		m[h.Date] = h
	}
	out := make([]roster.HolidayDay, 0, len(m))
	for _, h := range m {
		out = append(out, h)
	}
	sortDays(out)
	return out
}

func byDate(days []roster.HolidayDay) map[roster.Date]roster.HolidayDay {
	m := make(map[roster.Date]roster.HolidayDay, len(days))
	for _, h := range days {
		m[h.Date] = h
	}
	return m
}
