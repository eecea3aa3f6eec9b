package holiday

import (
	"slices"
	"testing"
	"time"

	"zhiban/roster"
)

func TestCalendarFacts(t *testing.T) {
	t.Parallel()
	cal := roster.NewCalendar(Builtin(2025), Builtin(2026))
	tests := []struct {
		date    string
		class   roster.DayClass
		workday bool
		makeup  bool
		name    string
	}{
		{"2026-10-01", roster.Holiday, false, false, "国庆节"},
		{"2026-10-07", roster.Holiday, false, false, "国庆节"},
		{"2026-10-08", roster.Workday, true, false, ""},
		{"2026-10-10", roster.Workday, true, true, "国庆节"},
		{"2026-10-11", roster.Weekend, false, false, ""},
		{"2026-09-20", roster.Workday, true, true, "国庆节"},
		{"2026-02-14", roster.Workday, true, true, "春节"},
		{"2026-02-17", roster.Holiday, false, false, "春节"},
		{"2026-02-28", roster.Workday, true, true, "春节"},
		{"2026-01-01", roster.Holiday, false, false, "元旦"},
		{"2026-01-04", roster.Workday, true, true, "元旦"},
		{"2026-09-25", roster.Holiday, false, false, "中秋节"},
		{"2025-01-26", roster.Workday, true, true, "春节"},
		{"2025-10-08", roster.Holiday, false, false, "国庆节、中秋节"},
		{"2026-03-11", roster.Workday, true, false, ""},
		{"2026-03-14", roster.Weekend, false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			d := roster.MustDate(tt.date)
			if got := cal.Class(d); got != tt.class {
				t.Errorf("Class = %v, want %v", got, tt.class)
			}
			if got := cal.IsWorkday(d); got != tt.workday {
				t.Errorf("IsWorkday = %v, want %v", got, tt.workday)
			}
			if got := cal.IsMakeupWorkday(d); got != tt.makeup {
				t.Errorf("IsMakeupWorkday = %v, want %v", got, tt.makeup)
			}
			h, _ := cal.Entry(d)
			if h.Name != tt.name {
				t.Errorf("name = %q, want %q", h.Name, tt.name)
			}
		})
	}
}

// notice builds a year's schedule as a State Council notice states it:
// ranges of days off and single make-up workdays.
type notice struct {
	name     string
	from, to string
	work     []string
}

func expand(notices []notice) []roster.HolidayDay {
	var out []roster.HolidayDay
	for _, n := range notices {
		for d := roster.MustDate(n.from); d <= roster.MustDate(n.to); d++ {
			out = append(out, roster.HolidayDay{Date: d, Kind: roster.Off, Name: n.name})
		}
		for _, w := range n.work {
			out = append(out, roster.HolidayDay{Date: roster.MustDate(w), Kind: roster.Work, Name: n.name})
		}
	}
	sortDays(out)
	return out
}

// TestBuiltinMatchesNotices compares the built-in data with the published
// notices, transcribed by hand: 国办发明电〔2024〕12号 (2025) and the notice of
// 2025-11-04 (2026).
func TestBuiltinMatchesNotices(t *testing.T) {
	t.Parallel()
	official := map[int][]notice{
		2025: {
			{"元旦", "2025-01-01", "2025-01-01", nil},
			{"春节", "2025-01-28", "2025-02-04", []string{"2025-01-26", "2025-02-08"}},
			{"清明节", "2025-04-04", "2025-04-06", nil},
			{"劳动节", "2025-05-01", "2025-05-05", []string{"2025-04-27"}},
			{"端午节", "2025-05-31", "2025-06-02", nil},
			{"国庆节、中秋节", "2025-10-01", "2025-10-08", []string{"2025-09-28", "2025-10-11"}},
		},
		2026: {
			{"元旦", "2026-01-01", "2026-01-03", []string{"2026-01-04"}},
			{"春节", "2026-02-15", "2026-02-23", []string{"2026-02-14", "2026-02-28"}},
			{"清明节", "2026-04-04", "2026-04-06", nil},
			{"劳动节", "2026-05-01", "2026-05-05", []string{"2026-05-09"}},
			{"端午节", "2026-06-19", "2026-06-21", nil},
			{"中秋节", "2026-09-25", "2026-09-27", nil},
			{"国庆节", "2026-10-01", "2026-10-07", []string{"2026-09-20", "2026-10-10"}},
		},
	}
	for year, ns := range official {
		if ch := Diff(expand(ns), Builtin(year)); len(ch) > 0 {
			t.Errorf("built-in %d differs from the notice:\n%v", year, ch)
		}
		if Provisional(year) {
			t.Errorf("Provisional(%d) = true for a checked year", year)
		}
	}
}

func TestBuiltin2027(t *testing.T) {
	t.Parallel()
	if !Provisional(2027) {
		t.Error("Provisional(2027) = false, want true until staff confirm")
	}
	want := expand([]notice{{"春节", "2027-02-05", "2027-02-13", []string{"2027-01-31", "2027-02-14"}}})
	got := BuiltinBetween(roster.MustDate("2027-01-20"), roster.MustDate("2027-02-28"))
	if ch := Diff(want, got); len(ch) > 0 {
		t.Errorf("Spring Festival 2027 differs from lunar-go v1.4.7:\n%v", ch)
	}
}

func TestBuiltinYears(t *testing.T) {
	t.Parallel()
	years := BuiltinYears()
	if len(years) == 0 || years[0] != 2002 || years[len(years)-1] < 2027 {
		t.Fatalf("BuiltinYears = %v, want 2002 through at least 2027", years)
	}
	for i, y := range years {
		if y != years[0]+i {
			t.Fatalf("BuiltinYears has a gap before %d: %v", y, years)
		}
	}
	allowed := []string{"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节", "国庆节、中秋节", "抗战胜利日"}
	for _, y := range years {
		days := Builtin(y)
		if err := Validate(days); err != nil {
			t.Errorf("Validate(Builtin(%d)): %v", y, err)
		}
		if !slices.IsSortedFunc(days, func(a, b roster.HolidayDay) int { return int(a.Date) - int(b.Date) }) {
			t.Errorf("Builtin(%d) is not in date order", y)
		}
		for _, h := range days {
			if h.Date.Year() != y {
				t.Errorf("Builtin(%d) holds %s", y, h.Date)
			}
			if !slices.Contains(allowed, h.Name) {
				t.Errorf("Builtin(%d): %s has name %q", y, h.Date, h.Name)
			}
		}
	}
	if got := Builtin(1990); len(got) != 0 {
		t.Errorf("Builtin(1990) = %v, want none", got)
	}
}

func TestBuiltinReturnsCopy(t *testing.T) {
	t.Parallel()
	a := Builtin(2026)
	a[0].Name = "changed"
	if Builtin(2026)[0].Name != "元旦" {
		t.Error("changing Builtin's result changed the built-in data")
	}
}

func TestBuiltinBetweenCrossesYears(t *testing.T) {
	t.Parallel()
	got := BuiltinBetween(roster.MustDate("2025-12-20"), roster.MustDate("2026-01-04"))
	var dates []string
	for _, h := range got {
		dates = append(dates, h.Date.String())
	}
	want := []string{"2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"}
	if !slices.Equal(dates, want) {
		t.Errorf("BuiltinBetween = %v, want %v", dates, want)
	}
	// The make-up day of 2026's New Year is a Sunday.
	if wd := got[3].Date.Weekday(); wd != time.Sunday || got[3].Kind != roster.Work {
		t.Errorf("2026-01-04 = %v %v, want a Sunday make-up workday", wd, got[3].Kind)
	}
}
