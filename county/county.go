// Package county reads and writes the county file: the whole county (units,
// people, pools, rosters, absences, holiday overrides) as one YAML document.
package county

import "zhiban/roster"

// County is the parsed county file. Field names are the file's keys.
type County struct {
	County    string         `yaml:"county"`
	Timezone  string         `yaml:"timezone"`
	Reception Reception      `yaml:"reception"`
	Units     []Unit         `yaml:"units"`
	People    []Person       `yaml:"people"`
	Pools     []Pool         `yaml:"pools"`
	Rosters   []Roster       `yaml:"rosters"`
	Absences  []Absence      `yaml:"absences,omitempty"`
	Holidays  []HolidayEntry `yaml:"holidays,omitempty"`
}

// Reception is the reception centre (来访接待中心) and its windows.
type Reception struct {
	Name    string   `yaml:"name"`
	Address string   `yaml:"address"`
	Phone   string   `yaml:"phone"`
	Windows []Window `yaml:"windows"`
}

// Window is one service window and the department staffing it.
type Window struct {
	No         int    `yaml:"no"`
	Department string `yaml:"department"`
}

// Unit is a county, township, department or village.
type Unit struct {
	ID     string `yaml:"id"`
	Name   string `yaml:"name"`
	Kind   string `yaml:"kind"` // county | township | department | village
	Parent string `yaml:"parent,omitempty"`
}

// Person is a leader as written in the file.
type Person struct {
	ID        string       `yaml:"id"`
	Name      string       `yaml:"name"`
	Title     string       `yaml:"title"`
	Rank      string       `yaml:"rank"` // county | department
	Portfolio string       `yaml:"portfolio,omitempty"`
	Phone     string       `yaml:"phone,omitempty"`
	Email     string       `yaml:"email,omitempty"`  // private: duty reminders only
	Active    *bool        `yaml:"active,omitempty"` // default true
	Links     roster.Links `yaml:"links,omitempty"`
}

// Pool is a named list of people.
type Pool struct {
	ID      string   `yaml:"id"`
	Name    string   `yaml:"name"`
	Members []string `yaml:"members"`
}

// Roster is a roster definition as written in the file.
type Roster struct {
	ID         string `yaml:"id"`
	Name       string `yaml:"name"`
	Days       string `yaml:"days"`
	Start      string `yaml:"start"`
	End        string `yaml:"end"`
	Place      string `yaml:"place"`
	MinGapDays int    `yaml:"min_gap_days"`
	Slots      []Slot `yaml:"slots"`
}

// Slot is a role and the pool it draws from.
type Slot struct {
	Role string `yaml:"role"`
	Pool string `yaml:"pool"`
}

// Absence is leave, a trip or a meeting.
type Absence struct {
	Person string `yaml:"person"`
	From   string `yaml:"from"`
	To     string `yaml:"to"`
	Kind   string `yaml:"kind,omitempty"` // leave | trip | meeting; default leave
	Reason string `yaml:"reason,omitempty"`
}

// HolidayEntry overrides the built-in official calendar for one date.
type HolidayEntry struct {
	Date string `yaml:"date"`
	Kind string `yaml:"kind"` // off | work
	Name string `yaml:"name,omitempty"`
}
