package visits

import "fmt"

// A booking follows its duty (issue 15): when the duty day's 值班领导
// changes after booking, or the day stops being a duty day, the visitor is
// to be told by phone. Following records what the visitor now expects, so
// a change is flagged once however often the roster is saved, and a later
// change (even back to the leader booked) is flagged again.

// NoDuty is Following when the booked day is no longer a duty day. A person
// id never holds "/" (the county file refuses it).
const NoDuty = "/"

// BookingFollow is what following the duty reads and writes of a booking.
type BookingFollow struct {
	// BookedLeader is the leader chosen when booking ("" for whoever is on duty).
	BookedLeader string
	// Following is the leader the visitor is to expect now when that is not
	// BookedLeader (NoDuty: nobody receives that day); "" is as booked.
	Following   string
	CallVisitor bool
	CallReason  string
}

// expects is whom the visitor expects: a person, "" for whoever is on duty, or NoDuty.
func (f BookingFollow) expects() string {
	if f.Following != "" {
		return f.Following
	}
	return f.BookedLeader
}

// Follow makes f follow a duty now held by leader ("" when the day is no
// longer a duty day), naming people with name. It reports whether the
// visitor's expectation changed; then CallVisitor is set and CallReason says
// what to tell them (leader names only, never the visitor's data).
func (f *BookingFollow) Follow(leader string, name func(string) string) bool {
	want := leader
	switch {
	case leader == "":
		want = NoDuty
	case f.BookedLeader == "":
		want = "" // whoever is on duty: any leader will do
	}
	before := f.expects()
	if want == before {
		return false
	}
	f.Following = want
	if want == f.BookedLeader {
		f.Following = ""
	}
	f.CallVisitor = true
	switch {
	case want == NoDuty && before == "":
		f.CallReason = "该日已不再安排开门接访，请电话告知来访人改约"
	case want == NoDuty:
		f.CallReason = fmt.Sprintf("该日已不再安排开门接访（原值班领导%s），请电话告知来访人改约", name(before))
	case before == NoDuty && want == "":
		f.CallReason = fmt.Sprintf("该日恢复开门接访，由%s接待，请电话告知来访人", name(leader))
	case before == NoDuty:
		f.CallReason = fmt.Sprintf("该日恢复开门接访，值班领导为%s，请电话告知来访人", name(want))
	case want == f.BookedLeader:
		f.CallReason = fmt.Sprintf("值班领导由%s改回%s（原预约的领导），请电话告知来访人", name(before), name(want))
	default:
		f.CallReason = fmt.Sprintf("值班领导由%s改为%s，请电话告知来访人", name(before), name(want))
	}
	return true
}
