package roster

import (
	"net/mail"
	"strings"
)

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
	Email     string // private: never published; duty reminders go here
	Active    bool
	Links     Links
}

// ValidEmail reports whether s is a plausible bare e-mail address such as
// l01@shili.gov.example: one ASCII address, no display name or brackets, and
// a domain with a dot. ASCII because the mailer does not ask relays for
// SMTPUTF8; an internationalised domain is written in its xn-- form. The
// county file and the leaders sheet both check it, so an address one accepts
// the other reads back.
func ValidEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	labels := strings.Split(s[strings.LastIndexByte(s, '@')+1:], ".")
	if len(labels) < 2 {
		return false // a@localhost reaches nobody outside the server
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") || strings.ContainsAny(l, "[]") {
			return false
		}
	}
	return true
}

// ValidPhone reports whether s is a leader's phone as the county file and
// the leaders sheet accept it: digits, with spaces and + - ( ) allowed.
func ValidPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +-()", r):
		default:
			return false
		}
	}
	return digits > 0
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
	Unit       string // the township keeping this roster; "" is the county's own
	MinGapDays int    // two duties of one person are at least this many days apart
	Slots      []Slot
	// ReceivesPublic: its first slot (值班领导) receives walk-in petitioners
	// (开门接访); holiday duty at the 值班室 does not.
	ReceivesPublic bool
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
func (a Absence) Covers(d Date) bool { return d.Within(a.From, a.To) }

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
