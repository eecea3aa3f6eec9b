package httpapi

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/auth"
	"zhiban/service"
	"zhiban/store"
)

const sessionCookie = "zhiban_session"

// caller is who is making a request and how they proved it.
type caller struct {
	User     store.User
	CSRF     string // the session's form token; empty for API tokens
	session  string // the session's cookie, for logout
	apiToken bool
}

const authKey = "zhiban.auth"

// authOf returns the caller of a request that passed requireRole.
func authOf(c echo.Context) *caller {
	a, _ := c.Get(authKey).(*caller)
	return a
}

// actor is the name written to the audit log.
func actor(c echo.Context) string {
	if a := authOf(c); a != nil {
		return a.User.Name
	}
	return "anonymous"
}

// unitOf is the township the caller is confined to; "" is county-wide.
func unitOf(c echo.Context) string {
	if a := authOf(c); a != nil {
		return a.User.Unit
	}
	return ""
}

// authenticate finds the caller from a Bearer token or session cookie; nil is anonymous.
func (s *Server) authenticate(c echo.Context) (*caller, error) {
	ctx := c.Request().Context()
	if h := c.Request().Header.Get("Authorization"); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, nil
		}
		u, ok, err := s.svc.TokenUser(ctx, strings.TrimSpace(secret), s.now())
		if !ok {
			return nil, err
		}
		return &caller{User: u, apiToken: true}, nil
	}
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil, nil
	}
	u, csrf, ok, err := s.svc.SessionUser(ctx, ck.Value, s.now())
	if !ok {
		return nil, err
	}
	return &caller{User: u, CSRF: csrf, session: ck.Value}, nil
}

// requireRole admits callers with at least role min: anonymous gets 401 (staff GETs
// go to login), a missing CSRF token on a session write or a lower role gets 403.
// A township account (User.Unit) gets 403 too: only requireUnitRole's routes
// admit it, whose use cases check the township in their transaction.
func (s *Server) requireRole(min auth.Role) echo.MiddlewareFunc { return s.checkRole(min, false) }

// requireUnitRole is requireRole for routes a township account may use too
// (docs/staff-scope.md): its own rosters, leave, visits and sweep reports.
func (s *Server) requireUnitRole(min auth.Role) echo.MiddlewareFunc { return s.checkRole(min, true) }

// unitRefusal is the refusal of a township account on a county route.
const unitRefusal = "没有权限：乡镇账号只能管理本乡镇的值班表、请假、走访和排查报告，此功能由县里办理"

func (s *Server) checkRole(min auth.Role, units bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			a, err := s.authenticate(c)
			if err != nil {
				return err
			}
			r := c.Request()
			write := r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions
			if a == nil {
				if !write && !wantsJSON(c) {
					return c.Redirect(http.StatusSeeOther, "/staff/login?next="+url.QueryEscape(r.URL.RequestURI()))
				}
				return echo.NewHTTPError(http.StatusUnauthorized, "需要登录")
			}
			if write && !a.apiToken && !validCSRF(c, a.CSRF) {
				return echo.NewHTTPError(http.StatusForbidden, "安全校验失败（缺少或错误的 CSRF 令牌），请刷新页面后重试")
			}
			if !a.User.Role.AtLeast(min) {
				return echo.NewHTTPError(http.StatusForbidden, "没有权限："+a.User.Role.Label()+"账号不能进行此操作")
			}
			if a.User.Unit != "" && !units {
				return echo.NewHTTPError(http.StatusForbidden, unitRefusal)
			}
			c.Set(authKey, a)
			return next(c)
		}
	}
}

// validCSRF checks the csrf field or X-CSRF-Token header in constant time.
func validCSRF(c echo.Context, want string) bool {
	got := c.Request().Header.Get("X-CSRF-Token")
	if got == "" {
		got = c.FormValue("csrf")
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// Login CSRF is a double submit: a cross-site form can send the cookie but not
// read it, so another site cannot log a staff browser into its own account.
// Over https the __Host- prefix stops a sibling subdomain planting one.
const (
	loginCookie    = "zhiban_login"
	loginCookieAge = 12 * time.Hour
)

func (s *Server) loginCookieName(c echo.Context) string {
	if s.secure(c) {
		return "__Host-" + loginCookie
	}
	return loginCookie
}

// loginToken returns this browser's login token, setting or refreshing its cookie.
func (s *Server) loginToken(c echo.Context) string {
	name := s.loginCookieName(c)
	tok := ""
	if ck, err := c.Cookie(name); err == nil && len(ck.Value) == auth.TokenLen {
		tok = ck.Value
	} else {
		tok, _ = auth.NewToken()
	}
	c.SetCookie(&http.Cookie{Name: name, Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(c), MaxAge: int(loginCookieAge / time.Second)})
	return tok
}

func (s *Server) validLoginCSRF(c echo.Context) bool {
	ck, err := c.Cookie(s.loginCookieName(c))
	if err != nil || ck.Value == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(c.FormValue("csrf")), []byte(ck.Value)) == 1
}

// secure: served over https, or behind a proxy whose public URL is https.
func (s *Server) secure(c echo.Context) bool {
	return c.Scheme() == "https" || strings.HasPrefix(s.cfg.PublicURL, "https://")
}

func (s *Server) setSession(c echo.Context, sess service.NewSession) {
	c.SetCookie(s.sessionCookie(c, sess.Secret, sess.Expires))
}

func (s *Server) sessionCookie(c echo.Context, value string, expires time.Time) *http.Cookie {
	ck := &http.Cookie{
		Name: sessionCookie, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(c),
	}
	if value == "" {
		ck.MaxAge = -1
	} else {
		ck.Expires = expires
	}
	return ck
}

// clientIP is the client's address: the peer, or what a trusted proxy says
// (see ipExtractor), so a client cannot dodge the per-address limits by
// forging X-Forwarded-For.
func clientIP(c echo.Context) string { return c.RealIP() }

// ipExtractor believes X-Forwarded-For, else X-Real-IP, only when the direct
// peer is in proxies; echo's defaults would also trust every private and
// loopback peer, which is switched off here.
func ipExtractor(proxies []*net.IPNet) echo.IPExtractor {
	if len(proxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range proxies {
		opts = append(opts, echo.TrustIPRange(p))
	}
	xff, realIP := echo.ExtractIPFromXFFHeader(opts...), echo.ExtractIPFromRealIPHeader(opts...)
	return func(r *http.Request) string {
		if r.Header.Get(echo.HeaderXForwardedFor) != "" {
			return xff(r)
		}
		return realIP(r)
	}
}
