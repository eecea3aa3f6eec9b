package county

import (
	"time"

	"zhiban/roster"
)

// Domain is the county as domain values, ready for the store and the roster engine.
type Domain struct {
	People   []roster.Person
	Pools    []roster.Pool
	Rosters  []roster.Definition
	Absences []roster.Absence
	Holidays []roster.HolidayDay
	Location *time.Location
	// CrossGapDays is the file's cross_roster_gap_days (roster.Input.CrossGapDays).
	CrossGapDays int
}

// Domain validates the county and converts it to domain values. A person
// without `active` is active; an absence without `kind` is leave.
func (c *County) Domain() (Domain, error) {
	if err := c.Validate(); err != nil {
		return Domain{}, err
	}
	loc, err := loadLocation(c.Timezone)
	if err != nil {
		return Domain{}, err // unreachable after Validate
	}
	d := Domain{Location: loc, CrossGapDays: c.CrossRosterGapDays}
	for _, p := range c.People {
		active := true
		if p.Active != nil {
			active = *p.Active
		}
		d.People = append(d.People, roster.Person{
			ID: p.ID, Name: p.Name, Title: p.Title, Rank: roster.Rank(p.Rank),
			Portfolio: p.Portfolio, Phone: p.Phone, Email: p.Email, Active: active, Links: p.Links,
		})
	}
	for _, p := range c.Pools {
		d.Pools = append(d.Pools, roster.Pool{ID: p.ID, Name: p.Name, Members: append([]string(nil), p.Members...)})
	}
	for _, r := range c.Rosters {
		// Validate has checked every value parsed below.
		days, _ := roster.ParseDaysRule(r.Days)
		start, _ := roster.ParseClock(r.Start)
		end, _ := roster.ParseClock(r.End)
		def := roster.Definition{
			ID: r.ID, Name: r.Name, Days: days, Start: start, End: end,
			Place: r.Place, Unit: r.Unit, MinGapDays: r.MinGapDays, ReceivesPublic: r.Public(),
		}
		for _, s := range r.Slots {
			def.Slots = append(def.Slots, roster.Slot{Role: s.Role, Pool: s.Pool})
		}
		d.Rosters = append(d.Rosters, def)
	}
	for _, a := range c.Absences {
		from, _ := roster.ParseDate(a.From)
		to, _ := roster.ParseDate(a.To)
		kind := roster.AbsenceKind(a.Kind)
		if kind == "" {
			kind = roster.Leave
		}
		d.Absences = append(d.Absences, roster.Absence{Person: a.Person, From: from, To: to, Kind: kind, Reason: a.Reason})
	}
	for _, h := range c.Holidays {
		date, _ := roster.ParseDate(h.Date)
		d.Holidays = append(d.Holidays, roster.HolidayDay{Date: date, Kind: roster.HolidayKind(h.Kind), Name: h.Name})
	}
	return d, nil
}
