package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"zhiban/auth"
	"zhiban/roster"
)

// FeedTokenBytes: 160 bits, above the required 128, in 27 URL-safe characters.
const FeedTokenBytes = 20

// RotateFeedToken revokes personID's tokens and returns a new one once; only its hash is stored.
func (s *Store) RotateFeedToken(ctx context.Context, personID, actor string) (string, error) {
	if _, err := s.Person(ctx, personID); err != nil {
		return "", err
	}
	token := auth.NewSecret(FeedTokenBytes)
	err := s.WithTx(ctx, func(tx *Store) error {
		now := stamp(s.Now())
		if _, err := tx.q.ExecContext(ctx, `UPDATE feed_tokens SET revoked_at = ? WHERE person_id = ? AND revoked_at IS NULL`,
			now, personID); err != nil {
			return fmt.Errorf("store: revoke feed tokens of %s: %w", personID, err)
		}
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO feed_tokens (person_id, token_hash, created_by, created_at) VALUES (?, ?, ?, ?)`,
			personID, auth.HashToken(token), actor, now); err != nil {
			return fmt.Errorf("store: add feed token of %s: %w", personID, err)
		}
		return tx.Audit(ctx, actor, "rotate", "feed_token", personID, "", "")
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeFeedTokens revokes every live feed token of personID and reports how many.
func (s *Store) RevokeFeedTokens(ctx context.Context, personID, actor string) (int, error) {
	if _, err := s.Person(ctx, personID); err != nil {
		return 0, err
	}
	var n int64
	err := s.WithTx(ctx, func(tx *Store) error {
		r, err := tx.q.ExecContext(ctx, `UPDATE feed_tokens SET revoked_at = ? WHERE person_id = ? AND revoked_at IS NULL`,
			stamp(s.Now()), personID)
		if err != nil {
			return fmt.Errorf("store: revoke feed tokens of %s: %w", personID, err)
		}
		n, _ = r.RowsAffected()
		return tx.Audit(ctx, actor, "revoke", "feed_token", personID, "", "")
	})
	return int(n), err
}

// FeedTokenPerson returns a live token's person, or ErrNotFound.
func (s *Store) FeedTokenPerson(ctx context.Context, token string) (string, error) {
	var id string
	err := s.q.QueryRowContext(ctx, `SELECT person_id FROM feed_tokens WHERE token_hash = ? AND revoked_at IS NULL`,
		auth.HashToken(token)).Scan(&id)
	return id, lookupErr(err, "feed token")
}

// FeedDomain is a random per-database UID domain, never public_url (which may
// change), so two counties' feeds cannot collide.
func (s *Store) FeedDomain(ctx context.Context) (string, error) {
	if d, err := s.Setting(ctx, "feed_uid_domain"); err != nil || d != "" {
		return d, err
	}
	raw := make([]byte, 6)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("store: feed domain: %w", err)
	}
	// DO NOTHING: when two processes race, the first one's name stays.
	if _, err := s.q.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('feed_uid_domain', ?) ON CONFLICT (key) DO NOTHING`,
		hex.EncodeToString(raw)+".zhiban"); err != nil {
		return "", fmt.Errorf("store: feed domain: %w", err)
	}
	return s.Setting(ctx, "feed_uid_domain")
}

// CancelledAssignment is a person taken off a duty (reassigned or removed).
type CancelledAssignment struct {
	roster.Assignment
	AssignmentID int64     `json:"assignment_id"`
	Version      int       `json:"version"` // the row's version when the person was taken off
	CancelledAt  time.Time `json:"cancelled_at"`
}

// CancelledAssignments returns tombstones in [from, to], oldest first; callers let a live row win.
func (s *Store) CancelledAssignments(ctx context.Context, from, to roster.Date) ([]CancelledAssignment, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT assignment_id, roster_id, date, role, person_id, version, cancelled_at
		FROM cancelled_assignments WHERE date >= ? AND date <= ? ORDER BY date, roster_id, role, id`, from.String(), to.String())
	if err != nil {
		return nil, fmt.Errorf("store: cancelled assignments %s–%s: %w", from, to, err)
	}
	defer rows.Close()
	var out []CancelledAssignment
	for rows.Next() {
		var c CancelledAssignment
		var date, at string
		if err := rows.Scan(&c.AssignmentID, &c.Roster, &date, &c.Role, &c.Person, &c.Version, &at); err != nil {
			return nil, fmt.Errorf("store: cancelled assignments: %w", err)
		}
		c.Date, _ = roster.ParseDate(date)
		c.CancelledAt = parseStamp(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// DayChange is a date's last post-publication change (a first fill is not one).
type DayChange struct {
	Date roster.Date `json:"date"`
	At   time.Time   `json:"at"`
}

// ChangedDays returns duty dates in [from, to] changed after since, in order.
func (s *Store) ChangedDays(ctx context.Context, since time.Time, from, to roster.Date) ([]DayChange, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT date, MAX(at) FROM (
			SELECT date, updated_at AS at FROM assignments WHERE version > 1 AND updated_at > ? AND date >= ? AND date <= ?
			UNION ALL
			SELECT date, cancelled_at AS at FROM cancelled_assignments WHERE cancelled_at > ? AND date >= ? AND date <= ?
		) changes GROUP BY date ORDER BY date`,
		stamp(since), from.String(), to.String(), stamp(since), from.String(), to.String())
	if err != nil {
		return nil, fmt.Errorf("store: changed days: %w", err)
	}
	defer rows.Close()
	var out []DayChange
	for rows.Next() {
		var d, at string
		if err := rows.Scan(&d, &at); err != nil {
			return nil, fmt.Errorf("store: changed days: %w", err)
		}
		date, _ := roster.ParseDate(d)
		out = append(out, DayChange{Date: date, At: parseStamp(at)})
	}
	return out, rows.Err()
}

// LastChange is when published data last changed; zero when empty.
func (s *Store) LastChange(ctx context.Context) (time.Time, error) {
	var a, c, p sql.NullString
	err := s.q.QueryRowContext(ctx, `SELECT (SELECT MAX(updated_at) FROM assignments),
		(SELECT MAX(cancelled_at) FROM cancelled_assignments), (SELECT MAX(updated_at) FROM people)`).Scan(&a, &c, &p)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: last change: %w", err)
	}
	var last time.Time
	for _, v := range []sql.NullString{a, c, p} {
		if t := parseStamp(v.String); v.Valid && t.After(last) {
			last = t
		}
	}
	return last, nil
}

// DataVersion changes after any committed write by any process; caches key on it.
// SQLite: data_version moves on other connections' commits, and
// total_changes() counts this process's writes (one connection in the pool).
// PostgreSQL: every writing transaction moves change_count (postgres.go).
func (s *Store) DataVersion(ctx context.Context) (string, error) {
	var dv, tc int64
	if s.pg {
		if err := s.q.QueryRowContext(ctx, `SELECT n FROM change_count`).Scan(&dv); err != nil {
			return "", fmt.Errorf("store: data version: %w", err)
		}
		return fmt.Sprint(dv), nil
	}
	if err := s.q.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&dv); err != nil {
		return "", fmt.Errorf("store: data version: %w", err)
	}
	if err := s.q.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&tc); err != nil {
		return "", fmt.Errorf("store: data version: %w", err)
	}
	return fmt.Sprintf("%d.%d", dv, tc), nil
}
