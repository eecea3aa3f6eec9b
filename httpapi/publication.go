package httpapi

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/publish"
	"zhiban/store"
)

// publishMonth publishes one roster month (with publish.auto false); later edits
// show as 调整 against this snapshot.
func (s *Server) publishMonth(c echo.Context) error {
	p, err := s.publishRosterMonth(c, c.Param("roster"), c.Param("month"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// publishRosterMonth publishes roster's YYYY-MM month for both the API and the staff grid.
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
