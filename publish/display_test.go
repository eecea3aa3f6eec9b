package publish

import (
	"context"
	"testing"

	"zhiban/store"
	"zhiban/visits"
)

// The hall display counts the people received at today's 开门接访 sessions
// (the desk's registrations being or done received, or the head count staff
// entered, whichever is more): not yesterday's, not a cancelled session's,
// not those still waiting; and it carries nothing private.
func TestDisplayPageCountsTodayOnly(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	vs, err := f.st.Visits(ctx, store.VisitFilter{Kind: visits.KindOpen, From: f.today.AddDays(-1), To: f.today})
	if err != nil {
		t.Fatal(err)
	}
	var today *visits.Visit
	yesterday := 0
	for i, v := range vs {
		if v.Date == f.today {
			today = &vs[i]
		} else {
			yesterday += v.WalkIns
		}
	}
	if today == nil || yesterday == 0 {
		t.Fatalf("the demo has no session today or none done yesterday: %+v", vs)
	}
	today.WalkIns, today.State, today.Notes = 5, visits.VisitDone, "接待"+f.private[0]
	if _, err := f.st.SaveVisit(ctx, *today, today.Version, "outcome", "test"); err != nil {
		t.Fatal(err)
	}
	extra := *today
	extra.ID, extra.State, extra.WalkIns = 0, visits.VisitCancelled, 9
	if _, err := f.st.CreateVisit(ctx, extra, "test"); err != nil {
		t.Fatal(err)
	}
	// publishtest seeds a group of six being received at the desk; a group of four waits.
	waiting := f.seeded.Registration
	waiting.GroupSize, waiting.Representatives, waiting.State = 4, nil, visits.DeskWaiting
	if _, err := f.st.CreateRegistration(ctx, waiting, "test"); err != nil {
		t.Fatal(err)
	}
	dp, err := f.pub.DisplayPage(ctx, f.today)
	if err != nil {
		t.Fatal(err)
	}
	if dp.Received != 6 {
		t.Errorf("received %d today, want 6 (the desk's 6 over the head count 5; yesterday's %d, a cancelled session's 9 and 4 waiting do not count)", dp.Received, yesterday)
	}
	if len(dp.Halls) != 1 || dp.Halls[0].Today == nil || dp.OffNote != "" {
		t.Errorf("halls %+v, off note %q", dp.Halls, dp.OffNote)
	}
	if leaks := f.leaks(t, dp); len(leaks) > 0 {
		t.Errorf("the display data shows %q", leaks)
	}
}

func TestOffNote(t *testing.T) {
	for reason, want := range map[string]string{"": "", "周末": "今日为休息日", "法定节假日（元旦，暂定）": "今日为法定节假日（元旦，暂定）",
		"暂无值班安排": "今日暂无值班安排"} {
		if got := offNote(reason); got != want {
			t.Errorf("offNote(%q) = %q, want %q", reason, got, want)
		}
	}
}
