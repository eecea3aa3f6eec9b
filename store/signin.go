package store

import (
	"context"
	"fmt"
	"time"

	"zhiban/roster"
)

// Attendance is one leader's sign-in for one duty (到岗签到).
type Attendance struct {
	Roster   string      `json:"roster"`
	Date     roster.Date `json:"date"`
	Role     string      `json:"role"`
	Person   string      `json:"person"`
	SignedAt time.Time   `json:"signed_at"`
	How      string      `json:"how"`       // link (the leader's own link) | staff (marked by the desk)
	SignedBy string      `json:"signed_by"` // the staff user, or the person for a link
}

// Attendance returns the sign-ins in [from, to] by date, roster, role.
func (s *Store) Attendance(ctx context.Context, from, to roster.Date) ([]Attendance, error) {
	return queryAll(ctx, s.q, fmt.Sprintf("attendance %s–%s", from, to), scanAttendance,
		`SELECT roster_id, date, role, person_id, signed_at, how, signed_by FROM attendance
		WHERE date >= ? AND date <= ? ORDER BY date, roster_id, role, person_id`, from.String(), to.String())
}

// SignedIn returns one person's sign-in for a duty slot, or ErrNotFound.
func (s *Store) SignedIn(ctx context.Context, k roster.Key, person string) (Attendance, error) {
	rows, err := queryAll(ctx, s.q, "attendance", scanAttendance,
		`SELECT roster_id, date, role, person_id, signed_at, how, signed_by FROM attendance
		WHERE roster_id = ? AND date = ? AND role = ? AND person_id = ?`, k.Roster, k.Date.String(), k.Role, person)
	return first(rows, err, fmt.Sprintf("attendance %s/%s/%s/%s", k.Roster, k.Date, k.Role, person))
}

func scanAttendance(sc scanner) (Attendance, error) {
	var a Attendance
	var date, at string
	if err := sc.Scan(&a.Roster, &date, &a.Role, &a.Person, &at, &a.How, &a.SignedBy); err != nil {
		return a, err
	}
	a.Date, _ = roster.ParseDate(date)
	a.SignedAt = parseStamp(at)
	return a, nil
}

// SignIn records a; a second sign-in of the same person and duty is
// ErrConflict and leaves the first one as it was.
func (s *Store) SignIn(ctx context.Context, a Attendance) error {
	r, err := s.q.ExecContext(ctx, `INSERT INTO attendance (roster_id, date, role, person_id, signed_at, how, signed_by)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (roster_id, date, role, person_id) DO NOTHING`,
		a.Roster, a.Date.String(), a.Role, a.Person, stamp(a.SignedAt), a.How, a.SignedBy)
	if err != nil {
		return fmt.Errorf("store: sign in %s/%s/%s/%s: %w", a.Roster, a.Date, a.Role, a.Person, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return fmt.Errorf("store: sign in %s/%s/%s/%s: already signed in: %w", a.Roster, a.Date, a.Role, a.Person, ErrConflict)
	}
	return nil
}

// UndoSignIn deletes one sign-in, or returns ErrNotFound.
func (s *Store) UndoSignIn(ctx context.Context, k roster.Key, person string) error {
	r, err := s.q.ExecContext(ctx, `DELETE FROM attendance WHERE roster_id = ? AND date = ? AND role = ? AND person_id = ?`,
		k.Roster, k.Date.String(), k.Role, person)
	if err != nil {
		return fmt.Errorf("store: undo sign-in %s/%s/%s/%s: %w", k.Roster, k.Date, k.Role, person, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return fmt.Errorf("store: undo sign-in %s/%s/%s/%s: %w", k.Roster, k.Date, k.Role, person, ErrNotFound)
	}
	return nil
}
