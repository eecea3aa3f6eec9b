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
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
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
	next := c.FormValue("next")
	fail := func(status int, msg string) error {
		return s.renderStaff(c, status, "staff/login.html", "", "工作人员登录",
			&loginPage{staffLayout: staffLayout{CSRF: s.loginToken(c), Error: msg}, Next: next, Name: name})
	}
	if !s.validLoginCSRF(c) {
		// Before the lockout count: a forged POST must not lock anyone out either.
		return fail(http.StatusForbidden, "安全校验失败（登录页面已过期或请求来自其他网站），请重新输入密码登录")
	}
	u, sess, err := s.svc.Login(ctx, name, c.FormValue("password"), clientIP(c), s.now())
	var locked *service.LockedOut
	switch {
	case errors.As(err, &locked):
		wait := locked.Until.Sub(s.now())
		c.Response().Header().Set("Retry-After", strconv.Itoa(max(1, int((wait+time.Second-1)/time.Second))))
		return fail(http.StatusTooManyRequests, "登录失败次数过多，请 "+waitText(wait)+"后再试")
	case errors.Is(err, service.ErrBadLogin):
		// Never log an unknown account's typed name: people type passwords there.
		// A keyed hash still tells repeated tries apart within this process.
		if u.Name != "" {
			s.log.Info("Login failed", "user", u.Name, "ip", clientIP(c))
		} else {
			s.log.Info("Login failed", "user_exists", false, "name_hash", s.nameHash(name), "ip", clientIP(c))
		}
		return fail(http.StatusUnauthorized, "用户名或密码错误")
	case err != nil:
		return err
	}
	s.setSession(c, sess)
	return c.Redirect(http.StatusSeeOther, safeNext(next))
}

// waitText says a wait in whole minutes, or seconds under a minute, rounded up.
func waitText(d time.Duration) string {
	if d < time.Minute {
		return strconv.Itoa(max(1, int((d+time.Second-1)/time.Second))) + " 秒"
	}
	return strconv.Itoa(int((d+time.Minute-1)/time.Minute)) + " 分钟"
}

// logout ends this session only.
func (s *Server) logout(c echo.Context) error {
	a := authOf(c)
	if a.session != "" {
		if err := s.svc.Logout(c.Request().Context(), a.session); err != nil {
			return err
		}
	}
	c.SetCookie(s.sessionCookie(c, "", s.now()))
	return c.Redirect(http.StatusSeeOther, "/staff/login")
}

func (s *Server) showPasswordForm(c echo.Context) error {
	return s.renderStaff(c, http.StatusOK, "staff/password.html", "", "修改密码", &staffLayout{})
}

// changePassword ends every session of the user and logs this browser in again.
func (s *Server) changePassword(c echo.Context) error {
	a := authOf(c)
	fail := func(msg string) error {
		return s.renderStaff(c, http.StatusBadRequest, "staff/password.html", "", "修改密码", &staffLayout{Error: msg})
	}
	sess, err := s.svc.ChangePassword(c.Request().Context(), s.now(), a.User, c.FormValue("current"), c.FormValue("password"), c.FormValue("password2"))
	if fe := invalidInput(err); fe != nil {
		return fail(fe.Msg)
	} else if err != nil {
		return err
	}
	s.setSession(c, sess)
	return c.Redirect(http.StatusSeeOther, "/staff/roster?msg=password")
}

// showUsers lists accounts and their API tokens (admins only).
func (s *Server) showUsers(c echo.Context) error {
	return s.renderUsers(c, http.StatusOK, &usersPage{})
}

// usersPage keeps typed name and role after a failed create and shows a new token once.
type usersPage struct {
	staffLayout
	Users                  []service.Account
	Roles                  []auth.Role
	Townships              []visits.Unit // what an account may be confined to
	UnitNames              map[string]string
	NewName, NewRole       string
	NewUnit                string
	NewToken, NewTokenUser string
}

func (s *Server) renderUsers(c echo.Context, status int, pg *usersPage) error {
	var err error
	if pg.Users, err = s.svc.Accounts(c.Request().Context()); err != nil {
		return err
	}
	pg.Roles = auth.Roles
	if pg.Townships, err = s.svc.Townships(c.Request().Context()); err != nil {
		return err
	}
	pg.UnitNames = map[string]string{}
	for _, u := range pg.Townships {
		pg.UnitNames[u.ID] = u.Name
	}
	return s.renderStaff(c, status, "staff/users.html", "users", "用户管理", pg)
}

// invalidInput is err when it is fault.Invalid, shown on the accounts forms; else nil.
func invalidInput(err error) *fault.Error {
	if fe := fault.Classify(err); fe != nil && fe.Kind == fault.Invalid {
		return fe
	}
	return nil
}

func (s *Server) createUser(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	fail := func(msg string) error {
		return s.renderUsers(c, http.StatusBadRequest, &usersPage{staffLayout: staffLayout{Error: msg}, NewName: name, NewRole: c.FormValue("role"), NewUnit: c.FormValue("unit")})
	}
	if _, err := s.svc.CreateUserIn(c.Request().Context(), s.call(c), name, c.FormValue("role"), c.FormValue("unit"), c.FormValue("password")); err != nil {
		if fe := invalidInput(err); fe != nil {
			return fail(fe.Msg)
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/users")
}

// updateUser changes a user's role, disables or enables them, or resets the password.
func (s *Server) updateUser(c echo.Context) error {
	name := c.Param("name")
	in := service.UserUpdate{Password: c.FormValue("password"), Role: c.FormValue("role"), Disabled: c.FormValue("disabled") == "1"}
	if form, _ := c.FormParams(); form.Has("unit") { // a form without the field keeps the unit
		unit := c.FormValue("unit")
		in.Unit = &unit
	}
	err := s.svc.UpdateUser(c.Request().Context(), s.call(c), name, in)
	// A role outside the form's choices goes to the error page.
	if fe := invalidInput(err); fe != nil && fe.Field != "role" {
		msg := fe.Msg
		if fe.Field == "password" || fe.Field == "unit" {
			msg = name + "：" + msg
		}
		return s.renderUsers(c, http.StatusBadRequest, &usersPage{staffLayout: staffLayout{Error: msg}})
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/users")
}

// createToken issues an API token for a user and shows it once.
func (s *Server) createToken(c echo.Context) error {
	name := c.Param("name")
	secret, _, err := s.svc.IssueToken(c.Request().Context(), s.call(c), name, c.FormValue("label"))
	if fe := invalidInput(err); fe != nil {
		return s.renderUsers(c, http.StatusBadRequest, &usersPage{staffLayout: staffLayout{Error: name + "：令牌名称" + fe.Msg}})
	} else if err != nil {
		return err
	}
	return s.renderUsers(c, http.StatusOK, &usersPage{NewToken: secret, NewTokenUser: name})
}

func (s *Server) revokeToken(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return fault.InvalidField("id", "令牌编号无效")
	}
	if err := s.svc.RevokeToken(c.Request().Context(), s.call(c), c.Param("name"), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/users")
}

func (s *Server) showAudit(c echo.Context) error {
	f := store.AuditFilter{
		Actor:    strings.TrimSpace(c.QueryParam("actor")),
		Entity:   strings.TrimSpace(c.QueryParam("entity")),
		EntityID: strings.TrimSpace(c.QueryParam("entity_id")),
		Limit:    500,
	}
	entries, err := s.svc.AuditLog(c.Request().Context(), f)
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
	Entries  []service.AuditLine
	Loc      *time.Location
	Entities []string
}
