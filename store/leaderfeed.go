package store

import (
	"context"
	"fmt"
	"time"

	"zhiban/roster"
	"zhiban/visits"
)

// Stamp is a record's version and last update, for feed SEQUENCE and DTSTAMP.
type Stamp struct {
	Version   int
	UpdatedAt time.Time
}

// stampTables are the tables Stamps reads; never a caller's string.
var stampTables = map[string]bool{"visits": true, "cases": true}

func (s *Store) stamps(ctx context.Context, table string, ids []int64) (map[int64]Stamp, error) {
	out := map[int64]Stamp{}
	if len(ids) == 0 {
		return out, nil
	}
	if !stampTables[table] {
		return nil, fmt.Errorf("store: stamps of %s: unknown table", table)
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.q.QueryContext(ctx, `SELECT id, version, updated_at FROM `+table+` WHERE id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: stamps of %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var st Stamp
		var at string
		if err := rows.Scan(&id, &st.Version, &at); err != nil {
			return nil, fmt.Errorf("store: stamps of %s: %w", table, err)
		}
		st.UpdatedAt = parseStamp(at)
		out[id] = st
	}
	return out, rows.Err()
}

// VisitStamps returns the version and update time of the visits with ids.
func (s *Store) VisitStamps(ctx context.Context, ids []int64) (map[int64]Stamp, error) {
	return s.stamps(ctx, "visits", ids)
}

// CaseStamps returns the version and update time of the cases with ids.
func (s *Store) CaseStamps(ctx context.Context, ids []int64) (map[int64]Stamp, error) {
	return s.stamps(ctx, "cases", ids)
}

// StampedTask is a sweep task with its version and update time.
type StampedTask struct {
	visits.Task
	Stamp
}

// LeaderSweepTasks returns leader's sweep tasks due in [from, to], by due date.
func (s *Store) LeaderSweepTasks(ctx context.Context, leader string, from, to roster.Date) ([]StampedTask, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+taskCols+`, version, updated_at FROM sweep_tasks
		WHERE leader_id = ? AND due_on >= ? AND due_on <= ? ORDER BY due_on, township, id`, leader, from.String(), to.String())
	if err != nil {
		return nil, fmt.Errorf("store: sweep tasks of %s: %w", leader, err)
	}
	defer rows.Close()
	var out []StampedTask
	for rows.Next() {
		var t StampedTask
		var due, filed, flagged, at string
		if err := rows.Scan(&t.ID, &t.Month, &t.Township, &t.Leader, &due, &t.Status, &filed, &t.FiledBy, &flagged,
			&t.Version, &at); err != nil {
			return nil, fmt.Errorf("store: sweep tasks of %s: %w", leader, err)
		}
		t.Due, t.Filed, t.Flagged = readDate(due), readDate(filed), readDate(flagged)
		t.UpdatedAt = parseStamp(at)
		out = append(out, t)
	}
	return out, rows.Err()
}
