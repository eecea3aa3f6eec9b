package holiday

import (
	"slices"
	"testing"

	"zhiban/roster"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	old := []roster.HolidayDay{
		day("2027-10-09", roster.Work, "国庆节"),
		day("2027-01-31", roster.Work, "春节"),
		day("2027-02-05", roster.Off, "春节"),
		day("2027-06-09", roster.Off, "端午节"),
	}
	new := []roster.HolidayDay{
		day("2027-02-05", roster.Off, "春节"),
		day("2027-02-04", roster.Off, "春节"),
		day("2027-10-09", roster.Off, "国庆节"),
		day("2027-06-09", roster.Off, "端午"),
		day("2027-02-20", roster.Work, ""),
	}
	var got []string
	for _, c := range Diff(old, new) {
		got = append(got, c.String())
	}
	want := []string{
		"- 2027-01-31 春节 班",
		"+ 2027-02-04 春节 休",
		"+ 2027-02-20 班",
		"~ 2027-06-09 端午节 休 → 端午 休",
		"~ 2027-10-09 国庆节 班 → 休",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Diff =\n%q\nwant\n%q", got, want)
	}
	if ch := Diff(old, slices.Clone(old)); len(ch) != 0 {
		t.Errorf("Diff of equal lists = %v, want none", ch)
	}
	ch := Diff(nil, new[:1])
	if len(ch) != 1 || ch[0].Old != nil || *ch[0].New != new[0] || ch[0].Date != new[0].Date {
		t.Errorf("Diff(nil, one) = %+v", ch)
	}
}

func TestEffective(t *testing.T) {
	t.Parallel()
	builtin := Builtin(2027)
	overrides := []roster.HolidayDay{
		day("2027-10-09", roster.Off, "国庆节"), // staff moved the make-up day
		day("2027-10-16", roster.Work, "国庆节"),
		day("2026-12-31", roster.Off, "元旦"),
	}
	got := Effective(builtin, overrides)
	if len(got) != len(builtin)+2 {
		t.Fatalf("len = %d, want %d", len(got), len(builtin)+2)
	}
	if !slices.IsSortedFunc(got, func(a, b roster.HolidayDay) int { return int(a.Date) - int(b.Date) }) {
		t.Error("Effective is not in date order")
	}
	cal := roster.NewCalendar(got)
	if cal.IsWorkday(roster.MustDate("2027-10-09")) || !cal.IsMakeupWorkday(roster.MustDate("2027-10-16")) {
		t.Error("overrides did not win")
	}
	if got[0] != overrides[2] {
		t.Errorf("first = %v, want %v", got[0], overrides[2])
	}
	if len(Builtin(2027)) != len(builtin) || builtin[len(builtin)-1].Kind != roster.Work {
		t.Error("Effective changed its input")
	}
}
