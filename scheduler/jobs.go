package scheduler

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"zhiban/config"
	"zhiban/holiday"
	"zhiban/notify"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
)

// Actor is who the audit log says wrote a job's changes.
const Actor = "scheduler"

// Standard returns the jobs of the roster service, with specs from cfg.
// Other jobs (open-sweep, plan-visits, follow-ups) are added next to them.
func Standard(cfg config.Config) []Job {
	return []Job{ExtendRoster(cfg), DutyReminder(cfg), HolidayCheck(cfg)}
}

// Started is the scheduler clock's reading when the running job began. It
// differs from the job's now when a missed period is caught up.
func Started(ctx context.Context) time.Time {
	info, _ := ctx.Value(runKey{}).(runInfo)
	return info.started
}

// ExtendRoster fills every roster up to the horizon each day, keeping
// history, pins and manual edits, and repairs slots a new absence or holiday
// change made invalid.
func ExtendRoster(cfg config.Config) Job {
	return Job{
		Name: "extend-roster", Title: "补齐值班表", Kind: Daily, Key: "jobs.extend_roster", Spec: cfg.Jobs.ExtendRoster,
		Run: func(ctx context.Context, tx *store.Store, now time.Time) (string, error) {
			// The horizon counts from the period's day, so each caught-up day
			// adds its own day at the end; but days that have since passed (by
			// the real clock) are history and are neither filled nor rewritten.
			day := roster.Today(now, cfg.Location)
			to := day.AddDays(cfg.HorizonDays)
			today := max(day, roster.Today(Started(ctx), cfg.Location))
			res, err := planner.Fill(ctx, tx, today, to, today, Actor)
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

// DutyReminder tells tomorrow's duty leaders and the office, and tells each
// leader whose duty is cfg.Notify.RemindDaysAhead days away, so a leader who
// cannot serve has time to arrange a swap.
func DutyReminder(cfg config.Config) Job {
	return Job{
		Name: "duty-reminder", Title: "值班提醒", Kind: Daily, Key: "jobs.duty_reminder", Spec: cfg.Jobs.DutyReminder,
		// A reminder about "tomorrow" is worth sending until about midnight; later it is noise.
		MaxDelay: 7 * time.Hour,
		Run: func(ctx context.Context, tx *store.Store, now time.Time) (string, error) {
			today := roster.Today(now, cfg.Location)
			msgs, err := Reminders(ctx, tx, today, cfg.Notify.RemindDaysAhead)
			if err != nil {
				return "", err
			}
			for _, m := range msgs {
				if err := Notify(ctx, tx, m); err != nil {
					return "", err
				}
			}
			if len(msgs) == 0 {
				return "明天和近期无值班，未发送提醒", nil
			}
			return fmt.Sprintf("发送提醒 %d 条", len(msgs)), nil
		},
	}
}

// Reminders builds the messages the duty reminder sends on today: one per
// roster on duty tomorrow (to its leaders and the office), and one per leader
// on duty daysAhead days later (0 or 1 turns that off), to the leader alone,
// or also to the office when the leader has no e-mail address to send it to.
func Reminders(ctx context.Context, st *store.Store, today roster.Date, daysAhead int) ([]notify.Message, error) {
	defs, err := st.Rosters(ctx)
	if err != nil {
		return nil, err
	}
	people, err := st.People(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]roster.Person{}
	for _, p := range people {
		byID[p.ID] = p
	}
	tomorrow := today.AddDays(1)
	as, err := st.Assignments(ctx, tomorrow, tomorrow)
	if err != nil {
		return nil, err
	}
	var out []notify.Message
	for _, d := range defs {
		if m, ok := tomorrowMessage(d, tomorrow, as, byID); ok {
			out = append(out, m)
		}
	}
	if daysAhead > 1 {
		day := today.AddDays(daysAhead)
		ahead, err := st.Assignments(ctx, day, day)
		if err != nil {
			return nil, err
		}
		defByID := map[string]roster.Definition{}
		for _, d := range defs {
			defByID[d.ID] = d
		}
		for _, a := range ahead {
			p, ok := byID[a.Person]
			d, dok := defByID[a.Roster]
			if !ok || !dok {
				continue
			}
			to := []notify.Recipient{recipient(p)}
			if p.Email == "" {
				to = append(to, notify.Office) // the office passes it on
			}
			out = append(out, notify.Message{
				To:      to,
				Subject: fmt.Sprintf("值班预告：%s %s %s", monthDay(day), p.Name, a.Role),
				Text: fmt.Sprintf("【值班预告】%s同志：您将于%d天后（%s）%s 在%s担任%s。如因故不能到岗，请尽早与办公室联系调班。",
					p.Name, daysAhead, dayLabel(day), hours(d), d.Place, a.Role),
			})
		}
	}
	return out, nil
}

// tomorrowMessage names every slot of d on day: who, or that nobody is set.
func tomorrowMessage(d roster.Definition, day roster.Date, as []store.StoredAssignment, byID map[string]roster.Person) (notify.Message, bool) {
	who := map[string]string{}
	for _, a := range as {
		if a.Roster == d.ID {
			who[a.Role] = a.Person
		}
	}
	if len(who) == 0 {
		return notify.Message{}, false // not a duty day of this roster
	}
	var parts []string
	var to []notify.Recipient
	missing := false
	for _, s := range d.Slots {
		p, ok := byID[who[s.Role]]
		if !ok {
			parts = append(parts, s.Role+" 暂缺")
			missing = true
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %s（%s）", s.Role, p.Name, p.Title))
		to = append(to, recipient(p))
	}
	text := fmt.Sprintf("【值班提醒】明天（%s）%s 在%s值班接访：%s。", dayLabel(day), hours(d), d.Place, strings.Join(parts, "，"))
	if missing {
		text += "有岗位暂缺，请办公室尽快安排。"
	}
	return notify.Message{
		To:      append(to, notify.Office),
		Subject: fmt.Sprintf("值班提醒：明天（%s）%s", monthDay(day), d.Name),
		Text:    text,
	}, true
}

// recipient addresses p, with their private e-mail for the e-mail channel.
func recipient(p roster.Person) notify.Recipient {
	return notify.Recipient{PersonID: p.ID, Name: p.Name, Email: p.Email}
}

var weekdays = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// dayLabel formats 12月1日 星期二.
func dayLabel(d roster.Date) string { return monthDay(d) + " " + weekdays[d.Weekday()] }

func monthDay(d roster.Date) string { return fmt.Sprintf("%d月%d日", d.Month(), d.Day()) }

func hours(d roster.Definition) string { return d.Start.String() + "–" + d.End.String() }

// HolidayCheck warns the office, from 1 November, while next year's official
// calendar is missing or still the provisional built-in one: the roster for
// January is generated in November, and a wrong Spring Festival breaks it.
func HolidayCheck(cfg config.Config) Job {
	return Job{
		Name: "holiday-check", Title: "节假日日历检查", Kind: Monthly, Key: "jobs.holiday_check", Spec: cfg.Jobs.HolidayCheck,
		Run: func(ctx context.Context, tx *store.Store, now time.Time) (string, error) {
			today := roster.Today(now, cfg.Location)
			next := today.Year() + 1
			if today.Month() < time.November {
				return fmt.Sprintf("11月起检查 %d 年日历，本月无需检查", next), nil
			}
			confirmed, err := tx.HolidayYearConfirmed(ctx, next)
			if err != nil {
				return "", err
			}
			if confirmed {
				return fmt.Sprintf("%d 年节假日安排已导入确认", next), nil
			}
			var text, summary string
			switch {
			case !slices.Contains(holiday.BuiltinYears(), next):
				summary = fmt.Sprintf("%d 年节假日安排缺失，已提醒办公室", next)
				text = fmt.Sprintf("【节假日日历】系统中还没有 %d 年的法定节假日安排，明年的值班将只按周末排定。"+
					"请在国务院办公厅通知发布后，用“zhiban holidays import”导入并核对。", next)
			case holiday.Provisional(next):
				summary = fmt.Sprintf("%d 年节假日安排为暂定，已提醒办公室", next)
				text = fmt.Sprintf("【节假日日历】%d 年的法定节假日安排仍是系统推算的暂定版本，调休补班可能不准。"+
					"请在国务院办公厅通知发布后，用“zhiban holidays import”导入并核对。", next)
			default:
				return fmt.Sprintf("%d 年节假日安排已内置", next), nil
			}
			m := notify.Message{To: []notify.Recipient{notify.Office}, Subject: fmt.Sprintf("请导入 %d 年节假日安排", next), Text: text}
			if err := Notify(ctx, tx, m); err != nil {
				return "", err
			}
			return summary, nil
		},
	}
}
