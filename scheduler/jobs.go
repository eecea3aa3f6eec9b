package scheduler

import (
	"context"
	"fmt"
	"time"

	"zhiban/planner"
	"zhiban/service"
)

// Each job is a schedule and a call; its rule lives in service or planner.

// Standard returns the roster jobs, with specs from config.
func Standard(svc *service.Service) []Job {
	return []Job{ExtendRoster(svc), DutyReminder(svc), HolidayCheck(svc), SigninCheck(svc)}
}

// VisitJobs returns the jobs of the four visits, cases and the dispute sweep.
func VisitJobs(svc *service.Service) []Job {
	return []Job{OpenSweepJob(svc), PlanVisitsJob(svc), FollowUpsJob(svc), PurgeBookingsJob(svc)}
}

// ExtendRoster fills every roster to the horizon daily, keeping history, pins and
// manual edits, and repairs slots a new absence or holiday change invalidated.
func ExtendRoster(svc *service.Service) Job {
	cfg := svc.Config()
	return Job{
		Name: "extend-roster", Title: "补齐值班表", Kind: Daily, Key: "jobs.extend_roster", Spec: cfg.Jobs.ExtendRoster,
		Instead: "如需立即按最新数据补排值班，请运行 zhiban generate。",
		Run: func(ctx context.Context, r Run) (string, error) {
			// Each caught-up day extends the horizon by its own day, but days already
			// past by the real clock are history and are never filled or rewritten.
			day := svc.Today(r.Now)
			to := day.AddDays(cfg.HorizonDays)
			today := max(day, svc.Today(r.Started))
			res, err := planner.Fill(ctx, r.Tx, today, to, today, service.JobActor)
			if err != nil {
				return "", err
			}
			s := fmt.Sprintf("排至 %s：写入 %d 个班次，删除 %d 个", to, res.Written, res.Removed)
			if n := len(res.Plan.Unfilled); n > 0 {
				s += fmt.Sprintf("，%d 个班次无人可排", n)
			}
			return s, nil
		},
	}
}

// DutyReminder tells tomorrow's leaders and the office, and leaders due in
// remind_days_ahead days, so one who cannot serve has time to swap.
func DutyReminder(svc *service.Service) Job {
	return Job{
		Name: "duty-reminder", Title: "值班提醒", Kind: Daily, Key: "jobs.duty_reminder", Spec: svc.Config().Jobs.DutyReminder,
		// A reminder about "tomorrow" is worth sending until about midnight; later it is noise.
		MaxDelay: 7 * time.Hour,
		Run: withEnv(svc, func(ctx context.Context, e service.Env) (string, error) {
			n, err := service.RemindDuty(ctx, e)
			switch {
			case err != nil:
				return "", err
			case n == 0:
				return "明天和近期无值班，未发送提醒", nil
			}
			return fmt.Sprintf("发送提醒 %d 条", n), nil
		}),
	}
}

// HolidayCheck warns the office, from November, while next year's calendar is missing or provisional.
func HolidayCheck(svc *service.Service) Job {
	return Job{
		Name: "holiday-check", Title: "节假日日历检查", Kind: Monthly, Key: "jobs.holiday_check", Spec: svc.Config().Jobs.HolidayCheck,
		Run: withEnv(svc, service.CheckHolidays),
	}
}

// OpenSweepJob opens the month's 矛盾大排查 on the 1st.
func OpenSweepJob(svc *service.Service) Job {
	return Job{
		Name: "open-sweep", Title: "开启矛盾大排查", Kind: Monthly, Key: "jobs.open_sweep", Spec: svc.Config().Jobs.OpenSweep,
		Run: withEnv(svc, service.OpenSweep),
	}
}

// PlanVisitsJob proposes the 带案下访 of the rest of this month and of next month.
func PlanVisitsJob(svc *service.Service) Job {
	per := svc.Config().Visits.CarryVisitsPerLeader
	return Job{
		Name: "plan-visits", Title: "安排带案下访", Kind: Monthly, Key: "jobs.plan_visits", Spec: svc.Config().Jobs.PlanVisits,
		Run: asOfStart(withEnv(svc, func(ctx context.Context, e service.Env) (fmt.Stringer, error) {
			if per == 0 {
				return summary("带案下访自动安排已关闭（visits.carry_visits_per_leader: 0）"), nil
			}
			return service.PlanVisits(ctx, e, service.PlanWindows(e.Today), per)
		})),
	}
}

// asOfStart runs a caught-up period as of the real clock: a plan made today
// must not start on a day already past.
func asOfStart(run func(context.Context, Run) (string, error)) func(context.Context, Run) (string, error) {
	return func(ctx context.Context, r Run) (string, error) {
		if r.Started.After(r.Now) {
			r.Now = r.Started
		}
		return run(ctx, r)
	}
}

// FollowUpsJob does the daily follow-ups of cases, visits and the sweep.
func FollowUpsJob(svc *service.Service) Job {
	return Job{
		Name: "follow-ups", Title: "案件与排查跟踪", Kind: Daily, Key: "jobs.follow_ups", Spec: svc.Config().Jobs.FollowUps,
		Run: withEnv(svc, service.FollowUps),
	}
}

// withEnv runs a use case as a job in the run's transaction, day and outbox; its printed result is the summary.
func withEnv[R any](svc *service.Service, fn func(ctx context.Context, e service.Env) (R, error)) func(context.Context, Run) (string, error) {
	return func(ctx context.Context, r Run) (string, error) {
		e, err := svc.JobEnv(ctx, r.Tx, r.Now, r.Out)
		if err != nil {
			return "", err
		}
		res, err := fn(ctx, e)
		if err != nil {
			return "", err
		}
		return fmt.Sprint(res), nil
	}
}

// summary is a fixed ledger summary where a use case's result would be.
type summary string

func (s summary) String() string { return string(s) }
