package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/labstack/echo/v4"

	"zhiban/roster"
	"zhiban/store"
)

// pubState is the publication box of the staff month grid.
type pubState struct {
	Auto      bool // publish.auto: every stored duty is public anyway
	Published bool
	Pub       store.Publication
	At        string // when, in the county's zone
	Changes   []pubChange
}

// pubChange is one slot changed since publication (调整).
type pubChange struct {
	Date     roster.Date
	Role     string
	Was, Now string // names; "" for an empty slot
	Href     string
}

// markAdjustments marks grid cells differing from the published snapshot, by the
// public pages' rule (publish.View.Adjusted).
func (s *Server) markAdjustments(ctx context.Context, def roster.Definition, month roster.Date, days []gridDay) (pubState, error) {
	st := pubState{Auto: s.cfg.Publish.Auto}
	p, err := s.store.Publication(ctx, def.ID, roster.MonthOf(month).String())
	if errors.Is(err, store.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.Published, st.Pub = true, p
	st.At = p.PublishedAt.In(s.cfg.Location).Format("2006-01-02 15:04")
	view, err := s.pub.LoadView(ctx, month, month.MonthEnd())
	if err != nil {
		return st, err
	}
	people, err := s.peopleByID(ctx)
	if err != nil {
		return st, err
	}
	for i := range days {
		for j := range days[i].Cells {
			cell := &days[i].Cells[j]
			k := roster.Key{Roster: def.ID, Date: days[i].Date, Role: cell.Role}
			var was string
			var changed bool
			if cell.Person != "" {
				was, changed, _ = view.Adjusted(roster.Assignment{Roster: k.Roster, Date: k.Date, Role: k.Role, Person: cell.Person})
			} else {
				was, changed = view.PublishedPerson(k)
			}
			if !changed {
				continue
			}
			cell.Adjusted, cell.Was = true, people[was].Name
			st.Changes = append(st.Changes, pubChange{Date: k.Date, Role: k.Role, Was: cell.Was, Now: cell.Name, Href: cell.Href})
		}
	}
	return st, nil
}

// postPublishMonth publishes the grid's month through the same code as the API.
func (s *Server) postPublishMonth(c echo.Context) error {
	rosterID, month := c.Param("roster"), c.Param("month")
	p, err := s.publishRosterMonth(c, rosterID, month)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("已公布 %s 值班表（%d 个班次）", p.Month, p.Count)
	for _, w := range p.Warnings {
		msg += "。注意：" + w
	}
	return s.redirectDone(c, "/staff/roster/"+url.PathEscape(rosterID)+"/"+p.Month, msg)
}
