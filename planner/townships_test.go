package planner_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/config/configtest"
	"zhiban/county"
	"zhiban/planner"
	"zhiban/publish"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/store/storetest"
)

// townshipsCounty is the demo county with n more townships (乡镇 z001…),
// each keeping a working-day roster at its 群众工作站 from its own pool of
// five township leaders (unit set), as a county file states it.
func townshipsCounty(n int) *county.County {
	c := county.Demo()
	for t := 1; t <= n; t++ {
		unit := fmt.Sprintf("z%03d", t)
		name := fmt.Sprintf("第%d镇", t)
		c.Units = append(c.Units, county.Unit{ID: unit, Name: name, Kind: "township", Parent: "c00"})
		pool := county.Pool{ID: unit + "-leaders", Name: name + "领导"}
		for i := 1; i <= 5; i++ {
			id := fmt.Sprintf("%s-%d", unit, i)
			c.People = append(c.People, county.Person{ID: id, Name: fmt.Sprintf("%s领导%d号", name, i), Title: name + "副镇长", Rank: "department"})
			pool.Members = append(pool.Members, id)
		}
		c.Pools = append(c.Pools, pool)
		c.Rosters = append(c.Rosters, county.Roster{ID: unit + "-duty", Name: name + "领导值班", Unit: unit, Days: "workdays",
			Start: "08:30", End: "17:30", Place: name + "群众工作站", MinGapDays: 2,
			Slots: []county.Slot{{Role: "值班领导", Pool: pool.ID}}})
	}
	return c
}

func importTownships(tb testing.TB, n int, now time.Time) *store.Store {
	tb.Helper()
	st := storetest.OpenDemo(tb, func() time.Time { return now })
	c := townshipsCounty(n)
	if err := c.Validate(); err != nil {
		tb.Fatal(err)
	}
	if _, err := st.ImportCounty(context.Background(), c, "test"); err != nil {
		tb.Fatal(err)
	}
	return st
}

// A county file with 20 township rosters imports, round-trips through
// export, generates a year, and every township's page and feed show its own
// roster's leaders and no other township's.
func TestTwentyTownshipRostersYear(t *testing.T) {
	if testing.Short() {
		t.Skip("a year of 21 rosters")
	}
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	st := importTownships(t, 20, now)
	ctx := context.Background()
	out, err := st.ExportCounty(ctx)
	if err != nil {
		t.Fatal(err)
	}
	units := 0
	for _, r := range out.Rosters {
		if strings.HasPrefix(r.ID, "z") && r.Unit == strings.TrimSuffix(r.ID, "-duty") {
			units++
		}
	}
	if units != 20 {
		t.Fatalf("export keeps the unit of %d township rosters, want 20", units)
	}
	cfg := configtest.Valid(t, func(c *config.Config) { c.Publish.Auto = true })
	today := roster.Today(now, cfg.Location)
	res, err := planner.Fill(ctx, st, today, today.AddDays(364), today, "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("filled: %+v", res.Written)
	pub := publish.New(st, cfg)
	for n := 1; n <= 20; n++ {
		unit := fmt.Sprintf("z%03d", n)
		own := fmt.Sprintf("第%d镇领导", n)
		pg, _, err := pub.TownshipPage(ctx, today, unit)
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Sections) != 1 || pg.Sections[0].ID != unit+"-duty" {
			t.Fatalf("%s page sections %+v", unit, pg.Sections)
		}
		sec := pg.Sections[0]
		shown := 0
		var days []publish.DutyDay
		if sec.Today != nil {
			days = append(days, *sec.Today)
		}
		if sec.Next != nil {
			days = append(days, *sec.Next)
		}
		for _, w := range sec.Week {
			days = append(days, w.DutyDay)
		}
		for _, dd := range days {
			for _, l := range dd.Leaders {
				shown++
				if !strings.HasPrefix(l.Name, own) {
					t.Errorf("%s page shows %s", unit, l.Name)
				}
			}
		}
		if shown == 0 {
			t.Errorf("%s page shows no duty", unit)
		}
		feed, _, err := pub.TownshipFeed(ctx, today, unit)
		if err != nil {
			t.Fatal(err)
		}
		duties := 0
		for _, e := range feed.Events {
			if strings.HasPrefix(e.UID, "duty-") {
				duties++
				if !strings.Contains(e.Summary, own) {
					t.Errorf("%s feed has %s", unit, e.Summary)
				}
			}
		}
		if duties < 200 {
			t.Errorf("%s feed has %d duties, want a year's", unit, duties)
		}
	}
}

// BenchmarkFillTownshipsYear is a year of 150 rosters as the service runs
// it: the county's roster and 149 township rosters imported from a county
// file, planner.Fill reading the store, generating and saving every duty.
//
//	go test ./planner -run '^$' -bench FillTownshipsYear -benchtime 3x
func BenchmarkFillTownshipsYear(b *testing.B) {
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	from := roster.MustDate("2027-01-01")
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		st := importTownships(b, 149, now)
		b.StartTimer()
		if _, err := planner.Fill(ctx, st, from, from.AddDays(364), from, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}
