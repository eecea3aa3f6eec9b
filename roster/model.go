package roster

// Rank separates county-level leaders from department leaders.
type Rank string

const (
	RankCounty     Rank = "county"
	RankDepartment Rank = "department"
)

// Links are a leader's 四个一: one township, enterprise, project and village.
type Links struct {
	Township   string `json:"township,omitempty" yaml:"township,omitempty"`
	Enterprise string `json:"enterprise,omitempty" yaml:"enterprise,omitempty"`
	Project    string `json:"project,omitempty" yaml:"project,omitempty"`
	Village    string `json:"village,omitempty" yaml:"village,omitempty"`
}

// Person is a leader who can be on duty.
type Person struct {
	ID        string
	Name      string
	Title     string
	Rank      Rank
	Portfolio string // 分管工作
	Phone     string // private: never published
	Active    bool
	Links     Links
}

// Pool is a named group of people a slot draws from.
type Pool struct {
	ID      string
	Name    string
	Members []string // person ids
}

// Slot is one role filled each duty day, e.g. 值班领导 from the county-leaders pool.
type Slot struct {
	Role string
	Pool string
}

// Definition describes one roster: which days, which hours, where, which slots.
type Definition struct {
	ID         string
	Name       string
	Days       DaysRule
	Start, End Clock
	Place      string
	MinGapDays int // two duties of one person are at least this many days apart
	Slots      []Slot
}

// AbsenceKind is leave, a business trip or a meeting.
type AbsenceKind string

const (
	Leave   AbsenceKind = "leave"
	Trip    AbsenceKind = "trip"
	Meeting AbsenceKind = "meeting"
)

// Absence makes a person unavailable from From to To inclusive.
type Absence struct {
	ID     int64       `json:"id,omitempty"`
	Person string      `json:"person"`
	From   Date        `json:"from"`
	To     Date        `json:"to"`
	Kind   AbsenceKind `json:"kind"`
	Reason string      `json:"reason,omitempty"` // private: never published
}

// Covers reports whether the absence includes d.
func (a Absence) Covers(d Date) bool { return d >= a.From && d <= a.To }

// Source says how an assignment came to be.
type Source string

const (
	Generated Source = "generated"
	Manual    Source = "manual"
)

// Assignment puts one person in one slot of one roster on one day.
type Assignment struct {
	Roster string `json:"roster"`
	Date   Date   `json:"date"`
	Role   string `json:"role"`
	Person string `json:"person"`
	Source Source `json:"source,omitempty"`
	Pinned bool   `json:"pinned,omitempty"`
}

// Key identifies the slot an assignment fills.
type Key struct {
	Roster string
	Date   Date
	Role   string
}

// Key returns the slot key of a.
func (a Assignment) Key() Key { return Key{a.Roster, a.Date, a.Role} }
