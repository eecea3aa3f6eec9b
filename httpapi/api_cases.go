package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/service"
)

func (s *Server) listCases(c echo.Context) error {
	q := service.CaseQuery{Township: c.QueryParam("township"), Leader: c.QueryParam("leader"), State: c.QueryParam("state"),
		Search: c.QueryParam("q")}
	switch c.QueryParam("overdue") {
	case "1", "true":
		q.Overdue = true
	case "", "0", "false":
	default:
		return fault.InvalidField("overdue", "应为 1 或 0")
	}
	limit := 0
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fault.Invalidf("limit", "每页条数应在 1 到 %d 之间", service.MaxCasePageSize)
		}
		limit = n
	}
	list, err := s.svc.ListCasePage(c.Request().Context(), s.today(), q, c.QueryParam("after"), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, list)
}

func (s *Server) showCase(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	k, err := s.svc.ReadCase(c.Request().Context(), s.today(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, k)
}

// createCase registers a case; without a code it gets the year's next one.
func (s *Server) createCase(c echo.Context) error {
	var in service.CaseInput
	if err := apiDecode(c, &in); err != nil {
		return err
	}
	k, err := s.svc.RegisterCase(c.Request().Context(), s.call(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"case": k})
}

// caseAct is a change of a case the API and the staff pages run the same way.
type caseAct func(ctx context.Context, c service.Call, id int64, in service.CaseAct) (service.CaseChange, error)

// changeCase answers with the saved case (and any return visit a reply scheduled).
func (s *Server) changeCase(c echo.Context, act caseAct) error {
	res, err := apiChange(s, c, act)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

func (s *Server) transitionCase(c echo.Context) error { return s.changeCase(c, s.svc.TransitionCase) }
func (s *Server) addMilestone(c echo.Context) error   { return s.changeCase(c, s.svc.AddMilestone) }
func (s *Server) extendCase(c echo.Context) error     { return s.changeCase(c, s.svc.ExtendCase) }
func (s *Server) setCaseLeader(c echo.Context) error  { return s.changeCase(c, s.svc.SetCaseLeader) }

// revealPhone answers an editor with case id's petitioner phone in full and
// audits it; every other answer carries it masked.
func (s *Server) revealPhone(c echo.Context) error {
	phone, err := s.revealed(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"phone": phone})
}

// revealed is the full phone of the case in the path, audited and not cached.
func (s *Server) revealed(c echo.Context) (string, error) {
	id, err := apiPathID(c, "id")
	if err != nil {
		return "", err
	}
	phone, err := s.svc.RevealPhone(c.Request().Context(), s.call(c), id)
	c.Response().Header().Set("Cache-Control", "no-store")
	return phone, err
}
