package httpapi_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhiban/county"
	"zhiban/roster"
)

// newTownshipFixture is the demo county plus the rosters of 城关镇 (t01) and
// 漕河镇 (t02), each with its own leader on duty today and tomorrow.
func newTownshipFixture(t *testing.T, now time.Time) *fixture {
	return newTownshipsFixture(t, now, 0)
}

// newTownshipsFixture adds extra townships (第1镇…) with a roster each, on
// duty today except every third, to the two of newTownshipFixture.
func newTownshipsFixture(t *testing.T, now time.Time, extra int) *fixture {
	t.Helper()
	f := newFixture(t, now)
	c := county.Demo()
	for i := 1; i <= extra; i++ {
		u, name := fmt.Sprintf("z%02d", i), fmt.Sprintf("第%d镇", i)
		c.Units = append(c.Units, county.Unit{ID: u, Name: name, Kind: "township", Parent: "c00"})
		c.People = append(c.People, county.Person{ID: u + "-1", Name: fmt.Sprintf("%s王%d", name, i), Title: name + "副镇长", Rank: "department"})
		c.Pools = append(c.Pools, county.Pool{ID: u + "-leaders", Name: name + "领导", Members: []string{u + "-1"}})
		c.Rosters = append(c.Rosters, county.Roster{ID: u + "-duty", Name: name + "领导值班", Unit: u, Days: "weekly:mon,wed,fri",
			Start: "08:30", End: "17:30", Place: name + "群众工作站", Slots: []county.Slot{{Role: "值班领导", Pool: u + "-leaders"}}})
	}
	c.People = append(c.People,
		county.Person{ID: "T01", Name: "周晓东", Title: "城关镇党委副书记", Rank: "department"},
		county.Person{ID: "T02", Name: "吴春燕", Title: "漕河镇副镇长", Rank: "department"})
	c.Pools = append(c.Pools,
		county.Pool{ID: "t01-leaders", Name: "城关镇领导", Members: []string{"T01"}},
		county.Pool{ID: "t02-leaders", Name: "漕河镇领导", Members: []string{"T02"}})
	c.Rosters = append(c.Rosters,
		county.Roster{ID: "t01-duty", Name: "城关镇领导值班", Unit: "t01", Days: "all", Start: "08:30", End: "17:30",
			Place: "城关镇群众工作站", Slots: []county.Slot{{Role: "值班领导", Pool: "t01-leaders"}}},
		county.Roster{ID: "t02-duty", Name: "漕河镇领导值班", Unit: "t02", Days: "all", Start: "09:00", End: "12:00",
			Place: "漕河镇群众工作站", Slots: []county.Slot{{Role: "值班领导", Pool: "t02-leaders"}}})
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := f.store.ImportCounty(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	today := roster.MustDate(now.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02"))
	var as []roster.Assignment
	for _, d := range []roster.Date{today, today.AddDays(1)} {
		as = append(as,
			roster.Assignment{Roster: "t01-duty", Date: d, Role: "值班领导", Person: "T01"},
			roster.Assignment{Roster: "t02-duty", Date: d, Role: "值班领导", Person: "T02"})
	}
	for i := 1; i <= extra; i++ {
		if i%3 != 0 {
			u := fmt.Sprintf("z%02d", i)
			as = append(as, roster.Assignment{Roster: u + "-duty", Date: today, Role: "值班领导", Person: u + "-1"})
		}
		u := fmt.Sprintf("z%02d", i)
		as = append(as, roster.Assignment{Roster: u + "-duty", Date: today.AddDays(2), Role: "值班领导", Person: u + "-1"})
	}
	if _, _, err := f.store.SaveGenerated(ctx, as, nil, "test"); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestTownshipPagesAndFeedsOverHTTP(t *testing.T) {
	t.Parallel()
	f := newTownshipFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	for _, tc := range []struct{ path, own, other string }{
		{"/township/t01", "周晓东", "吴春燕"}, {"/township/t02", "吴春燕", "周晓东"},
		{"/feeds/township/t01.ics", "周晓东", "吴春燕"}, {"/feeds/roster/t02-duty.ics", "吴春燕", "周晓东"},
		{"/stations?q=" + url.QueryEscape("城关"), "周晓东", "吴春燕"},
	} {
		code, body := get(t, f.srv.URL+tc.path)
		if code != 200 || !strings.Contains(body, tc.own) || strings.Contains(body, tc.other) {
			t.Errorf("GET %s: %d, want %s and not %s:\n%s", tc.path, code, tc.own, tc.other, body)
		}
	}
	code, body := get(t, f.srv.URL+"/feeds/roster.ics")
	if code != 200 || strings.Contains(body, "周晓东") || strings.Contains(body, "吴春燕") {
		t.Errorf("county feed carries township duties: %d", code)
	}
	code, body = get(t, f.srv.URL+"/")
	if code != 200 || !strings.Contains(body, "各乡镇群众工作站今日值班") || !strings.Contains(body, `href="/township/t01"`) {
		t.Errorf("county page lacks the stations: %d", code)
	}
	for path, want := range map[string]int{
		"/township/t99": 404, "/township/c00": 404, "/feeds/roster/nope.ics": 404, "/feeds/roster/t01-duty": 404,
		"/stations?q=" + strings.Repeat("镇", 30): 400, "/stations?q=%FF": 400,
	} {
		if code, _ := get(t, f.srv.URL+path); code != want {
			t.Errorf("GET %s = %d, want %d", path, code, want)
		}
	}
	// A change shows on the cached township page at once.
	if _, _, err := f.store.SaveGenerated(context.Background(), []roster.Assignment{
		{Roster: "t01-duty", Date: roster.MustDate("2026-12-03"), Role: "值班领导", Person: "T01"}}, nil, "test"); err != nil {
		t.Fatal(err)
	}
	if _, body := get(t, f.srv.URL+"/township/t01"); !strings.Contains(body, `datetime="2026-12-03"`) {
		t.Errorf("township page not refreshed after a change")
	}
}
