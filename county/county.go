// Package county reads and writes the county file: the whole county (units,
// people, pools, rosters, absences, holiday overrides) as one YAML document.
package county

import "zhiban/roster"

// County is the parsed county file. Field names are the file's keys.
type County struct {
	County    string         `yaml:"county" clean:"name"`
	Timezone  string         `yaml:"timezone" clean:"code"`
	Reception Reception      `yaml:"reception"`
	Units     []Unit         `yaml:"units"`
	People    []Person       `yaml:"people"`
	Pools     []Pool         `yaml:"pools"`
	Rosters   []Roster       `yaml:"rosters"`
	Absences  []Absence      `yaml:"absences,omitempty"`
	Holidays  []HolidayEntry `yaml:"holidays,omitempty"`

	// CrossRosterGapDays: two duties of one person in different rosters are
	// at least this many days apart (nobody on duty at two places within N
	// days); 0, the default, adds nothing to the one-duty-a-day rule.
	CrossRosterGapDays int `yaml:"cross_roster_gap_days,omitempty"`
}

// Reception is the reception centre (来访接待中心) and its windows.
type Reception struct {
	Name    string   `yaml:"name" clean:"name"`
	Address string   `yaml:"address" clean:"line"`
	Phone   string   `yaml:"phone" clean:"phone"`
	Windows []Window `yaml:"windows"`
}

// Window is one service window and the department staffing it.
type Window struct {
	No         int    `yaml:"no"`
	Department string `yaml:"department" clean:"name"`
}

// Unit is a county, township, department or village.
type Unit struct {
	ID     string `yaml:"id" clean:"code"`
	Name   string `yaml:"name" clean:"name"`
	Kind   string `yaml:"kind" clean:"code"` // county | township | department | village
	Parent string `yaml:"parent,omitempty" clean:"code"`
}

// Person is a leader as written in the file.
type Person struct {
	ID        string       `yaml:"id" clean:"code"`
	Name      string       `yaml:"name" clean:"name"`
	Title     string       `yaml:"title" clean:"title"`
	Rank      string       `yaml:"rank" clean:"code"` // county | department
	Portfolio string       `yaml:"portfolio,omitempty" clean:"line"`
	Phone     string       `yaml:"phone,omitempty" clean:"phone"`
	Email     string       `yaml:"email,omitempty" clean:"email"` // private: duty reminders only
	Active    *bool        `yaml:"active,omitempty"`              // default true
	Links     roster.Links `yaml:"links,omitempty"`
	// Categories are the matters (案件类别) the portfolio (分管) covers, for
	// public booking; none means any matter.
	Categories []string `yaml:"categories,omitempty" clean:"name"`
}

// Pool is a named list of people.
type Pool struct {
	ID      string   `yaml:"id" clean:"code"`
	Name    string   `yaml:"name" clean:"name"`
	Members []string `yaml:"members" clean:"code"`
}

// Roster is a roster definition as written in the file.
type Roster struct {
	ID    string `yaml:"id" clean:"code"`
	Name  string `yaml:"name" clean:"name"`
	Days  string `yaml:"days" clean:"code"`
	Start string `yaml:"start" clean:"clock"`
	End   string `yaml:"end" clean:"clock"`
	Place string `yaml:"place" clean:"line"`
	// Unit is the township (乡镇/街道) keeping this roster at its 群众工作站;
	// empty for the county's own rosters.
	Unit       string `yaml:"unit,omitempty" clean:"code"`
	MinGapDays int    `yaml:"min_gap_days"`
	// ReceivesPublic: nil means yes, except for days: offdays (holiday duty at the 值班室).
	ReceivesPublic *bool  `yaml:"receives_public,omitempty"`
	Slots          []Slot `yaml:"slots"`
}

// Public reports whether the roster receives the public (opens 开门接访).
func (r Roster) Public() bool {
	if r.ReceivesPublic != nil {
		return *r.ReceivesPublic
	}
	return r.Days != "offdays"
}

// Slot is a role and the pool it draws from.
type Slot struct {
	Role string `yaml:"role" clean:"name"`
	Pool string `yaml:"pool" clean:"code"`
}

// Absence is leave, a trip or a meeting.
type Absence struct {
	Person string `yaml:"person" clean:"code"`
	From   string `yaml:"from" clean:"date"`
	To     string `yaml:"to" clean:"date"`
	Kind   string `yaml:"kind,omitempty" clean:"code"` // leave | trip | meeting; default leave
	Reason string `yaml:"reason,omitempty" clean:"line"`
}

// HolidayEntry overrides the built-in official calendar for one date.
type HolidayEntry struct {
	Date string `yaml:"date" clean:"date"`
	Kind string `yaml:"kind" clean:"code"` // off | work
	Name string `yaml:"name,omitempty" clean:"title"`
}
