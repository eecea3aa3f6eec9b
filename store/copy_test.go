package store_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"zhiban/county"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/visits"
)

// sqliteDemo is a SQLite demo store and a second, raw handle on its file
// for rows no store method would write.
func sqliteDemo(t testing.TB) (*store.Store, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "z.db")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.Now = storeNow
	if _, err := st.ImportCounty(context.Background(), county.Demo(), "test"); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return st, raw
}

func exec(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// TestCopyToPostgres copies rows no id order can insert (a sweep finding
// rolled from a later one, a unit whose parent comes after it) and rows the
// target's triggers would rewrite, and gets every table back exactly; the
// copy then works as a database: new ids follow the copied ones, triggers
// are back on. A second copy into it is refused.
func TestCopyToPostgres(t *testing.T) {
	ctx := context.Background()
	src, raw := sqliteDemo(t)
	exec(t, raw, `INSERT INTO units (id, name, kind, parent, position) VALUES ('a-village', '甲村', 'village', 'z-town', 0), ('z-town', '乙镇', 'township', NULL, 0)`)
	exec(t, raw, `INSERT INTO sweeps (month, opened_on, due_on) VALUES ('2026-10', '2026-10-01', '2026-10-10'), ('2026-11', '2026-11-01', '2026-11-10')`)
	exec(t, raw, `INSERT INTO sweep_tasks (id, month, township, due_on, status) VALUES (1, '2026-10', 't01', '2026-10-10', 'filed'), (2, '2026-11', 't01', '2026-11-10', 'filed')`)
	// Finding 1 rolled from finding 1500: more rows apart than one insert statement carries.
	exec(t, raw, `WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
		INSERT INTO sweep_findings (id, task_id, summary, category, parties, risk, created_at)
		SELECT i, 1, '土地纠纷' || i, '其他', 2, '中', '2026-10-05T00:00:00Z' FROM n`)
	exec(t, raw, `INSERT INTO sweep_findings (id, task_id, summary, category, parties, risk, rolled_from, created_at) VALUES (1, 2, '土地纠纷', '其他', 2, '中', 1500, '2026-11-05T00:00:00Z')`)
	a, err := src.SetAssignment(ctx, roster.Assignment{Roster: "county-duty", Date: roster.MustDate("2026-12-01"), Role: "值班领导", Person: "L01"}, 0, "test")
	if err != nil {
		t.Fatal(err)
	}
	if a, err = src.SetAssignment(ctx, a.Assignment, a.Version, "test"); err != nil { // a second version, same person
		t.Fatal(err)
	}
	// A row from before assigned_at was kept: PostgreSQL's insert trigger would fill it in.
	exec(t, raw, `INSERT INTO assignments (id, roster_id, date, role, person_id, source, updated_by, updated_at) VALUES (50, 'county-duty', '2026-12-02', '值班领导', 'L02', 'manual', 'test', '2026-11-01T00:00:00Z')`)
	exec(t, raw, `UPDATE assignments SET assigned_at = '' WHERE id = 50`)
	if _, err := src.AddAbsence(ctx, roster.Absence{Person: "L03", From: roster.MustDate("2026-12-07"), To: roster.MustDate("2026-12-08"), Kind: roster.Leave}, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := src.SecretKey(ctx, "notice"); err != nil {
		t.Fatal(err)
	}
	domain, err := src.FeedDomain(ctx)
	if err != nil {
		t.Fatal(err)
	}

	dstURL := storetest.PostgresURL(t)
	dst, err := store.Open(ctx, dstURL)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	dst.Now = storeNow
	// A first start of serve on the target makes these; the copy replaces them.
	if _, err := dst.FeedDomain(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.SecretKey(ctx, "notice"); err != nil {
		t.Fatal(err)
	}

	if err := src.CopyTo(ctx, dst); err != nil {
		t.Fatal(err)
	}
	want, err := src.Checksums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := dst.Checksums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Errorf("%s: got %d rows %s, want %d rows %s", want[i].Table, got[i].Rows, got[i].Sum[:12], want[i].Rows, want[i].Sum[:12])
			}
		}
		t.Fatalf("%d tables copied, want %d", len(got), len(want))
	}
	if d, _ := dst.FeedDomain(ctx); d != domain {
		t.Errorf("feed domain %q, want the source's %q (subscribers' events would change UIDs)", d, domain)
	}

	// The copy is a working database.
	k, err := dst.CreateCase(ctx, visits.Case{Code: "2026-7777", Title: "复制后新案件", Category: "其他", Township: "t01",
		Received: roster.MustDate("2026-11-28"), Channel: "来访", Petitioner: visits.Petitioner{Name: "复制后来访人"},
		GroupSize: 1, State: visits.StateReceived}, "test")
	if err != nil {
		t.Fatalf("a case after the copy: %v", err)
	}
	if found, err := dst.Cases(ctx, store.CaseFilter{Search: "复制后来访人"}); err != nil || len(found) != 1 || found[0].ID != k.ID {
		t.Errorf("search by petitioner after the copy: %v %v", found, err)
	}
	if _, err := dst.AddAbsence(ctx, roster.Absence{Person: "L03", From: roster.MustDate("2026-12-14"), To: roster.MustDate("2026-12-15"), Kind: roster.Trip}, "test"); err != nil {
		t.Fatalf("an absence after the copy: %v", err)
	}
	a.Person = "L04"
	if _, err := dst.SetAssignment(ctx, a.Assignment, a.Version, "test"); err != nil {
		t.Fatal(err)
	}
	gone, err := dst.CancelledAssignments(ctx, a.Date, a.Date)
	if err != nil || len(gone) != 1 || gone[0].Person != "L01" {
		t.Errorf("a reassignment after the copy left tombstones %v (%v): the triggers are not back on", gone, err)
	}
	if _, err := dst.PublishMonth(ctx, "county-duty", "2026-12", "test"); err != nil {
		t.Fatalf("a publication after the copy: %v", err)
	}

	err = src.CopyTo(ctx, dst)
	if !errors.Is(err, store.ErrTargetInUse) || !strings.Contains(err.Error(), "已有数据") {
		t.Errorf("a copy into a database in use: %v", err)
	}
}

// TestCopyRefusesANewerSource: rows of a schema this binary does not know
// would be copied into columns it does not have.
func TestCopyRefusesANewerSource(t *testing.T) {
	ctx := context.Background()
	src, raw := sqliteDemo(t)
	exec(t, raw, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '999_future.sql', '')`)
	dst, err := store.Open(ctx, storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if err := src.CopyTo(ctx, dst); err == nil || !strings.Contains(err.Error(), "更新版本") {
		t.Errorf("copy of a newer database: %v", err)
	}
	if n, _ := dst.People(ctx); len(n) != 0 {
		t.Errorf("a refused copy wrote %d people", len(n))
	}
}

// BenchmarkCopy5000Cases times CopyTo of the demo county with 5,000 cases
// (two years of a county's petitions) into a new PostgreSQL schema.
func BenchmarkCopy5000Cases(b *testing.B) {
	ctx := context.Background()
	src, _ := sqliteDemo(b)
	storetest.SeedCases(b, src, 5000, roster.MustDate("2026-11-28"))
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		dst, err := store.Open(ctx, storetest.PostgresURL(b))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := src.CopyTo(ctx, dst); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		dst.Close()
	}
}
