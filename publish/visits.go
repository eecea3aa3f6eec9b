package publish

import (
	"context"
	"time"

	"zhiban/roster"
	"zhiban/visits"
)

// Visit is all the public sees of a 带案下访: date, time, leader, title and
// township. Never a petitioner, a case, a place or a phone.
type Visit struct {
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

// Visits returns public case-carrying visits in [from, to]; every public output
// reads them only here. The place is never published: a visit may meet a
// petitioner at home.
func (p *Publisher) Visits(ctx context.Context, from, to roster.Date) ([]Visit, error) {
	vs, err := p.st.PublicCarryVisits(ctx, from, to, "")
	if err != nil {
		return nil, err
	}
	person, err := p.peopleByID(ctx)
	if err != nil {
		return nil, err
	}
	township, err := p.unitNames(ctx)
	if err != nil {
		return nil, err
	}
	out := []Visit{}
	for _, v := range vs {
		switch v.State {
		case visits.VisitConfirmed, visits.VisitDone, visits.VisitCancelled:
		default:
			continue // a proposal staff have not confirmed, or a no-show, is not published
		}
		l := person[v.Leader]
		pv := Visit{ID: v.ID, Date: v.Date, LeaderName: l.Name, LeaderTitle: l.Title,
			TownshipID: v.Township, Township: township[v.Township],
			Cancelled: v.State == visits.VisitCancelled, Sequence: max(v.Version-1, 0), Updated: v.UpdatedAt}
		if v.End > v.Start {
			pv.Start, pv.End = v.Start.String(), v.End.String()
		}
		out = append(out, pv)
	}
	return out, nil
}

// TownshipGroup is the visits of one township.
type TownshipGroup struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Feed   string  `json:"feed"`
	Visits []Visit `json:"visits"`
}

// VisitsJSON is the body of /api/v1/public/visits.
type VisitsJSON struct {
	Townships []TownshipGroup `json:"townships"`
}

// VisitsPage is the data of the public page /visits.
type VisitsPage struct {
	Title, Desc string
	County      string
	Groups      []TownshipGroup
	Count       int // visits in all groups
	Site        Site
}

// VisitsByTownship groups visits from a week ago to 90 days on by township,
// listing every township so each feed link shows.
func (p *Publisher) VisitsByTownship(ctx context.Context, today roster.Date) (groups []TownshipGroup, modified time.Time, err error) {
	vs, err := p.Visits(ctx, today.AddDays(-7), today.AddDays(90))
	if err != nil {
		return nil, time.Time{}, err
	}
	units, err := p.st.Units(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	idx := map[string]int{}
	for _, u := range units {
		if u.Kind == "township" {
			idx[u.ID] = len(groups)
			groups = append(groups, TownshipGroup{ID: u.ID, Name: u.Name, Feed: "/feeds/township/" + u.ID + ".ics", Visits: []Visit{}})
		}
	}
	for _, v := range vs {
		if i, ok := idx[v.TownshipID]; ok {
			groups[i].Visits = append(groups[i].Visits, v)
		}
		if v.Updated.After(modified) {
			modified = v.Updated
		}
	}
	return groups, modified, nil
}

// VisitsPage returns the data of /visits and when it last changed.
func (p *Publisher) VisitsPage(ctx context.Context, today roster.Date) (VisitsPage, time.Time, error) {
	groups, last, err := p.VisitsByTownship(ctx, today)
	if err != nil {
		return VisitsPage{}, time.Time{}, err
	}
	countyName, err := p.county(ctx)
	if err != nil {
		return VisitsPage{}, time.Time{}, err
	}
	pg := VisitsPage{Title: countyName + "县级领导带案下访安排", Desc: countyName + "县级领导带案下访的日期、领导与乡镇",
		County: countyName, Groups: groups, Site: p.site(countyName)}
	for _, g := range groups {
		pg.Count += len(g.Visits)
	}
	return pg, last, nil
}
