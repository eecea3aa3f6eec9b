package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zhiban/roster"
	"zhiban/visits"
)

// Desk registrations (desk_visits, migration 018): the visitor's phone and
// ID number are sealed on write and opened on read; blind indexes find
// repeats by ID number, or by phone and name.

const deskCols = `id, session_id, date, number, visitor_name, visitor_id_number, visitor_phone, visitor_address, township,
	group_size, representatives, matter, category, skipped_level, received_by, state, outcome, outcome_note,
	COALESCE(case_id, 0), repeat_visit, arrived_at, started_at, finished_at, created_by, version`

// idNumberToken indexes an ID number as typed, upper-cased.
func (x *searchIndex) idNumberToken(id string) string {
	return x.token("id", visits.NormalizeIDNumber(id))
}

// deskSummary is what the audit log keeps of a registration: no visitor data.
func deskSummary(r visits.Registration) string {
	return fmt.Sprintf("第%d号 接访%d %s %s 人数=%d 状态=%s 结果=%s 案件=%d 重复=%t", r.Number, r.Session, r.Date, r.Township,
		r.GroupSize, r.State, r.Outcome, r.Case, r.Repeat)
}

// CreateRegistration stores a new registration with the session's next queue number.
func (s *Store) CreateRegistration(ctx context.Context, r visits.Registration, actor string) (visits.Registration, error) {
	var out visits.Registration
	err := s.WithTx(ctx, func(tx *Store) error {
		if err := tx.q.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM desk_visits WHERE session_id = ?`,
			r.Session).Scan(&r.Number); err != nil {
			return fmt.Errorf("store: next desk number: %w", err)
		}
		id, phone, err := s.sealVisitor(r.Visitor)
		if err != nil {
			return err
		}
		now := stamp(s.Now())
		r.ID, err = insertID(ctx, tx.q, `INSERT INTO desk_visits (session_id, date, number, visitor_name, visitor_id_number,
			visitor_phone, visitor_address, name_idx, id_number_idx, phone_idx, township, group_size, representatives, matter,
			category, skipped_level, received_by, state, outcome, outcome_note, case_id, repeat_visit, arrived_at, started_at,
			finished_at, created_by, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			r.Session, dateCol(r.Date), r.Number, r.Visitor.Name, id, phone, r.Visitor.Address,
			s.search.nameToken(r.Visitor.Name), s.search.idNumberToken(r.Visitor.IDNumber), s.search.phoneToken(r.Visitor.Phone),
			r.Township, r.GroupSize, strings.Join(r.Representatives, "\n"), r.Matter, string(r.Category), boolInt(r.SkippedLevel),
			r.ReceivedBy, string(r.State), string(r.Outcome), r.OutcomeNote, nullInt(r.Case), boolInt(r.Repeat),
			stampOrEmpty(r.Arrived), stampOrEmpty(r.Started), stampOrEmpty(r.Finished), r.CreatedBy, now, now)
		if err != nil {
			return fmt.Errorf("store: create registration: %w", err)
		}
		if out, err = tx.Registration(ctx, r.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "create", "desk_visit", itoa(r.ID), "", deskSummary(out))
	})
	return out, err
}

// SaveRegistration writes an edited registration; another stored version is ErrConflict.
func (s *Store) SaveRegistration(ctx context.Context, r visits.Registration, version int, action, actor string) (visits.Registration, error) {
	var out visits.Registration
	err := s.WithTx(ctx, func(tx *Store) error {
		cur, err := tx.Registration(ctx, r.ID)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return fmt.Errorf("store: registration %d changed (version %d, not %d): %w", r.ID, cur.Version, version, ErrConflict)
		}
		id, phone, err := s.sealVisitor(r.Visitor)
		if err != nil {
			return err
		}
		_, err = tx.q.ExecContext(ctx, `UPDATE desk_visits SET visitor_name = ?, visitor_id_number = ?, visitor_phone = ?,
			visitor_address = ?, name_idx = ?, id_number_idx = ?, phone_idx = ?, township = ?, group_size = ?, representatives = ?,
			matter = ?, category = ?, skipped_level = ?, received_by = ?, state = ?, outcome = ?, outcome_note = ?, case_id = ?,
			repeat_visit = ?, started_at = ?, finished_at = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			r.Visitor.Name, id, phone, r.Visitor.Address, s.search.nameToken(r.Visitor.Name),
			s.search.idNumberToken(r.Visitor.IDNumber), s.search.phoneToken(r.Visitor.Phone), r.Township, r.GroupSize,
			strings.Join(r.Representatives, "\n"), r.Matter, string(r.Category), boolInt(r.SkippedLevel), r.ReceivedBy,
			string(r.State), string(r.Outcome), r.OutcomeNote, nullInt(r.Case), boolInt(r.Repeat), stampOrEmpty(r.Started),
			stampOrEmpty(r.Finished), stamp(s.Now()), r.ID)
		if err != nil {
			return fmt.Errorf("store: save registration %d: %w", r.ID, err)
		}
		if out, err = tx.Registration(ctx, r.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, action, "desk_visit", itoa(r.ID), deskSummary(cur), deskSummary(out))
	})
	return out, err
}

func (s *Store) sealVisitor(v visits.Visitor) (id, phone string, err error) {
	if v.IDNumber != "" {
		if id, err = s.sealPhone(v.IDNumber); err != nil {
			return "", "", err
		}
	}
	if v.Phone != "" {
		if phone, err = s.sealPhone(v.Phone); err != nil {
			return "", "", err
		}
	}
	return id, phone, nil
}

func stampOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return stamp(t)
}

// Registration returns one registration, or ErrNotFound.
func (s *Store) Registration(ctx context.Context, id int64) (visits.Registration, error) {
	rs, err := s.queryRegistrations(ctx, `WHERE id = ?`, id)
	return first(rs, err, fmt.Sprintf("registration %d", id))
}

// RegistrationFilter narrows Registrations; zero fields match everything.
type RegistrationFilter struct {
	Session  int64
	From, To roster.Date
	Case     int64
	State    visits.DeskState
	Limit    int // 0: no limit
}

// Registrations returns registrations matching f in arrival order.
func (s *Store) Registrations(ctx context.Context, f RegistrationFilter) ([]visits.Registration, error) {
	var c conditions
	if f.Session != 0 {
		c.add("session_id = ?", f.Session)
	}
	if f.From != 0 {
		c.add("date >= ?", f.From.String())
	}
	if f.To != 0 {
		c.add("date <= ?", f.To.String())
	}
	if f.Case != 0 {
		c.add("case_id = ?", f.Case)
	}
	c.eq("state", string(f.State))
	q := c.where() + ` ORDER BY date, session_id, number`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return s.queryRegistrations(ctx, q, c.args...)
}

// RepeatQuery is what identifies earlier visits of the same person or matter.
type RepeatQuery struct {
	Name, IDNumber, Phone string
	Township              string
	Category              visits.Category
	Since                 roster.Date // the window for the same township and category
	// Similar tells whether a matter (a registration's, or a case's title
	// and text) is close enough; nil skips the township and category search.
	Similar func(text string) bool
	Exclude int64 // a registration not to match (the one being edited)
}

// maxScreened bounds the texts of one township and category a repeat check
// compares: a year of a busy county's visits in one bucket.
const maxScreened = 5000

// RepeatCandidates returns earlier registrations and cases that may be the
// same person or matter: the same ID number; the same phone and name (both
// through the blind index, at any age); or the same township and category
// since q.Since with a matter q.Similar accepts (the texts are screened
// without opening any sealed value). Newest first, at most limit of each.
func (s *Store) RepeatCandidates(ctx context.Context, q RepeatQuery, limit int) ([]visits.Registration, []visits.Case, error) {
	idTok, phoneTok, nameTok := s.search.idNumberToken(q.IDNumber), s.search.phoneToken(q.Phone), s.search.nameToken(q.Name)
	var regIDs, caseIDs []any
	var sub []string
	var args []any
	if q.IDNumber != "" && idTok != "" {
		sub, args = append(sub, `SELECT id FROM desk_visits WHERE id_number_idx = ?`), append(args, idTok)
	}
	if phoneTok != "" && nameTok != "" {
		sub, args = append(sub, `SELECT id FROM desk_visits WHERE phone_idx = ? AND name_idx = ?`), append(args, phoneTok, nameTok)
	}
	if len(sub) > 0 {
		ids, err := queryIDs(ctx, s.q, `SELECT id FROM desk_visits WHERE id IN (`+strings.Join(sub, " UNION ")+`) AND id <> ?
			ORDER BY date DESC, id DESC LIMIT `+fmt.Sprint(limit), append(args, q.Exclude)...)
		if err != nil {
			return nil, nil, err
		}
		regIDs = append(regIDs, ids...)
	}
	if phoneTok != "" && nameTok != "" {
		ids, err := queryIDs(ctx, s.q, `SELECT id FROM cases WHERE petitioner_phone_idx = ? AND petitioner_name_idx = ?
			ORDER BY received_on DESC, id DESC LIMIT `+fmt.Sprint(limit), phoneTok, nameTok)
		if err != nil {
			return nil, nil, err
		}
		caseIDs = append(caseIDs, ids...)
	}
	if q.Similar != nil && q.Township != "" && q.Category != "" {
		ids, err := s.screen(ctx, limit-len(regIDs), q.Similar, `SELECT id, matter FROM desk_visits
			WHERE township = ? AND category = ? AND date >= ? AND id <> ? ORDER BY date DESC, id DESC LIMIT `+fmt.Sprint(maxScreened),
			q.Township, string(q.Category), dateCol(q.Since), q.Exclude)
		if err != nil {
			return nil, nil, err
		}
		regIDs = append(regIDs, ids...)
		ids, err = s.screen(ctx, limit-len(caseIDs), q.Similar, `SELECT id, title || ' ' || content FROM cases
			WHERE township = ? AND category = ? AND received_on >= ? AND kind = 'petition'
			ORDER BY received_on DESC, id DESC LIMIT `+fmt.Sprint(maxScreened), q.Township, string(q.Category), dateCol(q.Since))
		if err != nil {
			return nil, nil, err
		}
		caseIDs = append(caseIDs, ids...)
	}
	regs := []visits.Registration{}
	if len(regIDs) > 0 {
		var err error
		if regs, err = s.queryRegistrations(ctx, `WHERE id IN (`+placeholders(len(regIDs))+`) ORDER BY date DESC, id DESC`, regIDs...); err != nil {
			return nil, nil, err
		}
	}
	// The cases those registrations are in belong with them.
	for _, r := range regs {
		if r.Case != 0 {
			caseIDs = append(caseIDs, r.Case)
		}
	}
	if len(caseIDs) == 0 {
		return regs, []visits.Case{}, nil
	}
	cases, err := s.queryCases(ctx, `WHERE id IN (`+placeholders(len(caseIDs))+`) ORDER BY received_on DESC, id DESC LIMIT `+
		fmt.Sprint(limit), caseIDs...)
	return regs, cases, err
}

// screen returns the ids of query's (id, text) rows whose text similar
// accepts, at most n.
func (s *Store) screen(ctx context.Context, n int, similar func(string) bool, query string, args ...any) ([]any, error) {
	var out []any
	err := queryEach(ctx, s.q, "repeat screen", func(sc scanner) error {
		var id int64
		var text string
		if err := sc.Scan(&id, &text); err != nil {
			return err
		}
		if len(out) < n && similar(text) {
			out = append(out, id)
		}
		return nil
	}, query, args...)
	return out, err
}

// queryIDs reads a column of ids.
func queryIDs(ctx context.Context, q querier, query string, args ...any) ([]any, error) {
	var out []any
	err := queryEach(ctx, q, "ids", func(sc scanner) error {
		var id int64
		err := sc.Scan(&id)
		out = append(out, id)
		return err
	}, query, args...)
	return out, err
}

func (s *Store) queryRegistrations(ctx context.Context, where string, args ...any) ([]visits.Registration, error) {
	return queryAll(ctx, s.q, "registrations", s.scanRegistration, `SELECT `+deskCols+` FROM desk_visits `+where, args...)
}

func (s *Store) scanRegistration(sc scanner) (visits.Registration, error) {
	var r visits.Registration
	var date, reps, arrived, started, finished string
	var skipped, repeat int
	err := sc.Scan(&r.ID, &r.Session, &date, &r.Number, &r.Visitor.Name, &r.Visitor.IDNumber, &r.Visitor.Phone,
		&r.Visitor.Address, &r.Township, &r.GroupSize, &reps, &r.Matter, &r.Category, &skipped, &r.ReceivedBy, &r.State,
		&r.Outcome, &r.OutcomeNote, &r.Case, &repeat, &arrived, &started, &finished, &r.CreatedBy, &r.Version)
	if err != nil {
		return r, err
	}
	if r.Visitor.IDNumber, err = s.openPrivate(r.Visitor.IDNumber); err != nil {
		return r, fmt.Errorf("来访登记 %d：%w", r.ID, err)
	}
	if r.Visitor.Phone, err = s.openPrivate(r.Visitor.Phone); err != nil {
		return r, fmt.Errorf("来访登记 %d：%w", r.ID, err)
	}
	r.Date, r.SkippedLevel, r.Repeat = readDate(date), skipped == 1, repeat == 1
	if reps != "" {
		r.Representatives = strings.Split(reps, "\n")
	}
	r.Arrived, r.Started, r.Finished = parseStamp(arrived), parseStamp(started), parseStamp(finished)
	return r, nil
}

// ReceivedAtDesk is how many people (人次) each session of date has received
// or is receiving at the desk; only counts leave it.
func (s *Store) ReceivedAtDesk(ctx context.Context, date roster.Date) (map[int64]int, error) {
	out := map[int64]int{}
	err := queryEach(ctx, s.q, "desk counts", func(sc scanner) error {
		var session int64
		var n int
		err := sc.Scan(&session, &n)
		out[session] = n
		return err
	}, `SELECT session_id, SUM(group_size) FROM desk_visits WHERE date = ? AND state <> 'waiting' GROUP BY session_id`, date.String())
	return out, err
}

// LinkVisitCase adds a case to a visit's cases (a desk registration's case to its session); again is a no-op.
func (s *Store) LinkVisitCase(ctx context.Context, visitID, caseID int64) error {
	if caseID == 0 {
		return nil
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO visit_cases (visit_id, case_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, visitID, caseID)
	if err != nil {
		return fmt.Errorf("store: link case %d to visit %d: %w", caseID, visitID, err)
	}
	return nil
}
