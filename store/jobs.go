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
	if err := lookupErr(err, "job run "+job+"/"+period); err != nil {
		return r, err
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

// ErrPeriodDone is RunJob's answer for a period the ledger already has done.
var ErrPeriodDone = errors.New("store: job period already done")

// RunJob runs one period in a transaction that also claims its ledger row, so the
// job's writes and "done" commit together. A done period is ErrPeriodDone; on
// failure nothing is written and the caller records it with RecordJobRun.
func (s *Store) RunJob(ctx context.Context, job, period string, fn func(tx *Store) (JobRun, error)) error {
	return s.WithTx(ctx, func(tx *Store) error {
		prev, err := tx.JobRun(ctx, job, period)
		switch {
		case err == nil && prev.Status == "done":
			return fmt.Errorf("store: run %s/%s: %w", job, period, ErrPeriodDone)
		case err != nil && !errors.Is(err, ErrNotFound):
			return err
		}
		r, err := fn(tx)
		if err != nil {
			return err
		}
		r.Job, r.Period, r.Status = job, period, "done"
		return tx.RecordJobRun(ctx, r)
	})
}

// LastJobRun returns the most recent run of job, or ErrNotFound.
func (s *Store) LastJobRun(ctx context.Context, job string) (JobRun, error) {
	var period string
	err := s.q.QueryRowContext(ctx, `SELECT period FROM job_runs WHERE job = ? ORDER BY finished_at DESC LIMIT 1`, job).Scan(&period)
	if err := lookupErr(err, "last run of "+job); err != nil {
		return JobRun{Job: job}, err
	}
	return s.JobRun(ctx, job, period)
}

// JobRuns returns job's most recent runs, newest first; limit <= 0 means 20.
func (s *Store) JobRuns(ctx context.Context, job string, limit int) ([]JobRun, error) {
	if limit <= 0 {
		limit = 20
	}
	return queryAll(ctx, s.q, "runs of "+job, scanJobRun, `SELECT job, period, status, attempts, started_at, finished_at, error, summary
		FROM job_runs WHERE job = ? ORDER BY finished_at DESC, period DESC LIMIT ?`, job, limit)
}

func scanJobRun(sc scanner) (JobRun, error) {
	var r JobRun
	var started, finished string
	err := sc.Scan(&r.Job, &r.Period, &r.Status, &r.Attempts, &started, &finished, &r.Error, &r.Summary)
	r.StartedAt, r.FinishedAt = parseStamp(started), parseStamp(finished)
	return r, err
}

// FirstJobPeriod returns job's earliest ledger period (periods sort as text), or ErrNotFound.
func (s *Store) FirstJobPeriod(ctx context.Context, job string) (string, error) {
	var p sql.NullString
	if err := s.q.QueryRowContext(ctx, `SELECT MIN(period) FROM job_runs WHERE job = ?`, job).Scan(&p); err != nil {
		return "", fmt.Errorf("store: first period of %s: %w", job, err)
	}
	if !p.Valid {
		return "", fmt.Errorf("store: first period of %s: %w", job, ErrNotFound)
	}
	return p.String, nil
}
