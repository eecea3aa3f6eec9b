package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"zhiban/county"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// TestCaseSearchIndexIsKeyedAndBackfilled: the index columns hold neither the
// name nor the phone, differ between installations (each has its own key),
// and rows written without them are indexed when the store opens.
func TestCaseSearchIndexIsKeyedAndBackfilled(t *testing.T) {
	ctx := context.Background()
	open := func(path string) *store.Store {
		st, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	k := visits.Case{Code: "2026-0001", Title: "t", Category: "其他", Township: "t01", Received: roster.MustDate("2026-11-02"),
		Channel: "来访", Petitioner: visits.Petitioner{Name: "王小明", Phone: "13912345678"}, GroupSize: 1, State: visits.StateReceived}
	var tokens []string
	var paths []string
	for i := range 2 {
		path := filepath.Join(t.TempDir(), "zhiban.db")
		st := open(path)
		if _, err := st.ImportCounty(ctx, county.Demo(), "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateCase(ctx, k, "test"); err != nil {
			t.Fatal(err)
		}
		st.Close()
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		var name, phone string
		if err := db.QueryRow(`SELECT petitioner_name_idx, petitioner_phone_idx FROM cases`).Scan(&name, &phone); err != nil {
			t.Fatal(err)
		}
		if name == "" || phone == "" || strings.Contains(name+phone, "王小明") || strings.Contains(name+phone, "12345678") {
			t.Fatalf("store %d: index columns %q %q", i, name, phone)
		}
		tokens = append(tokens, name)
		// As if written by a binary before the index existed.
		if _, err := db.Exec(`UPDATE cases SET petitioner_name_idx = '', petitioner_phone_idx = ''`); err != nil {
			t.Fatal(err)
		}
		db.Close()
		paths = append(paths, path)
	}
	if tokens[0] == tokens[1] {
		t.Error("two installations index a name alike: the key is not per installation")
	}
	st := open(paths[0])
	defer st.Close()
	for _, q := range []string{"王 小明", "139 1234 5678", "2026-00"} {
		got, err := st.Cases(ctx, store.CaseFilter{Search: q})
		if err != nil || len(got) != 1 {
			t.Errorf("search %q after reopening: %d cases, %v", q, len(got), err)
		}
	}
}

// TestCasePageFollowsOneOrder pages through cases received on the same and
// on different days: newest first, ties by id, nothing twice.
func TestCasePageFollowsOneOrder(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "zhiban.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.ImportCounty(ctx, county.Demo(), "test"); err != nil {
		t.Fatal(err)
	}
	days := []string{"2026-11-03", "2026-11-01", "2026-11-03", "2026-11-02", "2026-11-03", "2026-11-01", "2026-11-02"}
	for i, d := range days {
		k := visits.Case{Code: "2026-000" + string(rune('1'+i)), Title: "t", Category: "其他", Township: "t01",
			Received: roster.MustDate(d), Channel: "来访", Petitioner: visits.Petitioner{Name: "某"}, GroupSize: 1, State: visits.StateReceived}
		if _, err := st.CreateCase(ctx, k, "test"); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	var after store.CaseCursor
	for range len(days) {
		page, next, err := st.CasePage(ctx, store.CaseFilter{}, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range page {
			got = append(got, k.Received.String()[8:]+"#"+k.Code[8:])
		}
		if next.IsZero() {
			break
		}
		after = next
	}
	if want := "03#5 03#3 03#1 02#7 02#4 01#6 01#2"; strings.Join(got, " ") != want {
		t.Errorf("pages %q, want %q", strings.Join(got, " "), want)
	}
}
