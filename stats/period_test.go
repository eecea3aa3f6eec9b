package stats_test

import (
	"testing"

	"zhiban/stats"
)

func TestParsePeriod(t *testing.T) {
	for _, c := range []struct{ in, from, to, key string }{
		{"2027-01", "2027-01-01", "2027-01-31", "2027-01"},
		{"2027-Q1", "2027-01-01", "2027-03-31", "2027-Q1"},
		{"2028-q4", "2028-10-01", "2028-12-31", "2028-Q4"},
		{" 2027 ", "2027-01-01", "2027-12-31", "2027"},
	} {
		p, err := stats.ParsePeriod(c.in)
		if err != nil || p.From.String() != c.from || p.To.String() != c.to || p.Key != c.key {
			t.Errorf("%q: %+v %v", c.in, p, err)
		}
	}
	for _, bad := range []string{"", "27", "2027-13", "2027-Q0", "2027-Q5", "2027-1", "１９９９", "2027-01-01", "1999"} {
		if _, err := stats.ParsePeriod(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if p, _ := stats.ParsePeriod("2027-Q1"); p.Prev().Key != "2026-Q4" || p.Next().Key != "2027-Q2" {
		t.Errorf("around 2027-Q1: %s %s", p.Prev().Key, p.Next().Key)
	}
	if p, _ := stats.ParsePeriod("2027-12"); p.Next().Key != "2028-01" {
		t.Errorf("after 2027-12: %s", p.Next().Key)
	}
}

// FuzzParsePeriod: any text either is refused or is a period whose key reads back as itself.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2027", "2027-01", "2027-Q3", "2027-q", "9999-99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := stats.ParsePeriod(s)
		if err != nil {
			return
		}
		if p.From > p.To {
			t.Fatalf("%q: from %s after to %s", s, p.From, p.To)
		}
		if q, err := stats.ParsePeriod(p.Key); err != nil || q != p {
			t.Fatalf("%q: key %q reads back as %+v, %v", s, p.Key, q, err)
		}
	})
}
