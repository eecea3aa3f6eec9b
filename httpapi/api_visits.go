package httpapi

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

func (s *Server) listVisits(c echo.Context) error {
	f := store.VisitFilter{Leader: c.QueryParam("leader"), Township: c.QueryParam("township"), Kind: visits.Kind(c.QueryParam("kind"))}
	var err error
	if f.From, err = apiQueryDate(c, "from"); err != nil {
		return err
	}
	if f.To, err = apiQueryDate(c, "to"); err != nil {
		return err
	}
	if f, err = service.VisitFilterFor(unitOf(c), f); err != nil {
		return err
	}
	vs, err := s.svc.ListVisits(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"visits": vs})
}

func (s *Server) showVisit(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.VisitFor(c.Request().Context(), unitOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"visit": v})
}

// createVisit plans a visit after checking the leader is free then.
func (s *Server) createVisit(c echo.Context) error {
	var in service.VisitInput
	if err := apiDecode(c, &in); err != nil {
		return err
	}
	v, err := s.svc.CreateVisit(c.Request().Context(), s.call(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"visit": v})
}

// visitAct is a change of a visit the API and the staff pages run the same way.
type visitAct func(ctx context.Context, c service.Call, id int64, in service.VisitAct) (service.VisitChange, error)

// changeVisit answers with the saved visit; a dissatisfied return visit lists each case's 复查 window.
func (s *Server) changeVisit(c echo.Context, act visitAct) error {
	res, err := apiChange(s, c, act)
	if err != nil {
		return err
	}
	resp := map[string]any{"visit": res.Visit}
	if res.Reviews != nil {
		resp["reviews"] = res.Reviews
	}
	return c.JSON(http.StatusOK, resp)
}

func (s *Server) confirmVisit(c echo.Context) error { return s.changeVisit(c, s.svc.ConfirmVisit) }
func (s *Server) cancelVisit(c echo.Context) error  { return s.changeVisit(c, s.svc.CancelVisit) }
func (s *Server) rescheduleVisit(c echo.Context) error {
	return s.changeVisit(c, s.svc.RescheduleVisit)
}
func (s *Server) recordOutcome(c echo.Context) error { return s.changeVisit(c, s.svc.RecordOutcome) }

// showFreeSlots lists the days a leader can be offered for an invited visit (default next 30).
func (s *Server) showFreeSlots(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.store.Person(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	from, err := apiQueryDate(c, "from")
	if err != nil {
		return err
	}
	to, err := apiQueryDate(c, "to")
	if err != nil {
		return err
	}
	from, to = service.OfferWindow(s.today(), from, to)
	free, busy, err := s.svc.FreeSlots(ctx, p.ID, from, to)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"leader": p.ID, "name": p.Name, "from": from, "to": to,
		"free_days": free, "busy": busy})
}
