package clean

import (
	"strings"
	"testing"
)

func TestDateAsClerksTypeIt(t *testing.T) {
	for in, want := range map[string]string{
		"2027-03-08":          "2027-03-08",
		"２０２７/３/８":            "2027-03-08",
		"2027／3／17":           "2027-03-17",
		"2027-03-22 00:00:00": "2027-03-22",
		"2027-03-22T00:00:00": "2027-03-22",
		"２０２７－０３－２２　００：００：００": "2027-03-22",
		"2027.3.8":   "2027-03-08",
		"2027年3月8日":  "2027-03-08",
		" 20270308 ": "2027-03-08",
	} {
		if got, err := Date(in); err != nil || got != want {
			t.Errorf("Date(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "2027-02-30", "2027-03-22 08:30:00", "3/8/2027", "明天", "2027-03-08x", "\x80"} {
		if got, err := Date(in); err == nil {
			t.Errorf("Date(%q) = %q, want an error", in, got)
		}
	}
}

func TestQuoteIsShortAndSafe(t *testing.T) {
	if got := Quote("春节"); got != `"春节"` {
		t.Errorf("Quote = %s", got)
	}
	if got := Quote("a\x80\u202Eb"); got != `"a\x80\u202eb"` {
		t.Errorf("Quote = %s", got)
	}
	got := Quote(strings.Repeat("节", 300000))
	if !strings.HasPrefix(got, `"`+strings.Repeat("节", 40)+`"…`) || !strings.Contains(got, "300000") || len(got) > 200 {
		t.Errorf("Quote of a long value = %s", got)
	}
}
