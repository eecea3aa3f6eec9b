package planner_test

import (
	"context"
	"testing"

	"zhiban/county"
	"zhiban/fault"
	"zhiban/planner"
)

// A township account changes leave only of people who serve in its own
// rosters alone: T05 is also in the county's 跟班 pool, so t05's clerk may
// not take them off the county roster.
func TestCheckPersonServesOnlyInTheTownship(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	c := county.Demo()
	c.People = append(c.People,
		county.Person{ID: "T05", Name: "柳林镇镇长", Title: "镇长", Rank: "department"},
		county.Person{ID: "T06", Name: "柳林镇副镇长", Title: "副镇长", Rank: "department"},
		county.Person{ID: "T07", Name: "石桥镇副镇长", Title: "副镇长", Rank: "department"})
	c.Pools = append(c.Pools, county.Pool{ID: "t05", Name: "柳林镇领导", Members: []string{"T05", "T06"}},
		county.Pool{ID: "t04", Name: "石桥镇领导", Members: []string{"T07"}})
	for i := range c.Pools {
		if c.Pools[i].ID == "dept-leaders" {
			c.Pools[i].Members = append(c.Pools[i].Members, "T05")
		}
	}
	for _, town := range []string{"t04", "t05"} {
		c.Rosters = append(c.Rosters, county.Roster{ID: town + "-duty", Name: town + "值班", Days: "workdays", Start: "08:30", End: "17:30",
			Place: "群众工作站", Unit: town, Slots: []county.Slot{{Role: "值班领导", Pool: town}}})
	}
	if _, err := st.ImportCounty(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		unit, person string
		ok           bool
	}{
		{"t05", "T06", true}, {"t05", "T05", false}, {"t05", "T07", false}, {"t05", "L01", false}, {"t05", "D01", false},
		{"t04", "T07", true}, {"", "T05", true}, {"", "L01", true},
	} {
		err := planner.CheckPerson(ctx, st, tc.unit, tc.person)
		if tc.ok && err != nil || !tc.ok && (fault.Classify(err) == nil || fault.Classify(err).Kind != fault.Forbidden) {
			t.Errorf("%q on %s: %v, want ok=%v", tc.unit, tc.person, err, tc.ok)
		}
	}
	for _, tc := range []struct {
		unit, roster string
		ok           bool
	}{{"t05", "t05-duty", true}, {"t05", "t04-duty", false}, {"t05", "county-duty", false}, {"", "t04-duty", true}} {
		if err := planner.CheckRoster(ctx, st, tc.unit, tc.roster); (err == nil) != tc.ok {
			t.Errorf("%q on roster %s: %v, want ok=%v", tc.unit, tc.roster, err, tc.ok)
		}
	}
}
