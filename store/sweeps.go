package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"zhiban/visits"
)

// CreateSweep stores a month's sweep and tasks idempotently; created is false if it existed.
func (s *Store) CreateSweep(ctx context.Context, sw visits.Sweep, tasks []visits.Task, actor string) (created bool, err error) {
	err = s.WithTx(ctx, func(tx *Store) error {
		r, err := tx.q.ExecContext(ctx, `INSERT INTO sweeps (month, opened_on, due_on) VALUES (?, ?, ?) ON CONFLICT (month) DO NOTHING`,
			string(sw.Month), dateCol(sw.Opened), dateCol(sw.Due))
		if err != nil {
			return fmt.Errorf("store: open sweep %s: %w", sw.Month, err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return nil
		}
		created = true
		for _, t := range tasks {
			if _, err := tx.q.ExecContext(ctx, `INSERT INTO sweep_tasks (month, township, leader_id, due_on, status, updated_at)
				VALUES (?, ?, ?, ?, 'open', ?)`, string(sw.Month), t.Township, nullString(t.Leader), dateCol(t.Due), stamp(s.Now())); err != nil {
				return fmt.Errorf("store: sweep task %s/%s: %w", sw.Month, t.Township, err)
			}
		}
		return tx.Audit(ctx, actor, "open", "sweep", string(sw.Month), "", fmt.Sprintf("%d 个单位，%s 前报送", len(tasks), sw.Due))
	})
	return created, err
}

// Sweep returns one month's sweep, or ErrNotFound.
func (s *Store) Sweep(ctx context.Context, month visits.Month) (visits.Sweep, error) {
	sw := visits.Sweep{Month: month}
	var opened, due string
	err := s.q.QueryRowContext(ctx, `SELECT opened_on, due_on FROM sweeps WHERE month = ?`, string(month)).Scan(&opened, &due)
	if err := lookupErr(err, "sweep "+string(month)); err != nil {
		return sw, err
	}
	sw.Opened, sw.Due = readDate(opened), readDate(due)
	return sw, nil
}

// LatestSweep returns the most recent sweep, or ErrNotFound.
func (s *Store) LatestSweep(ctx context.Context) (visits.Sweep, error) {
	var month string
	err := s.q.QueryRowContext(ctx, `SELECT month FROM sweeps ORDER BY month DESC LIMIT 1`).Scan(&month)
	if err := lookupErr(err, "latest sweep"); err != nil {
		return visits.Sweep{}, err
	}
	return s.Sweep(ctx, visits.Month(month))
}

const taskCols = `id, month, township, COALESCE(leader_id, ''), due_on, status, filed_on, filed_by, flagged_on`

func scanTask(sc scanner) (visits.Task, error) {
	var t visits.Task
	var due, filed, flagged string
	if err := sc.Scan(&t.ID, &t.Month, &t.Township, &t.Leader, &due, &t.Status, &filed, &t.FiledBy, &flagged); err != nil {
		return t, err
	}
	t.Due, t.Filed, t.Flagged = readDate(due), readDate(filed), readDate(flagged)
	return t, nil
}

// SweepTasks returns a month's tasks in township order.
func (s *Store) SweepTasks(ctx context.Context, month visits.Month) ([]visits.Task, error) {
	return queryAll(ctx, s.q, "sweep tasks "+string(month), scanTask,
		`SELECT `+taskCols+` FROM sweep_tasks WHERE month = ? ORDER BY township`, string(month))
}

// SweepTask returns one task, or ErrNotFound.
func (s *Store) SweepTask(ctx context.Context, id int64) (visits.Task, error) {
	t, err := scanTask(s.q.QueryRowContext(ctx, `SELECT `+taskCols+` FROM sweep_tasks WHERE id = ?`, id))
	return t, lookupErr(err, fmt.Sprintf("sweep task %d", id))
}

// SweepTaskOf returns a month's task of one township, or ErrNotFound.
func (s *Store) SweepTaskOf(ctx context.Context, month visits.Month, township string) (visits.Task, error) {
	t, err := scanTask(s.q.QueryRowContext(ctx, `SELECT `+taskCols+` FROM sweep_tasks WHERE month = ? AND township = ?`,
		string(month), township))
	return t, lookupErr(err, fmt.Sprintf("sweep task %s/%s", month, township))
}

// SaveSweepTask writes a task's status, filing and flag; a concurrent filing is ErrConflict.
func (s *Store) SaveSweepTask(ctx context.Context, t visits.Task, action, actor string) error {
	return s.WithTx(ctx, func(tx *Store) error {
		cur, err := tx.SweepTask(ctx, t.ID)
		if err != nil {
			return err
		}
		if action == "file" && cur.Status != visits.TaskOpen {
			return fmt.Errorf("store: sweep task %d already filed: %w", t.ID, ErrConflict)
		}
		if _, err := tx.q.ExecContext(ctx, `UPDATE sweep_tasks SET leader_id = ?, status = ?, filed_on = ?, filed_by = ?, flagged_on = ?,
			version = version + 1, updated_at = ? WHERE id = ?`, nullString(t.Leader), string(t.Status), dateCol(t.Filed), t.FiledBy, dateCol(t.Flagged),
			stamp(s.Now()), t.ID); err != nil {
			return fmt.Errorf("store: save sweep task %d: %w", t.ID, err)
		}
		return tx.Audit(ctx, actor, action, "sweep_task", itoa(t.ID), string(cur.Status), fmt.Sprintf("%s %s %s", t.Month, t.Township, t.Status))
	})
}

// AddFindings stores findings and returns them with ids, skipping rolled findings already carried.
func (s *Store) AddFindings(ctx context.Context, fs []visits.Finding, actor string) ([]visits.Finding, error) {
	var out []visits.Finding
	err := s.WithTx(ctx, func(tx *Store) error {
		for _, f := range fs {
			id, err := insertID(ctx, tx.q, `INSERT INTO sweep_findings (task_id, summary, category, village, parties, risk, case_id,
				resolved, rolled_from, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (task_id, rolled_from) DO NOTHING`,
				f.Task, f.Summary, string(f.Category), f.Village, f.Parties, string(f.Risk), nullInt(f.Case), boolInt(f.Resolved),
				nullInt(f.RolledFrom), stamp(s.Now()))
			if errors.Is(err, sql.ErrNoRows) { // already carried
				continue
			}
			if err != nil {
				return fmt.Errorf("store: add finding to task %d: %w", f.Task, err)
			}
			f.ID = id
			out = append(out, f)
			if err := tx.Audit(ctx, actor, "create", "finding", itoa(f.ID), "",
				fmt.Sprintf("任务 %d %s %s风险", f.Task, f.Category, f.Risk)); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// FindingFilter narrows Findings.
type FindingFilter struct {
	Month      visits.Month
	Task       int64
	Unresolved bool
	// HighNoCase: high-risk findings that have not become a case yet.
	HighNoCase bool
	ID         int64
}

// Findings returns findings matching f in id order.
func (s *Store) Findings(ctx context.Context, f FindingFilter) ([]visits.Finding, error) {
	var c conditions
	if f.Month != "" {
		c.add("task_id IN (SELECT id FROM sweep_tasks WHERE month = ?)", string(f.Month))
	}
	if f.Task != 0 {
		c.add("task_id = ?", f.Task)
	}
	if f.ID != 0 {
		c.add("id = ?", f.ID)
	}
	if f.Unresolved {
		c.add("resolved = 0")
	}
	if f.HighNoCase {
		c.add("risk = '高' AND case_id IS NULL")
	}
	return queryAll(ctx, s.q, "findings", scanFinding, `SELECT id, task_id, summary, category, village, parties, risk,
		COALESCE(case_id, 0), resolved, COALESCE(rolled_from, 0) FROM sweep_findings `+c.where()+` ORDER BY id`, c.args...)
}

func scanFinding(sc scanner) (visits.Finding, error) {
	var x visits.Finding
	var resolved int
	err := sc.Scan(&x.ID, &x.Task, &x.Summary, &x.Category, &x.Village, &x.Parties, &x.Risk, &x.Case, &resolved, &x.RolledFrom)
	x.Resolved = resolved == 1
	return x, err
}

// Finding returns one finding, or ErrNotFound.
func (s *Store) Finding(ctx context.Context, id int64) (visits.Finding, error) {
	fs, err := s.Findings(ctx, FindingFilter{ID: id})
	return first(fs, err, fmt.Sprintf("finding %d", id))
}

// SaveFinding writes a finding's case link and resolution.
func (s *Store) SaveFinding(ctx context.Context, f visits.Finding, action, actor string) error {
	return s.WithTx(ctx, func(tx *Store) error {
		r, err := tx.q.ExecContext(ctx, `UPDATE sweep_findings SET case_id = ?, resolved = ? WHERE id = ?`,
			nullInt(f.Case), boolInt(f.Resolved), f.ID)
		if err != nil {
			return fmt.Errorf("store: save finding %d: %w", f.ID, err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("store: finding %d: %w", f.ID, ErrNotFound)
		}
		return tx.Audit(ctx, actor, action, "finding", itoa(f.ID), "", fmt.Sprintf("case=%d resolved=%v", f.Case, f.Resolved))
	})
}

// TaskTownships maps task ids to their township, for rolling findings over.
func (s *Store) TaskTownships(ctx context.Context, month visits.Month) (map[int64]string, error) {
	tasks, err := s.SweepTasks(ctx, month)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, t := range tasks {
		out[t.ID] = t.Township
	}
	return out, nil
}
