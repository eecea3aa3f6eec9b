package publish

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/store"
)

// A township (乡镇/街道) may keep its own duty roster at its 群众工作站
// (roster.Definition.Unit). Its page /township/{id} and its feed
// /feeds/township/{id}.ics show that roster and the county leaders' 带案下访
// to it, and nothing of another township; the county's own pages and
// /feeds/roster.ics show the county's rosters (no unit) only.

// TownshipPage is the public page /township/{id}.
type TownshipPage struct {
	Title, Desc     string
	County          string
	ID, Name        string
	Date            roster.Date
	Sections        []RosterSection // the township's rosters: today (or next) and the coming week
	DutyDay         bool            // some roster of the township has a duty today
	Visits          []Visit         // 带案下访 to the township, today and on; never a petitioner
	Feed            string          // /feeds/township/{id}.ics
	LastChanged     string
	AutoPublish     bool
	ProvisionalNote string
	Site            Site
}

// township returns township id's name, or a not-found error.
func (p *Publisher) township(ctx context.Context, id string) (string, error) {
	units, err := p.st.Units(ctx)
	if err != nil {
		return "", err
	}
	for _, u := range units {
		if u.ID == id && u.Kind == "township" {
			return u.Name, nil
		}
	}
	return "", fmt.Errorf("publish: township %s: %w", id, store.ErrNotFound)
}

// unitRosters is the set of rosters kept by unit ("" is the county's own).
func unitRosters(defs []roster.Definition, unit string) map[string]bool {
	out := map[string]bool{}
	for _, d := range defs {
		if d.Unit == unit {
			out[d.ID] = true
		}
	}
	return out
}

// only keeps from d the rosters keep accepts, with their duties.
func only(d Today, keep func(rosterID string) bool) Today {
	out := d
	out.Rosters, out.Duties, out.Week, out.NextDuty = []Roster{}, []DutyDay{}, []DutyDay{}, nil
	for _, r := range d.Rosters {
		if keep(r.ID) {
			out.Rosters = append(out.Rosters, r)
		}
	}
	out.Duties = append(out.Duties, rosterDuties(d.Duties, keep)...)
	out.Week = append(out.Week, rosterDuties(d.Week, keep)...)
	out.NextDuty = rosterDuties(d.NextDuty, keep)
	out.DutyDay = len(out.Duties) > 0
	return out
}

// TownshipPage returns township id's page as of today, and when its data last changed.
func (p *Publisher) TownshipPage(ctx context.Context, today roster.Date, id string) (TownshipPage, time.Time, error) {
	name, err := p.township(ctx, id)
	if err != nil {
		return TownshipPage{}, time.Time{}, err
	}
	d, err := p.Today(ctx, today)
	if err != nil {
		return TownshipPage{}, time.Time{}, err
	}
	defs, err := p.st.Rosters(ctx)
	if err != nil {
		return TownshipPage{}, time.Time{}, err
	}
	mine := unitRosters(defs, id)
	own := only(d, func(r string) bool { return mine[r] })
	vs, err := p.Visits(ctx, today, today.AddDays(60))
	if err != nil {
		return TownshipPage{}, time.Time{}, err
	}
	pg := TownshipPage{Title: name + "群众工作站值班安排", County: d.County, ID: id, Name: name, Date: today,
		Desc:     d.County + name + "群众工作站今日值班、近期值班安排与县级领导带案下访",
		Sections: Sections(own), DutyDay: own.DutyDay, Visits: []Visit{}, Feed: "/feeds/township/" + id + ".ics",
		AutoPublish: p.cfg.Publish.Auto, Site: p.site(d.County)}
	// The county reception centre's address is not the station's.
	for i := range pg.Sections {
		pg.Sections[i].Address = ""
	}
	for _, v := range vs {
		if v.TownshipID == id && !v.Cancelled {
			pg.Visits = append(pg.Visits, v)
		}
	}
	if d.LastChanged != nil {
		pg.LastChanged = p.stamp(*d.LastChanged)
	}
	shown := today.AddDays(weekDays)
	for _, n := range own.NextDuty {
		shown = max(shown, n.Date)
	}
	cal, err := p.calendar(ctx, today, shown)
	if err != nil {
		return TownshipPage{}, time.Time{}, err
	}
	pg.ProvisionalNote = provisionalNote(cal.ProvisionalYears(today, shown))
	return pg, d.Modified(), nil
}

// Station is one township roster's duty today on the county page.
type Station struct {
	TownshipID, Township string
	Roster
	Today *DutyDay // nil when the station has no duty today
	Next  *DutyDay // its next duty day when not today
}

// maxStationQuery bounds the township search of the county page.
const maxStationQuery = 20

// ParseStationQuery reads the township search q: trimmed, valid UTF-8, at most 20 characters.
func ParseStationQuery(q string) (string, error) {
	q = strings.TrimSpace(q)
	if !utf8.ValidString(q) || strings.ContainsFunc(q, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return "", fault.InvalidField("q", "查询内容无效")
	}
	if utf8.RuneCountInString(q) > maxStationQuery {
		return "", fault.InvalidField("q", fmt.Sprintf("乡镇名称最多 %d 个字", maxStationQuery))
	}
	return q, nil
}

// stations lists every township roster's duty today in d (all rosters), in
// unit order, keeping those whose township or roster name contains q.
func (p *Publisher) stations(ctx context.Context, d Today, q string) ([]Station, error) {
	units, err := p.st.Units(ctx)
	if err != nil {
		return nil, err
	}
	defs, err := p.st.Rosters(ctx)
	if err != nil {
		return nil, err
	}
	rosters := map[string]Roster{}
	for _, r := range d.Rosters {
		rosters[r.ID] = r
	}
	var out []Station
	for _, u := range units {
		if u.Kind != "township" {
			continue
		}
		for _, def := range defs {
			if def.Unit != u.ID {
				continue
			}
			r, ok := rosters[def.ID]
			if !ok {
				continue
			}
			if q != "" && !strings.Contains(u.Name, q) && !strings.Contains(r.Name, q) && !strings.Contains(r.Place, q) {
				continue
			}
			s := Station{TownshipID: u.ID, Township: u.Name, Roster: r}
			for i := range d.Duties {
				if d.Duties[i].RosterID == r.ID {
					s.Today = &d.Duties[i]
					break
				}
			}
			if s.Today == nil {
				for i := range d.NextDuty {
					if d.NextDuty[i].RosterID == r.ID {
						s.Next = &d.NextDuty[i]
						break
					}
				}
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// StationsPage is /stations: today's duty at every township station, searchable by name.
type StationsPage struct {
	Title, Desc string
	County      string
	Date        roster.Date
	Query       string
	Stations    []Station
	Total       int // stations before the search
	LastChanged string
	Site        Site
}

// StationsPage returns /stations?q= as of today and when its data last changed.
func (p *Publisher) StationsPage(ctx context.Context, today roster.Date, q string) (StationsPage, time.Time, error) {
	d, err := p.Today(ctx, today)
	if err != nil {
		return StationsPage{}, time.Time{}, err
	}
	all, err := p.stations(ctx, d, "")
	if err != nil {
		return StationsPage{}, time.Time{}, err
	}
	found := all
	if q != "" {
		if found, err = p.stations(ctx, d, q); err != nil {
			return StationsPage{}, time.Time{}, err
		}
	}
	pg := StationsPage{Title: d.County + "各乡镇群众工作站今日值班", Desc: d.County + "各乡镇（街道）群众工作站今日值班领导，可按乡镇查询",
		County: d.County, Date: today, Query: q, Stations: found, Total: len(all), Site: p.site(d.County)}
	if d.LastChanged != nil {
		pg.LastChanged = p.stamp(*d.LastChanged)
	}
	return pg, d.Modified(), nil
}
