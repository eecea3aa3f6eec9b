package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhiban/roster"
	"zhiban/secret"
	"zhiban/store"
	"zhiban/visits"
)

// TestDeskSealsAndRotates: a desk registration's ID number and phone are
// sealed at rest (nothing else readable holds them), open on read, are found
// by the blind index, and rotate with the petitioners' phones.
func TestDeskSealsAndRotates(t *testing.T) {
	ctx := context.Background()
	dsn, raw := privacyDB(t)
	old, cur := newKey(t), newKey(t)
	st := openKeys(t, dsn, keyring(t, old))
	seedPhones(t, st, "13900000001")
	session, err := st.CreateVisit(ctx, visits.Visit{Kind: visits.KindOpen, Leader: "L01", Date: roster.MustDate("2026-12-02"),
		Start: 8*60 + 30, End: 17*60 + 30, Place: "接待大厅", State: visits.VisitConfirmed, CreatedBy: "test"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	r := visits.Registration{Session: session.ID, Date: session.Date, Visitor: visits.Visitor{Name: "张三", IDNumber: "11010519491231002X",
		Phone: "13912345678", Address: "解放路1号"}, Township: "t01", GroupSize: 1, Matter: "拆迁补偿", Category: "征地拆迁",
		State: visits.DeskWaiting, Arrived: time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC), CreatedBy: "test"}
	saved, err := st.CreateRegistration(ctx, r, "test")
	if err != nil || saved.Number != 1 || saved.Visitor != r.Visitor || !saved.Arrived.Equal(r.Arrived) {
		t.Fatalf("saved: %+v %v", saved, err)
	}
	var row string
	if err := raw.QueryRow(`SELECT visitor_id_number || '|' || visitor_phone || '|' || name_idx || '|' || id_number_idx || '|' || phone_idx
		FROM desk_visits`).Scan(&row); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(row, "1101051949") || strings.Contains(row, "13912345678") || strings.Count(row, "enc1:"+old.ID+":") != 2 {
		t.Fatalf("at rest: %s", row)
	}
	regs, _, err := st.RepeatCandidates(ctx, storeRepeat("11010519491231002X"), 10)
	if err != nil || len(regs) != 1 || regs[0].ID != saved.ID {
		t.Fatalf("blind index: %+v %v", regs, err)
	}
	st.Close()

	st = openKeys(t, dsn, keyring(t, cur, old))
	resealed, kept, err := st.RotatePrivacy(ctx)
	if err != nil || resealed != 3 || kept != 0 {
		t.Fatalf("rotate: %d %d %v", resealed, kept, err)
	}
	st.Close()
	st = openKeys(t, dsn, keyring(t, cur))
	defer st.Close()
	got, err := st.Registration(ctx, saved.ID)
	if err != nil || got.Visitor != r.Visitor {
		t.Fatalf("after rotation: %+v %v", got.Visitor, err)
	}
	if err := raw.QueryRow(`SELECT visitor_id_number FROM desk_visits`).Scan(&row); err != nil || secret.SealedBy(row) != cur.ID {
		t.Fatalf("sealed by %q: %v", secret.SealedBy(row), err)
	}
}

func storeRepeat(id string) store.RepeatQuery { return store.RepeatQuery{IDNumber: id} }
