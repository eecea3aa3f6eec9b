package store

import (
	"context"
	"fmt"
	"time"
)

// AuditEntry is one recorded write: who, when, what, before and after.
type AuditEntry struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Entity   string    `json:"entity"`
	EntityID string    `json:"entity_id"`
	Before   string    `json:"before"`
	After    string    `json:"after"`
}

// Audit records a write. Callers pass it the same transaction as the write.
func (s *Store) Audit(ctx context.Context, actor, action, entity, entityID, before, after string) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, stamp(s.Now()), actor, action, entity, entityID, before, after)
	if err != nil {
		return fmt.Errorf("store: audit %s %s: %w", action, entity, err)
	}
	return nil
}

// AuditFilter narrows AuditLog; empty fields match everything.
type AuditFilter struct {
	Actor, Entity, EntityID string
	Limit                   int
}

// AuditLog returns entries newest first.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	q := `SELECT id, at, actor, action, entity, entity_id, before, after FROM audit_log WHERE 1 = 1`
	var args []any
	for col, v := range map[string]string{"actor": f.Actor, "entity": f.Entity, "entity_id": f.EntityID} {
		if v != "" {
			q += " AND " + col + " = ?"
			args = append(args, v)
		}
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := s.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.Before, &e.After); err != nil {
			return nil, fmt.Errorf("store: audit log: %w", err)
		}
		e.At = parseStamp(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
