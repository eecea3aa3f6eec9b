package httpapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

func (s *Server) loadSweep(c echo.Context, month visits.Month) (service.SweepView, error) {
	v, err := s.svc.Sweep(c.Request().Context(), month, s.today())
	return v.ForUnit(unitOf(c)), err
}

func (s *Server) showCurrentSweep(c echo.Context) error {
	v, err := s.svc.LatestSweep(c.Request().Context(), s.today())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v.ForUnit(unitOf(c)))
}

func sweepMonth(c echo.Context) (visits.Month, error) {
	first, err := visits.ParseMonth(c.Param("month"))
	if err != nil {
		return "", fault.InvalidField("month", "月份应为 YYYY-MM，如 2027-01")
	}
	return visits.MonthOf(first), nil
}

func (s *Server) showSweep(c echo.Context) error {
	month, err := sweepMonth(c)
	if err != nil {
		return err
	}
	v, err := s.loadSweep(c, month)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// listFindings lists a month's findings; unresolved=1 keeps the open ones.
func (s *Server) listFindings(c echo.Context) error {
	month, err := sweepMonth(c)
	if err != nil {
		return err
	}
	f := store.FindingFilter{Month: month}
	switch c.QueryParam("unresolved") {
	case "", "0", "false":
	case "1", "true":
		f.Unresolved = true
	default:
		return fault.InvalidField("unresolved", "应为 1 或 0")
	}
	fs, err := s.store.Findings(c.Request().Context(), f)
	if err != nil {
		return err
	}
	if fs, err = s.svc.FindingsFor(c.Request().Context(), unitOf(c), month, fs); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"findings": fs})
}

type reportInput struct {
	Township string           `json:"township"`
	Nil      bool             `json:"nil"`
	Findings []visits.Finding `json:"findings"`
}

// fileReport files a township's report: findings, or a nil report (零报告).
func (s *Server) fileReport(c echo.Context) error {
	month, err := sweepMonth(c)
	if err != nil {
		return err
	}
	var in reportInput
	if err := apiDecode(c, &in); err != nil {
		return err
	}
	t, added, err := s.svc.FileReport(c.Request().Context(), s.call(c), month, in.Township, visits.Report{Nil: in.Nil, Findings: in.Findings})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"task": t, "findings": added})
}

// escalateFinding turns a finding into a key case with a 包保领导 and says why that leader.
func (s *Server) escalateFinding(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	k, ch, err := s.svc.EscalateFinding(c.Request().Context(), s.call(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"case": k, "choice": ch})
}

// linkFinding puts a finding with the open case its dispute already has: {"case": "2026-0042"}.
func (s *Server) linkFinding(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	var body struct {
		Case string `json:"case"`
	}
	if err := apiDecode(c, &body); err != nil {
		return err
	}
	f, k, err := s.svc.LinkFinding(c.Request().Context(), s.call(c), id, strings.TrimSpace(body.Case))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"finding": f, "case": k.Public()})
}

// resolveFinding marks a finding resolved (化解), so it does not roll over.
func (s *Server) resolveFinding(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	f, err := s.svc.ResolveFinding(c.Request().Context(), s.call(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"finding": f})
}

// listFlags lists follow-up flags raised since a date (default: all).
func (s *Server) listFlags(c echo.Context) error {
	since, err := apiQueryDate(c, "since")
	if err != nil {
		return err
	}
	fs, err := s.store.Flags(c.Request().Context(), since)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"flags": fs})
}
