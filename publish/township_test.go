package publish

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"zhiban/ical"
	"zhiban/store"

	"zhiban/config"
	"zhiban/county"
	"zhiban/roster"
)

// withTownshipRosters adds two township rosters (城关镇 t01, 漕河镇 t02) and a
// second county roster, all with a role named 值班领导, and a duty of each
// on today and the day after.
func withTownshipRosters(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	c := county.Demo()
	c.People = append(c.People,
		county.Person{ID: "T01", Name: "周晓东", Title: "城关镇党委副书记", Rank: "department"},
		county.Person{ID: "T02", Name: "吴春燕", Title: "漕河镇副镇长", Rank: "department"},
		county.Person{ID: "N01", Name: "钱夜班", Title: "县委办副主任", Rank: "department"},
	)
	c.Pools = append(c.Pools,
		county.Pool{ID: "t01-leaders", Name: "城关镇领导", Members: []string{"T01"}},
		county.Pool{ID: "t02-leaders", Name: "漕河镇领导", Members: []string{"T02"}},
		county.Pool{ID: "night", Name: "夜间值班", Members: []string{"N01"}})
	c.Rosters = append(c.Rosters,
		county.Roster{ID: "t01-duty", Name: "城关镇领导值班", Unit: "t01", Days: "all", Start: "08:30", End: "17:30",
			Place: "城关镇群众工作站", Slots: []county.Slot{{Role: "值班领导", Pool: "t01-leaders"}}},
		county.Roster{ID: "t02-duty", Name: "漕河镇领导值班", Unit: "t02", Days: "all", Start: "09:00", End: "12:00",
			Place: "漕河镇群众工作站", Slots: []county.Slot{{Role: "值班领导", Pool: "t02-leaders"}}},
		county.Roster{ID: "night-duty", Name: "县夜间值班", Days: "all", Start: "18:00", End: "21:00",
			Place: "县群众来访接待中心", Slots: []county.Slot{{Role: "值班领导", Pool: "night"}}})
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.ImportCounty(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	var as []roster.Assignment
	for _, d := range []roster.Date{f.today, f.today.AddDays(1)} {
		as = append(as,
			roster.Assignment{Roster: "t01-duty", Date: d, Role: "值班领导", Person: "T01"},
			roster.Assignment{Roster: "t02-duty", Date: d, Role: "值班领导", Person: "T02"},
			roster.Assignment{Roster: "night-duty", Date: d, Role: "值班领导", Person: "N01"})
	}
	if _, _, err := f.st.SaveGenerated(ctx, as, nil, "test"); err != nil {
		t.Fatal(err)
	}
}

func autoPublish(c *config.Config) { c.Publish.Auto = true }

// Two county rosters with a role of the same name keep two columns, each
// labelled with its roster; township rosters stay off the county's sheet.
func TestMonthPageKeepsRostersColumnsApart(t *testing.T) {
	t.Parallel()
	f := newFixture(t, autoPublish)
	withTownshipRosters(t, f)
	pg, _, err := f.pub.MonthPage(context.Background(), f.today, roster.MonthOf(f.today))
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]int{}
	for i, c := range pg.Columns {
		labels[c.Label] = i
		if c.RosterID == "t01-duty" || c.RosterID == "t02-duty" {
			t.Errorf("township roster %s on the county month page", c.RosterID)
		}
	}
	day, night := "县领导值班接访·值班领导", "县夜间值班·值班领导"
	di, ok1 := labels[day]
	ni, ok2 := labels[night]
	if !ok1 || !ok2 || len(pg.Columns) != 3 {
		t.Fatalf("columns %+v, want %s, %s and 跟班领导", pg.Columns, day, night)
	}
	for _, r := range pg.Rows {
		if r.Date != f.today {
			continue
		}
		if len(r.Cells[ni]) != 1 || r.Cells[ni][0].ID != "N01" {
			t.Errorf("night column today = %+v, want N01 only", r.Cells[ni])
		}
		if len(r.Cells[di]) != 1 || r.Cells[di][0].ID == "N01" {
			t.Errorf("day column today = %+v, want one county leader", r.Cells[di])
		}
	}
}

// Each township's page and feed show its own roster and never another's;
// the county's page and feed keep the township rosters out of their sections.
func TestTownshipPagesAndFeedsShowOnlyTheirRoster(t *testing.T) {
	t.Parallel()
	f := newFixture(t, autoPublish)
	withTownshipRosters(t, f)
	ctx := context.Background()
	for _, tc := range []struct{ id, own, other, ownRoster string }{
		{"t01", "周晓东", "吴春燕", "t01-duty"}, {"t02", "吴春燕", "周晓东", "t02-duty"},
	} {
		pg, _, err := f.pub.TownshipPage(ctx, f.today, tc.id)
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Sections) != 1 || pg.Sections[0].ID != tc.ownRoster || pg.Sections[0].Today == nil ||
			pg.Sections[0].Today.Leaders[0].Name != tc.own || len(pg.Sections[0].Week) != 1 {
			t.Errorf("%s page sections = %+v", tc.id, pg.Sections)
		}
		b, _ := json.Marshal(pg)
		if strings.Contains(string(b), tc.other) || strings.Contains(string(b), "钱夜班") {
			t.Errorf("%s page shows another roster: %s", tc.id, b)
		}
		if l := f.leaks(t, pg); len(l) > 0 {
			t.Errorf("%s page shows %q", tc.id, l)
		}
		feed, _, err := f.pub.TownshipFeed(ctx, f.today, tc.id)
		if err != nil {
			t.Fatal(err)
		}
		body := feedText(t, feed)
		if strings.Count(body, "SUMMARY:值班领导："+tc.own) != 2 || strings.Contains(body, tc.other) || strings.Contains(body, "钱夜班") {
			t.Errorf("%s feed: want two duties of %s only:\n%s", tc.id, tc.own, body)
		}
		one, _, err := f.pub.OneRosterFeed(ctx, f.today, tc.ownRoster)
		if err != nil {
			t.Fatal(err)
		}
		if body := feedText(t, one); strings.Count(body, "SUMMARY:值班领导："+tc.own) != 2 || strings.Contains(body, tc.other) {
			t.Errorf("roster feed %s:\n%s", tc.ownRoster, body)
		}
	}
	if _, _, err := f.pub.TownshipPage(ctx, f.today, "no-such"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown township: %v, want not found", err)
	}
	if _, _, err := f.pub.OneRosterFeed(ctx, f.today, "no-such"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown roster: %v, want not found", err)
	}
	county, _, err := f.pub.RosterFeed(ctx, f.today)
	if err != nil {
		t.Fatal(err)
	}
	if body := feedText(t, county); strings.Contains(body, "周晓东") || strings.Contains(body, "吴春燕") || !strings.Contains(body, "钱夜班") {
		t.Errorf("county feed should keep county rosters only")
	}
	home, err := f.pub.TodayPage(ctx, f.today)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range home.Sections {
		if s.ID == "t01-duty" || s.ID == "t02-duty" {
			t.Errorf("township roster %s has a county section", s.ID)
		}
	}
	if len(home.Stations) != 2 || home.Stations[0].Township != "城关镇" || home.Stations[0].Today == nil ||
		home.Stations[1].Today.Leaders[0].Name != "吴春燕" {
		t.Errorf("stations = %+v", home.Stations)
	}
	st, _, err := f.pub.StationsPage(ctx, f.today, "漕河")
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Stations) != 1 || st.Stations[0].TownshipID != "t02" || st.Total != 2 {
		t.Errorf("search 漕河 = %+v", st.Stations)
	}
}

func feedText(t *testing.T, f ical.Feed) string {
	t.Helper()
	b, err := ical.Build(f)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "\r\n ", "")
}

func TestParseStationQuery(t *testing.T) {
	for _, bad := range []string{"\xff", "城关\x00", strings.Repeat("镇", 21)} {
		if _, err := ParseStationQuery(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if q, err := ParseStationQuery("  城关 "); err != nil || q != "城关" {
		t.Errorf("got %q, %v", q, err)
	}
}
