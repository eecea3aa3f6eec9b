package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"

	"zhiban/county"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/store/storetest"
)

// Replicas are several stores on one PostgreSQL database, as several
// `zhiban serve` processes are; these tests open them in one process.

// replicas opens n stores on one fresh schema, all starting at once, so
// they race to migrate it.
func replicas(t *testing.T, n int) []*store.Store {
	t.Helper()
	rs, _ := replicasAt(t, n)
	return rs
}

func replicasAt(t *testing.T, n int) ([]*store.Store, string) {
	t.Helper()
	url := storetest.PostgresURL(t)
	out := make([]*store.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range out {
		wg.Go(func() { out[i], errs[i] = store.Open(context.Background(), url) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		t.Cleanup(func() { out[i].Close() })
		out[i].Now = storeNow
	}
	return out, url
}

func TestReplicasStartingTogetherMigrateOnce(t *testing.T) {
	rs, url := replicasAt(t, 4)
	ctx := context.Background()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n, distinct, top int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT version), MAX(version) FROM schema_migrations`).Scan(&n, &distinct, &top); err != nil {
		t.Fatal(err)
	}
	if n != distinct || n < 15 {
		t.Fatalf("schema_migrations: %d rows, %d versions", n, distinct)
	}
	for i, r := range rs {
		if v, err := r.SchemaVersion(ctx); err != nil || v != top {
			t.Fatalf("replica %d at version %d (%v), want %d", i, v, err, top)
		}
	}
}

// Concurrent edits of one slot on different replicas: the version check and
// the write run under one lock, so exactly one edit wins.
func TestReplicasEditOneSlotOneWinner(t *testing.T) {
	rs := replicas(t, 3)
	ctx := context.Background()
	if _, err := rs[0].ImportCounty(ctx, county.Demo(), "test"); err != nil {
		t.Fatal(err)
	}
	day := roster.MustDate("2026-12-01")
	slot := roster.Assignment{Roster: "county-duty", Date: day, Role: "值班领导", Person: "L01"}
	first, err := rs[0].SetAssignment(ctx, slot, 0, "test")
	if err != nil {
		t.Fatal(err)
	}
	const edits = 30
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, conflicts := 0, 0
	for i := range edits {
		wg.Go(func() {
			a := slot
			a.Person = []string{"L02", "L03", "L04"}[i%3]
			_, err := rs[i%len(rs)].SetAssignment(ctx, a, first.Version, "editor")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, store.ErrConflict):
				conflicts++
			default:
				t.Errorf("edit %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if won != 1 || conflicts != edits-1 {
		t.Fatalf("%d edits won, %d conflicts; want 1 and %d", won, conflicts, edits-1)
	}
	now, err := rs[1].Assignment(ctx, slot.Key())
	if err != nil || now.Version != first.Version+1 {
		t.Fatalf("stored: %+v %v", now, err)
	}
}

// A write on one replica moves every replica's data version; a transaction
// that only reads moves none.
func TestReplicasSeeEachOthersWrites(t *testing.T) {
	rs := replicas(t, 2)
	ctx := context.Background()
	before, err := rs[1].DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := rs[0].WithTx(ctx, func(tx *store.Store) error {
		_, err := tx.Setting(ctx, "anything")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if v, _ := rs[1].DataVersion(ctx); v != before {
		t.Fatalf("a read-only transaction moved the data version: %s → %s", before, v)
	}
	if err := rs[0].SetSetting(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	if v, _ := rs[1].DataVersion(ctx); v == before {
		t.Fatalf("a write on replica 0 left replica 1's data version at %s", v)
	}
	if v, err := rs[1].Setting(ctx, "k"); err != nil || v != "v" {
		t.Fatalf("replica 1 reads %q, %v", v, err)
	}
}

// Keys and the feed domain are made once, whichever replica asks first.
func TestReplicasShareKeys(t *testing.T) {
	rs := replicas(t, 3)
	ctx := context.Background()
	keys := make([][]byte, len(rs))
	domains := make([]string, len(rs))
	var wg sync.WaitGroup
	for i, r := range rs {
		wg.Go(func() {
			keys[i], _ = r.SecretKey(ctx, "notice")
			domains[i], _ = r.FeedDomain(ctx)
		})
	}
	wg.Wait()
	for i := range rs {
		if len(keys[i]) != 32 || !bytes.Equal(keys[i], keys[0]) || domains[i] == "" || domains[i] != domains[0] {
			t.Fatalf("replica %d: key %x domain %q; replica 0: key %x domain %q", i, keys[i], domains[i], keys[0], domains[0])
		}
	}
}

// An unreachable server is said in Chinese, without the password.
func TestUnreachablePostgresIsSaidClearly(t *testing.T) {
	_, err := store.Open(context.Background(), "postgres://zhiban:s3cret@127.0.0.1:1/zhiban?connect_timeout=5&sslmode=disable")
	if err == nil || !strings.Contains(err.Error(), "无法连接 PostgreSQL 数据库") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("open an unreachable server: %v", err)
	}
}

// A read-only server (a standby, or default_transaction_read_only) is said
// in Chinese at start-up, and a refused write is recognised as read-only.
func TestReadOnlyPostgres(t *testing.T) {
	_, url := replicasAt(t, 1)
	readOnly := url + "&default_transaction_read_only=on"
	if _, err := store.Open(context.Background(), readOnly); err == nil || !strings.Contains(err.Error(), "只能读不能写") {
		t.Fatalf("open a read-only server: %v", err)
	}
	db, err := sql.Open("pgx", readOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec(`INSERT INTO settings (key, value) VALUES ('k', 'v')`)
	if !store.IsReadOnly(err) || store.IsFull(err) {
		t.Fatalf("a write on a read-only server: %v (IsReadOnly %v)", err, store.IsReadOnly(err))
	}
}
