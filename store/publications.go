package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zhiban/roster"
)

// Publication is one publishing of a roster month and the size of its snapshot.
type Publication struct {
	ID          int64       `json:"id"`
	Roster      string      `json:"roster"`
	Month       string      `json:"month"` // YYYY-MM
	PublishedAt time.Time   `json:"published_at"`
	PublishedBy string      `json:"published_by"`
	Count       int         `json:"count"`
	First       roster.Date `json:"-"`
}

func monthBounds(month string) (roster.Date, roster.Date, error) {
	m, err := roster.ParseMonth(month)
	if err != nil {
		return 0, 0, fmt.Errorf("store: month %q: want YYYY-MM", month)
	}
	return m.First(), m.Last(), nil
}

// ErrNothingToPublish is PublishMonth's refusal of a month without duties.
var ErrNothingToPublish = errors.New("no assignments to publish")

// PublishMonth snapshots roster's month so later edits show as changes; publishing
// again replaces the snapshot in force (older ones stay as history).
func (s *Store) PublishMonth(ctx context.Context, rosterID, month, actor string) (Publication, error) {
	first, last, err := monthBounds(month)
	if err != nil {
		return Publication{}, err
	}
	var out Publication
	err = s.WithTx(ctx, func(tx *Store) error {
		var n int
		if err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM rosters WHERE id = ?`, rosterID).Scan(&n); err != nil {
			return fmt.Errorf("store: publish %s %s: %w", rosterID, month, err)
		}
		if n == 0 {
			return fmt.Errorf("store: roster %s: %w", rosterID, ErrNotFound)
		}
		now := stamp(s.Now())
		id, err := insertID(ctx, tx.q, `INSERT INTO publications (roster_id, month, published_at, published_by) VALUES (?, ?, ?, ?)`,
			rosterID, month, now, actor)
		if err != nil {
			return fmt.Errorf("store: publish %s %s: %w", rosterID, month, err)
		}
		snap, err := tx.q.ExecContext(ctx, `INSERT INTO published_assignments (publication_id, roster_id, date, role, person_id)
			SELECT ?, roster_id, date, role, person_id FROM assignments WHERE roster_id = ? AND date >= ? AND date <= ?`,
			id, rosterID, first.String(), last.String())
		if err != nil {
			return fmt.Errorf("store: publish %s %s: %w", rosterID, month, err)
		}
		// Publishing nothing would hide the month for good with publish.auto off.
		if n, _ := snap.RowsAffected(); n == 0 {
			return fmt.Errorf("store: publish %s %s: %w", rosterID, month, ErrNothingToPublish)
		}
		if out, err = tx.Publication(ctx, rosterID, month); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "publish", "roster_month", rosterID+"/"+month, "", fmt.Sprintf("发布 %d 个班次", out.Count))
	})
	return out, err
}

// Publication returns the publication in force of roster's month, or ErrNotFound.
func (s *Store) Publication(ctx context.Context, rosterID, month string) (Publication, error) {
	p := Publication{Roster: rosterID, Month: month}
	var at string
	err := s.q.QueryRowContext(ctx, `SELECT p.id, p.published_at, p.published_by,
			(SELECT COUNT(*) FROM published_assignments pa WHERE pa.publication_id = p.id)
		FROM publications p WHERE p.roster_id = ? AND p.month = ? ORDER BY p.id DESC LIMIT 1`, rosterID, month).
		Scan(&p.ID, &at, &p.PublishedBy, &p.Count)
	if err := lookupErr(err, "publication "+rosterID+" "+month); err != nil {
		return p, err
	}
	p.PublishedAt = parseStamp(at)
	p.First, _, _ = monthBounds(month)
	return p, nil
}

// Publications returns the publication in force of each roster month overlapping from–to.
func (s *Store) Publications(ctx context.Context, from, to roster.Date) (map[[2]string]Publication, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT p.id, p.roster_id, p.month, p.published_at, p.published_by
		FROM publications p WHERE p.month >= ? AND p.month <= ? AND p.id = (SELECT MAX(q.id) FROM publications q
			WHERE q.roster_id = p.roster_id AND q.month = p.month)`, roster.MonthOf(from).String(), roster.MonthOf(to).String())
	if err != nil {
		return nil, fmt.Errorf("store: publications: %w", err)
	}
	defer rows.Close()
	out := map[[2]string]Publication{}
	for rows.Next() {
		var p Publication
		var at string
		if err := rows.Scan(&p.ID, &p.Roster, &p.Month, &at, &p.PublishedBy); err != nil {
			return nil, fmt.Errorf("store: publications: %w", err)
		}
		p.PublishedAt = parseStamp(at)
		p.First, _, _ = monthBounds(p.Month)
		out[[2]string{p.Roster, p.Month}] = p
	}
	return out, rows.Err()
}

// PublishedAssignment is one row of a publication's snapshot.
type PublishedAssignment struct {
	roster.Assignment
	Publication int64     `json:"publication"`
	PublishedAt time.Time `json:"published_at"`
}

// PublishedAssignments returns the snapshots in force in [from, to], by date, roster and role.
func (s *Store) PublishedAssignments(ctx context.Context, from, to roster.Date) ([]PublishedAssignment, error) {
	return queryAll(ctx, s.q, fmt.Sprintf("published assignments %s–%s", from, to), scanPublishedAssignment,
		`SELECT pa.publication_id, pa.roster_id, pa.date, pa.role, pa.person_id, p.published_at
		FROM published_assignments pa JOIN publications p ON p.id = pa.publication_id
		WHERE pa.date >= ? AND pa.date <= ? AND p.id = (SELECT MAX(q.id) FROM publications q
			WHERE q.roster_id = p.roster_id AND q.month = p.month)
		ORDER BY pa.date, pa.roster_id, pa.role`, from.String(), to.String())
}

func scanPublishedAssignment(sc scanner) (PublishedAssignment, error) {
	var a PublishedAssignment
	var date, at string
	err := sc.Scan(&a.Publication, &a.Roster, &date, &a.Role, &a.Person, &at)
	a.Date, a.PublishedAt = readDate(date), parseStamp(at)
	return a, err
}
