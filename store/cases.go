package store

import (
	"context"
	"database/sql"
	"fmt"

	"zhiban/roster"
	"zhiban/visits"
)

const caseCols = `id, code, title, category, township, received_on, channel, petitioner_name, petitioner_phone,
	petitioner_address, content, group_size, representatives, COALESCE(leader_id, ''), leader_reason, unit, state, key_case,
	COALESCE(from_finding, 0), accepted_on, replied_on, extension_days, extension_reason, extended_on, review_asked_on,
	reviewed_on, recheck_asked_on, rechecked_on, reopened_on, closed_on, version, kind`

func scanCase(sc scanner) (visits.Case, error) {
	var c visits.Case
	var received, accepted, replied, extended, rvAsked, reviewed, rkAsked, rechecked, reopened, closed string
	var key int
	err := sc.Scan(&c.ID, &c.Code, &c.Title, &c.Category, &c.Township, &received, &c.Channel, &c.Petitioner.Name,
		&c.Petitioner.Phone, &c.Petitioner.Address, &c.Content, &c.GroupSize, &c.Representatives, &c.Leader, &c.LeaderReason,
		&c.Unit, &c.State, &key, &c.FromFinding, &accepted, &replied, &c.ExtensionDays, &c.ExtensionReason, &extended,
		&rvAsked, &reviewed, &rkAsked, &rechecked, &reopened, &closed, &c.Version, &c.Kind)
	if err != nil {
		return c, err
	}
	c.Key = key == 1
	c.Received, c.Accepted, c.Replied, c.Extended = readDate(received), readDate(accepted), readDate(replied), readDate(extended)
	c.ReviewAsked, c.Reviewed, c.RecheckAsked, c.Rechecked = readDate(rvAsked), readDate(reviewed), readDate(rkAsked), readDate(rechecked)
	c.Reopened, c.Closed = readDate(reopened), readDate(closed)
	return c, nil
}

// caseSummary is what the audit log keeps of a case: no petitioner data.
func caseSummary(c visits.Case) string {
	return fmt.Sprintf("%s %s %s 包案领导=%s 延期=%d 节点=%d", c.Code, c.State, c.Township, c.Leader, c.ExtensionDays, len(c.Milestones))
}

// CreateCase inserts a case with its milestones. A taken code is ErrConflict.
func (s *Store) CreateCase(ctx context.Context, c visits.Case, actor string) (visits.Case, error) {
	err := s.WithTx(ctx, func(tx *Store) error {
		var n int
		if err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE code = ?`, c.Code).Scan(&n); err != nil {
			return fmt.Errorf("store: create case %s: %w", c.Code, err)
		}
		if n > 0 {
			return fmt.Errorf("store: case code %s is taken: %w", c.Code, ErrConflict)
		}
		now := stamp(s.Now())
		phone, err := s.sealPhone(c.Petitioner.Phone)
		if err != nil {
			return err
		}
		id, err := insertID(ctx, tx.q, `INSERT INTO cases (code, title, category, township, received_on, channel,
			petitioner_name, petitioner_phone, petitioner_address, content, group_size, representatives, leader_id, leader_reason,
			unit, state, key_case, from_finding, accepted_on, replied_on, extension_days, extension_reason, extended_on,
			review_asked_on, reviewed_on, recheck_asked_on, rechecked_on, reopened_on, closed_on, version, created_at, updated_at,
			petitioner_name_idx, petitioner_phone_idx, kind)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
			c.Code, c.Title, string(c.Category), c.Township, dateCol(c.Received), string(c.Channel), c.Petitioner.Name,
			phone, c.Petitioner.Address, c.Content, c.GroupSize, c.Representatives, nullString(c.Leader), c.LeaderReason,
			c.Unit, string(c.State), boolInt(c.Key), nullInt(c.FromFinding), dateCol(c.Accepted), dateCol(c.Replied), c.ExtensionDays,
			c.ExtensionReason, dateCol(c.Extended), dateCol(c.ReviewAsked), dateCol(c.Reviewed), dateCol(c.RecheckAsked),
			dateCol(c.Rechecked), dateCol(c.Reopened), dateCol(c.Closed), now, now,
			s.search.nameToken(c.Petitioner.Name), s.search.phoneToken(c.Petitioner.Phone), string(caseKind(c)))
		if err != nil {
			return fmt.Errorf("store: create case %s: %w", c.Code, err)
		}
		c.ID = id
		if err := tx.writeMilestones(ctx, c); err != nil {
			return err
		}
		if c, err = tx.Case(ctx, c.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "create", "case", itoa(c.ID), "", caseSummary(c))
	})
	if err != nil {
		return visits.Case{}, err
	}
	return s.Case(ctx, c.ID)
}

// caseKind stores a case without a kind as a petition.
func caseKind(c visits.Case) visits.CaseKind {
	if c.Kind == "" {
		return visits.CasePetition
	}
	return c.Kind
}

func nullInt(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: n != 0} }

func (s *Store) writeMilestones(ctx context.Context, c visits.Case) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM case_milestones WHERE case_id = ?`, c.ID); err != nil {
		return fmt.Errorf("store: milestones of case %d: %w", c.ID, err)
	}
	for _, m := range c.Milestones {
		if _, err := s.q.ExecContext(ctx, `INSERT INTO case_milestones (case_id, duty, done_on, note) VALUES (?, ?, ?, ?)`,
			c.ID, string(m.Duty), dateCol(m.On), m.Note); err != nil {
			return fmt.Errorf("store: milestone %s of case %d: %w", m.Duty, c.ID, err)
		}
	}
	return nil
}

// SaveCase writes an edited case; another stored version is ErrConflict; action is audited.
func (s *Store) SaveCase(ctx context.Context, c visits.Case, version int, action, actor string) (visits.Case, error) {
	var out visits.Case
	err := s.WithTx(ctx, func(tx *Store) error {
		cur, err := tx.Case(ctx, c.ID)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return fmt.Errorf("store: case %s changed (version %d, not %d): %w", cur.Code, cur.Version, version, ErrConflict)
		}
		phone, err := s.sealPhone(c.Petitioner.Phone)
		if err != nil {
			return err
		}
		_, err = tx.q.ExecContext(ctx, `UPDATE cases SET title = ?, category = ?, township = ?, received_on = ?, channel = ?,
			petitioner_name = ?, petitioner_phone = ?, petitioner_address = ?, content = ?, group_size = ?, representatives = ?,
			leader_id = ?, leader_reason = ?, unit = ?, state = ?, key_case = ?, accepted_on = ?, replied_on = ?, extension_days = ?,
			extension_reason = ?, extended_on = ?, review_asked_on = ?, reviewed_on = ?, recheck_asked_on = ?, rechecked_on = ?,
			reopened_on = ?, closed_on = ?, version = version + 1, updated_at = ?, petitioner_name_idx = ?, petitioner_phone_idx = ?
			WHERE id = ?`,
			c.Title, string(c.Category), c.Township, dateCol(c.Received), string(c.Channel), c.Petitioner.Name, phone,
			c.Petitioner.Address, c.Content, c.GroupSize, c.Representatives, nullString(c.Leader), c.LeaderReason, c.Unit,
			string(c.State), boolInt(c.Key), dateCol(c.Accepted), dateCol(c.Replied), c.ExtensionDays, c.ExtensionReason,
			dateCol(c.Extended), dateCol(c.ReviewAsked), dateCol(c.Reviewed), dateCol(c.RecheckAsked), dateCol(c.Rechecked),
			dateCol(c.Reopened), dateCol(c.Closed), stamp(s.Now()), s.search.nameToken(c.Petitioner.Name),
			s.search.phoneToken(c.Petitioner.Phone), c.ID)
		if err != nil {
			return fmt.Errorf("store: save case %s: %w", cur.Code, err)
		}
		if err := tx.writeMilestones(ctx, c); err != nil {
			return err
		}
		if out, err = tx.Case(ctx, c.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, action, "case", itoa(c.ID), caseSummary(cur), caseSummary(out))
	})
	return out, err
}

// Case returns one case with its milestones, or ErrNotFound.
func (s *Store) Case(ctx context.Context, id int64) (visits.Case, error) {
	cs, err := s.queryCases(ctx, `WHERE id = ?`, id)
	return first(cs, err, fmt.Sprintf("case %d", id))
}

// CaseByCode returns one case by its code, or ErrNotFound.
func (s *Store) CaseByCode(ctx context.Context, code string) (visits.Case, error) {
	cs, err := s.queryCases(ctx, `WHERE code = ?`, code)
	return first(cs, err, "case "+code)
}

// CaseFilter narrows Cases; empty fields match everything.
type CaseFilter struct {
	Township string
	Leader   string
	States   []visits.CaseState
	OpenOnly bool // not closed and not rejected
	IDs      []int64
	Search   string // a case code prefix, or a petitioner's exact name or phone
}

// Cases returns cases matching f, newest received first.
func (s *Store) Cases(ctx context.Context, f CaseFilter) ([]visits.Case, error) {
	c := s.caseConditions(f)
	return s.queryCases(ctx, c.where()+` ORDER BY received_on DESC, id DESC`, c.args...)
}

func (s *Store) caseConditions(f CaseFilter) conditions {
	var c conditions
	c.eq("township", f.Township)
	c.eq("leader_id", f.Leader)
	if f.OpenOnly {
		// Named, not NOT IN, so the state index serves it.
		var open []any
		for _, st := range visits.CaseStates {
			if st.Open() {
				open = append(open, string(st))
			}
		}
		c.add("state IN ("+placeholders(len(open))+")", open...)
	}
	if len(f.States) > 0 {
		states := make([]any, len(f.States))
		for i, st := range f.States {
			states[i] = string(st)
		}
		c.add("state IN ("+placeholders(len(states))+")", states...)
	}
	if len(f.IDs) > 0 {
		ids := make([]any, len(f.IDs))
		for i, id := range f.IDs {
			ids[i] = id
		}
		c.add("id IN ("+placeholders(len(ids))+")", ids...)
	}
	s.searchCondition(&c, f.Search)
	return c
}

// queryCases reads the cases tail selects, then only their milestones.
func (s *Store) queryCases(ctx context.Context, tail string, args ...any) ([]visits.Case, error) {
	out, err := queryAll(ctx, s.q, "cases", scanCase, `SELECT `+caseCols+` FROM cases `+tail, args...)
	if err != nil || len(out) == 0 {
		return out, err
	}
	byID := map[int64]int{}
	for i := range out {
		if out[i].Petitioner.Phone, err = s.openPrivate(out[i].Petitioner.Phone); err != nil {
			return nil, fmt.Errorf("案件 %s：%w", out[i].Code, err)
		}
		out[i].Milestones = []visits.Milestone{}
		byID[out[i].ID] = i
	}
	// In chunks, far below SQLite's limit on bound variables.
	const chunk = 500
	for start := 0; start < len(out); start += chunk {
		ids := []any{}
		for _, k := range out[start:min(start+chunk, len(out))] {
			ids = append(ids, k.ID)
		}
		ms, err := queryAll(ctx, s.q, "milestones", scanMilestone,
			`SELECT case_id, duty, done_on, note FROM case_milestones WHERE case_id IN (`+placeholders(len(ids))+`)`, ids...)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			i := byID[m.caseID]
			out[i].Milestones = append(out[i].Milestones, m.Milestone)
		}
	}
	// Keep duty order for equal dates.
	for i := range out {
		sortMilestones(out[i].Milestones)
	}
	return out, nil
}

type caseMilestone struct {
	caseID int64
	visits.Milestone
}

func scanMilestone(sc scanner) (caseMilestone, error) {
	var m caseMilestone
	var on string
	err := sc.Scan(&m.caseID, &m.Duty, &on, &m.Note)
	m.On = readDate(on)
	return m, err
}

func sortMilestones(ms []visits.Milestone) {
	rank := map[visits.Duty]int{}
	for i, d := range visits.Duties {
		rank[d] = i
	}
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && rank[ms[j].Duty] < rank[ms[j-1].Duty]; j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

// NextCaseCode returns the next free code of year, e.g. 2027-0043.
func (s *Store) NextCaseCode(ctx context.Context, year int) (string, error) {
	top := 0
	err := queryEach(ctx, s.q, "next case code", func(sc scanner) error {
		var code string
		if err := sc.Scan(&code); err != nil {
			return err
		}
		if _, n, err := visits.ParseCode(code); err == nil && n > top {
			top = n
		}
		return nil
	}, `SELECT code FROM cases WHERE code LIKE ?`, fmt.Sprintf("%04d-%%", year))
	if err != nil {
		return "", err
	}
	return visits.FormatCode(year, top+1), nil
}

// OpenCaseLoad counts each leader's open cases (not closed, not rejected).
func (s *Store) OpenCaseLoad(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := queryEach(ctx, s.q, "case load", func(sc scanner) error {
		var id string
		var n int
		if err := sc.Scan(&id, &n); err != nil {
			return err
		}
		out[id] = n
		return nil
	}, `SELECT leader_id, COUNT(*) FROM cases
		WHERE leader_id IS NOT NULL AND state NOT IN ('closed', 'rejected') GROUP BY leader_id`)
	return out, err
}

// Flag records a follow-up flag once per (kind, entity, id, level), reporting whether it is new.
func (s *Store) Flag(ctx context.Context, f Flag) (bool, error) {
	r, err := s.q.ExecContext(ctx, `INSERT INTO flags (kind, entity, entity_id, level, on_date, message, leader_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, entity, entity_id, level) DO NOTHING`,
		f.Kind, f.Entity, f.EntityID, f.Level, dateCol(f.On), f.Message, f.Leader, stamp(s.Now()))
	if err != nil {
		return false, fmt.Errorf("store: flag %s %s/%s: %w", f.Kind, f.Entity, f.EntityID, err)
	}
	n, _ := r.RowsAffected()
	return n > 0, nil
}

// Flag is a follow-up notice; messages carry codes, never petitioner data.
type Flag struct {
	ID       int64       `json:"id"`
	Kind     string      `json:"kind"` // deadline | missing_report | unassigned_finding
	Entity   string      `json:"entity"`
	EntityID string      `json:"entity_id"`
	Level    string      `json:"level,omitempty"`
	On       roster.Date `json:"on"`
	Message  string      `json:"message"`
	Leader   string      `json:"leader,omitempty"`
}

// Flags returns flags raised on or after since (zero: all), newest first.
func (s *Store) Flags(ctx context.Context, since roster.Date) ([]Flag, error) {
	return queryAll(ctx, s.q, "flags", scanFlag, `SELECT id, kind, entity, entity_id, level, on_date, message, leader_id
		FROM flags WHERE on_date >= ? ORDER BY on_date DESC, id DESC`, dateCol(since))
}

func scanFlag(sc scanner) (Flag, error) {
	var f Flag
	var on string
	err := sc.Scan(&f.ID, &f.Kind, &f.Entity, &f.EntityID, &f.Level, &on, &f.Message, &f.Leader)
	f.On = readDate(on)
	return f, err
}
