package store_test

import (
	"context"
	"errors"
	"testing"

	"zhiban/secret"
	"zhiban/store"
	"zhiban/visits"
)

// TestEvaluationCodesSealedAtRest: a 评价码 is stored as its hash and sealed
// like a phone, opens whole through the store, is found by its hash, and is
// resealed by a key rotation.
func TestEvaluationCodesSealedAtRest(t *testing.T) {
	ctx := context.Background()
	dsn, raw := privacyDB(t)
	old, cur := newKey(t), newKey(t)
	st := openKeys(t, dsn, keyring(t, old))
	seedPhones(t, st, "")
	k, err := st.CaseByCode(ctx, "2026-0001")
	if err != nil {
		t.Fatal(err)
	}
	code := store.EvaluationCode{Case: k.ID, Stage: visits.StageAccept, Hash: "h1", Code: "ABCDEFGHJKLM", Made: k.Received, Expires: k.Received.AddDays(90)}
	if err := st.PutEvaluationCode(ctx, code, "test"); err != nil {
		t.Fatal(err)
	}
	var sealed, hash string
	if err := raw.QueryRow(`SELECT code_sealed, code_hash FROM evaluation_codes`).Scan(&sealed, &hash); err != nil {
		t.Fatal(err)
	}
	if secret.SealedBy(sealed) != old.ID || hash != "h1" {
		t.Fatalf("stored %q %q", sealed, hash)
	}
	if got, err := st.EvaluationCodeOf(ctx, k.ID, visits.StageAccept); err != nil || got.Code != code.Code || got.Expires != code.Expires {
		t.Fatalf("read %+v %v", got, err)
	}
	if got, err := st.EvaluationCodeByHash(ctx, "h1"); err != nil || got.Case != k.ID || got.Code != "" {
		t.Fatalf("by hash %+v %v", got, err)
	}
	if _, err := st.EvaluationCodeByHash(ctx, "h2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown hash: %v", err)
	}
	st.Close()
	st = openKeys(t, dsn, keyring(t, cur, old))
	defer st.Close()
	if _, _, err := st.RotatePrivacy(ctx); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT code_sealed FROM evaluation_codes`).Scan(&sealed); err != nil || secret.SealedBy(sealed) != cur.ID {
		t.Fatalf("after rotation %q %v", sealed, err)
	}
	// One evaluation per case and stage, whoever asks.
	ev := visits.Evaluation{Case: k.ID, Stage: visits.StageAccept, Answer: visits.Satisfied, Source: visits.SourceStaff, AnsweredOn: k.Received, RecordedBy: "test"}
	if _, err := st.CreateEvaluation(ctx, ev, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateEvaluation(ctx, ev, "test"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second evaluation: %v", err)
	}
}
