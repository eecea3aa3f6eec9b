package stats

import (
	"context"
	"time"

	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
)

// Load reads the rows of period p, each table once, and computes its report
// as seen on asOf (the county's today). For one consistent snapshot pass a
// Store from Store.ReadTx (service.Statistics does).
func Load(ctx context.Context, st *store.Store, p Period, asOf roster.Date) (Report, error) {
	in, err := Read(ctx, st, p, asOf)
	if err != nil {
		return Report{}, err
	}
	return Compute(in), nil
}

// Read reads the rows Compute needs for period p as seen on asOf; run it in
// one read transaction (Store.ReadTx) so the rows are of one state.
func Read(ctx context.Context, st *store.Store, p Period, asOf roster.Date) (Input, error) {
	in := Input{Period: p, AsOf: asOf}
	var err error
	// The same span as the case page's calendar (service.CaseCalendar), around the period.
	if in.Cal, err = planner.Calendar(ctx, st, p.From.AddDays(-3*366), max(p.To, asOf).AddDays(366)); err != nil {
		return in, err
	}
	if in.Cases, err = st.StatCases(ctx, p.To); err != nil {
		return in, err
	}
	from := p.From
	if ms := TrendMonths(p, asOf); len(ms) > 0 {
		from = min(from, ms[0].First())
	}
	if in.Visits, err = st.StatVisits(ctx, from, max(p.To, asOf)); err != nil {
		return in, err
	}
	if in.Evaluations, err = st.Evaluations(ctx, store.EvaluationFilter{From: from, To: asOf}); err != nil {
		return in, err
	}
	if in.Registrations, err = st.StatRegistrations(ctx, p.From, p.To); err != nil {
		return in, err
	}
	if in.Tasks, err = st.StatSweeps(ctx, roster.MonthOf(p.From).String(), roster.MonthOf(p.To).String()); err != nil {
		return in, err
	}
	if in.Rosters, err = st.Rosters(ctx); err != nil {
		return in, err
	}
	if in.Pools, err = st.Pools(ctx); err != nil {
		return in, err
	}
	// The period's year and the ones before it fairness may show.
	y := p.From.Year()
	yearFrom, yearTo := roster.NewDate(y-FairnessYears+1, time.January, 1), roster.NewDate(y, time.December, 31)
	if in.Assignments, err = st.Assignments(ctx, yearFrom, yearTo); err != nil {
		return in, err
	}
	if in.Attendance, err = st.Attendance(ctx, p.From, p.To); err != nil {
		return in, err
	}
	// A month's margin either side keeps both halves of a swap across the period's edge.
	if in.Changes, err = st.AssignmentChanges(ctx, p.From.AddDays(-62), p.To.AddDays(62)); err != nil {
		return in, err
	}
	if in.People, err = st.People(ctx); err != nil {
		return in, err
	}
	units, err := st.Units(ctx)
	if err != nil {
		return in, err
	}
	for _, u := range units {
		if u.Kind == "township" {
			in.Townships = append(in.Townships, [2]string{u.ID, u.Name})
		}
	}
	return in, nil
}
