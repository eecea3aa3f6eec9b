package httpapi

import (
	"github.com/labstack/echo/v4"

	"zhiban/store"
)

// routes is the whole HTTP surface in one table.
func (s *Server) routes(e *echo.Echo) {
	e.GET("/healthz", s.showHealth)
	e.GET("/", s.showTodayPage)

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
