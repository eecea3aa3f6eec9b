package county

import (
	"strings"
	"testing"
)

// cross_roster_gap_days is optional, 0 to 366, and survives a write and read.
func TestCrossRosterGapDays(t *testing.T) {
	t.Parallel()
	for gap, want := range map[int]string{
		-1:  "cross_roster_gap_days: 跨值班表最少间隔天数 -1 无效，应在 0 到 366 之间（0 表示不限制）",
		367: "cross_roster_gap_days: 跨值班表最少间隔天数 367 无效",
		0:   "",
		3:   "",
	} {
		c := sample()
		c.CrossRosterGapDays = gap
		err := c.Validate()
		switch {
		case want == "" && err != nil:
			t.Errorf("gap %d: %v", gap, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("gap %d: got %v, want %q", gap, err, want)
		}
	}
	c := sample()
	c.CrossRosterGapDays = 3
	b, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("x.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	d, err := back.Domain()
	if err != nil || back.CrossRosterGapDays != 3 || d.CrossGapDays != 3 {
		t.Fatalf("round trip: %d %d %v", back.CrossRosterGapDays, d.CrossGapDays, err)
	}
	c.CrossRosterGapDays = 0
	if b, _ := c.Marshal(); strings.Contains(string(b), "cross_roster_gap_days") {
		t.Fatal("a zero gap is written")
	}
}
