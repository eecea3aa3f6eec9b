package roster

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestMonth(t *testing.T) {
	m := MustMonth("2026-12")
	if m.String() != "2026-12" || m.Year() != 2026 || m.Month() != time.December || m.Label() != "2026年12月" {
		t.Fatalf("month %v", m)
	}
	if m.First().String() != "2026-12-01" || m.Last().String() != "2026-12-31" {
		t.Fatalf("first/last %s %s", m.First(), m.Last())
	}
	if m.Next().String() != "2027-01" || m.Prev().String() != "2026-11" || m.AddMonths(-12).String() != "2025-12" {
		t.Fatal("next/prev across the year")
	}
	if got := MustMonth("2028-02").Last().String(); got != "2028-02-29" {
		t.Fatalf("leap February ends %s", got)
	}
	if !m.Contains(MustDate("2026-12-31")) || m.Contains(MustDate("2027-01-01")) || m.Contains(MustDate("2026-11-30")) {
		t.Fatal("contains")
	}
	if MonthOf(MustDate("2026-10-31")) != MustMonth("2026-10") || NewMonth(2026, 13) != MustMonth("2027-01") {
		t.Fatal("MonthOf/NewMonth")
	}
	if MustDate("2026-10-15").MonthStart() != MustMonth("2026-10").First() || MustDate("2026-10-15").MonthEnd() != MustMonth("2026-10").Last() {
		t.Fatal("Date.MonthStart/MonthEnd disagree with Month")
	}
	for _, bad := range []string{"", "2026", "2026-1", "2026-13", "2026-00", "0000-01", "2026/10", "+026-10", "2026--1", "2026-10-01", "２０２６-10"} {
		if _, err := ParseMonth(bad); err == nil {
			t.Errorf("ParseMonth(%q) accepted", bad)
		} else if !strings.Contains(err.Error(), "应为 YYYY-MM") {
			t.Errorf("ParseMonth(%q) error %q", bad, err)
		}
	}
}

func TestMonthErrorIsShortAndValidUTF8(t *testing.T) {
	_, err := ParseMonth(strings.Repeat("月", 40))
	if err == nil || len(err.Error()) > 120 || !strings.Contains(err.Error(), "…") {
		t.Fatalf("error %q", err)
	}
}

func TestMonthJSON(t *testing.T) {
	var v struct{ M Month }
	if err := json.Unmarshal([]byte(`{"M":"2027-02"}`), &v); err != nil || v.M != MustMonth("2027-02") {
		t.Fatalf("unmarshal %v %v", v.M, err)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"M":"2027-02"}` {
		t.Fatalf("marshal %s", b)
	}
	if err := json.Unmarshal([]byte(`{"M":"2027-2"}`), &v); err == nil {
		t.Fatal("bad month accepted")
	}
}

func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2026-10", "2026-13", "0001-01", "9999-12", "x", "２０２６-10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMonth(s)
		if err != nil {
			return
		}
		if m.String() != s || MonthOf(m.First()) != m || MonthOf(m.Last()) != m || m.Last().AddDays(1) != m.Next().First() {
			t.Fatalf("ParseMonth(%q) = %s", s, m)
		}
		if _, perr := time.Parse("2006-01", s); perr != nil {
			t.Fatalf("ParseMonth accepted %q that time.Parse refuses", s)
		}
	})
}
