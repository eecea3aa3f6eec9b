package store

import (
	"context"
	"fmt"

	"zhiban/roster"
)

// People returns everyone, active or not, in file order.
func (s *Store) People(ctx context.Context) ([]roster.Person, error) {
	return s.queryPeople(ctx, ``)
}

// Person returns one person by id, or ErrNotFound.
func (s *Store) Person(ctx context.Context, id string) (roster.Person, error) {
	ps, err := s.queryPeople(ctx, `WHERE p.id = ?`, id)
	return first(ps, err, "person "+id)
}

func (s *Store) queryPeople(ctx context.Context, where string, args ...any) ([]roster.Person, error) {
	return queryAll(ctx, s.q, "people", scanPerson, `SELECT p.id, p.name, p.title, p.rank, p.portfolio, p.phone, p.email, p.active,
			COALESCE(l1.value, ''), COALESCE(l2.value, ''), COALESCE(l3.value, ''), COALESCE(l4.value, '')
		FROM people p
		LEFT JOIN person_links l1 ON l1.person_id = p.id AND l1.kind = 'township'
		LEFT JOIN person_links l2 ON l2.person_id = p.id AND l2.kind = 'enterprise'
		LEFT JOIN person_links l3 ON l3.person_id = p.id AND l3.kind = 'project'
		LEFT JOIN person_links l4 ON l4.person_id = p.id AND l4.kind = 'village' `+where+`
		ORDER BY p.position, p.id`, args...)
}

func scanPerson(sc scanner) (roster.Person, error) {
	var p roster.Person
	var active int
	err := sc.Scan(&p.ID, &p.Name, &p.Title, &p.Rank, &p.Portfolio, &p.Phone, &p.Email, &active,
		&p.Links.Township, &p.Links.Enterprise, &p.Links.Project, &p.Links.Village)
	p.Active = active == 1
	return p, err
}

// Pools returns every pool with its members in order.
func (s *Store) Pools(ctx context.Context) ([]roster.Pool, error) {
	var out []roster.Pool
	err := queryEach(ctx, s.q, "pools", func(sc scanner) error {
		var id, name, member string
		if err := sc.Scan(&id, &name, &member); err != nil {
			return err
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, roster.Pool{ID: id, Name: name})
		}
		if member != "" {
			out[len(out)-1].Members = append(out[len(out)-1].Members, member)
		}
		return nil
	}, `SELECT p.id, p.name, COALESCE(m.person_id, '')
		FROM pools p LEFT JOIN pool_members m ON m.pool_id = p.id
		ORDER BY p.position, p.id, m.position`)
	return out, err
}

// Rosters returns every roster definition with its slots.
func (s *Store) Rosters(ctx context.Context) ([]roster.Definition, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT r.id, r.name, r.days, r.start_time, r.end_time, r.place, r.min_gap_days,
			r.receives_public, COALESCE(r.unit_id, ''), COALESCE(sl.role, ''), COALESCE(sl.pool_id, '')
		FROM rosters r LEFT JOIN roster_slots sl ON sl.roster_id = r.id
		ORDER BY r.position, r.id, sl.position`)
	if err != nil {
		return nil, fmt.Errorf("store: rosters: %w", err)
	}
	defer rows.Close()
	var out []roster.Definition
	for rows.Next() {
		var d roster.Definition
		var days, start, end, role, pool string
		var public int
		if err := rows.Scan(&d.ID, &d.Name, &days, &start, &end, &d.Place, &d.MinGapDays, &public, &d.Unit, &role, &pool); err != nil {
			return nil, fmt.Errorf("store: rosters: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].ID != d.ID {
			if d.Days, err = roster.ParseDaysRule(days); err != nil {
				return nil, fmt.Errorf("store: roster %s: %w", d.ID, err)
			}
			if d.Start, err = roster.ParseClock(start); err != nil {
				return nil, fmt.Errorf("store: roster %s: %w", d.ID, err)
			}
			if d.End, err = roster.ParseClock(end); err != nil {
				return nil, fmt.Errorf("store: roster %s: %w", d.ID, err)
			}
			d.ReceivesPublic = public == 1
			out = append(out, d)
		}
		if role != "" {
			last := &out[len(out)-1]
			last.Slots = append(last.Slots, roster.Slot{Role: role, Pool: pool})
		}
	}
	return out, rows.Err()
}

// Absences returns absences overlapping [from, to]; zero bounds mean unbounded.
func (s *Store) Absences(ctx context.Context, from, to roster.Date) ([]roster.Absence, error) {
	q := `SELECT id, person_id, kind, from_date, to_date, reason FROM absences WHERE 1 = 1`
	var args []any
	if to != 0 {
		q += ` AND from_date <= ?`
		args = append(args, to.String())
	}
	if from != 0 {
		q += ` AND to_date >= ?`
		args = append(args, from.String())
	}
	return queryAll(ctx, s.q, "absences", scanAbsence, q+` ORDER BY from_date, person_id, id`, args...)
}

func scanAbsence(sc scanner) (roster.Absence, error) {
	var a roster.Absence
	var f, t string
	err := sc.Scan(&a.ID, &a.Person, &a.Kind, &f, &t, &a.Reason)
	a.From, a.To = readDate(f), readDate(t)
	return a, err
}

// AddAbsence records a staff absence (source 'staff', never deleted by a
// county import); the same absence recorded before is ErrConflict.
func (s *Store) AddAbsence(ctx context.Context, a roster.Absence, actor string) (int64, error) {
	if _, err := s.Person(ctx, a.Person); err != nil {
		return 0, err
	}
	var id int64
	err := s.WithTx(ctx, func(tx *Store) error {
		var n int
		if err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM absences WHERE person_id = ? AND from_date = ? AND to_date = ? AND kind = ?`,
			a.Person, a.From.String(), a.To.String(), a.Kind).Scan(&n); err != nil {
			return fmt.Errorf("store: add absence: %w", err)
		}
		if n > 0 {
			return fmt.Errorf("store: absence %s %s–%s recorded before: %w", a.Person, a.From, a.To, ErrConflict)
		}
		var err error
		id, err = insertID(ctx, tx.q, `INSERT INTO absences (person_id, kind, from_date, to_date, reason, source, created_at)
			VALUES (?, ?, ?, ?, ?, 'staff', ?)`, a.Person, a.Kind, a.From.String(), a.To.String(), a.Reason, stamp(s.Now()))
		if err != nil {
			return fmt.Errorf("store: add absence: %w", err)
		}
		return tx.Audit(ctx, actor, "create", "absence", itoa(id), "", fmt.Sprintf("%s %s～%s %s", a.Person, a.From, a.To, a.Kind))
	})
	return id, err
}

// AbsencePerson is the person of absence id, or ErrNotFound.
func (s *Store) AbsencePerson(ctx context.Context, id int64) (string, error) {
	var person string
	err := s.q.QueryRowContext(ctx, `SELECT person_id FROM absences WHERE id = ?`, id).Scan(&person)
	return person, lookupErr(err, fmt.Sprintf("absence %d", id))
}

// DeleteAbsence removes an absence.
func (s *Store) DeleteAbsence(ctx context.Context, id int64, actor string) error {
	return s.WithTx(ctx, func(tx *Store) error {
		var before string
		err := tx.q.QueryRowContext(ctx, `SELECT person_id || ' ' || from_date || '～' || to_date || ' ' || kind FROM absences WHERE id = ?`, id).Scan(&before)
		if err := lookupErr(err, fmt.Sprintf("absence %d", id)); err != nil {
			return err
		}
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM absences WHERE id = ?`, id); err != nil {
			return fmt.Errorf("store: delete absence %d: %w", id, err)
		}
		return tx.Audit(ctx, actor, "delete", "absence", itoa(id), before, "")
	})
}

// HolidayOverrides returns the staff overrides of the official calendar.
func (s *Store) HolidayOverrides(ctx context.Context) ([]roster.HolidayDay, error) {
	return queryAll(ctx, s.q, "holidays", func(sc scanner) (roster.HolidayDay, error) {
		var h roster.HolidayDay
		var d string
		err := sc.Scan(&d, &h.Kind, &h.Name)
		h.Date = readDate(d)
		return h, err
	}, `SELECT date, kind, name FROM holidays ORDER BY date`)
}

// ReplaceHolidayYear replaces one year's overrides and marks it confirmed by actor.
func (s *Store) ReplaceHolidayYear(ctx context.Context, year int, days []roster.HolidayDay, actor string) error {
	return s.WithTx(ctx, func(tx *Store) error {
		// Replace earlier imports of this year and the county file's entries in it;
		// neighbouring years' make-up days stay unless this file names the date.
		from, to := roster.NewDate(year, 1, 1).String(), roster.NewDate(year, 12, 31).String()
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM holidays WHERE source_year = ?
			OR (source_year IS NULL AND date BETWEEN ? AND ?)`, year, from, to); err != nil {
			return fmt.Errorf("store: replace holidays %d: %w", year, err)
		}
		for _, h := range days {
			if _, err := tx.q.ExecContext(ctx, `INSERT INTO holidays (date, kind, name, source_year) VALUES (?, ?, ?, ?)
				ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name, source_year = excluded.source_year`,
				h.Date.String(), string(h.Kind), h.Name, year); err != nil {
				return fmt.Errorf("store: replace holidays %s: %w", h.Date, err)
			}
		}
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO holiday_years (year, confirmed_at, confirmed_by) VALUES (?, ?, ?)
			ON CONFLICT (year) DO UPDATE SET confirmed_at = excluded.confirmed_at, confirmed_by = excluded.confirmed_by`,
			year, stamp(s.Now()), actor); err != nil {
			return fmt.Errorf("store: confirm holidays %d: %w", year, err)
		}
		return tx.Audit(ctx, actor, "import", "holidays", fmt.Sprint(year), "", fmt.Sprintf("%d 天", len(days)))
	})
}

// HolidayYearConfirmed reports whether staff imported or confirmed year's calendar.
func (s *Store) HolidayYearConfirmed(ctx context.Context, year int) (bool, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM holiday_years WHERE year = ?`, year).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: holiday year %d: %w", year, err)
	}
	return n > 0, nil
}

// ConfirmedHolidayYears are years staff imported; their entries replace the built-in schedule.
func (s *Store) ConfirmedHolidayYears(ctx context.Context) (map[int]bool, error) {
	out := map[int]bool{}
	err := queryEach(ctx, s.q, "holiday years", func(sc scanner) error {
		var y int
		if err := sc.Scan(&y); err != nil {
			return err
		}
		out[y] = true
		return nil
	}, `SELECT year FROM holiday_years`)
	return out, err
}
