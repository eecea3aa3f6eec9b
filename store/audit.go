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
	var c conditions
	c.eq("actor", f.Actor)
	c.eq("entity", f.Entity)
	c.eq("entity_id", f.EntityID)
	if f.Limit <= 0 {
		f.Limit = 200
	}
	return queryAll(ctx, s.q, "audit log", scanAuditEntry, `SELECT id, at, actor, action, entity, entity_id, before, after
		FROM audit_log `+c.where()+` ORDER BY id DESC LIMIT ?`, append(c.args, f.Limit)...)
}

func scanAuditEntry(sc scanner) (AuditEntry, error) {
	var e AuditEntry
	var at string
	err := sc.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.Before, &e.After)
	e.At = parseStamp(at)
	return e, err
}
