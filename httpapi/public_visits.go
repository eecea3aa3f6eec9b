package httpapi

import (
	"context"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/roster"
	"zhiban/visits"
)

// publicVisit is all the public sees of a 带案下访: date, time, leader,
// title and township. Never a petitioner, a case text or a phone.
type publicVisit struct {
	ID          int64       `json:"id"`
	Date        roster.Date `json:"date"`
	Start       string      `json:"start,omitempty"` // HH:MM in the county zone; empty when not fixed
	End         string      `json:"end,omitempty"`
	LeaderName  string      `json:"leader"`
	LeaderTitle string      `json:"title"`
	TownshipID  string      `json:"township_id"`
	Township    string      `json:"township"`
	Cancelled   bool        `json:"cancelled,omitempty"`
	Sequence    int         `json:"-"`
	Updated     time.Time   `json:"-"`
}

// publicVisits returns the public case-carrying visits between from and
// to, through the store's case-free view. Every public page, JSON endpoint
// and township feed reads visits only here, and keeps only date, time,
// leader, title and township: the place is not published, since a visit
// may meet a petitioner at home.
func (s *Server) publicVisits(ctx context.Context, from, to roster.Date) ([]publicVisit, error) {
	vs, err := s.store.PublicCarryVisits(ctx, from, to, "")
	if err != nil {
		return nil, err
	}
	people, err := s.store.People(ctx)
	if err != nil {
		return nil, err
	}
	units, err := s.store.Units(ctx)
	if err != nil {
		return nil, err
	}
	person := map[string]roster.Person{}
	for _, p := range people {
		person[p.ID] = p
	}
	township := map[string]string{}
	for _, u := range units {
		township[u.ID] = u.Name
	}
	out := []publicVisit{}
	for _, v := range vs {
		switch v.State {
		case visits.VisitConfirmed, visits.VisitDone, visits.VisitCancelled:
		default:
			continue // a proposal staff have not confirmed, or a no-show, is not published
		}
		p := person[v.Leader]
		pv := publicVisit{ID: v.ID, Date: v.Date, LeaderName: p.Name, LeaderTitle: p.Title,
			TownshipID: v.Township, Township: township[v.Township],
			Cancelled: v.State == visits.VisitCancelled, Sequence: max(v.Version-1, 0), Updated: v.UpdatedAt}
		if v.End > v.Start {
			pv.Start, pv.End = v.Start.String(), v.End.String()
		}
		out = append(out, pv)
	}
	return out, nil
}

// townshipGroup is the visits of one township.
type townshipGroup struct {
	ID     string        `json:"id"`
	Name   string        `json:"name"`
	Feed   string        `json:"feed"`
	Visits []publicVisit `json:"visits"`
}

// visitsByTownship groups the coming visits by township, in unit order,
// listing every township so each feed link is on the page.
func (s *Server) visitsByTownship(ctx context.Context) ([]townshipGroup, time.Time, error) {
	today := roster.Today(s.now(), s.cfg.Location)
	vs, err := s.publicVisits(ctx, today.AddDays(-7), today.AddDays(90))
	if err != nil {
		return nil, time.Time{}, err
	}
	units, err := s.store.Units(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	var out []townshipGroup
	idx := map[string]int{}
	for _, u := range units {
		if u.Kind == "township" {
			idx[u.ID] = len(out)
			out = append(out, townshipGroup{ID: u.ID, Name: u.Name, Feed: "/feeds/township/" + u.ID + ".ics", Visits: []publicVisit{}})
		}
	}
	var last time.Time
	for _, v := range vs {
		if i, ok := idx[v.TownshipID]; ok {
			out[i].Visits = append(out[i].Visits, v)
		}
		if v.Updated.After(last) {
			last = v.Updated
		}
	}
	return out, last, nil
}

// showVisitsPage lists public case-carrying visits by township.
func (s *Server) showVisitsPage(c echo.Context) error {
	return s.serveCached(c, "page:/visits", "text/html; charset=utf-8", "public, max-age=60", func(ctx context.Context) ([]byte, time.Time, error) {
		groups, last, err := s.visitsByTownship(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		countyName, err := s.store.Setting(ctx, "county")
		if err != nil {
			return nil, time.Time{}, err
		}
		n := 0
		for _, g := range groups {
			n += len(g.Visits)
		}
		body, err := s.renderBytes("visits.html", map[string]any{
			"Title":  countyName + "县级领导带案下访安排",
			"Desc":   countyName + "县级领导带案下访的日期、领导与乡镇",
			"County": countyName,
			"Groups": groups,
			"Count":  n,
		})
		return body, last, err
	})
}
