package store

import (
	"context"
	"fmt"
	"time"

	"zhiban/roster"
	"zhiban/visits"
)

const visitCols = `id, kind, leader_id, date, start_time, end_time, place, township, state, notes, satisfaction, walk_ins, created_by, version, shadow_id`

func visitSummary(v visits.Visit) string {
	return fmt.Sprintf("%s %s %s %s–%s %s %s", v.Kind, v.Leader, v.Date, v.Start, v.End, v.Township, v.State)
}

// CreateVisit inserts a visit with its linked cases.
func (s *Store) CreateVisit(ctx context.Context, v visits.Visit, actor string) (visits.Visit, error) {
	var out visits.Visit
	err := s.WithTx(ctx, func(tx *Store) error {
		now := stamp(s.Now())
		id, err := insertID(ctx, tx.q, `INSERT INTO visits (kind, leader_id, date, start_time, end_time, place, township, state,
			notes, satisfaction, walk_ins, created_by, version, created_at, updated_at, shadow_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
			string(v.Kind), v.Leader, dateCol(v.Date), v.Start.String(), v.End.String(), v.Place, v.Township, string(v.State),
			v.Notes, string(v.Satisfaction), v.WalkIns, v.CreatedBy, now, now, v.Shadow)
		if err != nil {
			return fmt.Errorf("store: create visit: %w", err)
		}
		v.ID = id
		if err := tx.writeVisitCases(ctx, v); err != nil {
			return err
		}
		if out, err = tx.Visit(ctx, v.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "create", "visit", itoa(v.ID), "", visitSummary(out))
	})
	return out, err
}

func (s *Store) writeVisitCases(ctx context.Context, v visits.Visit) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM visit_cases WHERE visit_id = ?`, v.ID); err != nil {
		return fmt.Errorf("store: cases of visit %d: %w", v.ID, err)
	}
	seen := map[int64]bool{}
	for _, id := range v.Cases {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := s.q.ExecContext(ctx, `INSERT INTO visit_cases (visit_id, case_id) VALUES (?, ?)`, v.ID, id); err != nil {
			return fmt.Errorf("store: link case %d to visit %d: %w", id, v.ID, err)
		}
	}
	return nil
}

// SaveVisit writes an edited visit; another stored version than the one read is ErrConflict.
func (s *Store) SaveVisit(ctx context.Context, v visits.Visit, version int, action, actor string) (visits.Visit, error) {
	var out visits.Visit
	err := s.WithTx(ctx, func(tx *Store) error {
		cur, err := tx.Visit(ctx, v.ID)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return fmt.Errorf("store: visit %d changed (version %d, not %d): %w", v.ID, cur.Version, version, ErrConflict)
		}
		now := stamp(s.Now())
		_, err = tx.q.ExecContext(ctx, `UPDATE visits SET kind = ?, leader_id = ?, date = ?, start_time = ?, end_time = ?, place = ?,
			township = ?, state = ?, notes = ?, satisfaction = ?, walk_ins = ?, shadow_id = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			string(v.Kind), v.Leader, dateCol(v.Date), v.Start.String(), v.End.String(), v.Place, v.Township, string(v.State),
			v.Notes, string(v.Satisfaction), v.WalkIns, v.Shadow, now, v.ID)
		if err != nil {
			return fmt.Errorf("store: save visit %d: %w", v.ID, err)
		}
		for _, m := range v.History[min(len(cur.History), len(v.History)):] {
			if _, err := tx.q.ExecContext(ctx, `INSERT INTO visit_moves (visit_id, from_date, from_start, from_end, to_date, to_start,
				to_end, reason, moved_by, moved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.ID, dateCol(m.FromDate), m.FromStart.String(),
				m.FromEnd.String(), dateCol(m.ToDate), m.ToStart.String(), m.ToEnd.String(), m.Reason, m.By, now); err != nil {
				return fmt.Errorf("store: move visit %d: %w", v.ID, err)
			}
		}
		if err := tx.writeVisitCases(ctx, v); err != nil {
			return err
		}
		if out, err = tx.Visit(ctx, v.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, action, "visit", itoa(v.ID), visitSummary(cur), visitSummary(out))
	})
	return out, err
}

// Visit returns one visit with its cases and history, or ErrNotFound.
func (s *Store) Visit(ctx context.Context, id int64) (visits.Visit, error) {
	vs, err := s.queryVisits(ctx, `WHERE id = ?`, id)
	return first(vs, err, fmt.Sprintf("visit %d", id))
}

// VisitFilter narrows Visits; zero fields match everything.
type VisitFilter struct {
	Leader     string
	Township   string
	Kind       visits.Kind
	From, To   roster.Date
	ActiveOnly bool // planned or confirmed
	Case       int64
}

// Visits returns visits matching f by date and start time.
func (s *Store) Visits(ctx context.Context, f VisitFilter) ([]visits.Visit, error) {
	var c conditions
	c.eq("leader_id", f.Leader)
	c.eq("township", f.Township)
	c.eq("kind", string(f.Kind))
	if f.From != 0 {
		c.add("date >= ?", f.From.String())
	}
	if f.To != 0 {
		c.add("date <= ?", f.To.String())
	}
	if f.Case != 0 {
		c.add("id IN (SELECT visit_id FROM visit_cases WHERE case_id = ?)", f.Case)
	}
	if f.ActiveOnly {
		c.add("state IN ('planned', 'confirmed')")
	}
	return s.queryVisits(ctx, c.where(), c.args...)
}

func (s *Store) queryVisits(ctx context.Context, where string, args ...any) ([]visits.Visit, error) {
	out, err := queryAll(ctx, s.q, "visits", scanVisit, `SELECT `+visitCols+` FROM visits `+where+` ORDER BY date, start_time, id`, args...)
	if err != nil || len(out) == 0 {
		return out, err
	}
	byID := map[int64]int{}
	ids := make([]any, len(out))
	for i, v := range out {
		byID[v.ID], ids[i] = i, v.ID
	}
	in := "(" + placeholders(len(ids)) + ")"
	links, err := queryAll(ctx, s.q, "visit cases", scanVisitCase,
		`SELECT visit_id, case_id FROM visit_cases WHERE visit_id IN `+in+` ORDER BY case_id`, ids...)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		out[byID[l.visit]].Cases = append(out[byID[l.visit]].Cases, l.caseID)
	}
	moves, err := queryAll(ctx, s.q, "visit moves", scanMove, `SELECT visit_id, from_date, from_start, from_end, to_date, to_start,
		to_end, reason, moved_by FROM visit_moves WHERE visit_id IN `+in+` ORDER BY id`, ids...)
	if err != nil {
		return nil, err
	}
	for _, m := range moves {
		out[byID[m.visit]].History = append(out[byID[m.visit]].History, m.Move)
	}
	return out, nil
}

func scanVisit(sc scanner) (visits.Visit, error) {
	v := visits.Visit{Cases: []int64{}}
	var date, start, end string
	err := sc.Scan(&v.ID, &v.Kind, &v.Leader, &date, &start, &end, &v.Place, &v.Township, &v.State, &v.Notes,
		&v.Satisfaction, &v.WalkIns, &v.CreatedBy, &v.Version, &v.Shadow)
	v.Date, v.Start, v.End = readDate(date), readClock(start), readClock(end)
	return v, err
}

type visitCase struct{ visit, caseID int64 }

func scanVisitCase(sc scanner) (visitCase, error) {
	var l visitCase
	err := sc.Scan(&l.visit, &l.caseID)
	return l, err
}

type visitMove struct {
	visit int64
	visits.Move
}

func scanMove(sc scanner) (visitMove, error) {
	var m visitMove
	var fd, fs, fe, td, ts, te string
	err := sc.Scan(&m.visit, &fd, &fs, &fe, &td, &ts, &te, &m.Reason, &m.By)
	m.FromDate, m.FromStart, m.FromEnd = readDate(fd), readClock(fs), readClock(fe)
	m.ToDate, m.ToStart, m.ToEnd = readDate(td), readClock(ts), readClock(te)
	return m, err
}

// PublicVisit is a 带案下访 as the public sees it; no case data of any kind.
type PublicVisit struct {
	ID        int64             `json:"id"`
	Date      roster.Date       `json:"date"`
	Start     roster.Clock      `json:"start"`
	End       roster.Clock      `json:"end"`
	Leader    string            `json:"leader"`
	Township  string            `json:"township"`
	Place     string            `json:"place"`
	State     visits.VisitState `json:"state"` // planned | confirmed | cancelled; feeds mark cancelled ones
	Version   int               `json:"version"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// PublicCarryVisits returns 带案下访 in [from, to], optionally of one township, without
// case data; publishers decide what to show.
func (s *Store) PublicCarryVisits(ctx context.Context, from, to roster.Date, township string) ([]PublicVisit, error) {
	q := `SELECT id, date, start_time, end_time, leader_id, township, place, state, version, updated_at
		FROM visits WHERE kind = 'carry'`
	var args []any
	if from != 0 {
		q, args = q+` AND date >= ?`, append(args, from.String())
	}
	if to != 0 {
		q, args = q+` AND date <= ?`, append(args, to.String())
	}
	if township != "" {
		q, args = q+` AND township = ?`, append(args, township)
	}
	return queryAll(ctx, s.q, "public visits", scanPublicVisit, q+` ORDER BY date, start_time, id`, args...)
}

func scanPublicVisit(sc scanner) (PublicVisit, error) {
	var p PublicVisit
	var date, start, end, at string
	err := sc.Scan(&p.ID, &date, &start, &end, &p.Leader, &p.Township, &p.Place, &p.State, &p.Version, &at)
	p.Date, p.Start, p.End, p.UpdatedAt = readDate(date), readClock(start), readClock(end), parseStamp(at)
	return p, err
}

// Duties returns stored duties in [from, to] with roster hours and place, for conflict checks.
func (s *Store) Duties(ctx context.Context, from, to roster.Date) ([]visits.OnDuty, error) {
	return queryAll(ctx, s.q, fmt.Sprintf("duties %s–%s", from, to), scanOnDuty, `SELECT a.roster_id, a.person_id, a.date, a.role,
		r.start_time, r.end_time, r.place FROM assignments a JOIN rosters r ON r.id = a.roster_id
		WHERE a.date >= ? AND a.date <= ? ORDER BY a.date, a.person_id`, from.String(), to.String())
}

func scanOnDuty(sc scanner) (visits.OnDuty, error) {
	var d visits.OnDuty
	var date, start, end string
	err := sc.Scan(&d.Roster, &d.Person, &date, &d.Role, &start, &end, &d.Place)
	d.Date, d.Start, d.End = readDate(date), readClock(start), readClock(end)
	return d, err
}

// Busy loads what holds leaders' time in [from, to]: duties, absences and active visits.
func (s *Store) Busy(ctx context.Context, from, to roster.Date) (visits.Busy, error) {
	var b visits.Busy
	var err error
	if b.Duties, err = s.Duties(ctx, from, to); err != nil {
		return b, err
	}
	if b.Absences, err = s.Absences(ctx, from, to); err != nil {
		return b, err
	}
	b.Visits, err = s.Visits(ctx, VisitFilter{From: from, To: to, ActiveOnly: true})
	return b, err
}
