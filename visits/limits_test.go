package visits

import (
	"strings"
	"testing"

	"zhiban/roster"
)

func TestRepresentativesArt20(t *testing.T) {
	today := roster.MustDate("2026-12-02")
	for _, tc := range []struct {
		group, reps int
		ok          bool
	}{
		{1, 0, true}, {5, 0, true}, {6, 0, false}, {6, 1, true}, {40, 5, true}, {40, 6, false}, {3, 4, false}, {8, -1, false},
	} {
		c := Case{Code: "2026-0001", Title: "征地补偿", Category: "其他", Township: "t01", Received: today, Channel: "来访",
			Petitioner: Petitioner{Name: "某某"}, GroupSize: tc.group, Representatives: tc.reps}
		err := c.Validate(today)
		if tc.ok != (err == nil) {
			t.Errorf("group %d, %d representatives: %v, want ok=%v", tc.group, tc.reps, err, tc.ok)
		}
		if err != nil && tc.reps != 4 && !strings.Contains(err.Error(), "第二十条") {
			t.Errorf("group %d, %d representatives: %q does not cite art. 20", tc.group, tc.reps, err)
		}
	}
}

func TestCheckDateWindow(t *testing.T) {
	today := roster.MustDate("2026-12-02")
	for s, ok := range map[string]bool{
		"0000-01-01": false, "1999-12-31": false, "2000-01-01": true, "2031-12-02": true, "2031-12-03": false, "9999-12-31": false,
	} {
		if err := CheckDate("date", roster.MustDate(s), today); (err == nil) != ok {
			t.Errorf("%s: %v, want ok=%v", s, err, ok)
		}
	}
	if CheckDate("date", 0, today) != nil {
		t.Error("a date not given is the rules' to refuse")
	}
}
