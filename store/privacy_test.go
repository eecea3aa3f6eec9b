package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhiban/county"
	"zhiban/roster"
	"zhiban/secret"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/visits"
)

// privacyDB is a fresh, empty database for the privacy tests: a SQLite file,
// or a PostgreSQL schema with ZHIBAN_TEST_STORE=postgres; raw reads its rows
// around the store.
func privacyDB(t *testing.T) (dsn string, raw *sql.DB) {
	t.Helper()
	driver := "sqlite"
	if storetest.OnPostgres() {
		dsn, driver = storetest.PostgresURL(t), "pgx"
	} else {
		dsn = filepath.Join(t.TempDir(), "zhiban.db")
	}
	t.Cleanup(func() {
		if raw != nil {
			raw.Close()
		}
	})
	var err error
	if raw, err = sql.Open(driver, dsn); err != nil {
		t.Fatal(err)
	}
	return dsn, raw
}

func keyring(t *testing.T, keys ...secret.Key) *secret.Keyring {
	t.Helper()
	r, err := secret.NewKeyring(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newKey(t *testing.T) secret.Key {
	t.Helper()
	k, err := secret.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func openKeys(t *testing.T, dsn string, r *secret.Keyring) *store.Store {
	t.Helper()
	st, err := store.OpenKeys(context.Background(), dsn, r)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// seedPhones adds a case per phone to a new store.
func seedPhones(t *testing.T, st *store.Store, phones ...string) {
	t.Helper()
	ctx := context.Background()
	if _, err := st.ImportCounty(ctx, county.Demo(), "test"); err != nil {
		t.Fatal(err)
	}
	for i, p := range phones {
		k := visits.Case{Code: "2026-000" + string(rune('1'+i)), Title: "t", Category: "其他", Township: "t01",
			Received: roster.MustDate("2026-11-02"), Channel: "来访", Petitioner: visits.Petitioner{Name: "王小明", Phone: p},
			GroupSize: 1, State: visits.StateReceived}
		if _, err := st.CreateCase(ctx, k, "test"); err != nil {
			t.Fatal(err)
		}
	}
}

func rawPhones(t *testing.T, raw *sql.DB) []string {
	t.Helper()
	rows, err := raw.Query(`SELECT petitioner_phone FROM cases ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// TestPhonesAreSealedAtRest: no row and no byte of the SQLite file holds a
// phone, yet the store reads it whole and search by phone finds the case.
func TestPhonesAreSealedAtRest(t *testing.T) {
	ctx := context.Background()
	dsn, raw := privacyDB(t)
	k1 := newKey(t)
	st := openKeys(t, dsn, keyring(t, k1))
	seedPhones(t, st, "13912345678")
	for _, p := range rawPhones(t, raw) {
		if !strings.HasPrefix(p, "enc1:"+k1.ID+":") || strings.Contains(p, "12345678") {
			t.Fatalf("stored phone %q", p)
		}
	}
	got, err := st.Cases(ctx, store.CaseFilter{Search: "139 1234 5678"})
	if err != nil || len(got) != 1 || got[0].Petitioner.Phone != "13912345678" {
		t.Fatalf("search by phone: %v %v", got, err)
	}
	st.Close()
	if storetest.OnPostgres() {
		return
	}
	raw.Close()
	files, _ := filepath.Glob(dsn + "*")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("12345678")) {
			t.Errorf("%s holds the phone in plaintext", filepath.Base(f))
		}
	}
}

// TestPlaintextPhonesAreSealedAtStart: rows from before sealing are sealed
// when the store opens, once, and stay searchable.
func TestPlaintextPhonesAreSealedAtStart(t *testing.T) {
	ctx := context.Background()
	dsn, raw := privacyDB(t)
	ring := keyring(t, newKey(t))
	st := openKeys(t, dsn, ring)
	seedPhones(t, st, "13912345678", "")
	st.Close()
	// As an older binary stored it, without the index either.
	if _, err := raw.Exec(`UPDATE cases SET petitioner_phone = '13900001111', petitioner_phone_idx = '' WHERE code = '2026-0001'`); err != nil {
		t.Fatal(err)
	}
	st = openKeys(t, dsn, ring)
	phones := rawPhones(t, raw)
	if !secret.IsSealed(phones[0]) || phones[1] != "" {
		t.Fatalf("after start: %q", phones)
	}
	got, err := st.Cases(ctx, store.CaseFilter{Search: "13900001111"})
	if err != nil || len(got) != 1 || got[0].Petitioner.Phone != "13900001111" {
		t.Fatalf("search after sealing: %v %v", got, err)
	}
	st.Close()
	st = openKeys(t, dsn, ring)
	defer st.Close()
	if again := rawPhones(t, raw); again[0] != phones[0] {
		t.Errorf("reopening sealed again: %q → %q", phones[0], again[0])
	}
}

// TestWrongKeyIsRefused: a store whose keys cannot open its phones refuses
// to start and says which key it needs, rather than showing garbage.
func TestWrongKeyIsRefused(t *testing.T) {
	dsn, _ := privacyDB(t)
	k1 := newKey(t)
	st := openKeys(t, dsn, keyring(t, k1))
	seedPhones(t, st, "13912345678")
	st.Close()
	_, err := store.OpenKeys(context.Background(), dsn, keyring(t, newKey(t)))
	if err == nil || !strings.Contains(err.Error(), k1.ID) || !strings.Contains(err.Error(), "密钥") {
		t.Fatalf("opened with the wrong key: %v", err)
	}
	// Same id, other key material: authentication fails.
	_, err = store.OpenKeys(context.Background(), dsn, keyring(t, secret.Key{ID: k1.ID, Key: make([]byte, 32)}))
	if err == nil || !strings.Contains(err.Error(), "无法解密") {
		t.Fatalf("opened with forged key material: %v", err)
	}
}

// TestRotationReseals: with a new first key the old one still opens every
// phone; rotate reseals them all under the new one, after which the old key
// can go.
func TestRotationReseals(t *testing.T) {
	ctx := context.Background()
	dsn, raw := privacyDB(t)
	old, cur := newKey(t), newKey(t)
	st := openKeys(t, dsn, keyring(t, old))
	seedPhones(t, st, "13900000001", "13900000002", "13900000003")
	st.Close()
	st = openKeys(t, dsn, keyring(t, cur, old))
	if k, err := st.CaseByCode(ctx, "2026-0002"); err != nil || k.Petitioner.Phone != "13900000002" {
		t.Fatalf("old key before rotation: %v %v", k.Petitioner, err)
	}
	resealed, kept, err := st.RotatePrivacy(ctx)
	if err != nil || resealed != 3 || kept != 0 {
		t.Fatalf("rotate: %d resealed, %d kept, %v", resealed, kept, err)
	}
	st.Close()
	for _, p := range rawPhones(t, raw) {
		if secret.SealedBy(p) != cur.ID {
			t.Fatalf("after rotation %q", p)
		}
	}
	st = openKeys(t, dsn, keyring(t, cur))
	defer st.Close()
	if k, err := st.CaseByCode(ctx, "2026-0003"); err != nil || k.Petitioner.Phone != "13900000003" {
		t.Fatalf("new key alone after rotation: %v %v", k.Petitioner, err)
	}
	if got, err := st.Cases(ctx, store.CaseFilter{Search: "13900000001"}); err != nil || len(got) != 1 {
		t.Fatalf("search after rotation: %d %v", len(got), err)
	}
	if resealed, kept, err = st.RotatePrivacy(ctx); err != nil || resealed != 0 || kept != 3 {
		t.Fatalf("second rotate: %d resealed, %d kept, %v", resealed, kept, err)
	}
}

// TestKeyFileBesideSQLite: without a configured key a SQLite database gets a
// private key file once; PostgreSQL refuses to start without a key.
func TestKeyFileBesideSQLite(t *testing.T) {
	t.Setenv("ZHIBAN_PRIVACY_KEY", "")
	path := filepath.Join(t.TempDir(), "zhiban.db")
	_, made, err := store.PrivacyKeys(path, nil, os.Getenv)
	if err != nil || made != path+".key" {
		t.Fatalf("first start: %q %v", made, err)
	}
	if fi, err := os.Stat(made); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	r1, made, err := store.PrivacyKeys(path, nil, os.Getenv)
	if err != nil || made != "" {
		t.Fatalf("second start made %q: %v", made, err)
	}
	r2, _, _ := store.PrivacyKeys(path, nil, os.Getenv)
	if r1.Current() != r2.Current() {
		t.Fatal("key file read differently")
	}
	if _, _, err := store.PrivacyKeys("postgres://x@localhost/db", nil, os.Getenv); err == nil || !strings.Contains(err.Error(), "privacy.keys") {
		t.Fatalf("PostgreSQL without a key: %v", err)
	}
	env := func(string) string { return "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }
	r, made, err := store.PrivacyKeys("postgres://x@localhost/db", []secret.Key{newKey(t)}, env)
	if err != nil || made != "" || r.Current() != secret.KeyID(make([]byte, 32)) || len(r.IDs()) != 2 {
		t.Fatalf("environment key first: %v %v", r, err)
	}
}

// TestMaskedPhoneIsNeverStored: a case read through a view (masked) and
// saved back is refused instead of losing the number.
func TestMaskedPhoneIsNeverStored(t *testing.T) {
	ctx := context.Background()
	dsn, _ := privacyDB(t)
	st := openKeys(t, dsn, keyring(t, newKey(t)))
	defer st.Close()
	seedPhones(t, st, "13912345678")
	k, err := st.CaseByCode(ctx, "2026-0001")
	if err != nil {
		t.Fatal(err)
	}
	k.Petitioner.Phone = secret.MaskPhone(k.Petitioner.Phone)
	if _, err := st.SaveCase(ctx, k, k.Version, "update", "test"); err == nil {
		t.Fatal("a masked phone was saved")
	}
	if k, _ := st.CaseByCode(ctx, "2026-0001"); k.Petitioner.Phone != "13912345678" {
		t.Fatalf("phone now %q", k.Petitioner.Phone)
	}
}
