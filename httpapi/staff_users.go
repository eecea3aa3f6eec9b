package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/auth"
	"zhiban/fault"
	"zhiban/store"
)

// safeNext keeps a post-login redirect inside the staff workspace.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/staff") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return "/staff/roster"
}

// showLogin shows the login form; a logged-in user goes straight on.
func (s *Server) showLogin(c echo.Context) error {
	if a, err := s.authenticate(c); err == nil && a != nil && !a.apiToken {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	return s.renderStaff(c, http.StatusOK, "staff/login.html", "", "工作人员登录",
		&loginPage{staffLayout: staffLayout{CSRF: s.loginToken(c)}, Next: c.QueryParam("next")})
}

// loginPage is the login form; CSRF is the login cookie's token (see auth.go).
type loginPage struct {
	staffLayout
	Next, Name string
}

// login checks a password with per-account and per-address lockout.
func (s *Server) login(c echo.Context) error {
	ctx := c.Request().Context()
	name := strings.TrimSpace(c.FormValue("name"))
	pw := c.FormValue("password")
	next := c.FormValue("next")
	fail := func(status int, msg string) error {
		return s.renderStaff(c, status, "staff/login.html", "", "工作人员登录",
			&loginPage{staffLayout: staffLayout{CSRF: s.loginToken(c), Error: msg}, Next: next, Name: name})
	}
	if !s.validLoginCSRF(c) {
		// Before the lockout count: a forged POST must not lock anyone out either.
		return fail(http.StatusForbidden, "安全校验失败（登录页面已过期或请求来自其他网站），请重新输入密码登录")
	}
	// Each attempt is counted before its password check (bcrypt takes
	// ~100 ms), atomically, so parallel requests cannot all pass a check
	// made before any of them failed. The account first: an attempt refused
	// for a locked account counts nothing against the address.
	userKey, ipKey := "user:"+name, "ip:"+clientIP(c)
	now := s.now()
	ok, err := s.store.ReserveLoginAttempt(ctx, userKey, maxUserFailures, lockoutWindow, now)
	if err != nil {
		return err
	}
	if ok {
		if ok, err = s.store.ReserveLoginAttempt(ctx, ipKey, maxIPFailures, lockoutWindow, now); err != nil {
			return err
		}
		if !ok {
			if err := s.store.ReleaseLoginAttempt(ctx, userKey); err != nil {
				return err
			}
		}
	}
	if !ok {
		return fail(http.StatusTooManyRequests, "登录失败次数过多，请 15 分钟后再试")
	}
	u, err := s.store.UserByName(ctx, name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if !auth.MatchPassword(u.PasswordHash, pw) || err != nil || u.Disabled { // u is zero when not found: same time, no match
		// Both reservations stay: they are the failure count.
		// Never the typed name of an unknown account: people type their
		// password into the name field. A keyed hash still tells repeated
		// tries at one name apart within this process.
		if err == nil {
			s.log.Info("Login failed", "user", u.Name, "ip", clientIP(c))
		} else {
			s.log.Info("Login failed", "user_exists", false, "name_hash", nameHash(name), "ip", clientIP(c))
		}
		return fail(http.StatusUnauthorized, "用户名或密码错误")
	}
	// Success clears the account's count and gives the address its attempt back.
	if err := s.store.SetLoginFailures(ctx, userKey, 0, s.now()); err != nil {
		return err
	}
	if err := s.store.ReleaseLoginAttempt(ctx, ipKey); err != nil {
		return err
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	if err := s.store.Audit(ctx, u.Name, "login", "session", u.Name, "", clientIP(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, safeNext(next))
}

// logout ends this session only.
func (s *Server) logout(c echo.Context) error {
	a := authOf(c)
	if a.tokenHash != "" {
		if err := s.store.DeleteSession(c.Request().Context(), a.tokenHash); err != nil {
			return err
		}
	}
	c.SetCookie(s.sessionCookie(c, "", s.now()))
	return c.Redirect(http.StatusSeeOther, "/staff/login")
}

// showPasswordForm lets any user change their own password.
func (s *Server) showPasswordForm(c echo.Context) error {
	return s.renderStaff(c, http.StatusOK, "staff/password.html", "", "修改密码", &staffLayout{})
}

// changePassword checks the current password, stores the new one, ends every
// session of the user and logs this browser in again.
func (s *Server) changePassword(c echo.Context) error {
	a := authOf(c)
	fail := func(msg string) error {
		return s.renderStaff(c, http.StatusBadRequest, "staff/password.html", "", "修改密码", &staffLayout{Error: msg})
	}
	if !auth.MatchPassword(a.User.PasswordHash, c.FormValue("current")) {
		return fail("当前密码不正确")
	}
	pw := c.FormValue("password")
	if pw != c.FormValue("password2") {
		return fail("两次输入的新密码不一致")
	}
	hash, err := auth.HashPassword(pw)
	var invalid auth.InvalidPassword
	if errors.As(err, &invalid) {
		return fail(invalid.Error())
	} else if err != nil {
		return err
	}
	if err := s.store.SetPassword(c.Request().Context(), a.User.Name, hash, a.User.Name); err != nil {
		return err
	}
	if err := s.startSession(c, a.User); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/roster?msg=password")
}

// showUsers lists accounts and their API tokens (admins only).
func (s *Server) showUsers(c echo.Context) error {
	return s.renderUsers(c, http.StatusOK, &usersPage{})
}

// usersPage lists the accounts; after a failed create it keeps the typed
// name and role, after a token is made it shows the secret once.
type usersPage struct {
	staffLayout
	Users                  []userRow
	Roles                  []auth.Role
	NewName, NewRole       string
	NewToken, NewTokenUser string
}

type userRow struct {
	store.User
	Tokens []store.APIToken
}

func (s *Server) renderUsers(c echo.Context, status int, pg *usersPage) error {
	ctx := c.Request().Context()
	users, err := s.store.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		ts, err := s.store.APITokens(ctx, u.ID)
		if err != nil {
			return err
		}
		pg.Users = append(pg.Users, userRow{u, ts})
	}
	pg.Roles = auth.Roles
	return s.renderStaff(c, status, "staff/users.html", "users", "用户管理", pg)
}

// createUser adds an account with a first password.
func (s *Server) createUser(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	fail := func(msg string) error {
		return s.renderUsers(c, http.StatusBadRequest, &usersPage{staffLayout: staffLayout{Error: msg}, NewName: name, NewRole: c.FormValue("role")})
	}
	if name == "" || len(name) > 64 || strings.ContainsAny(name, " \t\r\n/") {
		return fail("用户名不能为空，不能含空格或 /，最多 64 字节")
	}
	role, err := auth.ParseRole(c.FormValue("role"))
	if err != nil {
		return fail(err.Error())
	}
	hash, err := auth.HashPassword(c.FormValue("password"))
	var invalid auth.InvalidPassword
	if errors.As(err, &invalid) {
		return fail(invalid.Error())
	} else if err != nil {
		return err
	}
	if _, err := s.store.CreateUser(c.Request().Context(), name, role, hash, actor(c)); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return fail("用户名 " + name + " 已存在")
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/users")
}

// updateUser changes a user's role, disables or enables them, or resets the password.
func (s *Server) updateUser(c echo.Context) error {
	ctx := c.Request().Context()
	name := c.Param("name")
	u, err := s.store.UserByName(ctx, name)
	if err != nil {
		return err
	}
	if pw := c.FormValue("password"); pw != "" {
		hash, err := auth.HashPassword(pw)
		var invalid auth.InvalidPassword
		if errors.As(err, &invalid) {
			return s.renderUsers(c, http.StatusBadRequest, &usersPage{staffLayout: staffLayout{Error: name + "：" + invalid.Error()}})
		} else if err != nil {
			return err
		}
		if err := s.store.SetPassword(ctx, name, hash, actor(c)); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/staff/users")
	}
	role, err := auth.ParseRole(c.FormValue("role"))
	if err != nil {
		return fault.InvalidField("role", err.Error())
	}
	disabled := c.FormValue("disabled") == "1"
	if name == actor(c) && (role != auth.RoleAdmin || disabled) {
		return s.renderUsers(c, http.StatusBadRequest, &usersPage{staffLayout: staffLayout{Error: "不能降低或停用自己的管理员账号"}})
	}
	if role != u.Role || disabled != u.Disabled {
		if err := s.store.SetUserRole(ctx, name, role, disabled, actor(c)); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, "/staff/users")
}

// createToken issues an API token for a user and shows it once.
func (s *Server) createToken(c echo.Context) error {
	name := c.Param("name")
	secret, hash := auth.NewToken()
	label := strings.TrimSpace(c.FormValue("label"))
	if _, err := s.store.CreateAPIToken(c.Request().Context(), name, hash, label, actor(c)); err != nil {
		return err
	}
	return s.renderUsers(c, http.StatusOK, &usersPage{NewToken: secret, NewTokenUser: name})
}

// revokeToken revokes one API token.
func (s *Server) revokeToken(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return fault.InvalidField("id", "令牌编号无效")
	}
	if err := s.store.RevokeAPIToken(c.Request().Context(), c.Param("name"), id, actor(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/users")
}

// showAudit lists the audit log, filtered by actor and entity.
func (s *Server) showAudit(c echo.Context) error {
	f := store.AuditFilter{
		Actor:    strings.TrimSpace(c.QueryParam("actor")),
		Entity:   strings.TrimSpace(c.QueryParam("entity")),
		EntityID: strings.TrimSpace(c.QueryParam("entity_id")),
		Limit:    500,
	}
	entries, err := s.store.AuditLog(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return s.renderStaff(c, http.StatusOK, "staff/audit.html", "audit", "审计日志",
		&auditPage{Filter: f, Entries: entries, Loc: s.cfg.Location, Entities: auditEntities})
}

// auditPage is the audit log with its filter; Loc shows times in the county zone.
type auditPage struct {
	staffLayout
	Filter   store.AuditFilter
	Entries  []store.AuditEntry
	Loc      *time.Location
	Entities []string
}
