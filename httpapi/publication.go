package httpapi

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/publish"
	"zhiban/store"
)

// publishMonth publishes one roster month: the public page, JSON and feed
// show it from now on (with publish.auto false), and later edits show as
// 调整 against this snapshot. The staff UI calls it as
// POST /api/v1/rosters/:roster/months/:month/publish.
func (s *Server) publishMonth(c echo.Context) error {
	p, err := s.publishRosterMonth(c, c.Param("roster"), c.Param("month"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// publishRosterMonth publishes roster's month given as YYYY-MM in the
// caller's name; the API and the staff month grid both publish through it.
func (s *Server) publishRosterMonth(c echo.Context, rosterID, month string) (store.Publication, error) {
	m, err := publish.ParseMonth(month)
	if err != nil {
		return store.Publication{}, err
	}
	p, err := s.store.PublishMonth(c.Request().Context(), rosterID, m.String(), actor(c))
	if errors.Is(err, store.ErrNothingToPublish) {
		return p, fault.InvalidField("month", "该月尚无值班安排，无法公布")
	}
	return p, err
}
