package httpapi

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/planner"
	"zhiban/pubcache"
	"zhiban/roster"
)

// calendar is the effective official calendar for [from, to].
func (s *Server) calendar(ctx context.Context, from, to roster.Date) (roster.Calendar, error) {
	return planner.Calendar(ctx, s.store, from, to)
}

func monthKey(d roster.Date) string { return fmt.Sprintf("%04d-%02d", d.Year(), int(d.Month())) }

// parseMonth reads YYYY-MM (years 2000–2100) and returns the month's first day.
func parseMonth(s string) (roster.Date, error) {
	if len(s) != 7 || s[4] != '-' {
		return 0, fault.InvalidField("month", fmt.Sprintf("月份 %q 无效，应为 YYYY-MM", s))
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || y < 2000 || y > 2100 || m < 1 || m > 12 || s[5] == '+' || s[5] == '-' {
		return 0, fault.InvalidField("month", fmt.Sprintf("月份 %q 无效，应为 YYYY-MM", s))
	}
	return roster.NewDate(y, time.Month(m), 1), nil
}

func ptr[T any](v T) *T { return &v }

// monthRow is one day of the printable month.
type monthRow struct {
	Date    roster.Date
	Class   string // 工作日 / 周末 / 节假日（name） / 调休上班
	Off     bool
	Changed bool
	Duties  []dutyDay
}

// showRosterMonth shows one month as a table that prints on one A4 page.
func (s *Server) showRosterMonth(c echo.Context) error {
	first, err := parseMonth(c.Param("month"))
	if err != nil {
		return err
	}
	key := monthKey(first)
	return s.serveCached(c, pubcache.PathKey("/roster/"+key), "text/html; charset=utf-8", "public, max-age=60", func(ctx context.Context) ([]byte, time.Time, error) {
		last := first.MonthEnd()
		duties, err := s.publicDuties(ctx, first, last)
		if err != nil {
			return nil, time.Time{}, err
		}
		cal, err := s.calendar(ctx, first, last)
		if err != nil {
			return nil, time.Time{}, err
		}
		countyName, err := s.store.Setting(ctx, "county")
		if err != nil {
			return nil, time.Time{}, err
		}
		var roles []string
		seen := map[string]bool{}
		byDate := map[roster.Date][]dutyDay{}
		for _, d := range duties {
			byDate[d.Date] = append(byDate[d.Date], d)
			for _, l := range d.Leaders {
				if !seen[l.Role] {
					seen[l.Role] = true
					roles = append(roles, l.Role)
				}
			}
		}
		var rows []monthRow
		for d := first; d <= last; d++ {
			r := monthRow{Date: d, Duties: byDate[d], Off: !cal.IsWorkday(d)}
			switch h, ok := cal.Entry(d); {
			case ok && h.Kind == roster.Off:
				r.Class = "节假日"
				if h.Name != "" {
					r.Class = h.Name
				}
			case cal.IsMakeupWorkday(d):
				r.Class = "调休上班"
			case r.Off:
				r.Class = "周末"
			default:
				r.Class = "工作日"
			}
			for _, dd := range r.Duties {
				r.Changed = r.Changed || dd.Changed
			}
			rows = append(rows, r)
		}
		lastChange, err := s.store.LastChange(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		today := roster.Today(s.now(), s.cfg.Location)
		data := map[string]any{
			"Title":       fmt.Sprintf("%s%d年%d月领导值班接访安排表", countyName, first.Year(), int(first.Month())),
			"Desc":        fmt.Sprintf("%s%d年%d月县领导值班接访安排，可打印", countyName, first.Year(), int(first.Month())),
			"County":      countyName,
			"Month":       first,
			"Roles":       roles,
			"Rows":        rows,
			"Printed":     today,
			"Prev":        "/roster/" + monthKey(first.AddDays(-1)),
			"Next":        "/roster/" + monthKey(last.AddDays(1)),
			"PrevLabel":   fmt.Sprintf("%d年%d月", first.AddDays(-1).Year(), int(first.AddDays(-1).Month())),
			"NextLabel":   fmt.Sprintf("%d年%d月", last.AddDays(1).Year(), int(last.AddDays(1).Month())),
			"LastChange":  cnStamp(ptr(lastChange.In(s.cfg.Location))),
			"Print":       true,
			"AutoPublish": s.cfg.Publish.Auto,
		}
		body, err := s.renderBytes("roster_month.html", data)
		return body, lastChange, err
	})
}
