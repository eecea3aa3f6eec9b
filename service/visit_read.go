package service

import (
	"context"
	"fmt"

	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/visits"
)

// MaxSlotDays bounds a free-slots query: offers are for the coming weeks.
const MaxSlotDays = 92

// FreeSlots lists leader's free working days in [from, to] (no duty,
// absence or active visit) and what holds the other days: what staff offer
// a petitioner for a 主动约访.
func (s *Service) FreeSlots(ctx context.Context, leader string, from, to roster.Date) ([]roster.Date, []visits.Conflict, error) {
	if to < from {
		return nil, nil, fault.InvalidField("to", "结束日期早于开始日期")
	}
	if to.DaysSince(from) >= MaxSlotDays {
		return nil, nil, fault.InvalidField("to", fmt.Sprintf("查询范围不能超过 %d 天", MaxSlotDays))
	}
	busy, err := s.st.Busy(ctx, from, to)
	if err != nil {
		return nil, nil, err
	}
	cal, err := planner.Calendar(ctx, s.st, from, to)
	if err != nil {
		return nil, nil, err
	}
	free := visits.FreeDays(leader, from, to, cal, busy)
	if free == nil {
		free = []roster.Date{}
	}
	return free, visits.LeaderBusy(leader, from, to, busy), nil
}
