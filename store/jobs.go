package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// JobRun is one ledger row: a job's run for one period.
type JobRun struct {
	Job        string    `json:"job"`
	Period     string    `json:"period"`
	Status     string    `json:"status"` // done | failed
	Attempts   int       `json:"attempts"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Error      string    `json:"error,omitempty"`
	Summary    string    `json:"summary,omitempty"`
}

// JobRun returns the ledger row of (job, period), or ErrNotFound.
func (s *Store) JobRun(ctx context.Context, job, period string) (JobRun, error) {
	r := JobRun{Job: job, Period: period}
	var started, finished string
	err := s.q.QueryRowContext(ctx, `SELECT status, attempts, started_at, finished_at, error, summary
		FROM job_runs WHERE job = ? AND period = ?`, job, period).
		Scan(&r.Status, &r.Attempts, &started, &finished, &r.Error, &r.Summary)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("store: job run %s/%s: %w", job, period, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: job run %s/%s: %w", job, period, err)
	}
	r.StartedAt, r.FinishedAt = parseStamp(started), parseStamp(finished)
	return r, nil
}

// RecordJobRun writes the outcome of a run; a failed period keeps counting attempts.
func (s *Store) RecordJobRun(ctx context.Context, r JobRun) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO job_runs (job, period, status, attempts, started_at, finished_at, error, summary)
		VALUES (?, ?, ?, 1, ?, ?, ?, ?)
		ON CONFLICT (job, period) DO UPDATE SET status = excluded.status, attempts = job_runs.attempts + 1,
			started_at = excluded.started_at, finished_at = excluded.finished_at, error = excluded.error, summary = excluded.summary`,
		r.Job, r.Period, r.Status, stamp(r.StartedAt), stamp(r.FinishedAt), r.Error, r.Summary)
	if err != nil {
		return fmt.Errorf("store: record job run %s/%s: %w", r.Job, r.Period, err)
	}
	return nil
}

// LastJobRun returns the most recent run of job, or ErrNotFound.
func (s *Store) LastJobRun(ctx context.Context, job string) (JobRun, error) {
	var period string
	err := s.q.QueryRowContext(ctx, `SELECT period FROM job_runs WHERE job = ? ORDER BY finished_at DESC LIMIT 1`, job).Scan(&period)
	if errors.Is(err, sql.ErrNoRows) {
		return JobRun{Job: job}, fmt.Errorf("store: last run of %s: %w", job, ErrNotFound)
	}
	if err != nil {
		return JobRun{Job: job}, fmt.Errorf("store: last run of %s: %w", job, err)
	}
	return s.JobRun(ctx, job, period)
}
