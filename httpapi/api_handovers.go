package httpapi

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/service"
)

// handOverCase hands the case in the path to a unit (交办).
func (s *Server) handOverCase(c echo.Context) error {
	return answerHandover(s, c, http.StatusCreated, s.svc.HandOver)
}

func (s *Server) declineHandover(c echo.Context) error {
	return answerHandover(s, c, http.StatusOK, s.svc.DeclineHandover)
}

func (s *Server) reportHandover(c echo.Context) error {
	return answerHandover(s, c, http.StatusOK, s.svc.ReportHandover)
}

// answerHandover runs a hand-over act on the id in the path and answers with the saved hand-over.
func answerHandover[In any](s *Server, c echo.Context, status int, act func(context.Context, service.Call, int64, In) (service.HandoverView, error)) error {
	res, err := apiChange(s, c, act)
	if err != nil {
		return err
	}
	return c.JSON(status, map[string]any{"handover": res})
}

// listHandovers filters by unit, state and overdue=1; overdue ones come first.
func (s *Server) listHandovers(c echo.Context) error {
	q, err := handoverQuery(c)
	if err != nil {
		return err
	}
	list, err := s.svc.ListHandovers(c.Request().Context(), s.call(c), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"handovers": list})
}

func handoverQuery(c echo.Context) (service.HandoverQuery, error) {
	q := service.HandoverQuery{Unit: c.QueryParam("unit"), State: c.QueryParam("state")}
	switch c.QueryParam("overdue") {
	case "1", "true":
		q.Overdue = true
	case "", "0", "false":
	default:
		return q, fault.InvalidField("overdue", "应为 1 或 0")
	}
	return q, nil
}

func (s *Server) showHandover(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	h, err := s.svc.Handover(c.Request().Context(), s.call(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"handover": h})
}

func (s *Server) withdrawHandover(c echo.Context) error {
	return answerHandover(s, c, http.StatusOK, s.svc.WithdrawHandover)
}
