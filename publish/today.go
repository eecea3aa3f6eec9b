package publish

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zhiban/roster"
)

// Today is the whole today page; the JSON API serves the same value.
type Today struct {
	County    string      `json:"county"`
	Date      roster.Date `json:"date"`
	Weekday   string      `json:"weekday"`
	DutyDay   bool        `json:"duty_day"` // some roster has a duty today
	OffReason string      `json:"off_reason,omitempty"`
	Rosters   []Roster    `json:"rosters"`
	Duties    []DutyDay   `json:"duties"`
	// NextDuty is, for each roster with no duty today, its next duty day.
	NextDuty    []DutyDay     `json:"next_duty,omitempty"`
	Week        []DutyDay     `json:"week"` // tomorrow and the following days
	Visits      []Visit       `json:"visits"`
	Reception   Reception     `json:"reception"`
	LastChanged *time.Time    `json:"last_changed,omitempty"`
	ChangedDays []roster.Date `json:"changed_days"`
}

// Modified is when the page's data last changed (zero when never).
func (d Today) Modified() time.Time {
	if d.LastChanged == nil {
		return time.Time{}
	}
	return *d.LastChanged
}

// weekDays: tomorrow and the rest of a week.
const weekDays = 7

const maxTodayVisits = 10

// Today returns the today page's data for the county date today.
func (p *Publisher) Today(ctx context.Context, today roster.Date) (Today, error) {
	countyName, err := p.county(ctx)
	if err != nil {
		return Today{}, err
	}
	duties, err := p.Duties(ctx, today, today, today.AddDays(60))
	if err != nil {
		return Today{}, err
	}
	defs, err := p.st.Rosters(ctx)
	if err != nil {
		return Today{}, err
	}
	rec, err := p.st.Reception(ctx)
	if err != nil {
		return Today{}, err
	}
	visits, err := p.Visits(ctx, today, today.AddDays(60))
	if err != nil {
		return Today{}, err
	}
	d := Today{County: countyName, Date: today, Weekday: WeekdayLabels[today.Weekday()], Visits: visits,
		Reception:   Reception{Name: rec.Name, Address: rec.Address, Phone: rec.Phone, Windows: rec.Windows},
		Rosters:     publicRosters(defs, duties),
		Duties:      []DutyDay{},
		Week:        []DutyDay{},
		ChangedDays: []roster.Date{}}
	for _, dd := range duties {
		switch {
		case dd.Date == today:
			d.Duties = append(d.Duties, dd)
		case dd.Date <= today.AddDays(weekDays):
			d.Week = append(d.Week, dd)
		}
		if dd.Changed && (len(d.ChangedDays) == 0 || d.ChangedDays[len(d.ChangedDays)-1] != dd.Date) {
			d.ChangedDays = append(d.ChangedDays, dd.Date)
		}
	}
	d.DutyDay = len(d.Duties) > 0
	onToday := map[string]bool{}
	for _, dd := range d.Duties {
		onToday[dd.RosterID] = true
	}
	for _, r := range d.Rosters {
		if onToday[r.ID] {
			continue
		}
		for _, dd := range duties {
			if dd.RosterID == r.ID && dd.Date > today {
				d.NextDuty = append(d.NextDuty, dd)
				break
			}
		}
	}
	if !d.DutyDay {
		d.OffReason = p.offReason(ctx, today)
	}
	if len(d.Visits) > maxTodayVisits {
		d.Visits = d.Visits[:maxTodayVisits]
	}
	last, err := p.st.LastChange(ctx)
	if err != nil {
		return Today{}, err
	}
	if !last.IsZero() {
		l := last.In(p.cfg.Location)
		d.LastChanged = &l
	}
	return d, nil
}

// offReason says why today has no duty: a named holiday, a weekend or no roster yet.
func (p *Publisher) offReason(ctx context.Context, d roster.Date) string {
	cal, err := p.calendar(ctx, d, d)
	if err == nil {
		if h, ok := cal.Entry(d); ok && h.Kind == roster.Off {
			var notes []string
			if h.Name != "" {
				notes = append(notes, h.Name)
			}
			if cal.Provisional(d) {
				notes = append(notes, "暂定")
			}
			if len(notes) == 0 {
				return "法定节假日"
			}
			return "法定节假日（" + strings.Join(notes, "，") + "）"
		}
		if !cal.IsWorkday(d) {
			return "周末"
		}
	}
	return "暂无值班安排"
}

// TodayPage is the data of "/": the day's data split by roster, with the headline.
type TodayPage struct {
	Title, Desc string
	D           Today
	Sections    []RosterSection
	Multi       bool   // more than one roster
	NoDutyNames string // the rosters' names, for "no duty" lines
	MonthPath   string // this month's printable table
	MonthLabel  string
	LastChanged string // when the data last changed, in words
	// With publish.auto nothing is announced before it is public, so a change is "recent".
	AutoPublish bool
	// TodayNote names a duty day the official calendar sets apart (调休上班, a holiday).
	TodayNote string
	// ProvisionalNote explains 暂定 when a day shown rests on the unconfirmed calendar.
	ProvisionalNote string
	Site            Site
	// Stations is today's duty at every township station (群众工作站).
	Stations []Station
}

// TodayPage returns the data of "/" for the county date today.
func (p *Publisher) TodayPage(ctx context.Context, today roster.Date) (TodayPage, error) {
	all, err := p.Today(ctx, today)
	if err != nil {
		return TodayPage{}, err
	}
	// The county's rosters in full; each township station in one line (Stations).
	defs, err := p.st.Rosters(ctx)
	if err != nil {
		return TodayPage{}, err
	}
	town := map[string]bool{}
	for _, def := range defs {
		if def.Unit != "" {
			town[def.ID] = true
		}
	}
	d := all
	if len(town) > 0 {
		d = only(all, func(r string) bool { return !town[r] })
		if !d.DutyDay && d.OffReason == "" {
			d.OffReason = p.offReason(ctx, today)
		}
	}
	stations, err := p.stations(ctx, all, "")
	if err != nil {
		return TodayPage{}, err
	}
	// One roster keeps the county leaders' familiar headline; several are named by roster.
	pg := TodayPage{Title: d.County + "领导值班接访", Desc: d.County + "今日值班领导、本周值班安排、带案下访、接待窗口与订阅方式",
		D: d, Sections: Sections(d), Stations: stations, Multi: len(d.Rosters) > 1, AutoPublish: p.cfg.Publish.Auto,
		MonthPath: "/roster/" + roster.MonthOf(d.Date).String(), MonthLabel: roster.MonthOf(d.Date).Label()}
	var names []string
	for _, r := range d.Rosters {
		names = append(names, r.Name)
	}
	pg.NoDutyNames = strings.Join(names, "、")
	if pg.Multi {
		pg.Title = d.County + "值班安排"
		pg.Desc = d.County + "今日值班与近期" + pg.NoDutyNames + "安排、带案下访、接待窗口与订阅方式"
	}
	if d.LastChanged != nil {
		pg.LastChanged = p.stamp(*d.LastChanged)
	}
	for _, dd := range d.Duties {
		if dd.DayNote == "" {
			continue
		}
		tentative := ""
		if dd.Provisional {
			tentative = "（暂定）"
		}
		if dd.DayNote == "调休上班" {
			pg.TodayNote = "今日为调休上班日" + tentative + "，照常值班接访。"
		} else {
			pg.TodayNote = "今日为" + dd.DayNote + "假期" + tentative + "。"
		}
		break
	}
	shown := today.AddDays(weekDays)
	for _, n := range d.NextDuty {
		shown = max(shown, n.Date)
	}
	cal, err := p.calendar(ctx, today, shown)
	if err != nil {
		return TodayPage{}, err
	}
	pg.ProvisionalNote = provisionalNote(cal.ProvisionalYears(today, shown))
	pg.Site = p.site(d.County)
	return pg, nil
}

// rosterAddress is the reception centre's address when roster r sits there: one
// roster is the centre's own duty; with n > 1, only a place naming the centre is
// there (a township roster sits in the townships).
func rosterAddress(rec Reception, r Roster, n int) string {
	if rec.Address != "" && (n == 1 || rec.Name == "" || strings.Contains(r.Place, rec.Name)) {
		return rec.Address
	}
	return ""
}

// RosterSection is one roster's duty today (or next) and its coming days.
type RosterSection struct {
	Roster
	Address string // the reception centre's address, shown after Place
	Today   *DutyDay
	Notice  string // why this roster has no duty today, when others have
	Next    *DutyDay
	Week    []WeekRow
	Changed bool // some row of Week was changed
}

// WeekRow is one day of a roster's coming days: the people per role column.
type WeekRow struct {
	DutyDay
	Cells [][]DutyPerson // parallel to the roster's Roles
}

// Sections splits the today page by roster, in roster order.
func Sections(d Today) []RosterSection {
	var out []RosterSection
	for _, r := range d.Rosters {
		sec := RosterSection{Roster: r}
		sec.Address = rosterAddress(d.Reception, r, len(d.Rosters))
		for i := range d.Duties {
			if d.Duties[i].RosterID == r.ID {
				sec.Today = &d.Duties[i]
				break
			}
		}
		for i := range d.NextDuty {
			if d.NextDuty[i].RosterID == r.ID {
				sec.Next = &d.NextDuty[i]
				break
			}
		}
		if sec.Today == nil && d.DutyDay {
			// Only the weekday matters here: another roster sits today.
			if rule, err := roster.ParseDaysRule(r.Days); err == nil && strings.HasPrefix(r.Days, "weekly:") && !rule.IsDutyDay(d.Date, roster.NewCalendar()) {
				sec.Notice = fmt.Sprintf("今日不是%s的值班日（%s值班）。", r.Name, r.DaysLabel)
			} else {
				sec.Notice = fmt.Sprintf("今日暂无%s安排。", r.Name)
			}
		}
		for _, dd := range d.Week {
			if dd.RosterID != r.ID {
				continue
			}
			row := WeekRow{DutyDay: dd, Cells: make([][]DutyPerson, len(r.Roles))}
			for _, l := range dd.Leaders {
				for i, role := range r.Roles {
					if l.Role == role {
						row.Cells[i] = append(row.Cells[i], l)
					}
				}
			}
			sec.Changed = sec.Changed || dd.Changed
			sec.Week = append(sec.Week, row)
		}
		out = append(out, sec)
	}
	return out
}
