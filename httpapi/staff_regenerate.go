package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
)

type regenPage struct {
	staffLayout
	From, To string
	Out      *planner.Regeneration
}

// regenRange reads the range; empty means tomorrow to the end of next month.
func (s *Server) regenRange(c echo.Context) (*regenPage, roster.Date, roster.Date, error) {
	today := s.today()
	p := &regenPage{From: c.FormValue("from"), To: c.FormValue("to")}
	if p.From == "" {
		p.From = today.AddDays(1).String()
	}
	if p.To == "" {
		p.To = today.AddDays(1).MonthEnd().AddDays(1).MonthEnd().String()
	}
	from, err := roster.ParseDate(p.From)
	if err != nil {
		return p, 0, 0, fault.InvalidField("from", fmt.Sprintf("开始日期：%v", err))
	}
	to, err := roster.ParseDate(p.To)
	if err != nil {
		return p, 0, 0, fault.InvalidField("to", fmt.Sprintf("结束日期：%v", err))
	}
	return p, from, to, planner.CheckRegenRange(from, to, today)
}

func (s *Server) renderRegenerate(c echo.Context, status int, p *regenPage, msg string) error {
	p.Error = msg
	return s.renderStaff(c, status, "staff/regenerate.html", "roster", "重新排班", p)
}

func (s *Server) regenRefused(c echo.Context, p *regenPage, err error) error {
	if fe := fault.Classify(err); fe != nil && fe.Kind == fault.Invalid {
		return s.renderRegenerate(c, http.StatusBadRequest, p, fe.Msg)
	}
	return err
}

func (s *Server) showRegenerate(c echo.Context) error {
	p, from, to, err := s.regenRange(c)
	if err != nil {
		return s.regenRefused(c, p, err)
	}
	if c.QueryParam("preview") == "1" {
		out, err := planner.PreviewRegenerate(c.Request().Context(), s.store, from, to, s.today(), actor(c), unitOf(c))
		if err != nil {
			return s.regenRefused(c, p, err)
		}
		p.Out = &out
	}
	return s.renderRegenerate(c, http.StatusOK, p, "")
}

// applyRegenerate applies a preview; if anything changed since, it shows the new preview.
func (s *Server) applyRegenerate(c echo.Context) error {
	p, from, to, err := s.regenRange(c)
	if err != nil {
		return s.regenRefused(c, p, err)
	}
	// Applying is only ever the confirmation of a preview: without one the
	// request is incomplete (400), not a clash with someone else's edit (409).
	if c.FormValue("fingerprint") == "" {
		return s.renderRegenerate(c, http.StatusBadRequest, p, "请先预览，确认变更后再应用。")
	}
	out, err := planner.ApplyRegenerate(c.Request().Context(), s.store, from, to, s.today(), actor(c), unitOf(c), c.FormValue("fingerprint"))
	if errors.Is(err, store.ErrConflict) {
		p.Out = &out
		return s.renderRegenerate(c, http.StatusConflict, p, "预览之后数据已有变化，未应用。以下是最新的预览，请再次确认。")
	}
	if err != nil {
		return s.regenRefused(c, p, err)
	}
	defs, err := s.store.Rosters(c.Request().Context())
	if err != nil || len(defs) == 0 {
		return c.Redirect(http.StatusSeeOther, "/staff/roster")
	}
	home := planner.HomeRoster(defs, unitOf(c))
	return c.Redirect(http.StatusSeeOther, "/staff/roster/"+url.PathEscape(home.ID)+"/"+from.String()[:7]+
		"?"+s.doneQuery("已重新排班，变更 "+strconv.Itoa(len(out.Diff))+" 个班次"))
}

type fairnessPage struct {
	staffLayout
	planner.Fairness
	ClassLabels []string
}

func (s *Server) showFairness(c echo.Context) error {
	year := s.today().Year()
	if y, err := strconv.Atoi(c.QueryParam("year")); err == nil && y >= 2000 && y <= 2100 {
		year = y
	}
	f, err := planner.CountFairness(c.Request().Context(), s.store, year)
	if err != nil {
		return err
	}
	return s.renderStaff(c, http.StatusOK, "staff/fairness.html", "fairness", fmt.Sprintf("%d 年值班公平统计", year), &fairnessPage{
		Fairness: f, ClassLabels: []string{roster.Workday.Label(), roster.Weekend.Label(), roster.Holiday.Label()},
	})
}
