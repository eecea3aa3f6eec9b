package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// listVisits lists visits by leader, township, kind and date range.
func (s *Server) listVisits(c echo.Context) error {
	f := store.VisitFilter{Leader: c.QueryParam("leader"), Township: c.QueryParam("township"), Kind: visits.Kind(c.QueryParam("kind"))}
	if f.Kind != "" && !f.Kind.Valid() {
		return fault.InvalidField("kind", "类型无效，应为 开门接访、主动约访、带案下访 或 上门回访")
	}
	var err error
	if f.From, err = apiQueryDate(c, "from"); err != nil {
		return err
	}
	if f.To, err = apiQueryDate(c, "to"); err != nil {
		return err
	}
	if f.From != 0 && f.To != 0 && f.To < f.From {
		return fault.InvalidField("to", "结束日期早于开始日期")
	}
	vs, err := s.store.Visits(c.Request().Context(), f)
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
	v, err := s.store.Visit(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"visit": v})
}

// visitConflicts refuses v with a 409 listing what keeps its leader away.
func visitConflicts(ctx context.Context, tx *store.Store, v visits.Visit) error {
	busy, err := tx.Busy(ctx, v.Date, v.Date)
	if err != nil {
		return err
	}
	if cs := visits.Conflicts(v, busy); len(cs) > 0 {
		return &fault.Error{Kind: fault.Conflict, Code: "leader_busy", Msg: "领导在该时间另有安排：" + cs[0].Message, Items: cs}
	}
	return nil
}

type visitInput struct {
	Kind     visits.Kind  `json:"kind"`
	Leader   string       `json:"leader"`
	Date     roster.Date  `json:"date"`
	Start    roster.Clock `json:"start"`
	End      roster.Clock `json:"end"`
	Place    string       `json:"place"`
	Township string       `json:"township"`
	Cases    []int64      `json:"cases"`
}

// createVisit plans a visit after checking the leader is free then.
func (s *Server) createVisit(c echo.Context) error {
	var in visitInput
	if err := apiDecode(c, &in); err != nil {
		return err
	}
	v := visits.Visit{Kind: in.Kind, Leader: in.Leader, Date: in.Date, Start: in.Start, End: in.End, Place: in.Place,
		Township: in.Township, Cases: in.Cases, State: visits.VisitPlanned, CreatedBy: actor(c)}
	if err := v.Validate(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	var out visits.Visit
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := apiCheckLeader(ctx, tx, v.Leader); err != nil {
			return err
		}
		if v.Township != "" {
			if err := s.checkTownship(ctx, tx, v.Township); err != nil {
				return err
			}
		}
		if len(v.Cases) > 0 {
			found, err := tx.Cases(ctx, store.CaseFilter{IDs: v.Cases})
			if err != nil {
				return err
			}
			if len(found) != len(dedupe(v.Cases)) {
				return fault.InvalidField("cases", "关联的案件不存在")
			}
		}
		if err := visitConflicts(ctx, tx, v); err != nil {
			return err
		}
		var err error
		out, err = tx.CreateVisit(ctx, v, actor(c))
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"visit": out})
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

type visitActInput struct {
	Version int          `json:"version"`
	Date    roster.Date  `json:"date"`
	Start   roster.Clock `json:"start"`
	End     roster.Clock `json:"end"`
	Reason  string       `json:"reason"`
	visits.Outcome
}

// changeVisit loads a visit, applies fn and saves it under the version the caller read.
func (s *Server) changeVisit(c echo.Context, action string, fn func(ctx context.Context, tx *store.Store, v *visits.Visit, in visitActInput) error) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	var in visitActInput
	if err := apiDecode(c, &in); err != nil {
		return err
	}
	if in.Version <= 0 {
		return fault.InvalidField("version", "请提供读取时的版本号")
	}
	ctx := c.Request().Context()
	resp := map[string]any{}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		v, err := tx.Visit(ctx, id)
		if err != nil {
			return err
		}
		if v.Version != in.Version {
			return &fault.Error{Kind: fault.Conflict, Code: "conflict", Msg: "走访已被他人修改，请刷新后重试",
				Items: []any{map[string]any{"id": v.ID, "version": v.Version, "state": v.State, "date": v.Date}}}
		}
		if err := fn(ctx, tx, &v, in); err != nil {
			return err
		}
		saved, err := tx.SaveVisit(ctx, v, in.Version, action, actor(c))
		if err != nil {
			return err
		}
		resp["visit"] = saved
		if saved.Reopens() {
			reopened, refused, err := s.reopenCases(ctx, tx, saved, actor(c))
			if err != nil {
				return err
			}
			resp["reopened"] = reopened
			if len(refused) > 0 {
				resp["not_reopened"] = refused
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, resp)
}

// notReopened is a case a dissatisfied return visit could not reopen, and why
// (e.g. art. 36: a rechecked case is not accepted again).
type notReopened struct {
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// reopenCases reopens the cases of a return visit the petitioner was not
// satisfied with; a case the rules keep closed is reported with the reason.
func (s *Server) reopenCases(ctx context.Context, tx *store.Store, v visits.Visit, who string) ([]string, []notReopened, error) {
	cal, err := s.caseCalendar(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	codes, refused := []string{}, []notReopened{}
	for _, id := range v.Cases {
		k, err := tx.Case(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		if err := k.Apply(visits.ActReopen, v.Date, s.apiToday(), cal); err != nil {
			var rf *visits.Refusal
			if !errors.As(err, &rf) {
				return nil, nil, err
			}
			refused = append(refused, notReopened{Code: k.Code, Reason: rf.Msg})
			continue
		}
		if _, err := tx.SaveCase(ctx, k, k.Version, "reopen", who); err != nil {
			return nil, nil, err
		}
		codes = append(codes, k.Code)
	}
	return codes, refused, nil
}

// confirmVisit confirms a planned visit; the leader's time is checked again,
// since a duty, an absence or another visit may have come up since it was planned.
func (s *Server) confirmVisit(c echo.Context) error {
	return s.changeVisit(c, "confirm", func(ctx context.Context, tx *store.Store, v *visits.Visit, _ visitActInput) error {
		if err := v.Confirm(); err != nil {
			return err
		}
		return visitConflicts(ctx, tx, *v)
	})
}

func (s *Server) cancelVisit(c echo.Context) error {
	return s.changeVisit(c, "cancel", func(_ context.Context, _ *store.Store, v *visits.Visit, in visitActInput) error {
		return v.Cancel(in.Reason)
	})
}

// rescheduleVisit moves a visit, keeping the old time in its history; the new
// time is checked for conflicts like a new visit.
func (s *Server) rescheduleVisit(c echo.Context) error {
	return s.changeVisit(c, "reschedule", func(ctx context.Context, tx *store.Store, v *visits.Visit, in visitActInput) error {
		start, end := in.Start, in.End
		if start == 0 && end == 0 {
			start, end = v.Start, v.End
		}
		if err := v.Reschedule(in.Date, start, end, strings.TrimSpace(in.Reason), actor(c)); err != nil {
			return err
		}
		return visitConflicts(ctx, tx, *v)
	})
}

// recordOutcome records how a visit went; a dissatisfied return visit reopens its cases.
func (s *Server) recordOutcome(c echo.Context) error {
	return s.changeVisit(c, "outcome", func(ctx context.Context, tx *store.Store, v *visits.Visit, in visitActInput) error {
		if len(in.Cases) > 0 {
			found, err := tx.Cases(ctx, store.CaseFilter{IDs: in.Cases})
			if err != nil {
				return err
			}
			if len(found) != len(dedupe(in.Cases)) {
				return fault.InvalidField("cases", "关联的案件不存在")
			}
		}
		return v.Record(in.Outcome, s.apiToday())
	})
}

// maxSlotDays bounds a free-slots query: offers are for the coming weeks.
const maxSlotDays = 92

// freeSlots lists leader's free working days in [from, to] (no duty, absence
// or active visit) and what holds the other days, for 主动约访 offers.
func (s *Server) freeSlots(ctx context.Context, leader string, from, to roster.Date) ([]roster.Date, []visits.Conflict, error) {
	busy, err := s.store.Busy(ctx, from, to)
	if err != nil {
		return nil, nil, err
	}
	cal, err := s.caseCalendar(ctx, s.store)
	if err != nil {
		return nil, nil, err
	}
	free := visits.FreeDays(leader, from, to, cal, busy)
	if free == nil {
		free = []roster.Date{}
	}
	return free, visits.LeaderBusy(leader, from, to, busy), nil
}

// showFreeSlots is GET /api/v1/leaders/:id/free-slots?from=&to=: the days a
// leader can be offered for an invited visit (default: the next 30 days).
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
	if from == 0 {
		from = s.apiToday().AddDays(1)
	}
	if to == 0 {
		to = from.AddDays(29)
	}
	if to < from {
		return fault.InvalidField("to", "结束日期早于开始日期")
	}
	if to.DaysSince(from) >= maxSlotDays {
		return fault.InvalidField("to", fmt.Sprintf("查询范围不能超过 %d 天", maxSlotDays))
	}
	free, busy, err := s.freeSlots(ctx, p.ID, from, to)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"leader": p.ID, "name": p.Name, "from": from, "to": to,
		"free_days": free, "busy": busy})
}
