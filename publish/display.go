package publish

import (
	"context"
	"strings"

	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// DisplayPage is the data of /display, the TV in the reception hall: the
// today page's public data plus how many people were received today, a count
// and nothing else about them.
type DisplayPage struct {
	TodayPage
	// Halls are the rosters that sit at the reception centre (all when none names it).
	Halls []RosterSection
	// OffNote says why no leader receives today (今日为休息日), or is "".
	OffNote string
	// Received is the head count of today's 开门接访 sessions.
	Received int
}

// DisplayPage returns the hall display's data for the county date today.
func (p *Publisher) DisplayPage(ctx context.Context, today roster.Date) (DisplayPage, error) {
	pg, err := p.TodayPage(ctx, today)
	if err != nil {
		return DisplayPage{}, err
	}
	dp := DisplayPage{TodayPage: pg, OffNote: offNote(pg.D.OffReason)}
	for _, sec := range pg.Sections {
		if sec.Address != "" {
			dp.Halls = append(dp.Halls, sec)
		}
	}
	if len(dp.Halls) == 0 {
		dp.Halls = pg.Sections
	}
	if dp.Received, err = p.receivedOn(ctx, today); err != nil {
		return DisplayPage{}, err
	}
	return dp, nil
}

// receivedOn counts the people received at 开门接访 on d: per session, the
// desk's registrations or the head count staff entered, whichever is more
// (the same people are often in both). Only the number leaves this
// function: registrations, notes and cases are private.
func (p *Publisher) receivedOn(ctx context.Context, d roster.Date) (int, error) {
	vs, err := p.st.Visits(ctx, store.VisitFilter{Kind: visits.KindOpen, From: d, To: d})
	if err != nil {
		return 0, err
	}
	desk, err := p.st.ReceivedAtDesk(ctx, d)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, v := range vs {
		if v.State != visits.VisitCancelled || desk[v.ID] > 0 {
			n += max(v.WalkIns, desk[v.ID])
		}
	}
	return n, nil
}

// offNote is the hall's sentence for a day without reception; the hall calls
// a weekend 休息日, as the notice by the door does.
func offNote(reason string) string {
	switch {
	case reason == "":
		return ""
	case reason == "周末":
		return "今日为休息日"
	case strings.HasPrefix(reason, "法定节假日"):
		return "今日为" + reason
	}
	return "今日" + reason
}
