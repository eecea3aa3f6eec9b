package store_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"zhiban/county"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/store/storetest"
)

// storeNow is the clock of the store tests' stores.
func storeNow() time.Time { return time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC) }

// openTemp opens an empty store on storeNow.
func openTemp(t *testing.T) *store.Store {
	st := storetest.Open(t)
	st.Now = storeNow
	return st
}

func TestMigrateTwiceIsNoOp(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "z.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v1, _ := st.SchemaVersion(ctx)
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	st.Close()
	st, err = store.Open(ctx, path) // and a third time on reopen
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v2, _ := st.SchemaVersion(ctx)
	if v1 == 0 || v1 != v2 {
		t.Fatalf("schema version %d then %d", v1, v2)
	}
}

func TestImportExportRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	demo := county.Demo()
	res, err := st.ImportCounty(ctx, demo, "test")
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed == 0 {
		t.Fatal("first import changed nothing")
	}
	importChanging(t, st, demo, 0)
	out, err := st.ExportCounty(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := demo.Marshal()
	b, _ := out.Marshal()
	if string(a) != string(b) {
		t.Fatalf("export differs from import:\n--- import\n%s\n--- export\n%s", a, b)
	}
}

// importChanging imports c into st and fails unless that changed want rows.
func importChanging(t *testing.T, st *store.Store, c *county.County, want int) {
	t.Helper()
	res, err := st.ImportCounty(context.Background(), c, "test")
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed != want {
		t.Fatalf("import changed %d rows, want %d", res.Changed, want)
	}
}

func TestImportUpdatesTitle(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenDemo(t, storeNow)
	c := county.Demo() // what st holds
	c.People[0].Title = "县委书记（新）"
	importChanging(t, st, c, 1)
	p, err := st.Person(ctx, c.People[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "县委书记（新）" {
		t.Fatalf("title %q", p.Title)
	}
}

// A leader's e-mail goes in with the county file, changes and clears with
// it, comes back out in the export, and survives a staff edit of the links.
func TestPersonEmailRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenDemo(t, storeNow)
	c := county.Demo() // what st holds
	p, err := st.Person(ctx, "L01")
	if err != nil || p.Email != "l01@shili.gov.example" {
		t.Fatalf("L01 e-mail %q %v", p.Email, err)
	}
	c.People[0].Email = "li.zhiyuan@shili.gov.example"
	c.People[1].Email = ""
	importChanging(t, st, c, 2)
	out, err := st.ExportCounty(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if out.People[0].Email != "li.zhiyuan@shili.gov.example" || out.People[1].Email != "" || out.People[2].Email != "l03@shili.gov.example" {
		t.Fatalf("exported e-mails %q %q %q", out.People[0].Email, out.People[1].Email, out.People[2].Email)
	}
	p, _ = st.Person(ctx, "L01")
	p.Links.Village = "新村"
	if _, err := st.UpsertPerson(ctx, p, nil, "staff"); err != nil {
		t.Fatal(err)
	}
	if p, _ = st.Person(ctx, "L01"); p.Email != "li.zhiyuan@shili.gov.example" || p.Links.Village != "新村" {
		t.Fatalf("after a links edit: %+v", p)
	}
}

func TestDomainRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenDemo(t, storeNow)
	c := county.Demo() // what st holds
	d, err := c.Domain()
	if err != nil {
		t.Fatal(err)
	}
	people, _ := st.People(ctx)
	if !reflect.DeepEqual(people, d.People) {
		t.Errorf("people differ")
	}
	pools, _ := st.Pools(ctx)
	if !reflect.DeepEqual(pools, d.Pools) {
		t.Errorf("pools differ: %v vs %v", pools, d.Pools)
	}
	defs, _ := st.Rosters(ctx)
	if !reflect.DeepEqual(defs, d.Rosters) {
		t.Errorf("rosters differ: %+v vs %+v", defs, d.Rosters)
	}
}

func TestAssignmentVersionConflict(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenDemo(t, storeNow)
	people, _ := st.People(ctx)
	defs, _ := st.Rosters(ctx)
	a := roster.Assignment{Roster: defs[0].ID, Date: roster.MustDate("2027-03-01"), Role: defs[0].Slots[0].Role, Person: people[0].ID}
	w, r, err := st.SaveGenerated(ctx, []roster.Assignment{a}, nil, "job")
	if err != nil || w != 1 || r != 0 {
		t.Fatalf("save generated: %d %d %v", w, r, err)
	}
	cur, err := st.Assignment(ctx, a.Key())
	if err != nil || cur.Version != 1 || cur.Source != roster.Generated {
		t.Fatalf("stored %+v %v", cur, err)
	}
	a.Person = people[1].ID
	saved, err := st.SetAssignment(ctx, a, 1, "alice")
	if err != nil || saved.Version != 2 || saved.Source != roster.Manual {
		t.Fatalf("edit: %+v %v", saved, err)
	}
	a.Person = people[2].ID
	if _, err := st.SetAssignment(ctx, a, 1, "bob"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale edit: %v, want ErrConflict", err)
	}
	// Generation never overwrites a manual slot.
	a.Person = people[3].ID
	if w, _, err := st.SaveGenerated(ctx, []roster.Assignment{a}, []roster.Key{a.Key()}, "job"); err != nil || w != 0 {
		t.Fatalf("generated over manual: %d %v", w, err)
	}
	cur, _ = st.Assignment(ctx, a.Key())
	if cur.Person != people[1].ID {
		t.Fatalf("manual slot changed to %s", cur.Person)
	}
	log, _ := st.AuditLog(ctx, store.AuditFilter{Entity: "assignment"})
	if len(log) != 1 || log[0].Actor != "alice" || log[0].Before != people[0].ID || log[0].After != people[1].ID {
		t.Fatalf("audit %+v", log)
	}
}

func TestJobLedger(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	if _, err := st.JobRun(ctx, "x", "2026-11-28"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing run: %v", err)
	}
	now := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	run := store.JobRun{Job: "x", Period: "2026-11-28", Status: "failed", StartedAt: now, FinishedAt: now, Error: "boom"}
	if err := st.RecordJobRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	run.Status, run.Error = "done", ""
	if err := st.RecordJobRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	got, err := st.JobRun(ctx, "x", "2026-11-28")
	if err != nil || got.Status != "done" || got.Attempts != 2 || !got.StartedAt.Equal(now) {
		t.Fatalf("ledger %+v %v", got, err)
	}
}

func TestAbsencesAndHolidays(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenDemo(t, storeNow)
	people, _ := st.People(ctx)
	id, err := st.AddAbsence(ctx, roster.Absence{Person: people[0].ID, From: roster.MustDate("2027-05-01"), To: roster.MustDate("2027-05-03"), Kind: roster.Trip, Reason: "出差"}, "t")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := st.Absences(ctx, roster.MustDate("2027-05-03"), roster.MustDate("2027-05-10"))
	found := false
	for _, a := range got {
		found = found || a.ID == id
	}
	if !found {
		t.Fatalf("absence %d not found in overlap query: %+v", id, got)
	}
	if _, err := st.AddAbsence(ctx, roster.Absence{Person: "nobody", From: 1, To: 2, Kind: roster.Leave}, "t"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("absence of unknown person: %v", err)
	}
	days := []roster.HolidayDay{{Date: roster.MustDate("2027-02-06"), Kind: roster.Off, Name: "春节"}}
	if err := st.ReplaceHolidayYear(ctx, 2027, days, "t"); err != nil {
		t.Fatal(err)
	}
	ok, _ := st.HolidayYearConfirmed(ctx, 2027)
	hs, _ := st.HolidayOverrides(ctx)
	if !ok || len(hs) < 1 {
		t.Fatalf("confirmed %v overrides %v", ok, hs)
	}
}

func TestImportRemovesRostersAndPoolsTheFileDropped(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenDemo(t, storeNow)
	c := county.Demo() // what st holds
	// Renaming the roster (no duties yet) replaces it; the unused pool goes too.
	c.Rosters[0].ID = "county-duty-2"
	c.Pools = append(c.Pools, county.Pool{ID: "spare", Name: "备用", Members: []string{c.People[0].ID}})
	if _, err := st.ImportCounty(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	c.Pools = c.Pools[:len(c.Pools)-1]
	if _, err := st.ImportCounty(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	out, _ := st.ExportCounty(ctx)
	a, _ := c.Marshal()
	b, _ := out.Marshal()
	if string(a) != string(b) {
		t.Fatalf("export differs after removals:\n%s", b)
	}
	// A roster with duties on it cannot be dropped.
	defs, _ := st.Rosters(ctx)
	pools, _ := st.Pools(ctx)
	a1 := roster.Assignment{Roster: defs[0].ID, Date: roster.MustDate("2027-03-01"), Role: defs[0].Slots[0].Role, Person: pools[0].Members[0]}
	if _, _, err := st.SaveGenerated(ctx, []roster.Assignment{a1}, nil, "job"); err != nil {
		t.Fatal(err)
	}
	c.Rosters[0].ID = "county-duty-3"
	if _, err := st.ImportCounty(ctx, c, "test"); err == nil || !strings.Contains(err.Error(), "不能从县情文件中删除") {
		t.Fatalf("dropping a roster with duties: %v", err)
	}
	if defs, _ := st.Rosters(ctx); len(defs) != 1 || defs[0].ID != "county-duty-2" {
		t.Fatalf("failed import changed rosters: %+v", defs)
	}
}

// The county file owns its absences and holiday overrides: one it no longer
// lists is gone, a corrected one replaces the old, and the export matches
// the file again. Absences staff entered survive every re-import.
func TestImportFollowsFileAbsencesAndHolidays(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	c := county.Demo()
	c.Holidays = []county.HolidayEntry{
		{Date: "2027-01-02", Kind: "off", Name: "元旦"},
		{Date: "2027-05-08", Kind: "work", Name: "劳动节补班"},
	}
	if _, err := st.ImportCounty(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	staff := roster.Absence{Person: "L02", From: roster.MustDate("2027-02-01"), To: roster.MustDate("2027-02-03"), Kind: roster.Meeting, Reason: "市里开会"}
	if _, err := st.AddAbsence(ctx, staff, "staff"); err != nil {
		t.Fatal(err)
	}

	c.Absences = c.Absences[1:]       // removed
	c.Absences[0].To = "2026-12-23"   // corrected end date
	c.Holidays = c.Holidays[:1]       // override dropped
	c.Absences[1].Reason = "参加市委全体会议" // reason edited in place
	// deleted L08, deleted old D02, inserted new D02, updated L01, deleted 05-08
	importChanging(t, st, c, 5)
	importChanging(t, st, c, 0)

	out, err := st.ExportCounty(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var kept []county.Absence
	found := false
	for _, a := range out.Absences {
		if a.Person == staff.Person && a.From == staff.From.String() && a.To == staff.To.String() {
			found = true
			continue
		}
		kept = append(kept, a)
	}
	if !found {
		t.Fatalf("staff absence gone after import: %+v", out.Absences)
	}
	out.Absences = kept
	a, _ := c.Marshal()
	b, _ := out.Marshal()
	if string(a) != string(b) {
		t.Fatalf("export differs from the file:\n--- file\n%s\n--- export\n%s", a, b)
	}

	// An empty list clears the file's entries, still not the staff's.
	c.Absences, c.Holidays = nil, nil
	if _, err := st.ImportCounty(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	abs, _ := st.Absences(ctx, 0, 0)
	hs, _ := st.HolidayOverrides(ctx)
	if len(abs) != 1 || abs[0].Person != staff.Person || len(hs) != 0 {
		t.Fatalf("after emptying the file: absences %+v, holidays %+v", abs, hs)
	}
}

// A holiday-cn import's entries are not the county file's: a county import
// that does not list them leaves them.
func TestImportKeepsImportedCalendar(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenDemo(t, storeNow)
	c := county.Demo() // what st holds
	days := []roster.HolidayDay{{Date: roster.MustDate("2027-02-06"), Kind: roster.Off, Name: "春节"}}
	if err := st.ReplaceHolidayYear(ctx, 2027, days, "staff"); err != nil {
		t.Fatal(err)
	}
	importChanging(t, st, c, 0)
	if hs, _ := st.HolidayOverrides(ctx); len(hs) != 1 {
		t.Fatalf("holidays %+v", hs)
	}
}

// A database a newer binary migrated is refused at open, not misread.
func TestOpenRefusesANewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "z.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	top, _ := st.SchemaVersion(ctx)
	st.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from a newer binary', '')`, top+1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := store.Open(ctx, path); err == nil || !strings.Contains(err.Error(), "更新版本") {
		t.Fatalf("open a newer schema: %v", err)
	}
}

// A township's roster keeps its unit through import, read and export, and a
// later file can move it back to the county.
func TestRosterUnitRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenDemo(t, storeNow)
	c := county.Demo()
	c.Rosters = append(c.Rosters, county.Roster{ID: "t01-duty", Name: "城关镇值班", Days: "workdays", Start: "08:30", End: "17:30",
		Place: "城关镇群众工作站", Unit: "t01", Slots: []county.Slot{{Role: "值班领导", Pool: c.Pools[0].ID}}})
	if _, err := st.ImportCounty(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	defs, err := st.Rosters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	units := map[string]string{}
	for _, d := range defs {
		units[d.ID] = d.Unit
	}
	if u, ok := units["t01-duty"]; !ok || u != "t01" || units[c.Rosters[0].ID] != "" {
		t.Fatalf("roster units %v", units)
	}
	out, err := st.ExportCounty(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Rosters[len(out.Rosters)-1]; got.ID != "t01-duty" || got.Unit != "t01" {
		t.Fatalf("exported %+v", got)
	}
	c.Rosters[len(c.Rosters)-1].Unit = ""
	importChanging(t, st, c, 1)
	if defs, _ = st.Rosters(ctx); defs[len(defs)-1].Unit != "" {
		t.Fatalf("unit after moving back to the county: %q", defs[len(defs)-1].Unit)
	}
}
