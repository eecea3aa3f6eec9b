package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"zhiban/auth"
	"zhiban/clean"
	"zhiban/fault"
	"zhiban/store"
	"zhiban/visits"
)

// Staff account use cases; they need no calendar, so they run in s.tx.

// Office PCs are shared, so a session ends after a working day idle and after a week regardless.
const (
	SessionIdle     = 12 * time.Hour
	SessionAbsolute = 7 * 24 * time.Hour
	// Twenty wrong passwords from one address (offices share one address
	// behind NAT) lock that address for LockoutWindow after the last failure.
	maxIPFailures = 20
	LockoutWindow = 15 * time.Minute
	// A wrong password for one account from one address is free FreeFailures
	// times; then each try waits twice as long as the last (1, 2, 4 … 15 min),
	// remembered for a day. An attacker elsewhere slows only their own tries,
	// so nobody can lock the owner out from the owner's own address.
	FreeFailures = 5
	firstDelay   = time.Minute
	maxDelay     = 15 * time.Minute
	pairMemory   = 24 * time.Hour
)

var (
	// ErrLockedOut refuses a login with too many recent failures; the password
	// was not checked. The error is a *LockedOut saying when to try again.
	ErrLockedOut = errors.New("service: too many failed logins")
	// ErrBadLogin is a wrong name or password, or a disabled account.
	ErrBadLogin = errors.New("service: wrong name or password")
)

// LockedOut is ErrLockedOut with the instant the next attempt is allowed.
type LockedOut struct{ Until time.Time }

func (e *LockedOut) Error() string {
	return ErrLockedOut.Error() + " until " + e.Until.UTC().Format(time.RFC3339)
}
func (e *LockedOut) Is(target error) bool { return target == ErrLockedOut }

// pairDelay is the wait after n failures of one account from one address.
func pairDelay(n int) time.Duration {
	if n < FreeFailures {
		return 0
	}
	if n-FreeFailures >= 4 { // 1 min << 4 is past the cap
		return maxDelay
	}
	return min(firstDelay<<(n-FreeFailures), maxDelay)
}

func ipWait(n int) time.Duration {
	if n < maxIPFailures {
		return 0
	}
	return LockoutWindow
}

// pairKey counts failures of one account from one address. The typed name
// is hashed: people type passwords into the name field.
func pairKey(name, ip string) string {
	h := sha256.Sum256([]byte(ip + "\n" + name))
	return "pair:" + hex.EncodeToString(h[:16])
}

func (s *Service) tx(ctx context.Context, fn func(tx *store.Store) error) error {
	return s.st.WithTx(ctx, fn)
}

// NewSession is a session just opened: the cookie's secret and when it ends.
type NewSession struct {
	Secret  string
	Expires time.Time
}

// Login checks name's password and opens a session. Each attempt is counted
// atomically before the ~100 ms bcrypt check, so parallel requests cannot all
// pass. ip is the client's address (see httpapi's trusted proxies).
func (s *Service) Login(ctx context.Context, name, pw, ip string, now time.Time) (u store.User, sess NewSession, err error) {
	if err := s.st.PruneLoginFailures(ctx, now.Add(-pairMemory)); err != nil {
		return u, sess, err
	}
	// The pair first: an attempt refused for its delay counts nothing
	// against the address, so others there are not locked out by it.
	pair, ipKey := pairKey(name, ip), "ip:"+ip
	until, ok, err := s.st.ReserveLoginAttempt(ctx, pair, pairDelay, pairMemory, now)
	if err != nil {
		return u, sess, err
	}
	if ok {
		if until, ok, err = s.st.ReserveLoginAttempt(ctx, ipKey, ipWait, LockoutWindow, now); err != nil {
			return u, sess, err
		}
		if !ok {
			if err := s.st.ReleaseLoginAttempt(ctx, pair); err != nil {
				return u, sess, err
			}
		}
	}
	if !ok {
		return u, sess, &LockedOut{Until: until}
	}
	u, err = s.st.UserByName(ctx, name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return u, sess, err
	}
	if !auth.MatchPassword(u.PasswordHash, pw) || err != nil || u.Disabled { // u is zero when not found: same time, no match
		// Both reservations stay: they are the failure count.
		return u, sess, ErrBadLogin
	}
	// Success clears the pair's count and gives the address its attempt back.
	if err := s.st.SetLoginFailures(ctx, pair, 0, now); err != nil {
		return u, sess, err
	}
	if err := s.st.ReleaseLoginAttempt(ctx, ipKey); err != nil {
		return u, sess, err
	}
	if sess, err = openSession(ctx, s.st, u, now); err != nil {
		return u, sess, err
	}
	return u, sess, s.st.Audit(ctx, u.Name, "login", "session", u.Name, "", ip)
}

func openSession(ctx context.Context, st *store.Store, u store.User, now time.Time) (NewSession, error) {
	secret, hash := auth.NewToken()
	csrf, _ := auth.NewToken()
	sess := NewSession{Secret: secret, Expires: now.Add(SessionAbsolute)}
	return sess, st.CreateSession(ctx, hash, store.Session{
		UserID: u.ID, CSRF: csrf, CreatedAt: now, LastSeen: now, ExpiresAt: sess.Expires,
	})
}

// SessionUser is the user and form token of the session secret; idle, expired
// or disabled-user sessions are deleted on sight.
func (s *Service) SessionUser(ctx context.Context, secret string, now time.Time) (u store.User, csrf string, ok bool, err error) {
	hash := auth.HashToken(secret)
	sess, err := s.st.SessionByHash(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return u, "", false, nil
	}
	if err != nil {
		return u, "", false, err
	}
	// The deletes and the touch are best-effort: the checks decide, and a
	// full disk must not turn every page into an error.
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeen) > SessionIdle {
		_ = s.st.DeleteSession(ctx, hash)
		return u, "", false, nil
	}
	u, err = s.st.UserByID(ctx, sess.UserID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.User{}, "", false, err
	}
	if err != nil || u.Disabled {
		_ = s.st.DeleteSession(ctx, hash)
		return store.User{}, "", false, nil
	}
	if now.Sub(sess.LastSeen) > time.Minute {
		_ = s.st.TouchSession(ctx, hash, now)
	}
	return u, sess.CSRF, true, nil
}

// TokenUser is the user of API token secret; ok is false for unknown or disabled.
// The token's last use is recorded at most once a minute and best-effort:
// a script's read must not fail because the disk is full.
func (s *Service) TokenUser(ctx context.Context, secret string, now time.Time) (u store.User, ok bool, err error) {
	u, t, err := s.st.UserByAPIToken(ctx, auth.HashToken(secret))
	if errors.Is(err, store.ErrNotFound) || err == nil && u.Disabled {
		return store.User{}, false, nil
	}
	if err != nil {
		return store.User{}, false, err
	}
	if now.Sub(t.LastUsed) >= time.Minute || now.Before(t.LastUsed) {
		_ = s.st.TouchAPIToken(ctx, t.ID, now) // best-effort, see above
	}
	return u, true, nil
}

// Logout ends the session whose cookie holds secret, only that one.
func (s *Service) Logout(ctx context.Context, secret string) error {
	return s.st.DeleteSession(ctx, auth.HashToken(secret))
}

func hashPassword(pw string) (string, error) {
	hash, err := auth.HashPassword(pw)
	var invalid auth.InvalidPassword
	if errors.As(err, &invalid) {
		return "", fault.InvalidField("password", invalid.Error())
	}
	return hash, err
}

// ChangePassword changes u's own password; every session ends and this browser gets a new one.
func (s *Service) ChangePassword(ctx context.Context, now time.Time, u store.User, current, pw, again string) (NewSession, error) {
	if !auth.MatchPassword(u.PasswordHash, current) {
		return NewSession{}, fault.InvalidField("current", "当前密码不正确")
	}
	if pw != again {
		return NewSession{}, fault.InvalidField("password2", "两次输入的新密码不一致")
	}
	hash, err := hashPassword(pw)
	if err != nil {
		return NewSession{}, err
	}
	var sess NewSession
	err = s.tx(ctx, func(tx *store.Store) error {
		if err := tx.SetPassword(ctx, u.Name, hash, u.Name); err != nil {
			return err
		}
		sess, err = openSession(ctx, tx, u, now)
		return err
	})
	return sess, err
}

// CreateUser adds a county-wide account: a free, non-empty name without spaces or "/", at most 64 bytes.
func (s *Service) CreateUser(ctx context.Context, c Call, name, role, pw string) (store.User, error) {
	return s.CreateUserIn(ctx, c, name, role, "", pw)
}

// CreateUserIn is CreateUser for an account confined to township unit ("" is county-wide).
func (s *Service) CreateUserIn(ctx context.Context, c Call, name, role, unit, pw string) (store.User, error) {
	if name == "" || len(name) > 64 || strings.ContainsAny(name, " \t\r\n/") {
		return store.User{}, fault.InvalidField("name", "用户名不能为空，不能含空格或 /，最多 64 字节")
	}
	if _, err := fault.Text("name", name, clean.Name); err != nil {
		return store.User{}, err
	}
	r, err := auth.ParseRole(role)
	if err != nil {
		return store.User{}, fault.InvalidField("role", err.Error())
	}
	if err := checkUserUnit(ctx, s.st, r, unit); err != nil {
		return store.User{}, err
	}
	hash, err := hashPassword(pw)
	if err != nil {
		return store.User{}, err
	}
	u, err := s.st.CreateUnitUser(ctx, name, r, unit, hash, c.Actor)
	if errors.Is(err, store.ErrConflict) {
		return u, fault.InvalidField("name", "用户名 "+name+" 已存在")
	}
	return u, err
}

// checkUserUnit accepts "" (county-wide) or a township for a viewer or an
// editor. Admins manage every account, so they are county-wide.
func checkUserUnit(ctx context.Context, st *store.Store, role auth.Role, unit string) error {
	if unit == "" {
		return nil
	}
	if role == auth.RoleAdmin {
		return fault.InvalidField("unit", "管理员管理全县的账号，不能限定乡镇")
	}
	units, err := st.Units(ctx)
	if err != nil {
		return err
	}
	for _, u := range units {
		if u.ID == unit && u.Kind == "township" {
			return nil
		}
	}
	return fault.InvalidField("unit", "乡镇 "+unit+" 不存在")
}

// UserUpdate is an admin's change: a new password when set, else role, unit and disabled.
type UserUpdate struct {
	Password string
	Role     string
	Unit     *string // the township the account is confined to, "" county-wide; nil keeps it
	Disabled bool
}

// UpdateUser resets name's password or changes role and disabled. Nobody demotes
// their own account and the last enabled admin stays, so the county always has one.
func (s *Service) UpdateUser(ctx context.Context, c Call, name string, in UserUpdate) error {
	return s.tx(ctx, func(tx *store.Store) error {
		u, err := tx.UserByName(ctx, name)
		if err != nil {
			return err
		}
		if in.Password != "" {
			hash, err := hashPassword(in.Password)
			if err != nil {
				return err
			}
			return tx.SetPassword(ctx, name, hash, c.Actor)
		}
		role, err := auth.ParseRole(in.Role)
		if err != nil {
			return fault.InvalidField("role", err.Error())
		}
		if name == c.Actor && (role != auth.RoleAdmin || in.Disabled) {
			return fault.InvalidField("", "不能降低或停用自己的管理员账号")
		}
		unit := u.Unit
		if in.Unit != nil {
			unit = *in.Unit
		}
		if err := checkUserUnit(ctx, tx, role, unit); err != nil {
			return err
		}
		if role == u.Role && in.Disabled == u.Disabled && unit == u.Unit {
			return nil
		}
		if u.Role == auth.RoleAdmin && !u.Disabled {
			if last, err := lastAdmin(ctx, tx); err != nil {
				return err
			} else if last {
				return fault.Invalidf("", "%s 是最后一个管理员，不能降低或停用", name)
			}
		}
		return tx.SetUserAccess(ctx, name, role, unit, in.Disabled, c.Actor)
	})
}

func lastAdmin(ctx context.Context, tx *store.Store) (bool, error) {
	users, err := tx.Users(ctx)
	if err != nil {
		return false, err
	}
	n := 0
	for _, u := range users {
		if u.Role == auth.RoleAdmin && !u.Disabled {
			n++
		}
	}
	return n == 1, nil
}

// IssueToken makes an API token for name; the secret is shown once.
func (s *Service) IssueToken(ctx context.Context, c Call, name, label string) (secret string, t store.APIToken, err error) {
	if label, err = fault.Text("label", label, clean.Name); err != nil {
		return "", t, err
	}
	secret, hash := auth.NewToken()
	t, err = s.st.CreateAPIToken(ctx, name, hash, label, c.Actor)
	return secret, t, err
}

// RevokeToken revokes name's API token id.
func (s *Service) RevokeToken(ctx context.Context, c Call, name string, id int64) error {
	return s.st.RevokeAPIToken(ctx, name, id, c.Actor)
}

// User is the account called name; an unknown name is store.ErrNotFound.
func (s *Service) User(ctx context.Context, name string) (store.User, error) {
	return s.st.UserByName(ctx, name)
}

// Townships are the units a staff account may be confined to, in file order.
func (s *Service) Townships(ctx context.Context) ([]visits.Unit, error) {
	out, _, err := townships(ctx, s.st)
	return out, err
}

// Account is a staff account with its API tokens.
type Account struct {
	store.User
	Tokens []store.APIToken
}

// Accounts lists every staff account with its API tokens.
func (s *Service) Accounts(ctx context.Context) ([]Account, error) {
	users, err := s.st.Users(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Account, 0, len(users))
	for _, u := range users {
		ts, err := s.st.APITokens(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, Account{u, ts})
	}
	return out, nil
}
