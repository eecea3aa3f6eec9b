package store

import (
	"context"
	"errors"
	"fmt"

	"zhiban/roster"
	"zhiban/visits"
)

const evaluationCols = `id, case_id, stage, answer, source, answered_on, recorded_by, version`

func scanEvaluation(sc scanner) (visits.Evaluation, error) {
	var e visits.Evaluation
	var on string
	err := sc.Scan(&e.ID, &e.Case, &e.Stage, &e.Answer, &e.Source, &on, &e.RecordedBy, &e.Version)
	e.AnsweredOn = readDate(on)
	return e, err
}

func evaluationSummary(e visits.Evaluation) string {
	return fmt.Sprintf("案件#%d 阶段=%s 评价=%s 来源=%s 日期=%s", e.Case, e.Stage.Label(), e.Answer, e.Source.Label(), dateCol(e.AnsweredOn))
}

// CreateEvaluation inserts an evaluation and audits it. A second one for the
// same case and stage is ErrConflict (the unique key backs the use case's check).
func (s *Store) CreateEvaluation(ctx context.Context, e visits.Evaluation, actor string) (visits.Evaluation, error) {
	var out visits.Evaluation
	err := s.WithTx(ctx, func(tx *Store) error {
		if _, err := tx.Evaluation(ctx, e.Case, e.Stage); err == nil {
			return fmt.Errorf("store: case %d already has a %s evaluation: %w", e.Case, e.Stage, ErrConflict)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		now := stamp(s.Now())
		id, err := insertID(ctx, tx.q, `INSERT INTO evaluations (case_id, stage, answer, source, answered_on, recorded_by, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			e.Case, string(e.Stage), string(e.Answer), string(e.Source), dateCol(e.AnsweredOn), e.RecordedBy, now, now)
		if err != nil {
			return fmt.Errorf("store: create evaluation of case %d: %w", e.Case, err)
		}
		es, err := queryAll(ctx, tx.q, "evaluation", scanEvaluation, `SELECT `+evaluationCols+` FROM evaluations WHERE id = ?`, id)
		if out, err = first(es, err, fmt.Sprintf("evaluation %d", id)); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "create", "evaluation", itoa(id), "", evaluationSummary(out))
	})
	return out, err
}

// SaveEvaluation corrects an evaluation's answer and date; another stored
// version is ErrConflict.
func (s *Store) SaveEvaluation(ctx context.Context, e visits.Evaluation, version int, actor string) (visits.Evaluation, error) {
	var out visits.Evaluation
	err := s.WithTx(ctx, func(tx *Store) error {
		cur, err := tx.Evaluation(ctx, e.Case, e.Stage)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return fmt.Errorf("store: evaluation %d changed (version %d, not %d): %w", cur.ID, cur.Version, version, ErrConflict)
		}
		_, err = tx.q.ExecContext(ctx, `UPDATE evaluations SET answer = ?, answered_on = ?, recorded_by = ?, version = version + 1, updated_at = ?
			WHERE id = ?`, string(e.Answer), dateCol(e.AnsweredOn), e.RecordedBy, stamp(s.Now()), cur.ID)
		if err != nil {
			return fmt.Errorf("store: save evaluation %d: %w", cur.ID, err)
		}
		if out, err = tx.Evaluation(ctx, e.Case, e.Stage); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "correct", "evaluation", itoa(cur.ID), evaluationSummary(cur), evaluationSummary(out))
	})
	return out, err
}

// Evaluation returns the case's evaluation at stage, or ErrNotFound.
func (s *Store) Evaluation(ctx context.Context, caseID int64, stage visits.EvalStage) (visits.Evaluation, error) {
	es, err := queryAll(ctx, s.q, "evaluation", scanEvaluation, `SELECT `+evaluationCols+` FROM evaluations WHERE case_id = ? AND stage = ?`,
		caseID, string(stage))
	return first(es, err, fmt.Sprintf("%s evaluation of case %d", stage, caseID))
}

// EvaluationFilter narrows Evaluations; zero fields match everything.
type EvaluationFilter struct {
	Case     int64
	From, To roster.Date // answered_on, inclusive
}

// Evaluations returns the evaluations f selects by answer date, then id.
func (s *Store) Evaluations(ctx context.Context, f EvaluationFilter) ([]visits.Evaluation, error) {
	var c conditions
	if f.Case != 0 {
		c.add("case_id = ?", f.Case)
	}
	if f.From != 0 {
		c.add("answered_on >= ?", dateCol(f.From))
	}
	if f.To != 0 {
		c.add("answered_on <= ?", dateCol(f.To))
	}
	return queryAll(ctx, s.q, "evaluations", scanEvaluation, `SELECT `+evaluationCols+` FROM evaluations `+c.where()+` ORDER BY answered_on, id`, c.args...)
}

// EvaluationCode is a stored 评价码: Code is the opened plain code ("" when
// read by hash, where the caller has it already).
type EvaluationCode struct {
	ID      int64
	Case    int64
	Stage   visits.EvalStage
	Hash    string
	Code    string
	Made    roster.Date
	Expires roster.Date // valid through this day
}

const evaluationCodeCols = `id, case_id, stage, code_hash, code_sealed, made_on, expires_on`

func (s *Store) scanEvaluationCode(open bool) func(sc scanner) (EvaluationCode, error) {
	return func(sc scanner) (EvaluationCode, error) {
		var c EvaluationCode
		var sealed, made, expires string
		if err := sc.Scan(&c.ID, &c.Case, &c.Stage, &c.Hash, &sealed, &made, &expires); err != nil {
			return c, err
		}
		c.Made, c.Expires = readDate(made), readDate(expires)
		if open {
			var err error
			if c.Code, err = s.openPrivate(sealed); err != nil {
				return c, fmt.Errorf("评价码（案件#%d）：%w", c.Case, err)
			}
		}
		return c, nil
	}
}

// EvaluationCodeOf returns the case's code at stage, opened, or ErrNotFound.
func (s *Store) EvaluationCodeOf(ctx context.Context, caseID int64, stage visits.EvalStage) (EvaluationCode, error) {
	cs, err := queryAll(ctx, s.q, "evaluation code", s.scanEvaluationCode(true),
		`SELECT `+evaluationCodeCols+` FROM evaluation_codes WHERE case_id = ? AND stage = ?`, caseID, string(stage))
	return first(cs, err, fmt.Sprintf("%s evaluation code of case %d", stage, caseID))
}

// EvaluationCodeByHash finds a code by its hash (the code is not opened), or ErrNotFound.
func (s *Store) EvaluationCodeByHash(ctx context.Context, hash string) (EvaluationCode, error) {
	cs, err := queryAll(ctx, s.q, "evaluation code", s.scanEvaluationCode(false),
		`SELECT `+evaluationCodeCols+` FROM evaluation_codes WHERE code_hash = ?`, hash)
	return first(cs, err, "evaluation code")
}

// PutEvaluationCode stores the case's code at stage, sealed, replacing an
// expired one; it is audited without the code.
func (s *Store) PutEvaluationCode(ctx context.Context, c EvaluationCode, actor string) error {
	sealed, err := s.seal.Seal(c.Code)
	if err != nil {
		return fmt.Errorf("store: seal evaluation code: %w", err)
	}
	return s.WithTx(ctx, func(tx *Store) error {
		now := stamp(s.Now())
		_, err := tx.q.ExecContext(ctx, `INSERT INTO evaluation_codes (case_id, stage, code_hash, code_sealed, made_on, expires_on, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (case_id, stage) DO UPDATE SET code_hash = excluded.code_hash, code_sealed = excluded.code_sealed,
			made_on = excluded.made_on, expires_on = excluded.expires_on, created_by = excluded.created_by, created_at = excluded.created_at`,
			c.Case, string(c.Stage), c.Hash, sealed, dateCol(c.Made), dateCol(c.Expires), actor, now)
		if err != nil {
			return fmt.Errorf("store: put evaluation code of case %d: %w", c.Case, err)
		}
		return tx.Audit(ctx, actor, "create", "evaluation_code", fmt.Sprintf("%d/%s", c.Case, c.Stage), "",
			fmt.Sprintf("案件#%d 阶段=%s 有效期至=%s", c.Case, c.Stage.Label(), dateCol(c.Expires)))
	})
}
