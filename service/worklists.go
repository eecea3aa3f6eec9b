package service

import (
	"context"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// AlertCounts counts cases past a deadline and near one (past 75 % or 90 % of its time).
func AlertCounts(cases []CaseView) (overdue, near int) {
	for _, k := range cases {
		switch k.Clock.Alert {
		case visits.AlertOverdue:
			overdue++
		case visits.Alert90, visits.Alert75:
			near++
		}
	}
	return overdue, near
}

// DeadlineLine is one of a case's deadlines as it stands on a day.
type DeadlineLine struct {
	visits.Deadline
	DaysLeft int
	Overdue  bool
	Alert    string // 已过期限75% …, "" when not near
}

// DeadlinesOn is each deadline of k as it stands on today.
func DeadlinesOn(k CaseView, today roster.Date) []DeadlineLine {
	var out []DeadlineLine
	for _, d := range k.Deadlines {
		out = append(out, DeadlineLine{Deadline: d, DaysLeft: d.DaysLeft(today), Overdue: d.Overdue(today), Alert: d.Alert(today).Label()})
	}
	return out
}

// DutyLine is one of the 包案 duties and what the case records of it.
type DutyLine struct {
	Duty  visits.Duty
	Label string
	Done  bool
	On    roster.Date
	Note  string
	Open  bool // still to record by hand (closing the case records 包结案)
}

// Duties lists k's 包案 duties with what was recorded, and the first still to record.
func Duties(k visits.Case) (lines []DutyLine, next visits.Duty) {
	for _, d := range visits.Duties {
		l := DutyLine{Duty: d, Label: d.Label()}
		for _, x := range k.Milestones {
			if x.Duty == d {
				l.Done, l.On, l.Note = true, x.On, x.Note
			}
		}
		// A petition records 包结案 by closing; a dispute records it as a step.
		l.Open = !l.Done && (d != visits.DutyClose || k.IsDispute())
		if l.Open && next == "" {
			next = d
		}
		lines = append(lines, l)
	}
	return lines, next
}

// VisitDay is one day of the visits calendar.
type VisitDay struct {
	Date   roster.Date
	Off    bool // a weekend or holiday on the official calendar
	Visits []VisitLine
}

// VisitDays lists the days of f's range with the visits f selects on each.
func (s *Service) VisitDays(ctx context.Context, f store.VisitFilter, today roster.Date) ([]VisitDay, error) {
	vs, err := s.st.Visits(ctx, f)
	if err != nil {
		return nil, err
	}
	cal, err := CaseCalendar(ctx, s.st, today)
	if err != nil {
		return nil, err
	}
	n, err := s.Names(ctx)
	if err != nil {
		return nil, err
	}
	byDay := map[roster.Date][]VisitLine{}
	for _, v := range vs {
		byDay[v.Date] = append(byDay[v.Date], n.VisitLine(v))
	}
	var days []VisitDay
	for d := f.From; d <= f.To; d++ {
		days = append(days, VisitDay{Date: d, Off: !cal.IsWorkday(d), Visits: byDay[d]})
	}
	return days, nil
}

// CalendarSpan is a calendar page's days around anchor, in whole weeks from Monday
// as Chinese office calendars are; prev and next anchor the adjacent pages.
func CalendarSpan(anchor roster.Date, month bool) (from, to, prev, next roster.Date) {
	monday := func(d roster.Date) roster.Date { return d.AddDays(-((int(d.Weekday()) + 6) % 7)) }
	if month {
		first := anchor.MonthStart()
		return monday(first), monday(first.MonthEnd()).AddDays(6), first.AddDays(-1).MonthStart(), first.MonthEnd().AddDays(1)
	}
	from = monday(anchor)
	return from, from.AddDays(6), from.AddDays(-7), from.AddDays(7)
}

// ListVisits lists the visits f selects; an unknown kind or reversed range is refused.
func (s *Service) ListVisits(ctx context.Context, f store.VisitFilter) ([]visits.Visit, error) {
	if f.Kind != "" && !f.Kind.Valid() {
		return nil, fault.InvalidField("kind", "类型无效，应为 开门接访、主动约访、带案下访 或 上门回访")
	}
	if f.From != 0 && f.To != 0 && f.To < f.From {
		return nil, fault.InvalidField("to", "结束日期早于开始日期")
	}
	return s.st.Visits(ctx, f)
}

// LatestSweep is the latest sweep as of today; none is store.ErrNotFound.
func (s *Service) LatestSweep(ctx context.Context, today roster.Date) (SweepView, error) {
	sw, err := s.st.LatestSweep(ctx)
	if err != nil {
		return SweepView{}, err
	}
	return s.Sweep(ctx, sw.Month, today)
}

// OfferDays is how many days ahead a leader's free days are offered by default.
const OfferDays = 30

// OfferWindow defaults from to tomorrow and to to OfferDays days later.
func OfferWindow(today, from, to roster.Date) (roster.Date, roster.Date) {
	if from == 0 {
		from = today.AddDays(1)
	}
	if to == 0 {
		to = from.AddDays(OfferDays - 1)
	}
	return from, to
}
