package service

import (
	"context"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// CaseView is a case with its statutory clocks on a day.
type CaseView struct {
	visits.Case
	Clock     visits.Clock      `json:"clock"`
	Deadlines []visits.Deadline `json:"deadlines"`
}

// ViewCase computes k's clocks on today.
func ViewCase(k visits.Case, today roster.Date, cal roster.Calendar) CaseView {
	return CaseView{Case: k, Clock: k.ClockOn(today, cal), Deadlines: k.Deadlines(cal)}
}

// CaseQuery selects cases; State "open" means every case still in the office's hands.
type CaseQuery struct {
	Township, Leader, State string
	Overdue                 bool
}

// ListCases returns the cases q selects with their clocks on today, newest first.
func (s *Service) ListCases(ctx context.Context, today roster.Date, q CaseQuery) ([]CaseView, error) {
	f := store.CaseFilter{Township: q.Township, Leader: q.Leader}
	switch {
	case q.State == "open":
		f.OpenOnly = true
	case q.State != "":
		if visits.CaseState(q.State).Label() == "" {
			return nil, fault.InvalidField("state", "状态无效")
		}
		f.States = []visits.CaseState{visits.CaseState(q.State)}
	}
	cases, err := s.st.Cases(ctx, f)
	if err != nil {
		return nil, err
	}
	cal, err := CaseCalendar(ctx, s.st, today)
	if err != nil {
		return nil, err
	}
	out := []CaseView{}
	for _, k := range cases {
		v := ViewCase(k, today, cal)
		if q.Overdue && !v.Clock.Overdue {
			continue
		}
		out = append(out, v)
	}
	return out, nil
}

// CaseFile is one case with its clocks on today and its visits.
type CaseFile struct {
	Case   CaseView       `json:"case"`
	Visits []visits.Visit `json:"visits"`
}

// ReadCase returns case id with its clocks on today and its visits.
func (s *Service) ReadCase(ctx context.Context, today roster.Date, id int64) (CaseFile, error) {
	k, err := s.st.Case(ctx, id)
	if err != nil {
		return CaseFile{}, err
	}
	cal, err := CaseCalendar(ctx, s.st, today)
	if err != nil {
		return CaseFile{}, err
	}
	vs, err := s.st.Visits(ctx, store.VisitFilter{Case: id})
	if err != nil {
		return CaseFile{}, err
	}
	return CaseFile{Case: ViewCase(k, today, cal), Visits: vs}, nil
}
