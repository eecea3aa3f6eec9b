package visits

import (
	"time"

	"zhiban/roster"
)

// Bounds on numbers and dates typed by staff or sent to the API. Values
// outside them are typing slips or attacks, never a real county's data.
const (
	MaxGroupSize = 10000 // people in one collective petition
	MaxCount     = 10000 // walk-ins at one reception, parties to one dispute
	MaxCaseRefs  = 100   // cases one visit or outcome names
	MaxFindings  = 200   // findings in one sweep report
)

// Earliest is the first day any date may be: zhiban keeps no older records,
// and it keeps 1970-01-01 (the zero Date, "not given") out of range.
var Earliest = roster.NewDate(2000, time.January, 1)

// Latest is the last day a date may be on today: five years ahead.
func Latest(today roster.Date) roster.Date {
	return roster.NewDate(today.Year()+5, today.Month(), today.Day())
}

// CheckDate refuses a date outside Earliest … Latest(today), naming field;
// the zero Date (not given) passes, for the rules to default or refuse.
func CheckDate(field string, d, today roster.Date) error {
	if d != 0 && (d < Earliest || d > Latest(today)) {
		return refuse(field, "日期超出范围，应在 %s 至 %s 之间", Earliest, Latest(today))
	}
	return nil
}

// CheckCount refuses n outside lo … hi, naming field.
func CheckCount(field string, n, lo, hi int) error {
	if n < lo || n > hi {
		return refuse(field, "应在 %d 至 %d 之间", lo, hi)
	}
	return nil
}
