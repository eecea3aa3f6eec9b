package scheduler

import (
	"context"

	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

// ScheduleReturnVisit is service.ScheduleReturnVisit for the case handlers
// not yet moved onto the service layer.
//
// Deprecated: call service.ScheduleReturnVisit; this goes once httpapi's
// case handlers do.
func ScheduleReturnVisit(ctx context.Context, tx *store.Store, k visits.Case, cal roster.Calendar, within int, today roster.Date, who string) (*visits.Visit, error) {
	e := service.Env{Tx: tx, Cal: cal, Today: today, Actor: who}
	e.Cfg.Visits.ReturnVisitWithinDays = within
	return service.ScheduleReturnVisit(ctx, e, k)
}
