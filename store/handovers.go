package store

import (
	"context"
	"fmt"

	"zhiban/visits"
)

const handoverCols = `id, case_id, unit_id, handed_on, due_on, state, declined_on, decline_reason, reported_on, report, created_by, version`

func scanHandover(sc scanner) (visits.Handover, error) {
	var h visits.Handover
	var handed, due, declined, reported string
	err := sc.Scan(&h.ID, &h.Case, &h.Unit, &handed, &due, &h.State, &declined, &h.DeclineReason, &reported, &h.Report,
		&h.CreatedBy, &h.Version)
	h.Handed, h.Due, h.Declined, h.Reported = readDate(handed), readDate(due), readDate(declined), readDate(reported)
	return h, err
}

// handoverSummary is what the audit log keeps of a hand-over, in the compact
// form service/audit.go reads: never the report text, only whether there is one.
func handoverSummary(h visits.Handover) string {
	report := "no"
	if h.Report != "" {
		report = "yes"
	}
	return fmt.Sprintf("case=%d unit=%s handed=%s due=%s state=%s declined=%s reported=%s report=%s", h.Case, h.Unit,
		dateCol(h.Handed), dateCol(h.Due), h.State, dateCol(h.Declined), dateCol(h.Reported), report)
}

// CreateHandover inserts a live hand-over and audits it. A second live one
// for the case is ErrConflict (the unique index backs the use case's check).
func (s *Store) CreateHandover(ctx context.Context, h visits.Handover, actor string) (visits.Handover, error) {
	var out visits.Handover
	err := s.WithTx(ctx, func(tx *Store) error {
		if _, err := tx.LiveHandover(ctx, h.Case); err == nil {
			return fmt.Errorf("store: case %d is already handed over: %w", h.Case, ErrConflict)
		}
		now := stamp(s.Now())
		id, err := insertID(ctx, tx.q, `INSERT INTO handovers (case_id, unit_id, handed_on, due_on, state, created_by, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			h.Case, h.Unit, dateCol(h.Handed), dateCol(h.Due), string(visits.HandoverHanded), actor, now, now)
		if err != nil {
			return fmt.Errorf("store: create handover of case %d: %w", h.Case, err)
		}
		if out, err = tx.Handover(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "create", "handover", itoa(id), "", handoverSummary(out))
	})
	return out, err
}

// SaveHandover writes a decline, report or withdrawal; another stored version
// is ErrConflict; action is audited.
func (s *Store) SaveHandover(ctx context.Context, h visits.Handover, version int, action, actor string) (visits.Handover, error) {
	var out visits.Handover
	err := s.WithTx(ctx, func(tx *Store) error {
		cur, err := tx.Handover(ctx, h.ID)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return fmt.Errorf("store: handover %d changed (version %d, not %d): %w", h.ID, cur.Version, version, ErrConflict)
		}
		_, err = tx.q.ExecContext(ctx, `UPDATE handovers SET state = ?, declined_on = ?, decline_reason = ?, reported_on = ?,
			report = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			string(h.State), dateCol(h.Declined), h.DeclineReason, dateCol(h.Reported), h.Report, stamp(s.Now()), h.ID)
		if err != nil {
			return fmt.Errorf("store: save handover %d: %w", h.ID, err)
		}
		if out, err = tx.Handover(ctx, h.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, action, "handover", itoa(h.ID), handoverSummary(cur), handoverSummary(out))
	})
	return out, err
}

// Handover returns one hand-over, or ErrNotFound.
func (s *Store) Handover(ctx context.Context, id int64) (visits.Handover, error) {
	hs, err := queryAll(ctx, s.q, "handover", scanHandover, `SELECT `+handoverCols+` FROM handovers WHERE id = ?`, id)
	return first(hs, err, fmt.Sprintf("handover %d", id))
}

// LiveHandover returns the case's hand-over still with a unit, or ErrNotFound.
func (s *Store) LiveHandover(ctx context.Context, caseID int64) (visits.Handover, error) {
	hs, err := queryAll(ctx, s.q, "live handover", scanHandover, `SELECT `+handoverCols+` FROM handovers WHERE case_id = ? AND state = ?`,
		caseID, string(visits.HandoverHanded))
	return first(hs, err, fmt.Sprintf("live handover of case %d", caseID))
}

// HandoverFilter narrows Handovers; empty fields match everything.
type HandoverFilter struct {
	Case  int64
	Unit  string
	State visits.HandoverState
}

// Handovers returns the hand-overs f selects, newest first.
func (s *Store) Handovers(ctx context.Context, f HandoverFilter) ([]visits.Handover, error) {
	var c conditions
	if f.Case != 0 {
		c.add("case_id = ?", f.Case)
	}
	c.eq("unit_id", f.Unit)
	c.eq("state", string(f.State))
	return queryAll(ctx, s.q, "handovers", scanHandover, `SELECT `+handoverCols+` FROM handovers `+c.where()+` ORDER BY handed_on DESC, id DESC`, c.args...)
}
