package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"zhiban/store"
)

// routes is the whole HTTP surface in one table.
func (s *Server) routes(e *echo.Echo) {
	e.GET("/healthz", s.showHealth)
	// Public pages, feeds and JSON: rendered once per change (cache.go), GET and HEAD.
	public := []string{http.MethodGet, http.MethodHead}
	e.Match(public, "/", s.showTodayPage)
	e.Match(public, "/roster/:month", s.showRosterMonth)
	e.Match(public, "/visits", s.showVisitsPage)
	e.Match(public, "/qr.png", s.showQRCode)
	e.Match(public, "/feeds/roster.ics", s.showRosterFeed)
	e.Match(public, "/feeds/township/:file", s.showTownshipFeed)
	e.Match(public, "/feeds/leader/:file", s.showLeaderFeed)
	e.Match(public, "/api/v1/public/today", s.showTodayJSON)
	e.Match(public, "/api/v1/public/range", s.showRangeJSON)
	e.Match(public, "/api/v1/public/visits", s.showVisitsJSON)

	// Staff workspace. Every route but the login form carries requireRole;
	// writes also need the session's CSRF token (TestEveryWriteRouteChecksRole).
	viewer, editor, admin := s.requireRole(store.RoleViewer), s.requireRole(store.RoleEditor), s.requireRole(store.RoleAdmin)
	e.GET("/staff/login", s.showLogin)
	e.POST("/staff/login", s.login)
	e.POST("/staff/logout", s.logout, viewer)
	e.GET("/staff/password", s.showPasswordForm, viewer)
	e.POST("/staff/password", s.changePassword, viewer)
	e.GET("/staff", s.showStaffHome, viewer)
	e.GET("/staff/audit", s.showAudit, viewer)
	e.GET("/staff/users", s.showUsers, admin)
	e.POST("/staff/users", s.createUser, admin)
	e.POST("/staff/users/:name", s.updateUser, admin)
	e.POST("/staff/users/:name/tokens", s.createToken, admin)
	e.POST("/staff/users/:name/tokens/:id/revoke", s.revokeToken, admin)
	_ = editor
}
