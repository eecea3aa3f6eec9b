package store

import (
	"context"
	"errors"
	"fmt"

	"zhiban/roster"
)

// SetPinned pins or unpins a slot; version must be the one the editor saw (ErrConflict otherwise).
func (s *Store) SetPinned(ctx context.Context, k roster.Key, version int, pinned bool, actor string) (StoredAssignment, error) {
	var out StoredAssignment
	err := s.WithTx(ctx, func(tx *Store) error {
		cur, err := tx.Assignment(ctx, k)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return fmt.Errorf("store: assignment %s/%s/%s changed (now %s, version %d): %w",
				k.Roster, k.Date, k.Role, cur.Person, cur.Version, ErrConflict)
		}
		if cur.Pinned == pinned {
			out = cur
			return nil
		}
		if _, err := tx.q.ExecContext(ctx, `UPDATE assignments SET pinned = ?, version = version + 1, updated_by = ?, updated_at = ?
			WHERE id = ?`, boolInt(pinned), actor, stamp(s.Now()), cur.ID); err != nil {
			return fmt.Errorf("store: pin %s/%s/%s: %w", k.Roster, k.Date, k.Role, err)
		}
		if out, err = tx.Assignment(ctx, k); err != nil {
			return err
		}
		action, before, after := "pin", cur.Person+" 未固定", cur.Person+" 已固定"
		if !pinned {
			action, before, after = "unpin", after, before
		}
		return tx.Audit(ctx, actor, action, "assignment", fmt.Sprintf("%s/%s/%s", k.Roster, k.Date, k.Role), before, after)
	})
	return out, err
}

// UpsertPerson adds or updates a leader in place and adds them to new pools;
// pool members and history are never removed here.
func (s *Store) UpsertPerson(ctx context.Context, p roster.Person, pools []string, actor string) (changed bool, err error) {
	err = s.WithTx(ctx, func(tx *Store) error {
		before, err := tx.Person(ctx, p.ID)
		exists := err == nil
		if err != nil && !errorsIsNotFound(err) {
			return err
		}
		now := stamp(s.Now())
		if exists {
			if before.Name == p.Name && before.Title == p.Title && before.Rank == p.Rank && before.Portfolio == p.Portfolio &&
				before.Phone == p.Phone && before.Email == p.Email && before.Active == p.Active && before.Links == p.Links {
				goto pools
			}
			_, err = tx.q.ExecContext(ctx, `UPDATE people SET name = ?, title = ?, rank = ?, portfolio = ?, phone = ?, email = ?, active = ?, updated_at = ?
				WHERE id = ?`, p.Name, p.Title, string(p.Rank), p.Portfolio, p.Phone, p.Email, boolInt(p.Active), now, p.ID)
		} else {
			_, err = tx.q.ExecContext(ctx, `INSERT INTO people (id, name, title, rank, portfolio, phone, email, active, position, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM people), ?)`,
				p.ID, p.Name, p.Title, string(p.Rank), p.Portfolio, p.Phone, p.Email, boolInt(p.Active), now)
		}
		if err != nil {
			return fmt.Errorf("store: save person %s: %w", p.ID, err)
		}
		for kind, v := range map[string]string{"township": p.Links.Township, "enterprise": p.Links.Enterprise, "project": p.Links.Project, "village": p.Links.Village} {
			if v == "" {
				_, err = tx.q.ExecContext(ctx, `DELETE FROM person_links WHERE person_id = ? AND kind = ?`, p.ID, kind)
			} else {
				_, err = tx.q.ExecContext(ctx, `INSERT INTO person_links (person_id, kind, value) VALUES (?, ?, ?)
					ON CONFLICT (person_id, kind) DO UPDATE SET value = excluded.value`, p.ID, kind, v)
			}
			if err != nil {
				return fmt.Errorf("store: save person %s links: %w", p.ID, err)
			}
		}
		changed = true
		if err := tx.Audit(ctx, actor, map[bool]string{true: "update", false: "create"}[exists], "person", p.ID,
			personSummary(before, exists), personSummary(p, true)); err != nil {
			return err
		}
	pools:
		for _, pool := range pools {
			r, err := tx.q.ExecContext(ctx, `INSERT INTO pool_members (pool_id, person_id, position)
				SELECT ?, ?, COALESCE(MAX(position), 0) + 1 FROM pool_members WHERE pool_id = ?
				ON CONFLICT (pool_id, person_id) DO NOTHING`, pool, p.ID, pool)
			if err != nil {
				return fmt.Errorf("store: add %s to pool %s: %w", p.ID, pool, err)
			}
			if n, _ := r.RowsAffected(); n > 0 {
				changed = true
				if err := tx.Audit(ctx, actor, "create", "pool_member", pool, "", p.ID); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return changed, err
}

func personSummary(p roster.Person, exists bool) string {
	if !exists {
		return ""
	}
	active := "在岗"
	if !p.Active {
		active = "不在岗"
	}
	return fmt.Sprintf("%s %s %s 分管：%s %s", p.Name, p.Title, p.Rank, p.Portfolio, active)
}

func errorsIsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
