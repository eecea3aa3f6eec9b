package service

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"zhiban/fault"
	"zhiban/store"
	"zhiban/visits"
)

// FlagKinds are the follow-up flag kinds, in the order staff filter them.
var FlagKinds = []Choice{
	{"deadline", "期限提醒"},
	{"missing_report", "逾期未报"},
	{"escalated", "高风险转案"},
	{"unassigned_finding", "待指定包保领导"},
	{"dissatisfied", "回访不满意"},
	{"handover_overdue", "交办超期"},
	{"call_visitor", "预约变动待电话"}, // planner.FlagCallVisitor
}

// FlagKindLabel is the Chinese name of a flag kind, or kind when unknown.
func FlagKindLabel(kind string) string {
	for _, k := range FlagKinds {
		if k.Value == kind {
			return k.Label
		}
	}
	return kind
}

// FlagLine is a flag with its kind and leader in words and its case or sweep month (none when gone).
type FlagLine struct {
	store.Flag
	KindLabel  string
	LeaderName string
	Case       int64
	Month      visits.Month
}

// FlagList is up to max flags of one kind ("" for all), newest first, with counts per kind.
type FlagList struct {
	Lines  []FlagLine
	Counts map[string]int
	Total  int // of the kind asked for, shown or not
}

// Flags lists the follow-up flags of kind; an unknown kind is refused.
func (s *Service) Flags(ctx context.Context, kind string, max int) (FlagList, error) {
	l := FlagList{Counts: map[string]int{}}
	if kind != "" && FlagKindLabel(kind) == kind {
		labels := make([]string, len(FlagKinds))
		for i, k := range FlagKinds {
			labels[i] = k.Label
		}
		return l, fault.InvalidField("kind", "类型无效，应为 "+strings.Join(labels, "、"))
	}
	all, err := s.st.Flags(ctx, 0)
	if err != nil {
		return l, err
	}
	n, err := s.Names(ctx)
	if err != nil {
		return l, err
	}
	about := map[string]FlagLine{} // what each entity is about, looked up once
	for _, f := range all {
		l.Counts[f.Kind]++
		if kind != "" && f.Kind != kind || len(l.Lines) == max {
			continue
		}
		key := f.Entity + "/" + f.EntityID
		a, ok := about[key]
		if !ok {
			if a, err = s.flagAbout(ctx, f); err != nil {
				return l, err
			}
			about[key] = a
		}
		line := FlagLine{Flag: f, KindLabel: FlagKindLabel(f.Kind), Case: a.Case, Month: a.Month}
		if f.Leader != "" {
			line.LeaderName = n.Leader(f.Leader)
		}
		l.Lines = append(l.Lines, line)
	}
	l.Total = len(all)
	if kind != "" {
		l.Total = l.Counts[kind]
	}
	return l, nil
}

func (s *Service) flagAbout(ctx context.Context, f store.Flag) (FlagLine, error) {
	var a FlagLine
	id, _ := strconv.ParseInt(f.EntityID, 10, 64)
	task := int64(0)
	switch f.Entity {
	case "case":
		a.Case = id
	case "handover":
		h, err := s.st.Handover(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return a, err
		}
		a.Case = h.Case
	case "sweep_task":
		task = id
	case "finding":
		fd, err := s.st.Finding(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return a, nil
		}
		if err != nil {
			return a, err
		}
		if fd.Case != 0 {
			a.Case = fd.Case
			return a, nil
		}
		task = fd.Task
	}
	if task != 0 {
		t, err := s.st.SweepTask(ctx, task)
		if err == nil {
			a.Month = t.Month
		} else if !errors.Is(err, store.ErrNotFound) {
			return a, err
		}
	}
	return a, nil
}
