package httpapi

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/planner"
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

// publication is a published month and what the publisher should know about it.
type publication struct {
	store.Publication
	Warnings []string `json:"warnings,omitempty"`
}

// publishRosterMonth publishes roster's YYYY-MM month for both the API and the staff grid.
func (s *Server) publishRosterMonth(c echo.Context, rosterID, month string) (publication, error) {
	ctx := c.Request().Context()
	m, err := publish.ParseMonth(month)
	if err != nil {
		return publication{}, err
	}
	p, err := planner.PublishMonth(ctx, s.store, rosterID, m.String(), actor(c), unitOf(c))
	if errors.Is(err, store.ErrNothingToPublish) {
		return publication{}, fault.InvalidField("month", "该月尚无值班安排，无法公布")
	}
	if err != nil {
		return publication{}, err
	}
	out := publication{Publication: p}
	// Published is not confirmed: a month on a provisional calendar may still move.
	cal, err := planner.Calendar(ctx, s.store, m.First(), m.Last())
	if err != nil {
		return out, err
	}
	for _, y := range cal.ProvisionalYears(m.First(), m.Last()) {
		out.Warnings = append(out.Warnings, fmt.Sprintf("%d 年的节假日和调休安排为暂定（系统内置，尚未按国务院办公厅通知确认），确认后如有变动，请调整并重新公布", y))
	}
	return out, nil
}
