package publish

import (
	"context"
	"fmt"
	"slices"
	"time"

	"zhiban/fault"
	"zhiban/roster"
)

// MonthRow is one day of the printable month.
type MonthRow struct {
	Date        roster.Date
	Class       string // 工作日 / 周末 / the holiday's name / 调休上班
	Provisional bool   // Class comes from the unconfirmed built-in calendar (暂定)
	Off         bool
	Changed     bool
	Pending     bool // a working day past the last scheduled one: 尚未排班
	Duties      []DutyDay
	Cells       [][]DutyPerson // parallel to MonthPage.Columns
}

// MonthColumn is one role of one roster: two rosters' roles of the same name
// stay apart, labelled with the roster's name.
type MonthColumn struct {
	RosterID string
	Role     string
	Label    string // the role, or 县领导接访·值班领导 when another roster has that role too
}

// MonthRoster is a roster as the printed month states it: paper has no home
// page to send the reader to, so days, hours and place are printed.
type MonthRoster struct {
	Roster
	Address string
}

// MonthPage is the printable month /roster/YYYY-MM: a row a day, a column per role.
type MonthPage struct {
	Title, Desc          string
	County               string
	Month                roster.Month
	Rosters              []MonthRoster
	Reception            Reception // name and phone; Windows unused
	Columns              []MonthColumn
	Rows                 []MonthRow
	Unscheduled          string      // instead of the table when the month has no public duty
	Printed              roster.Date // the day it is printed
	Prev, Next           string      // paths of the neighbouring months
	PrevLabel, NextLabel string
	LastChange           string // when the data last changed, in words
	AutoPublish          bool
	ProvisionalNote      string
	Site                 Site
}

// Public months are 2000–2100: the address is public, crawled and cached per month.
const firstPublicYear, lastPublicYear = 2000, 2100

// ParseMonth reads the month of a public address, YYYY-MM in 2000–2100.
func ParseMonth(s string) (roster.Month, error) {
	m, err := roster.ParseMonth(s)
	if err == nil && (m.Year() < firstPublicYear || m.Year() > lastPublicYear) {
		err = fmt.Errorf("月份 %q 无效，应为 YYYY-MM", s)
	}
	if err != nil {
		return 0, fault.InvalidField("month", err.Error())
	}
	return m, nil
}

// MonthPage returns the printable month m as of today, and when its data last changed.
func (p *Publisher) MonthPage(ctx context.Context, today roster.Date, m roster.Month) (MonthPage, time.Time, error) {
	first, last := m.First(), m.Last()
	all, err := p.Duties(ctx, today, first, last)
	if err != nil {
		return MonthPage{}, time.Time{}, err
	}
	cal, err := p.calendar(ctx, first, last)
	if err != nil {
		return MonthPage{}, time.Time{}, err
	}
	countyName, err := p.county(ctx)
	if err != nil {
		return MonthPage{}, time.Time{}, err
	}
	defs, err := p.st.Rosters(ctx)
	if err != nil {
		return MonthPage{}, time.Time{}, err
	}
	rec, err := p.st.Reception(ctx)
	if err != nil {
		return MonthPage{}, time.Time{}, err
	}
	reception := Reception{Name: rec.Name, Address: rec.Address, Phone: rec.Phone}
	// The county's sheet: a township's roster is on its own page (/township/{id}).
	duties := countyDuties(defs, all)
	defs = countyRosters(defs)
	var cols []MonthColumn
	col := map[[2]string]int{}
	roleRosters := map[string]map[string]bool{}
	byDate := map[roster.Date][]DutyDay{}
	for _, d := range duties {
		byDate[d.Date] = append(byDate[d.Date], d)
		for _, l := range d.Leaders {
			k := [2]string{d.RosterID, l.Role}
			if _, ok := col[k]; !ok {
				col[k] = len(cols)
				cols = append(cols, MonthColumn{RosterID: d.RosterID, Role: l.Role, Label: l.Role})
				if roleRosters[l.Role] == nil {
					roleRosters[l.Role] = map[string]bool{}
				}
				roleRosters[l.Role][d.RosterID] = true
			}
		}
	}
	names := map[string]string{}
	for _, d := range duties {
		names[d.RosterID] = d.RosterName
	}
	for i, c := range cols {
		if len(roleRosters[c.Role]) > 1 {
			cols[i].Label = names[c.RosterID] + "·" + c.Role
		}
	}
	var lastDuty roster.Date
	if len(duties) > 0 {
		lastDuty = duties[len(duties)-1].Date
	}
	var rows []MonthRow
	for d := first; d <= last; d++ {
		r := MonthRow{Date: d, Duties: byDate[d], Cells: make([][]DutyPerson, len(cols))}
		for _, dd := range r.Duties {
			for _, l := range dd.Leaders {
				i := col[[2]string{dd.RosterID, l.Role}]
				r.Cells[i] = append(r.Cells[i], l)
			}
		}
		r.Class, r.Off = dayClass(cal, d)
		_, entry := cal.Entry(d)
		r.Provisional = entry && cal.Provisional(d)
		r.Pending = len(r.Duties) == 0 && !r.Off && d > lastDuty && d >= today
		for _, dd := range r.Duties {
			r.Changed = r.Changed || dd.Changed
		}
		rows = append(rows, r)
	}
	lastChange, err := p.st.LastChange(ctx)
	if err != nil {
		return MonthPage{}, time.Time{}, err
	}
	unscheduled := ""
	if len(duties) == 0 {
		if unscheduled, err = p.unscheduled(ctx, today, m); err != nil {
			return MonthPage{}, time.Time{}, err
		}
	}
	var rosters []MonthRoster
	pub := publicRosters(defs, duties)
	for _, r := range pub {
		if len(duties) > 0 && !slices.ContainsFunc(duties, func(d DutyDay) bool { return d.RosterID == r.ID }) {
			continue // a roster with no duty this month is not on its sheet
		}
		rosters = append(rosters, MonthRoster{Roster: r, Address: rosterAddress(reception, r, len(pub))})
	}
	return MonthPage{
		Rosters:         rosters,
		Reception:       reception,
		Unscheduled:     unscheduled,
		ProvisionalNote: provisionalNote(cal.ProvisionalYears(first, last)),
		Site:            p.site(countyName),
		Title:           countyName + m.Label() + "领导值班接访安排表",
		Desc:            countyName + m.Label() + "县领导值班接访安排，可打印",
		County:          countyName,
		Month:           m,
		Columns:         cols,
		Rows:            rows,
		Printed:         today,
		Prev:            "/roster/" + m.Prev().String(),
		Next:            "/roster/" + m.Next().String(),
		PrevLabel:       m.Prev().Label(),
		NextLabel:       m.Next().Label(),
		LastChange:      p.stamp(lastChange),
		AutoPublish:     p.cfg.Publish.Auto,
	}, lastChange, nil
}

// unscheduled says why month m shows no duty: past, not yet published, or
// beyond the roster horizon.
func (p *Publisher) unscheduled(ctx context.Context, today roster.Date, m roster.Month) (string, error) {
	if m.Last() < today {
		return m.Label() + "没有值班记录。", nil
	}
	stored, err := p.st.Assignments(ctx, m.First(), m.Last())
	if err != nil {
		return "", err
	}
	if len(stored) > 0 {
		return m.Label() + "的值班表尚未公布，公布后在此显示。", nil
	}
	return fmt.Sprintf("%s尚未排班。值班表提前约 %d 天排定，届时在此公布。", m.Label(), p.cfg.HorizonDays), nil
}

// maxRangeDays bounds /api/v1/public/range so one request cannot ask for years.
const maxRangeDays = 92

// Range is the body of /api/v1/public/range, fields in name order as the old map marshalled.
type Range struct {
	Duties []DutyDay   `json:"duties"`
	From   roster.Date `json:"from"`
	To     roster.Date `json:"to"`
}

// ParseRange reads from and to, defaulting to today and 30 days on, at most maxRangeDays.
func ParseRange(fromS, toS string, today roster.Date) (roster.Date, roster.Date, error) {
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

// Range returns the public duties in [from, to] and when the data last changed.
func (p *Publisher) Range(ctx context.Context, today, from, to roster.Date) (Range, time.Time, error) {
	duties, err := p.Duties(ctx, today, from, to)
	if err != nil {
		return Range{}, time.Time{}, err
	}
	if duties == nil {
		duties = []DutyDay{}
	}
	last, err := p.st.LastChange(ctx)
	if err != nil {
		return Range{}, time.Time{}, err
	}
	return Range{From: from, To: to, Duties: duties}, last, nil
}

// countyRosters are the rosters kept by the county itself (no unit).
func countyRosters(defs []roster.Definition) []roster.Definition {
	var out []roster.Definition
	for _, d := range defs {
		if d.Unit == "" {
			out = append(out, d)
		}
	}
	return out
}

// countyDuties drops the duties of township rosters among defs; old duties
// of rosters no longer defined stay on the county's sheet.
func countyDuties(defs []roster.Definition, duties []DutyDay) []DutyDay {
	town := map[string]bool{}
	for _, d := range defs {
		if d.Unit != "" {
			town[d.ID] = true
		}
	}
	return rosterDuties(duties, func(id string) bool { return !town[id] })
}

// rosterDuties keeps the duties whose roster keep accepts.
func rosterDuties(duties []DutyDay, keep func(rosterID string) bool) []DutyDay {
	var out []DutyDay
	for _, d := range duties {
		if keep(d.RosterID) {
			out = append(out, d)
		}
	}
	return out
}
