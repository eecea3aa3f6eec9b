package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// showHealth reports the version and whether the database answers.
func (s *Server) showHealth(c echo.Context) error {
	ctx := c.Request().Context()
	body := map[string]any{"status": "ok", "version": s.version, "database": "ok"}
	status := http.StatusOK
	if err := s.store.Ping(ctx); err != nil {
		body["status"], body["database"] = "degraded", "unavailable"
		status = http.StatusServiceUnavailable
	} else if v, err := s.store.SchemaVersion(ctx); err == nil {
		body["schema_version"] = v
	}
	return c.JSON(status, body)
}
