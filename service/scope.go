package service

import (
	"context"

	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// A township clerk's account (Call.Unit) changes only its township's visits
// and sweep reports; the roster and leave checks are planner's (CheckRoster,
// CheckPerson). Each runs in the transaction of the write it guards.
// Rules and reasons: docs/staff-scope.md.

// ownTownship refuses a township account acting on township (a visit's or a
// report's; "" is the county's own) unless it is the account's. what says
// the refused act.
func (e Env) ownTownship(ctx context.Context, township, what string) error {
	if e.Unit == "" || township == e.Unit {
		return nil
	}
	name, err := planner.UnitName(ctx, e.Tx, e.Unit)
	if err != nil {
		return err
	}
	return fault.Denied("没有权限：本账号只管理" + name + "，不能" + what)
}

// ownFinding refuses a township account on a finding of another township's report.
func (e Env) ownFinding(ctx context.Context, f visits.Finding) error {
	if e.Unit == "" {
		return nil
	}
	task, err := e.Tx.SweepTask(ctx, f.Task)
	if err != nil {
		return err
	}
	return e.ownTownship(ctx, task.Township, "处理其他乡镇的排查发现")
}

// Reads: a township account sees its township's private data only — the
// visits whose township is its own and the findings of its own reports; the
// sweep's tasks and counts (no personal data) stay whole. See docs/staff-scope.md.

// readDenied is the refusal of a township account reading another's private data.
func readDenied(what string) error {
	return fault.Denied("没有权限：乡镇账号只能查看本乡镇的" + what)
}

// VisitFilterFor confines f to unit's township ("" is county-wide, f unchanged);
// asking for another township is refused.
func VisitFilterFor(unit string, f store.VisitFilter) (store.VisitFilter, error) {
	if unit == "" {
		return f, nil
	}
	if f.Township != "" && f.Township != unit {
		return f, readDenied("走访")
	}
	f.Township = unit
	return f, nil
}

// VisitFor is visit id as unit may read it: another township's is refused.
func (s *Service) VisitFor(ctx context.Context, unit string, id int64) (visits.Visit, error) {
	v, err := s.st.Visit(ctx, id)
	if err == nil && unit != "" && v.Township != unit {
		return visits.Visit{}, readDenied("走访")
	}
	return v, err
}

// ForUnit keeps only the findings of unit's own report ("" keeps all).
func (v SweepView) ForUnit(unit string) SweepView {
	v.Findings = findingsOf(unit, v.Tasks, v.Findings)
	return v
}

// ForUnit keeps only the findings of unit's own report ("" keeps all).
func (d SweepDetail) ForUnit(unit string) SweepDetail {
	if unit == "" {
		return d
	}
	d.SweepView = d.SweepView.ForUnit(unit)
	own := map[int64]bool{}
	for _, f := range d.Findings {
		own[f.ID] = true
	}
	var lines []FindingLine
	for _, l := range d.FindingLines {
		if own[l.ID] {
			lines = append(lines, l)
		}
	}
	d.FindingLines = lines
	return d
}

// FindingsFor keeps the findings in fs that unit may read, given month's tasks.
func (s *Service) FindingsFor(ctx context.Context, unit string, month visits.Month, fs []visits.Finding) ([]visits.Finding, error) {
	if unit == "" {
		return fs, nil
	}
	tasks, err := s.st.SweepTasks(ctx, month)
	if err != nil {
		return nil, err
	}
	return findingsOf(unit, tasks, fs), nil
}

func findingsOf(unit string, tasks []visits.Task, fs []visits.Finding) []visits.Finding {
	if unit == "" {
		return fs
	}
	own := map[int64]bool{}
	for _, t := range tasks {
		own[t.ID] = t.Township == unit
	}
	out := []visits.Finding{}
	for _, f := range fs {
		if own[f.Task] {
			out = append(out, f)
		}
	}
	return out
}

// SweepReportFor is SweepReport for county staff; the workbook holds every
// township's findings, so a township account is refused.
func (s *Service) SweepReportFor(ctx context.Context, unit string, month visits.Month, today roster.Date) (string, []byte, error) {
	if unit != "" {
		return "", nil, readDenied("排查发现，全县排查报告表由县里导出")
	}
	return s.SweepReport(ctx, month, today)
}
