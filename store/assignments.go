package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"zhiban/roster"
)

// StoredAssignment is an assignment with its row identity and edit history.
type StoredAssignment struct {
	roster.Assignment
	ID        int64     `json:"id"`
	Version   int       `json:"version"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
	// AssignedAt is when Person was put on; pinning moves UpdatedAt and Version, not this.
	AssignedAt time.Time `json:"assigned_at"`
}

const assignmentCols = `id, roster_id, date, role, person_id, source, pinned, version, updated_by, updated_at, assigned_at`

func scanAssignment(sc scanner) (StoredAssignment, error) {
	var a StoredAssignment
	var date, at, assigned string
	var pinned int
	if err := sc.Scan(&a.ID, &a.Roster, &date, &a.Role, &a.Person, &a.Source, &pinned, &a.Version, &a.UpdatedBy, &at, &assigned); err != nil {
		return a, err
	}
	a.Date, _ = roster.ParseDate(date)
	a.Pinned = pinned == 1
	a.UpdatedAt = parseStamp(at)
	a.AssignedAt = parseStamp(assigned)
	return a, nil
}

// Assignments returns assignments in [from, to] (zero bounds open) by date, roster and slot.
func (s *Store) Assignments(ctx context.Context, from, to roster.Date) ([]StoredAssignment, error) {
	q := `SELECT a.id, a.roster_id, a.date, a.role, a.person_id, a.source, a.pinned, a.version, a.updated_by, a.updated_at, a.assigned_at
		FROM assignments a
		LEFT JOIN rosters r ON r.id = a.roster_id
		LEFT JOIN roster_slots sl ON sl.roster_id = a.roster_id AND sl.role = a.role WHERE 1 = 1`
	var args []any
	if from != 0 {
		q += ` AND a.date >= ?`
		args = append(args, from.String())
	}
	if to != 0 {
		q += ` AND a.date <= ?`
		args = append(args, to.String())
	}
	var out []StoredAssignment // nil when there are none
	err := queryEach(ctx, s.q, fmt.Sprintf("assignments %s–%s", from, to), func(sc scanner) error {
		a, err := scanAssignment(sc)
		out = append(out, a)
		return err
	}, q+` ORDER BY a.date, r.position, sl.position, a.role`, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Assignment returns the assignment of one slot, or ErrNotFound.
func (s *Store) Assignment(ctx context.Context, k roster.Key) (StoredAssignment, error) {
	row := s.q.QueryRowContext(ctx, `SELECT `+assignmentCols+` FROM assignments WHERE roster_id = ? AND date = ? AND role = ?`,
		k.Roster, k.Date.String(), k.Role)
	a, err := scanAssignment(row)
	return a, lookupErr(err, fmt.Sprintf("assignment %s/%s/%s", k.Roster, k.Date, k.Role))
}

// SaveGenerated writes engine output, deleting generated slots in remove; manual
// and pinned slots are never touched. It returns rows written and removed.
func (s *Store) SaveGenerated(ctx context.Context, plan []roster.Assignment, remove []roster.Key, actor string) (written, removed int, err error) {
	err = s.WithTx(ctx, func(tx *Store) error {
		now := stamp(s.Now())
		// Rows go in batches: one statement per row spent most of a
		// 150-roster year parsing SQL. A batch never holds a slot twice
		// (PostgreSQL refuses that), so later rows still win as before.
		const batch = 64
		var rows []roster.Assignment
		flush := func() error {
			if len(rows) == 0 {
				return nil
			}
			var q strings.Builder
			q.WriteString(`INSERT INTO assignments (roster_id, date, role, person_id, source, pinned, version, updated_by, updated_at) VALUES `)
			args := make([]any, 0, 6*len(rows))
			for i, a := range rows {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString(`(?, ?, ?, ?, 'generated', 0, 1, ?, ?)`)
				args = append(args, a.Roster, a.Date.String(), a.Role, a.Person, actor, now)
			}
			q.WriteString(` ON CONFLICT (roster_id, date, role) DO UPDATE SET person_id = excluded.person_id,
					version = assignments.version + 1, updated_by = excluded.updated_by, updated_at = excluded.updated_at
				WHERE assignments.source = 'generated' AND assignments.pinned = 0 AND assignments.person_id <> excluded.person_id`)
			r, err := tx.q.ExecContext(ctx, q.String(), args...)
			if err != nil {
				return fmt.Errorf("store: save %d assignments from %s/%s/%s: %w", len(rows), rows[0].Roster, rows[0].Date, rows[0].Role, err)
			}
			n, _ := r.RowsAffected()
			written += int(n)
			rows = rows[:0]
			return nil
		}
		inBatch := map[roster.Key]bool{}
		for _, a := range plan {
			if inBatch[a.Key()] || len(rows) == batch {
				if err := flush(); err != nil {
					return err
				}
				clear(inBatch)
			}
			inBatch[a.Key()] = true
			rows = append(rows, a)
		}
		if err := flush(); err != nil {
			return err
		}
		for _, k := range remove {
			r, err := tx.q.ExecContext(ctx, `DELETE FROM assignments WHERE roster_id = ? AND date = ? AND role = ?
				AND source = 'generated' AND pinned = 0`, k.Roster, k.Date.String(), k.Role)
			if err != nil {
				return fmt.Errorf("store: remove %s/%s/%s: %w", k.Roster, k.Date, k.Role, err)
			}
			n, _ := r.RowsAffected()
			removed += int(n)
		}
		if written+removed > 0 {
			return tx.Audit(ctx, actor, "generate", "roster", "", "", fmt.Sprintf("写入 %d 个班次，删除 %d 个", written, removed))
		}
		return nil
	})
	return written, removed, err
}

// SetAssignment stores a manual edit; version must be the one the editor saw (0 for new),
// else ErrConflict, so concurrent edits never overwrite silently.
func (s *Store) SetAssignment(ctx context.Context, a roster.Assignment, version int, actor string) (StoredAssignment, error) {
	var out StoredAssignment
	err := s.WithTx(ctx, func(tx *Store) error {
		cur, err := tx.Assignment(ctx, a.Key())
		exists := err == nil
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if exists && cur.Version != version || !exists && version != 0 {
			return fmt.Errorf("store: assignment %s/%s/%s changed (now %s, version %d): %w",
				a.Roster, a.Date, a.Role, cur.Person, cur.Version, ErrConflict)
		}
		now := stamp(s.Now())
		if exists {
			_, err = tx.q.ExecContext(ctx, `UPDATE assignments SET person_id = ?, source = 'manual', pinned = ?, version = version + 1,
				updated_by = ?, updated_at = ? WHERE id = ?`, a.Person, boolInt(a.Pinned), actor, now, cur.ID)
		} else {
			_, err = tx.q.ExecContext(ctx, `INSERT INTO assignments (roster_id, date, role, person_id, source, pinned, version, updated_by, updated_at)
				VALUES (?, ?, ?, ?, 'manual', ?, 1, ?, ?)`, a.Roster, a.Date.String(), a.Role, a.Person, boolInt(a.Pinned), actor, now)
		}
		if err != nil {
			return fmt.Errorf("store: set assignment %s/%s/%s: %w", a.Roster, a.Date, a.Role, err)
		}
		if out, err = tx.Assignment(ctx, a.Key()); err != nil {
			return err
		}
		id := fmt.Sprintf("%s/%s/%s", a.Roster, a.Date, a.Role)
		return tx.Audit(ctx, actor, "update", "assignment", id, cur.Person, a.Person)
	})
	return out, err
}
