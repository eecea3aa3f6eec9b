package roster

// Input is everything Generate needs; it reads nothing else.
type Input struct {
	From, To Date // the period to plan, inclusive
	People   []Person
	Pools    []Pool
	Rosters  []Definition
	Absences []Absence
	Calendar Calendar
	// Fixed assignments (pinned, manual, or before the freeze date) are kept
	// as they are and never moved; they count for fairness and gaps.
	Fixed []Assignment
	// Previous is the earlier plan of the period: kept wherever still valid,
	// so a regeneration changes as few slots as possible.
	Previous []Assignment
	// History is what was served before From; it counts toward fairness and gaps.
	History []Assignment
	// Weights weigh each day class in the total load; zero means the defaults.
	Weights ClassWeights
	// CrossGapDays: two duties of one person in different rosters are at
	// least this many days apart (nobody on duty at two places within
	// N days); 0 or 1 adds nothing to the one-duty-a-day rule.
	CrossGapDays int
}

// Unfilled is a slot no valid person could take, with the reason.
type Unfilled struct {
	Roster string `json:"roster"`
	Date   Date   `json:"date"`
	Role   string `json:"role"`
	Reason string `json:"reason"`
}

// Plan is the generated roster for the period and how fair it is.
type Plan struct {
	Assignments []Assignment `json:"assignments"`
	Unfilled    []Unfilled   `json:"unfilled"`
	Metrics     Metrics      `json:"metrics"`
	Changed     int          `json:"changed"` // slots that differ from Previous
}
