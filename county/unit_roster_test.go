package county

import (
	"strings"
	"testing"
)

// A roster kept by a unit must name a township the file lists: the county's
// departments and villages keep no leader duty roster of their own.
func TestRosterUnitMustBeATownship(t *testing.T) {
	t.Parallel()
	for unit, want := range map[string]string{
		"t99": `rosters[1].unit: 未知单位 "t99"`,
		"c00": `rosters[1].unit: 单位 "c00" 不是乡镇（街道）`,
		"t01": "",
	} {
		c := sample()
		c.Rosters[1].Unit = unit
		err := c.Validate()
		switch {
		case want == "" && err != nil:
			t.Errorf("unit %s: %v", unit, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("unit %s: got %v, want %q", unit, err, want)
		}
	}
	d, err := sample().Domain()
	if err != nil {
		t.Fatal(err)
	}
	if d.Rosters[0].Unit != "" || d.Rosters[1].Unit != "t01" {
		t.Fatalf("domain units %q %q", d.Rosters[0].Unit, d.Rosters[1].Unit)
	}
}
