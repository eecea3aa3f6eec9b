package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"zhiban/auth"
)

// User is a staff account. PasswordHash is never shown.
type User struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Role         auth.Role `json:"role"`
	PasswordHash string    `json:"-"`
	Disabled     bool      `json:"disabled"`
	// Unit is the township the account is confined to; "" is county-wide.
	Unit      string    `json:"unit,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

const userCols = `id, name, role, password_hash, disabled, created_at, updated_at, COALESCE(unit_id, '')`

func scanUser(sc scanner) (User, error) {
	var u User
	var disabled int
	var created, updated string
	if err := sc.Scan(&u.ID, &u.Name, &u.Role, &u.PasswordHash, &disabled, &created, &updated, &u.Unit); err != nil {
		return u, err
	}
	u.Disabled = disabled == 1
	u.CreatedAt, u.UpdatedAt = parseStamp(created), parseStamp(updated)
	return u, nil
}

// CreateUser adds a county-wide account; a taken name is ErrConflict.
func (s *Store) CreateUser(ctx context.Context, name string, role auth.Role, passwordHash, actor string) (User, error) {
	return s.CreateUnitUser(ctx, name, role, "", passwordHash, actor)
}

// CreateUnitUser adds an account confined to unit ("" is county-wide); a taken name is ErrConflict.
func (s *Store) CreateUnitUser(ctx context.Context, name string, role auth.Role, unit, passwordHash, actor string) (User, error) {
	var u User
	err := s.WithTx(ctx, func(tx *Store) error {
		if _, err := tx.UserByName(ctx, name); err == nil {
			return fmt.Errorf("store: user %s exists: %w", name, ErrConflict)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		now := stamp(s.Now())
		id, err := insertID(ctx, tx.q, `INSERT INTO users (name, role, password_hash, disabled, created_at, updated_at, unit_id)
			VALUES (?, ?, ?, 0, ?, ?, ?)`, name, string(role), passwordHash, now, now, nullString(unit))
		if err != nil {
			return fmt.Errorf("store: create user %s: %w", name, err)
		}
		if u, err = tx.UserByID(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "create", "user", name, "", userState(role, false, unit))
	})
	return u, err
}

// UserByName returns an account by login name, or ErrNotFound.
func (s *Store) UserByName(ctx context.Context, name string) (User, error) {
	u, err := scanUser(s.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE name = ?`, name))
	return u, lookupErr(err, "user "+name)
}

// UserByID returns an account by id, or ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	return u, lookupErr(err, fmt.Sprintf("user %d", id))
}

// Users returns every account by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	return queryAll(ctx, s.q, "users", scanUser, `SELECT `+userCols+` FROM users ORDER BY name`)
}

// SetPassword replaces the hash and ends all sessions, so a stolen one dies.
func (s *Store) SetPassword(ctx context.Context, name, passwordHash, actor string) error {
	return s.WithTx(ctx, func(tx *Store) error {
		u, err := tx.UserByName(ctx, name)
		if err != nil {
			return err
		}
		if _, err := tx.q.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`,
			passwordHash, stamp(s.Now()), u.ID); err != nil {
			return fmt.Errorf("store: set password %s: %w", name, err)
		}
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
			return fmt.Errorf("store: revoke sessions %s: %w", name, err)
		}
		return tx.Audit(ctx, actor, "password", "user", name, "", "已修改密码，登录会话已全部注销")
	})
}

// SetUserRole changes role and disabled; disabling ends sessions (tokens fail on the disabled user).
func (s *Store) SetUserRole(ctx context.Context, name string, role auth.Role, disabled bool, actor string) error {
	u, err := s.UserByName(ctx, name)
	if err != nil {
		return err
	}
	return s.SetUserAccess(ctx, name, role, u.Unit, disabled, actor)
}

// SetUserAccess changes role, unit ("" is county-wide) and disabled; disabling
// or moving to another unit ends sessions (tokens fail on the disabled user).
func (s *Store) SetUserAccess(ctx context.Context, name string, role auth.Role, unit string, disabled bool, actor string) error {
	return s.WithTx(ctx, func(tx *Store) error {
		u, err := tx.UserByName(ctx, name)
		if err != nil {
			return err
		}
		if _, err := tx.q.ExecContext(ctx, `UPDATE users SET role = ?, disabled = ?, unit_id = ?, updated_at = ? WHERE id = ?`,
			string(role), boolInt(disabled), nullString(unit), stamp(s.Now()), u.ID); err != nil {
			return fmt.Errorf("store: set role %s: %w", name, err)
		}
		if disabled || unit != u.Unit {
			if _, err := tx.q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
				return fmt.Errorf("store: revoke sessions %s: %w", name, err)
			}
		}
		return tx.Audit(ctx, actor, "update", "user", name, userState(u.Role, u.Disabled, u.Unit), userState(role, disabled, unit))
	})
}

func userState(r auth.Role, disabled bool, unit string) string {
	s := "角色 " + string(r)
	if unit != "" {
		s += "，限 " + unit
	}
	if disabled {
		s += "（已停用）"
	}
	return s
}

// Session is a login: the cookie holds the secret, the table its hash.
type Session struct {
	UserID    int64
	CSRF      string
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time // absolute end, whatever the activity
}

// CreateSession stores a new session under the hash of its secret.
func (s *Store) CreateSession(ctx context.Context, tokenHash string, sess Session) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, tokenHash, sess.UserID, sess.CSRF, stamp(sess.CreatedAt), stamp(sess.LastSeen), stamp(sess.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionByHash returns a session, or ErrNotFound.
func (s *Store) SessionByHash(ctx context.Context, tokenHash string) (Session, error) {
	var sess Session
	var created, seen, expires string
	err := s.q.QueryRowContext(ctx, `SELECT user_id, csrf, created_at, last_seen, expires_at FROM sessions WHERE token_hash = ?`,
		tokenHash).Scan(&sess.UserID, &sess.CSRF, &created, &seen, &expires)
	if err := lookupErr(err, "session"); err != nil {
		return sess, err
	}
	sess.CreatedAt, sess.LastSeen, sess.ExpiresAt = parseStamp(created), parseStamp(seen), parseStamp(expires)
	return sess, nil
}

// TouchSession records activity, which extends the idle timeout.
func (s *Store) TouchSession(ctx context.Context, tokenHash string, at time.Time) error {
	if _, err := s.q.ExecContext(ctx, `UPDATE sessions SET last_seen = ? WHERE token_hash = ?`, stamp(at), tokenHash); err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session (logout or expiry).
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// APIToken is a per-user secret for scripts; only its hash is stored.
type APIToken struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Label     string    `json:"label"`
	CreatedAt time.Time `json:"created_at"`
	LastUsed  time.Time `json:"last_used"`
	Revoked   bool      `json:"revoked"`
}

// CreateAPIToken stores the hash of a new token for user name.
func (s *Store) CreateAPIToken(ctx context.Context, name, tokenHash, label, actor string) (APIToken, error) {
	var t APIToken
	err := s.WithTx(ctx, func(tx *Store) error {
		u, err := tx.UserByName(ctx, name)
		if err != nil {
			return err
		}
		id, err := insertID(ctx, tx.q, `INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?)`,
			u.ID, tokenHash, label, stamp(s.Now()))
		if err != nil {
			return fmt.Errorf("store: create token for %s: %w", name, err)
		}
		t = APIToken{ID: id, UserID: u.ID, Label: label, CreatedAt: s.Now()}
		return tx.Audit(ctx, actor, "create", "api_token", fmt.Sprint(id), "", name+" "+label)
	})
	return t, err
}

// APITokens returns a user's tokens, newest first.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	var out []APIToken // nil when there are none
	err := queryEach(ctx, s.q, "api tokens", func(sc scanner) error {
		var t APIToken
		var created, used, revoked string
		if err := sc.Scan(&t.ID, &t.UserID, &t.Label, &created, &used, &revoked); err != nil {
			return err
		}
		t.CreatedAt, t.LastUsed, t.Revoked = parseStamp(created), parseStamp(used), revoked != ""
		out = append(out, t)
		return nil
	}, `SELECT id, user_id, label, created_at, last_used, revoked_at
		FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UserByAPIToken returns the owner of a live token and the token, or ErrNotFound.
// It only reads: recording the use is TouchAPIToken's, so a read never fails on a write.
func (s *Store) UserByAPIToken(ctx context.Context, tokenHash string) (User, APIToken, error) {
	var t APIToken
	var created, used string
	err := s.q.QueryRowContext(ctx, `SELECT id, user_id, label, created_at, last_used FROM api_tokens WHERE token_hash = ? AND revoked_at = ''`,
		tokenHash).Scan(&t.ID, &t.UserID, &t.Label, &created, &used)
	if err := lookupErr(err, "api token"); err != nil {
		return User{}, t, err
	}
	t.CreatedAt, t.LastUsed = parseStamp(created), parseStamp(used)
	u, err := s.UserByID(ctx, t.UserID)
	return u, t, err
}

// TouchAPIToken records that token id was used at.
func (s *Store) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.q.ExecContext(ctx, `UPDATE api_tokens SET last_used = ? WHERE id = ?`, stamp(at), id); err != nil {
		return fmt.Errorf("store: api token %d last used: %w", id, err)
	}
	return nil
}

// RevokeAPIToken revokes token id of user name.
func (s *Store) RevokeAPIToken(ctx context.Context, name string, id int64, actor string) error {
	return s.WithTx(ctx, func(tx *Store) error {
		u, err := tx.UserByName(ctx, name)
		if err != nil {
			return err
		}
		r, err := tx.q.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at = ''`,
			stamp(s.Now()), id, u.ID)
		if err != nil {
			return fmt.Errorf("store: revoke token %d: %w", id, err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("store: token %d of %s: %w", id, name, ErrNotFound)
		}
		return tx.Audit(ctx, actor, "revoke", "api_token", fmt.Sprint(id), name, "")
	})
}

// LoginFailures returns the failure count under key and when the last one was.
func (s *Store) LoginFailures(ctx context.Context, key string) (int, time.Time, error) {
	var n int
	var last string
	err := s.q.QueryRowContext(ctx, `SELECT count, last_at FROM login_failures WHERE key = ?`, key).Scan(&n, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: login failures: %w", err)
	}
	return n, parseStamp(last), nil
}

// ReserveLoginAttempt counts one attempt under key before the password check.
// After n failures the next attempt must wait wait(n) after the last one
// (refused until retryAt); the count starts again forget after the last failure.
// One immediate transaction, so parallel requests cannot slip past the limit;
// callers keep, clear or release the count.
func (s *Store) ReserveLoginAttempt(ctx context.Context, key string, wait func(n int) time.Duration, forget time.Duration, now time.Time) (retryAt time.Time, ok bool, err error) {
	err = s.WithTx(ctx, func(tx *Store) error {
		n, last, err := tx.LoginFailures(ctx, key)
		if err != nil {
			return err
		}
		if now.Sub(last) >= forget {
			n = 0
		}
		if w := wait(n); w > 0 && now.Before(last.Add(w)) {
			retryAt = last.Add(w)
			return nil
		}
		ok = true
		return tx.SetLoginFailures(ctx, key, n+1, now)
	})
	return retryAt, ok, err
}

// PruneLoginFailures forgets counters whose last failure is before t.
func (s *Store) PruneLoginFailures(ctx context.Context, before time.Time) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM login_failures WHERE last_at < ?`, stamp(before)); err != nil {
		return fmt.Errorf("store: prune login failures: %w", err)
	}
	return nil
}

// ReleaseLoginAttempt gives back one reserved attempt, keeping the last attempt's time.
func (s *Store) ReleaseLoginAttempt(ctx context.Context, key string) error {
	return s.WithTx(ctx, func(tx *Store) error {
		if _, err := tx.q.ExecContext(ctx, `UPDATE login_failures SET count = count - 1 WHERE key = ? AND count > 0`, key); err != nil {
			return fmt.Errorf("store: login failures: %w", err)
		}
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM login_failures WHERE key = ? AND count <= 0`, key); err != nil {
			return fmt.Errorf("store: login failures: %w", err)
		}
		return nil
	})
}

// SetLoginFailures stores the failure count under key; 0 clears it.
func (s *Store) SetLoginFailures(ctx context.Context, key string, n int, at time.Time) error {
	var err error
	if n <= 0 {
		_, err = s.q.ExecContext(ctx, `DELETE FROM login_failures WHERE key = ?`, key)
	} else {
		_, err = s.q.ExecContext(ctx, `INSERT INTO login_failures (key, count, last_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET count = excluded.count, last_at = excluded.last_at`, key, n, stamp(at))
	}
	if err != nil {
		return fmt.Errorf("store: login failures: %w", err)
	}
	return nil
}
