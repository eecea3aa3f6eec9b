package publish

import (
	"context"
	"strings"

	"zhiban/county"
	"zhiban/roster"
)

// DutyPerson is what the public sees of a leader: never the phone.
type DutyPerson struct {
	Role      string `json:"role"`
	ID        string `json:"id"`
	Name      string `json:"name"`
	Title     string `json:"title"`
	Portfolio string `json:"portfolio"`
	// Was is who an edit after publication replaced (shown as 调整，原：Was).
	Was string `json:"was,omitempty"`
}

// DutyDay is one roster's duty on one day.
type DutyDay struct {
	Date       roster.Date `json:"date"`
	RosterID   string      `json:"roster"`
	RosterName string      `json:"roster_name"`
	Start      string      `json:"start"`
	End        string      `json:"end"`
	Place      string      `json:"place"`
	Form       string      `json:"form"` // 形式, required by the 2009 publication practice
	Changed    bool        `json:"changed"`
	// DayNote is a holiday's name or 调休上班 for a duty on such a day; Provisional
	// says that day comes from the unconfirmed built-in calendar (暂定).
	DayNote     string       `json:"day_note,omitempty"`
	Provisional bool         `json:"provisional,omitempty"`
	Leaders     []DutyPerson `json:"leaders"`
}

// changedWindowDays: the roster is published weekly, so an edit counts as "changed" for a week.
const changedWindowDays = 7

// Duties returns the public duties between from and to, per day and roster.
func (p *Publisher) Duties(ctx context.Context, today, from, to roster.Date) ([]DutyDay, error) {
	defs, err := p.st.Rosters(ctx)
	if err != nil {
		return nil, err
	}
	byID, err := p.peopleByID(ctx)
	if err != nil {
		return nil, err
	}
	as, err := p.st.Assignments(ctx, from, to)
	if err != nil {
		return nil, err
	}
	changes, err := p.st.ChangedDays(ctx, today.AddDays(-changedWindowDays).In(p.cfg.Location), from, to)
	if err != nil {
		return nil, err
	}
	changed := map[roster.Date]bool{}
	for _, c := range changes {
		changed[c.Date] = true
	}
	view, err := p.LoadView(ctx, from, to)
	if err != nil {
		return nil, err
	}
	cal, err := p.calendar(ctx, from, to)
	if err != nil {
		return nil, err
	}
	defByID := map[string]roster.Definition{}
	for _, d := range defs {
		defByID[d.ID] = d
	}
	var out []DutyDay
	for _, a := range as {
		if !view.Visible(a.Roster, a.Date) {
			continue // an unpublished month is for staff only
		}
		if len(out) == 0 || out[len(out)-1].Date != a.Date || out[len(out)-1].RosterID != a.Roster {
			d := defByID[a.Roster]
			dd := DutyDay{Date: a.Date, RosterID: d.ID, RosterName: d.Name, Start: d.Start.String(), End: d.End.String(),
				Place: d.Place, Form: receptionForm}
			if class, _ := dayClass(cal, a.Date); class != "工作日" && class != "周末" {
				dd.DayNote, dd.Provisional = class, cal.Provisional(a.Date)
			}
			out = append(out, dd)
		}
		person := byID[a.Person]
		last := &out[len(out)-1]
		dp := DutyPerson{Role: a.Role, ID: person.ID, Name: person.Name, Title: person.Title, Portfolio: person.Portfolio}
		if was, adj, ok := view.Adjusted(a.Assignment); ok {
			if adj {
				last.Changed = true
				if was != "" {
					dp.Was = byID[was].Name
				}
			}
		} else if changed[a.Date] {
			last.Changed = true
		}
		last.Leaders = append(last.Leaders, dp)
	}
	return out, nil
}

// Reception is the reception centre as published; its phone is the public office line.
type Reception struct {
	Name    string          `json:"name"`
	Address string          `json:"address"`
	Phone   string          `json:"phone"`
	Windows []county.Window `json:"windows"`
}

// Roster is a published roster definition with its roles in slot order.
type Roster struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Days      string   `json:"days"`       // the rule in file form: workdays, weekly:tue,fri
	DaysLabel string   `json:"days_label"` // the rule in words: 工作日, 每周二、周五
	Start     string   `json:"start"`
	End       string   `json:"end"`
	Place     string   `json:"place"`
	Roles     []string `json:"roles"`
}

// publicRosters lists defined rosters, then any only old duties still name, each with its roles.
func publicRosters(defs []roster.Definition, duties []DutyDay) []Roster {
	var out []Roster
	index := map[string]int{}
	seen := map[string]map[string]bool{}
	addRole := func(i int, role string) {
		if !seen[out[i].ID][role] {
			seen[out[i].ID][role] = true
			out[i].Roles = append(out[i].Roles, role)
		}
	}
	for _, def := range defs {
		index[def.ID] = len(out)
		seen[def.ID] = map[string]bool{}
		out = append(out, Roster{ID: def.ID, Name: def.Name, Days: def.Days.String(), DaysLabel: daysLabel(def.Days),
			Start: def.Start.String(), End: def.End.String(), Place: def.Place, Roles: []string{}})
		for _, sl := range def.Slots {
			addRole(len(out)-1, sl.Role)
		}
	}
	for _, dd := range duties {
		i, ok := index[dd.RosterID]
		if !ok {
			i = len(out)
			index[dd.RosterID] = i
			seen[dd.RosterID] = map[string]bool{}
			out = append(out, Roster{ID: dd.RosterID, Name: dd.RosterName, Start: dd.Start, End: dd.End, Place: dd.Place, Roles: []string{}})
		}
		for _, l := range dd.Leaders {
			addRole(i, l.Role)
		}
	}
	if out == nil {
		out = []Roster{}
	}
	return out
}

// daysLabel says a duty-day rule in words, e.g. 每周二、周五 for weekly:tue,fri.
func daysLabel(r roster.DaysRule) string {
	rule := r.String()
	switch rule {
	case "workdays":
		return "工作日"
	case "all":
		return "每天"
	case "offdays":
		return "节假日和周末"
	}
	names := map[string]string{"mon": "周一", "tue": "周二", "wed": "周三", "thu": "周四", "fri": "周五", "sat": "周六", "sun": "周日"}
	rest, ok := strings.CutPrefix(rule, "weekly:")
	if !ok {
		return ""
	}
	var out []string
	for _, n := range strings.Split(rest, ",") {
		out = append(out, names[n])
	}
	return "每" + strings.Join(out, "、")
}
