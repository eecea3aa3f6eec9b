package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"zhiban/county"
	"zhiban/store/storetest"
)

// The fairness page totals each person over every roster, flags people in
// several pools and shows the linked pools' spread beside its bound.
func TestFairnessPageAcrossPools(t *testing.T) {
	st := storetest.OpenDemo(t, nil)
	c := county.Demo()
	pool := county.Pool{ID: "t01-leaders", Name: "城关镇领导", Members: []string{"L01", "L02"}}
	for i := 1; i <= 12; i++ {
		id := fmt.Sprintf("T%02d", i)
		pool.Members = append(pool.Members, id)
		c.People = append(c.People, county.Person{ID: id, Name: "镇领导" + id, Title: "副镇长", Rank: "department"})
	}
	c.Pools = append(c.Pools, pool)
	c.Rosters = append(c.Rosters, county.Roster{ID: "t01-duty", Name: "城关镇值班", Days: "workdays", Start: "08:30", End: "17:30",
		Place: "城关镇群众工作站", Unit: "t01", MinGapDays: 2, Slots: []county.Slot{{Role: "值班领导", Pool: pool.ID}}})
	c.CrossRosterGapDays = 3
	if _, err := st.ImportCounty(context.Background(), c, "test"); err != nil {
		t.Fatal(err)
	}
	f := newStaffFixtureOn(t, st)
	code, body := f.loggedIn(t, "viewer").get("/staff/fairness")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	for _, want := range []string{"每人合计（所有值班表）", "同时在几个值班池中的 2 人", "<th>共有成员的值班池</th>",
		"<td>县级领导、城关镇领导</td>", "镇领导T01", `<span class="tag warn">多池</span>`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, `class="bad"`) {
		t.Error("a spread over its bound is flagged")
	}
}
