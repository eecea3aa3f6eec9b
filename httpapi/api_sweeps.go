package httpapi

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/scheduler"
	"zhiban/store"
	"zhiban/visits"
)

// sweepView is a month's sweep with its tasks, findings and report.
type sweepView struct {
	Sweep    visits.Sweep       `json:"sweep"`
	Tasks    []visits.Task      `json:"tasks"`
	Findings []visits.Finding   `json:"findings"`
	Report   visits.MonthReport `json:"report"`
}

func (s *Server) loadSweep(ctx context.Context, month visits.Month) (sweepView, error) {
	sw, err := s.store.Sweep(ctx, month)
	if err != nil {
		return sweepView{}, err
	}
	tasks, err := s.store.SweepTasks(ctx, month)
	if err != nil {
		return sweepView{}, err
	}
	fs, err := s.store.Findings(ctx, store.FindingFilter{Month: month})
	if err != nil {
		return sweepView{}, err
	}
	cases, err := s.store.Cases(ctx, store.CaseFilter{})
	if err != nil {
		return sweepView{}, err
	}
	cal, err := s.caseCalendar(ctx, s.store)
	if err != nil {
		return sweepView{}, err
	}
	return sweepView{Sweep: sw, Tasks: tasks, Findings: fs, Report: visits.Summarise(sw, tasks, fs, cases, s.apiToday(), cal)}, nil
}

// showCurrentSweep shows the latest sweep.
func (s *Server) showCurrentSweep(c echo.Context) error {
	ctx := c.Request().Context()
	sw, err := s.store.LatestSweep(ctx)
	if err != nil {
		return err
	}
	v, err := s.loadSweep(ctx, sw.Month)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func sweepMonth(c echo.Context) (visits.Month, error) {
	first, err := visits.ParseMonth(c.Param("month"))
	if err != nil {
		return "", fault.InvalidField("month", "月份应为 YYYY-MM，如 2027-01")
	}
	return visits.MonthOf(first), nil
}

// showSweep shows one month's sweep and its report.
func (s *Server) showSweep(c echo.Context) error {
	month, err := sweepMonth(c)
	if err != nil {
		return err
	}
	v, err := s.loadSweep(c.Request().Context(), month)
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
	if in.Township == "" {
		return fault.InvalidField("township", "请选择乡镇")
	}
	for i := range in.Findings {
		in.Findings[i].ID, in.Findings[i].Case, in.Findings[i].Resolved, in.Findings[i].RolledFrom = 0, 0, false, 0
	}
	ctx := c.Request().Context()
	resp := map[string]any{}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		// An unknown township is a mistake in the request (400), not a missing sweep (404).
		if err := s.checkTownship(ctx, tx, in.Township); err != nil {
			return err
		}
		t, err := tx.SweepTaskOf(ctx, month, in.Township)
		if err != nil {
			return err
		}
		if t.Status != visits.TaskOpen {
			return &fault.Error{Kind: fault.Conflict, Code: "already_filed", Msg: "本月报告已于 " + t.Filed.String() + " 提交", Items: []visits.Task{t}}
		}
		r := visits.Report{Nil: in.Nil, Findings: in.Findings}
		if err := t.File(r, s.apiToday(), actor(c)); err != nil {
			return err
		}
		if err := tx.SaveSweepTask(ctx, t, "file", actor(c)); err != nil {
			return err
		}
		for i := range r.Findings {
			r.Findings[i].Task = t.ID
		}
		added, err := tx.AddFindings(ctx, r.Findings, actor(c))
		if err != nil {
			return err
		}
		if added == nil {
			added = []visits.Finding{}
		}
		resp["task"], resp["findings"] = t, added
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, resp)
}

// escalateFinding turns a finding into a key case with a 包保领导 and says why that leader.
func (s *Server) escalateFinding(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	resp := map[string]any{}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		f, err := tx.Finding(ctx, id)
		if err != nil {
			return err
		}
		if f.Case != 0 {
			k, err := tx.Case(ctx, f.Case)
			if err != nil {
				return err
			}
			return &fault.Error{Kind: fault.Conflict, Code: "already_escalated", Msg: "该排查发现已转为案件 " + k.Code, Items: []any{k.Public()}}
		}
		k, ch, err := scheduler.EscalateFinding(ctx, tx, f, s.apiToday(), actor(c))
		if err != nil {
			return err
		}
		resp["case"], resp["choice"] = k, ch
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, resp)
}

// resolveFinding marks a finding resolved (化解), so it does not roll over.
func (s *Server) resolveFinding(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var out visits.Finding
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		f, err := tx.Finding(ctx, id)
		if err != nil {
			return err
		}
		if f.Resolved {
			return &fault.Error{Kind: fault.Conflict, Code: "already_resolved", Msg: "该排查发现已化解", Items: []visits.Finding{f}}
		}
		f.Resolved = true
		out = f
		return tx.SaveFinding(ctx, f, "resolve", actor(c))
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"finding": out})
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
