package roster

import (
	"testing"
	"time"
)

func TestDateBasics(t *testing.T) {
	d := MustDate("2026-10-01")
	if d.String() != "2026-10-01" || d.Weekday() != time.Thursday || d.Year() != 2026 || d.Month() != time.October || d.Day() != 1 {
		t.Fatalf("date %v", d)
	}
	if d.AddDays(31).String() != "2026-11-01" || d.MonthEnd().String() != "2026-10-31" || d.AddDays(40).MonthStart().String() != "2026-11-01" {
		t.Fatal("date arithmetic")
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	ny, _ := time.LoadLocation("America/New_York")
	// 00:30 in Shanghai on 1 October is still 30 September in New York.
	inst := time.Date(2026, 10, 1, 0, 30, 0, 0, sh)
	if Today(inst.In(ny), sh) != d || DateOf(inst.In(ny)) != d.AddDays(-1) {
		t.Fatal("Today must use the county zone, not the instant's")
	}
	if got := d.At(Clock(8*60+30), sh); !got.Equal(time.Date(2026, 10, 1, 0, 30, 0, 0, time.UTC)) {
		t.Fatalf("At: %v", got)
	}
	for _, bad := range []string{"2027-02-30", "2027-2-3", "", "2027-13-01", "yesterday"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-10-01", "2027-02-30", "0000-01-01", "9999-12-31", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q) = %s", s, d)
		}
	})
}

func FuzzParseDaysRule(f *testing.F) {
	for _, s := range []string{"workdays", "all", "offdays", "weekly:mon,thu", "weekly:", "weekly:xyz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseDaysRule(s)
		if err != nil {
			return
		}
		again, err := ParseDaysRule(r.String())
		if err != nil || again != r {
			t.Fatalf("rule %q does not round-trip via %q", s, r.String())
		}
	})
}

func TestGapViolationNamesTheOtherDuty(t *testing.T) {
	in := Input{
		People:  []Person{{ID: "a", Name: "甲", Active: true}},
		Pools:   []Pool{{ID: "p", Members: []string{"a"}}},
		Rosters: []Definition{{ID: "r", Days: DaysRule{kind: "all"}, MinGapDays: 3, Slots: []Slot{{Role: "值班领导", Pool: "p"}}}},
		Fixed:   []Assignment{{Roster: "r", Date: MustDate("2026-12-02"), Role: "值班领导", Person: "a"}},
	}
	vs := Validate(in, []Assignment{{Roster: "r", Date: MustDate("2026-12-01"), Role: "值班领导", Person: "a"}})
	if len(vs) != 1 || vs[0].Key.Date != MustDate("2026-12-01") || vs[0].Reason != "甲 12月1日与12月2日连续值班，少于最少间隔 3 天" {
		t.Fatalf("violations %+v: want the 12-01 duty blamed, saying both dates", vs)
	}
	// "只隔 1 天" once said consecutive days had a day between them.
	vs = Validate(in, []Assignment{{Roster: "r", Date: MustDate("2026-12-04"), Role: "值班领导", Person: "a"}})
	if len(vs) != 1 || vs[0].Reason != "甲 12月2日与12月4日都值班，少于最少间隔 3 天" {
		t.Fatalf("violations %+v", vs)
	}
}
