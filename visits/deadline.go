// Package visits holds the rules of the four visits (四访), petition cases and
// their statutory clocks, and the monthly dispute sweep (矛盾大排查). It is pure:
// every function takes its inputs, the date and the calendar included.
package visits

import "zhiban/roster"

// DueAfter returns the last day of a period of n days starting on start, counted
// like the Civil Code (arts. 201 and 203): the day of the event is not counted,
// and a last day that is not an official working day moves to the next working
// day. Petition deadlines are calendar days, so holidays inside the period count.
func DueAfter(start roster.Date, n int, cal roster.Calendar) roster.Date {
	d := start.AddDays(n)
	// A bounded walk: the longest official break is well under a month.
	for i := 0; i < 60 && !cal.IsWorkday(d); i++ {
		d = d.AddDays(1)
	}
	return d
}

// DeadlineKind names one statutory clock of a case.
type DeadlineKind string

const (
	DeadlineAcceptance    DeadlineKind = "acceptance"     // 受理告知
	DeadlineHandling      DeadlineKind = "handling"       // 办理
	DeadlineReviewRequest DeadlineKind = "review_request" // 申请复查（信访人）
	DeadlineReview        DeadlineKind = "review"         // 复查
	DeadlineRecheckReq    DeadlineKind = "recheck_request"
	DeadlineRecheck       DeadlineKind = "recheck" // 复核
)

// Statutory periods in days, 信访工作条例 (2022).
const (
	AcceptanceDays   = 15 // arts. 22–23
	HandlingDays     = 60 // art. 34
	MaxExtensionDays = 30 // art. 34, once
	ReviewDays       = 30 // art. 35, request and answer each
	RecheckDays      = 30 // art. 36, request and answer each
)

// Deadline is one clock: what is due, from which article, from when, by when.
type Deadline struct {
	Kind    DeadlineKind `json:"kind"`
	Label   string       `json:"label"`
	Article string       `json:"article"`
	Start   roster.Date  `json:"start"`
	Due     roster.Date  `json:"due"`
	// Office is false for the petitioner's own windows (asking for review):
	// they bound return visits but are not the office's to meet.
	Office bool        `json:"office"`
	Met    bool        `json:"met"`
	MetOn  roster.Date `json:"met_on,omitempty"`
	// Provisional: Due was moved across holidays of a calendar not yet
	// confirmed (暂定), so it may still change; set by the reader holding the calendar.
	Provisional bool `json:"provisional,omitempty"`
	// DueRolled is the later date of a statute read two ways (art. 34's
	// extension counted from the rolled-forward end of the 60 days); Due is
	// the strict reading, which the alerts follow. See docs/deadlines.md.
	DueRolled roster.Date `json:"due_rolled,omitempty"`
}

// Alert is how close a deadline is.
type Alert string

const (
	AlertNone    Alert = ""
	Alert75      Alert = "75%"
	Alert90      Alert = "90%"
	AlertOverdue Alert = "overdue"
)

// Label is the Chinese name of the alert.
func (a Alert) Label() string {
	switch a {
	case Alert75:
		return "已过期限75%"
	case Alert90:
		return "已过期限90%"
	case AlertOverdue:
		return "已超期"
	}
	return ""
}

// DaysLeft is Due minus today: 0 on the last day, negative once overdue.
func (d Deadline) DaysLeft(today roster.Date) int { return d.Due.DaysSince(today) }

// Overdue reports whether an unmet deadline has passed; the last day itself is in time.
func (d Deadline) Overdue(today roster.Date) bool { return !d.Met && today > d.Due }

// Alert returns the threshold today has crossed for an unmet deadline.
func (d Deadline) Alert(today roster.Date) Alert {
	if d.Met {
		return AlertNone
	}
	if today > d.Due {
		return AlertOverdue
	}
	total := d.Due.DaysSince(d.Start)
	if total <= 0 {
		return AlertNone
	}
	// Integer arithmetic so 75% of a 60-day period is day 45 exactly.
	used := today.DaysSince(d.Start)
	switch {
	case used*10 >= total*9:
		return Alert90
	case used*4 >= total*3:
		return Alert75
	}
	return AlertNone
}
