// Package holiday provides China's official holiday calendar: the built-in
// State Council schedules, parsers for staff-supplied files, and the merge and
// diff used when staff override the built-in data.
package holiday

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"

	"zhiban/roster"
)

// lastConfirmedYear is the last year whose built-in schedule has been checked
// against the published State Council notice. Later years come from lunar-go
// ahead of (or without) that check, so staff must confirm them before relying
// on them.
const lastConfirmedYear = 2026

// names maps lunar-go's holiday names to the names used in the official
// notices and in holiday-cn files, so importing an official file does not
// show spurious name changes.
var names = map[string]string{
	"元旦节":  "元旦",
	"国庆中秋": "国庆节、中秋节",
}

// lunar-go v1.4.7 matches the State Council notices for 2025 (国办发明电〔2024〕12号)
// and 2026 (issued 2025-11-04) day for day, so no correction table is needed:
// TestBuiltinMatchesNotices transcribes both notices and fails if an upgrade
// diverges, at which point corrections belong here.

// builtinData is every built-in entry by year, read once from lunar-go.
var builtinData = sync.OnceValue(func() map[int][]roster.HolidayDay {
	byYear := map[int][]roster.HolidayDay{}
	// lunar-go only answers per year; its data starts in late 2001.
	for y := 1990; y <= 2100; y++ {
		for e := HolidayUtil.GetHolidaysByYear(y).Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			d, err := roster.ParseDate(h.GetDay())
			if err != nil {
				panic("holiday: lunar-go date " + h.GetDay() + ": " + err.Error())
			}
			name := h.GetName()
			if n, ok := names[name]; ok {
				name = n
			}
			kind := roster.Off
			if h.IsWork() {
				kind = roster.Work
				// lunar-go lists two ordinary weekdays of 2012 (05-02, 10-08)
				// as make-up days; a weekday is a workday anyway, and keeping
				// them would make the built-in data fail Validate.
				if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
					continue
				}
			}
			byYear[y] = append(byYear[y], roster.HolidayDay{Date: d, Kind: kind, Name: name})
		}
		sortDays(byYear[y])
	}
	return byYear
})

// Builtin returns the built-in official entries dated in year, in date order.
// Make-up workdays carry the name of the holiday they belong to.
func Builtin(year int) []roster.HolidayDay {
	return slices.Clone(builtinData()[year])
}

// BuiltinBetween returns the built-in entries from from to to inclusive,
// for date ranges such as a roster horizon that cross a new year.
func BuiltinBetween(from, to roster.Date) []roster.HolidayDay {
	var out []roster.HolidayDay
	for y := from.Year(); y <= to.Year(); y++ {
		for _, h := range builtinData()[y] {
			if h.Date.Within(from, to) {
				out = append(out, h)
			}
		}
	}
	return out
}

// BuiltinYears lists, in order, the years whose holidays are built in. A year
// counts only if it has a day off: lunar-go's 2001 holds nothing but the
// make-up days for 2002's New Year.
func BuiltinYears() []int {
	var years []int
	for y, days := range builtinData() {
		if slices.ContainsFunc(days, func(h roster.HolidayDay) bool { return h.Kind == roster.Off }) {
			years = append(years, y)
		}
	}
	slices.Sort(years)
	return years
}

// Provisional reports whether the built-in schedule for year still needs
// staff confirmation against the State Council notice.
func Provisional(year int) bool { return year > lastConfirmedYear }

func sortDays(days []roster.HolidayDay) {
	slices.SortStableFunc(days, func(a, b roster.HolidayDay) int { return cmp.Compare(a.Date, b.Date) })
}
