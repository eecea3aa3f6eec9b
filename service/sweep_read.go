package service

import (
	"context"

	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// SweepView is a month's sweep with its tasks, findings and the month's
// report, as staff and the JSON API see it.
type SweepView struct {
	Sweep    visits.Sweep       `json:"sweep"`
	Tasks    []visits.Task      `json:"tasks"`
	Findings []visits.Finding   `json:"findings"`
	Report   visits.MonthReport `json:"report"`
}

// Sweep is month's sweep as of today; a month without one is store.ErrNotFound.
func (s *Service) Sweep(ctx context.Context, month visits.Month, today roster.Date) (SweepView, error) {
	sw, err := s.st.Sweep(ctx, month)
	if err != nil {
		return SweepView{}, err
	}
	tasks, err := s.st.SweepTasks(ctx, month)
	if err != nil {
		return SweepView{}, err
	}
	fs, err := s.st.Findings(ctx, store.FindingFilter{Month: month})
	if err != nil {
		return SweepView{}, err
	}
	// The report counts the cases the month's findings became, whatever their state.
	cases, err := s.st.Cases(ctx, store.CaseFilter{})
	if err != nil {
		return SweepView{}, err
	}
	cal, err := CaseCalendar(ctx, s.st, today)
	if err != nil {
		return SweepView{}, err
	}
	return SweepView{Sweep: sw, Tasks: tasks, Findings: fs, Report: visits.Summarise(sw, tasks, fs, cases, today, cal)}, nil
}
