package visits

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"zhiban/roster"
)

// TestOfferedTransitionsAreTheOnesApplyAllows checks the list staff choose
// from against the state machine: every offered change passes Apply's state
// check, every other one is refused for the state.
func TestOfferedTransitionsAreTheOnesApplyAllows(t *testing.T) {
	t.Parallel()
	cal := roster.NewCalendar()
	states := []CaseState{StateReceived, StateAccepted, StateRejected, StateReplied, StateReview, StateReviewed,
		StateRecheck, StateRechecked, StateClosed}
	for _, kind := range []CaseKind{CasePetition, CaseDispute} {
		for _, st := range states {
			for _, tr := range Transitions {
				// A case in st with every duty a transition needs done, its last
				// act on 1 December and the petitioner's windows still open.
				c := Case{Kind: kind, State: st, Received: d("2026-11-20"), Replied: d("2026-12-01"), Reviewed: d("2026-12-01"),
					Milestones: []Milestone{{Duty: DutyInvestigate, On: d("2026-11-21")}, {Duty: DutyHandle, On: d("2026-11-22")}}}
				offered := slices.Contains(c.Transitions(), tr)
				err := c.Apply(tr, d("2026-12-02"), d("2026-12-02"), cal)
				var rf *Refusal
				refused := errors.As(err, &rf) && (rf.Field == "state" && strings.Contains(rf.Msg, "不能执行此操作") || rf.Field == "action")
				if offered == refused {
					t.Errorf("%s %s from %s: offered %v, Apply says %v", kind, tr, st, offered, err)
				}
			}
		}
	}
}
