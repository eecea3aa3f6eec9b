package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/roster"
)

// maxRangeDays bounds /api/v1/public/range so one request cannot ask for years.
const maxRangeDays = 92

// parseRange reads from and to (YYYY-MM-DD); absent bounds default to today
// and 30 days on.
func parseRange(fromS, toS string, today roster.Date) (roster.Date, roster.Date, error) {
	from, to := today, today.AddDays(30)
	var err error
	if fromS != "" {
		if from, err = roster.ParseDate(fromS); err != nil {
			return 0, 0, fault.InvalidField("from", err.Error())
		}
	}
	if toS != "" {
		if to, err = roster.ParseDate(toS); err != nil {
			return 0, 0, fault.InvalidField("to", err.Error())
		}
	} else if fromS != "" {
		to = from.AddDays(30)
	}
	if to < from {
		return 0, 0, fault.InvalidField("to", "结束日期早于开始日期")
	}
	if to.DaysSince(from) >= maxRangeDays {
		return 0, 0, fault.InvalidField("to", fmt.Sprintf("一次最多查询 %d 天", maxRangeDays))
	}
	return from, to, nil
}

// showRangeJSON lists public duties between from and to.
func (s *Server) showRangeJSON(c echo.Context) error {
	from, to, err := parseRange(c.QueryParam("from"), c.QueryParam("to"), roster.Today(s.now(), s.cfg.Location))
	if err != nil {
		return err
	}
	key := "api:range:" + from.String() + ":" + to.String()
	return s.serveCached(c, key, "application/json; charset=utf-8", "public, max-age=60", func(ctx context.Context) ([]byte, time.Time, error) {
		duties, err := s.publicDuties(ctx, from, to)
		if err != nil {
			return nil, time.Time{}, err
		}
		if duties == nil {
			duties = []dutyDay{}
		}
		last, err := s.store.LastChange(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		body, err := json.Marshal(map[string]any{"from": from, "to": to, "duties": duties})
		return body, last, err
	})
}

// showVisitsJSON lists public case-carrying visits by township.
func (s *Server) showVisitsJSON(c echo.Context) error {
	return s.serveCached(c, "api:visits", "application/json; charset=utf-8", "public, max-age=60", func(ctx context.Context) ([]byte, time.Time, error) {
		groups, last, err := s.visitsByTownship(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		body, err := json.Marshal(map[string]any{"townships": groups})
		return body, last, err
	})
}
