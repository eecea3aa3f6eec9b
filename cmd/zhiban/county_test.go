package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhiban/county"
	"zhiban/roster"
)

// futureRoster reads the stored roster from today to the default horizon.
func futureRoster(t *testing.T, db string, today roster.Date) map[roster.Key]string {
	t.Helper()
	as, err := openDB(t, db).Assignments(context.Background(), today, today.AddDays(60))
	if err != nil {
		t.Fatal(err)
	}
	out := map[roster.Key]string{}
	for _, a := range as {
		out[a.Key()] = a.Person
	}
	return out
}

// An absence the county file adds for someone on duty soon replaces that
// duty in the same command; every other future duty stays as it was.
func TestImportRepairsInvalidatedDuties(t *testing.T) {
	t.Parallel()
	db := demoDB(t)
	if code, _, errs := zhiban(t, "generate", "--db", db); code != 0 {
		t.Fatal(errs)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai") // the default zone
	today := roster.Today(time.Now(), loc)
	before := futureRoster(t, db, today)
	var victim roster.Key
	for k := range before {
		if k.Date > today && k.Role == "值班领导" && (victim.Date == 0 || k.Date < victim.Date) {
			victim = k
		}
	}
	if victim.Date == 0 {
		t.Fatal("no future duty generated")
	}
	person := before[victim]

	c := county.Demo()
	c.Absences = append(c.Absences, county.Absence{Person: person, From: victim.Date.String(), To: victim.Date.String(), Kind: "meeting", Reason: "赴省开会"})
	data, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, t.TempDir(), "county2.yaml", data)
	code, out, errs := zhiban(t, "import", file, "--db", db)
	if code != 0 || !strings.Contains(out, "1 项变更") || !strings.Contains(out, "已重新安排 1 个失效班次。") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	after := futureRoster(t, db, today)
	if after[victim] == "" || after[victim] == person {
		t.Fatalf("%s %s still %q (was %s)", victim.Date, victim.Role, after[victim], person)
	}
	for k, p := range before {
		if k != victim && after[k] != p {
			t.Errorf("%s %s %s changed from %s to %s", k.Date, k.Roster, k.Role, p, after[k])
		}
	}

	// Nothing changed, nothing re-planned.
	code, out, _ = zhiban(t, "import", file, "--db", db)
	if code != 0 || !strings.Contains(out, "无变更") || strings.Contains(out, "重新安排") {
		t.Fatalf("second import: %d %q", code, out)
	}
}
