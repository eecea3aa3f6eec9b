package httpapi

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"zhiban/roster"
)

// dutyPerson is what the public sees of a leader: never the phone.
type dutyPerson struct {
	Role      string `json:"role"`
	ID        string `json:"id"`
	Name      string `json:"name"`
	Title     string `json:"title"`
	Portfolio string `json:"portfolio"`
}

// dutyDay is one roster's duty on one day.
type dutyDay struct {
	Date       roster.Date  `json:"date"`
	RosterID   string       `json:"roster"`
	RosterName string       `json:"roster_name"`
	Start      string       `json:"start"`
	End        string       `json:"end"`
	Place      string       `json:"place"`
	Leaders    []dutyPerson `json:"leaders"`
}

// publicDuties returns the stored duties between from and to, per day and roster.
func (s *Server) publicDuties(ctx context.Context, from, to roster.Date) ([]dutyDay, error) {
	defs, err := s.store.Rosters(ctx)
	if err != nil {
		return nil, err
	}
	people, err := s.store.People(ctx)
	if err != nil {
		return nil, err
	}
	as, err := s.store.Assignments(ctx, from, to)
	if err != nil {
		return nil, err
	}
	byID := map[string]roster.Person{}
	for _, p := range people {
		byID[p.ID] = p
	}
	defByID := map[string]roster.Definition{}
	for _, d := range defs {
		defByID[d.ID] = d
	}
	var out []dutyDay
	for _, a := range as {
		if len(out) == 0 || out[len(out)-1].Date != a.Date || out[len(out)-1].RosterID != a.Roster {
			d := defByID[a.Roster]
			out = append(out, dutyDay{Date: a.Date, RosterID: d.ID, RosterName: d.Name, Start: d.Start.String(), End: d.End.String(), Place: d.Place})
		}
		p := byID[a.Person]
		last := &out[len(out)-1]
		last.Leaders = append(last.Leaders, dutyPerson{Role: a.Role, ID: p.ID, Name: p.Name, Title: p.Title, Portfolio: p.Portfolio})
	}
	return out, nil
}

// showTodayPage shows today's duty leaders and the coming days.
func (s *Server) showTodayPage(c echo.Context) error {
	ctx := c.Request().Context()
	today := roster.Today(s.now(), s.cfg.Location)
	duties, err := s.publicDuties(ctx, today, today.AddDays(30))
	if err != nil {
		return err
	}
	countyName, err := s.store.Setting(ctx, "county")
	if err != nil {
		return err
	}
	rec, err := s.store.Reception(ctx)
	if err != nil {
		return err
	}
	var todays, upcoming []dutyDay
	for _, d := range duties {
		switch {
		case d.Date == today:
			todays = append(todays, d)
		case d.Date <= today.AddDays(7) || len(upcoming) == 0:
			upcoming = append(upcoming, d)
		}
	}
	return s.render(c, http.StatusOK, "today.html", map[string]any{
		"Title":     countyName + "领导值班接访",
		"County":    countyName,
		"Today":     today,
		"Duties":    todays,
		"Upcoming":  upcoming,
		"Reception": rec,
	})
}
