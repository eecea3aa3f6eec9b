package planner_test

import (
	"context"
	"testing"

	"zhiban/county"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/visits"
)

// sessionsOn is day's 开门接访 sessions by leader.
func sessionsOn(t *testing.T, st *store.Store, day roster.Date) map[string]visits.Visit {
	t.Helper()
	vs, err := st.Visits(context.Background(), store.VisitFilter{Kind: visits.KindOpen, From: day, To: day})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]visits.Visit{}
	for _, v := range vs {
		out[v.Leader] = v
	}
	return out
}

// okCandidate is an eligible person for k other than its holder.
func okCandidate(t *testing.T, st *store.Store, k roster.Key) string {
	t.Helper()
	v, err := planner.LoadSlot(context.Background(), st, k)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range v.Candidates {
		if c.OK && !c.Current {
			return c.ID
		}
	}
	t.Fatalf("nobody eligible for %v", k)
	return ""
}

// Issue 11 item 8: replacing today's duty leader moves the 开门接访 session in
// the edit's transaction (the old one cancelled, the new one opened), and the
// session names the 跟班领导, who follows the roster too.
func TestSessionFollowsTheRosterEdit(t *testing.T) {
	ctx := context.Background()
	st, from := filled(t)
	head := dutyOn(t, st, from)
	today := head.Date
	var shadow store.StoredAssignment
	as, _ := st.Assignments(ctx, today, today)
	for _, a := range as {
		if a.Role == "跟班领导" {
			shadow = a
		}
	}
	// The morning's follow-ups opened the session.
	if _, err := planner.FollowRoster(ctx, st, today, today, today, "test", "job:follow-ups"); err != nil {
		t.Fatal(err)
	}
	before := sessionsOn(t, st, today)
	if s, ok := before[head.Person]; !ok || s.Shadow != shadow.Person || len(before) != 1 {
		t.Fatalf("sessions %+v, want %s shadowed by %s", before, head.Person, shadow.Person)
	}
	next := okCandidate(t, st, head.Key())
	if _, err := planner.Assign(ctx, st, planner.Assignment{Key: head.Key(), Person: next, Version: head.Version, Today: today}, "ed"); err != nil {
		t.Fatal(err)
	}
	after := sessionsOn(t, st, today)
	if after[head.Person].State != visits.VisitCancelled {
		t.Errorf("old leader's session is %s", after[head.Person].State)
	}
	if s := after[next]; s.State != visits.VisitConfirmed || s.Shadow != shadow.Person {
		t.Errorf("new leader's session %+v", s)
	}
	// A new 跟班领导 is named on the session at once.
	other := okCandidate(t, st, shadow.Key())
	if _, err := planner.Assign(ctx, st, planner.Assignment{Key: shadow.Key(), Person: other, Version: shadow.Version, Today: today}, "ed"); err != nil {
		t.Fatal(err)
	}
	if s := sessionsOn(t, st, today)[next]; s.Shadow != other {
		t.Errorf("shadow %q, want %q", s.Shadow, other)
	}
}

// Holiday duty at the 值班室 receives nobody unless the county says so.
func TestHolidayDutyRosterOpensNoReception(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		public *bool
		want   int
	}{{"default", nil, 0}, {"receives the public", ptr(true), 1}} {
		t.Run(tc.name, func(t *testing.T) {
			st := storetest.Open(t)
			c := county.Demo()
			c.Rosters = append(c.Rosters, county.Roster{ID: "holiday-duty", Name: "节假日值班", Days: "offdays", Start: "08:30", End: "17:30",
				Place: "县群众工作部值班室", MinGapDays: 1, ReceivesPublic: tc.public, Slots: []county.Slot{{Role: "值班领导", Pool: "county-leaders"}}})
			if _, err := st.ImportCounty(ctx, c, "test"); err != nil {
				t.Fatal(err)
			}
			day := roster.MustDate("2027-03-06") // a Saturday
			if _, err := planner.Fill(ctx, st, day, day, day, "test"); err != nil {
				t.Fatal(err)
			}
			done, err := planner.FollowRoster(ctx, st, day, day, day, "test", "job:follow-ups")
			if err != nil || done.Opened != tc.want {
				t.Fatalf("opened %d, want %d (%v)", done.Opened, tc.want, err)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
