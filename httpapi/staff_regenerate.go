package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"

	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
)

// diffRow is one slot a regeneration would change.
type diffRow struct {
	Key            roster.Key
	Before, After  string // names; "" when the slot is empty
	BeforeID, AftD string
}

// regenOutcome is a regeneration's effect: what changes and the fairness
// before and after, over the same period.
type regenOutcome struct {
	From, To      roster.Date
	Diff          []diffRow
	Before, After roster.Metrics
	Unfilled      []roster.Unfilled
	Fingerprint   string
	// PoolNames and RosterNames name the pools and rosters for the page.
	PoolNames, RosterNames map[string]string
}

var errPreviewOnly = errors.New("preview: roll back")

// regenerate runs planner.Regenerate in a transaction and measures it; with
// apply false the transaction is rolled back, so the preview is exactly what
// applying would do at this moment.
func (s *Server) regenerate(ctx context.Context, from, to roster.Date, apply bool, who, wantFingerprint string) (regenOutcome, error) {
	out := regenOutcome{From: from, To: to}
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		in, before, err := planner.Input(ctx, tx, from, to)
		if err != nil {
			return err
		}
		out.PoolNames, out.RosterNames = map[string]string{}, map[string]string{}
		for _, p := range in.Pools {
			out.PoolNames[p.ID] = p.Name
		}
		for _, d := range in.Rosters {
			out.RosterNames[d.ID] = d.Name
		}
		res, err := planner.Regenerate(ctx, tx, from, to, s.today(), who)
		if err != nil {
			return err
		}
		after, err := tx.Assignments(ctx, from, to)
		if err != nil {
			return err
		}
		people, err := tx.People(ctx)
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, p := range people {
			names[p.ID] = p.Name
		}
		b, a := map[roster.Key]string{}, map[roster.Key]string{}
		var bs, as []roster.Assignment
		for _, x := range before {
			if x.Date >= from {
				b[x.Key()] = x.Person
				bs = append(bs, x.Assignment)
			}
		}
		for _, x := range after {
			a[x.Key()] = x.Person
			as = append(as, x.Assignment)
		}
		keys := map[roster.Key]bool{}
		for k := range b {
			keys[k] = true
		}
		for k := range a {
			keys[k] = true
		}
		h := sha256.New()
		for k := range keys {
			if a[k] != b[k] {
				out.Diff = append(out.Diff, diffRow{Key: k, Before: names[b[k]], After: names[a[k]], BeforeID: b[k], AftD: a[k]})
			}
		}
		sort.Slice(out.Diff, func(i, j int) bool {
			x, y := out.Diff[i].Key, out.Diff[j].Key
			if x.Date != y.Date {
				return x.Date < y.Date
			}
			if x.Roster != y.Roster {
				return x.Roster < y.Roster
			}
			return x.Role < y.Role
		})
		for _, d := range out.Diff {
			fmt.Fprintf(h, "%s|%s|%s|%s|%s\n", d.Key.Roster, d.Key.Date, d.Key.Role, d.BeforeID, d.AftD)
		}
		out.Fingerprint = hex.EncodeToString(h.Sum(nil))[:16]
		out.Before = roster.ComputeMetrics(in, bs)
		out.After = roster.ComputeMetrics(in, as)
		out.Unfilled = res.Plan.Unfilled
		if !apply {
			return errPreviewOnly
		}
		if wantFingerprint != out.Fingerprint {
			return fmt.Errorf("httpapi: regenerate changed since preview: %w", store.ErrConflict)
		}
		return nil
	})
	if errors.Is(err, errPreviewOnly) {
		err = nil
	}
	return out, err
}

func (s *Server) regenRange(c echo.Context) (roster.Date, roster.Date, error) {
	today := s.today()
	fromS, toS := c.FormValue("from"), c.FormValue("to")
	if fromS == "" {
		fromS = today.AddDays(1).String()
	}
	if toS == "" {
		toS = today.AddDays(1).MonthEnd().AddDays(1).MonthEnd().String()
	}
	from, err := roster.ParseDate(fromS)
	if err != nil {
		return 0, 0, fmt.Errorf("开始日期：%v", err)
	}
	to, err := roster.ParseDate(toS)
	if err != nil {
		return 0, 0, fmt.Errorf("结束日期：%v", err)
	}
	if from <= today {
		return from, to, fmt.Errorf("只能重排明天（%s）及以后的班次", today.AddDays(1))
	}
	if to < from || to.DaysSince(from) > 366 {
		return from, to, errors.New("结束日期须不早于开始日期，且范围不超过一年")
	}
	return from, to, nil
}

// showRegenerate shows the range form, and with ?from&to the preview.
func (s *Server) showRegenerate(c echo.Context) error {
	from, to, err := s.regenRange(c)
	data := map[string]any{"From": from.String(), "To": to.String()}
	if err != nil {
		data["Error"] = err.Error()
		return s.renderStaff(c, http.StatusBadRequest, "staff/regenerate.html", "roster", "重新排班", data)
	}
	if c.QueryParam("preview") == "1" {
		out, err := s.regenerate(c.Request().Context(), from, to, false, actor(c), "")
		if err != nil {
			return err
		}
		data["Out"] = &out
	}
	return s.renderStaff(c, http.StatusOK, "staff/regenerate.html", "roster", "重新排班", data)
}

// applyRegenerate applies a previewed regeneration in one transaction; if
// anything changed since the preview it shows the new preview instead.
func (s *Server) applyRegenerate(c echo.Context) error {
	from, to, err := s.regenRange(c)
	if err != nil {
		return s.renderStaff(c, http.StatusBadRequest, "staff/regenerate.html", "roster", "重新排班",
			map[string]any{"From": from.String(), "To": to.String(), "Error": err.Error()})
	}
	// Applying is only ever the confirmation of a preview: without one the
	// request is incomplete (400), not a clash with someone else's edit (409).
	if c.FormValue("fingerprint") == "" {
		return s.renderStaff(c, http.StatusBadRequest, "staff/regenerate.html", "roster", "重新排班",
			map[string]any{"From": from.String(), "To": to.String(), "Error": "请先预览，确认变更后再应用。"})
	}
	out, err := s.regenerate(c.Request().Context(), from, to, true, actor(c), c.FormValue("fingerprint"))
	if errors.Is(err, store.ErrConflict) {
		return s.renderStaff(c, http.StatusConflict, "staff/regenerate.html", "roster", "重新排班", map[string]any{
			"From": from.String(), "To": to.String(), "Out": &out,
			"Error": "预览之后数据已有变化，未应用。以下是最新的预览，请再次确认。",
		})
	}
	if err != nil {
		return err
	}
	defs, err := s.store.Rosters(c.Request().Context())
	if err != nil || len(defs) == 0 {
		return c.Redirect(http.StatusSeeOther, "/staff/roster")
	}
	return c.Redirect(http.StatusSeeOther, "/staff/roster/"+url.PathEscape(defs[0].ID)+"/"+from.String()[:7]+
		"?"+doneQuery("已重新排班，变更 "+strconv.Itoa(len(out.Diff))+" 个班次"))
}

// fairRow is one leader's duties in one pool, by day class.
type fairRow struct {
	Pool, Person, Name string
	Year, All          [3]int
	YearTotal, Total   int
}

// showFairness shows, per pool and leader, duties by day class this year and
// over all stored history, beside the engine's bounds and balance score.
func (s *Server) showFairness(c echo.Context) error {
	ctx := c.Request().Context()
	year := s.today().Year()
	if y, err := strconv.Atoi(c.QueryParam("year")); err == nil && y >= 2000 && y <= 2100 {
		year = y
	}
	from, to := roster.NewDate(year, 1, 1), roster.NewDate(year, 12, 31)
	all, err := s.store.Assignments(ctx, 0, to)
	if err != nil {
		return err
	}
	// Measure from the first to the last stored duty of the year: days before
	// the installation and the unplanned rest of the year would count as
	// unfilled and swamp the figures.
	if len(all) > 0 && all[len(all)-1].Date >= from {
		to = all[len(all)-1].Date
	}
	for _, a := range all {
		if a.Date >= from {
			from = a.Date
			break
		}
	}
	in, stored, err := planner.Input(ctx, s.store, from, to)
	if err != nil {
		return err
	}
	first := from
	if len(all) > 0 && all[0].Date < first {
		first = all[0].Date
	}
	cal, err := planner.Calendar(ctx, s.store, first, to)
	if err != nil {
		return err
	}
	poolOf := map[[2]string]string{}
	for _, d := range in.Rosters {
		for _, sl := range d.Slots {
			poolOf[[2]string{d.ID, sl.Role}] = sl.Pool
		}
	}
	names := map[string]string{}
	for _, p := range in.People {
		names[p.ID] = p.Name
	}
	rows := map[[2]string]*fairRow{}
	var order []*fairRow
	for _, pl := range in.Pools {
		for _, m := range pl.Members {
			r := &fairRow{Pool: pl.Name, Person: m, Name: names[m]}
			rows[[2]string{pl.ID, m}] = r
			order = append(order, r)
		}
	}
	for _, a := range all {
		r := rows[[2]string{poolOf[[2]string{a.Roster, a.Role}], a.Person}]
		if r == nil {
			continue
		}
		cl := cal.Class(a.Date)
		r.All[cl]++
		r.Total++
		if a.Date >= from {
			r.Year[cl]++
			r.YearTotal++
		}
	}
	var inYear []roster.Assignment
	for _, a := range stored {
		if a.Date >= from {
			inYear = append(inYear, a.Assignment)
		}
	}
	m := roster.ComputeMetrics(in, inYear)
	poolNames := map[string]string{}
	for _, p := range in.Pools {
		poolNames[p.ID] = p.Name
	}
	return s.renderStaff(c, http.StatusOK, "staff/fairness.html", "fairness", fmt.Sprintf("%d 年值班公平统计", year), map[string]any{
		"Year": year, "PrevYear": year - 1, "NextYear": year + 1, "Rows": order, "Metrics": m, "PoolNames": poolNames,
		"ClassLabels": []string{roster.Workday.Label(), roster.Weekend.Label(), roster.Holiday.Label()},
		"Since":       first,
		"Until":       to,
	})
}
