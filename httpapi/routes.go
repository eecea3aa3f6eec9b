package httpapi

import "github.com/labstack/echo/v4"

// routes is the whole HTTP surface in one table.
func (s *Server) routes(e *echo.Echo) {
	e.GET("/healthz", s.showHealth)
	e.GET("/", s.showTodayPage)
}
