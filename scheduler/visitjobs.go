package scheduler

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"zhiban/config"
	"zhiban/notify"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// VisitJobs returns the jobs of the four visits, cases and the dispute sweep.
func VisitJobs(cfg config.Config) []Job {
	return []Job{OpenSweepJob(cfg), PlanVisitsJob(cfg), FollowUpsJob(cfg)}
}

// OpenSweepJob opens the month's 矛盾大排查 on the 1st.
func OpenSweepJob(cfg config.Config) Job {
	return Job{
		Name: "open-sweep", Title: "开启矛盾大排查", Kind: Monthly, Key: "jobs.open_sweep", Spec: cfg.Jobs.OpenSweep,
		Run: func(ctx context.Context, tx *store.Store, now time.Time) (string, error) {
			return OpenSweep(ctx, tx, roster.Today(now, cfg.Location), cfg.Visits.SweepDueDay)
		},
	}
}

// PlanVisitsJob proposes the next month's 带案下访.
func PlanVisitsJob(cfg config.Config) Job {
	return Job{
		Name: "plan-visits", Title: "安排带案下访", Kind: Monthly, Key: "jobs.plan_visits", Spec: cfg.Jobs.PlanVisits,
		Run: func(ctx context.Context, tx *store.Store, now time.Time) (string, error) {
			if cfg.Visits.CarryVisitsPerLeader == 0 {
				return "带案下访自动安排已关闭（visits.carry_visits_per_leader: 0）", nil
			}
			return planVisits(ctx, tx, PlanWindows(roster.Today(now, cfg.Location)), cfg.Visits.CarryVisitsPerLeader)
		},
	}
}

// FollowUpsJob does the daily follow-ups of cases, visits and the sweep.
func FollowUpsJob(cfg config.Config) Job {
	return Job{
		Name: "follow-ups", Title: "案件与排查跟踪", Kind: Daily, Key: "jobs.follow_ups", Spec: cfg.Jobs.FollowUps,
		Run: func(ctx context.Context, tx *store.Store, now time.Time) (string, error) {
			return FollowUps(ctx, tx, roster.Today(now, cfg.Location), cfg.Visits.ReturnVisitWithinDays)
		},
	}
}

// Window is a span of days plan-visits fills, inside one calendar month.
type Window struct{ From, To roster.Date }

// PlanWindows are the spans plan-visits fills when run on today: the rest of
// this month (PlanCarryVisits counts the whole month, so only a leader with
// too few visits this month gets one) and all of next month, which the
// monthly run always plans whatever day it runs on.
func PlanWindows(today roster.Date) []Window {
	var out []Window
	if today < today.MonthEnd() {
		out = append(out, Window{today.AddDays(1), today.MonthEnd()})
	}
	next := today.MonthEnd().AddDays(1)
	return append(out, Window{next, next.MonthEnd()})
}

func calendarAround(ctx context.Context, tx *store.Store, today roster.Date) (roster.Calendar, error) {
	return planner.Calendar(ctx, tx, today.AddDays(-3*366), today.AddDays(366))
}

func townships(ctx context.Context, tx *store.Store) ([]visits.Unit, map[string]string, error) {
	units, err := tx.Units(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []visits.Unit
	names := map[string]string{}
	for _, u := range units {
		if u.Kind == "township" {
			out = append(out, visits.Unit{ID: u.ID, Name: u.Name})
			names[u.ID] = u.Name
		}
	}
	return out, names, nil
}

// OpenSweep opens the sweep of today's month (idempotent per month) and
// rolls last month's unresolved findings into the new tasks.
func OpenSweep(ctx context.Context, tx *store.Store, today roster.Date, dueDay int) (string, error) {
	first := today.MonthStart()
	month := visits.MonthOf(first)
	units, names, err := townships(ctx, tx)
	if err != nil {
		return "", err
	}
	people, err := tx.People(ctx)
	if err != nil {
		return "", err
	}
	cal, err := calendarAround(ctx, tx, today)
	if err != nil {
		return "", err
	}
	sw, tasks := visits.OpenSweep(first, units, people, dueDay, cal, today)
	created, err := tx.CreateSweep(ctx, sw, tasks, Actor)
	if err != nil {
		return "", err
	}
	if !created {
		return fmt.Sprintf("%s 矛盾大排查已开启，未重复开启", month), nil
	}
	stored, err := tx.SweepTasks(ctx, month)
	if err != nil {
		return "", err
	}
	newTask := map[string]int64{}
	var unassigned []string
	for _, t := range stored {
		newTask[t.Township] = t.ID
		if t.Leader == "" {
			unassigned = append(unassigned, names[t.Township])
		}
	}
	prev := visits.MonthOf(first.AddDays(-1))
	old, err := tx.Findings(ctx, store.FindingFilter{Month: prev, Unresolved: true})
	if err != nil {
		return "", err
	}
	taskOf, err := tx.TaskTownships(ctx, prev)
	if err != nil {
		return "", err
	}
	rolled, err := tx.AddFindings(ctx, visits.RollOver(old, taskOf, newTask), Actor)
	if err != nil {
		return "", err
	}
	text := fmt.Sprintf("【矛盾大排查】%s 矛盾纠纷大排查已开启，共 %d 个乡镇，请于 %s 前报送排查情况（无矛盾请报零报告）。",
		month, len(stored), sw.Due)
	if len(unassigned) > 0 {
		text += "以下乡镇没有挂点县领导，请指定：" + strings.Join(unassigned, "、") + "。"
	}
	if err := send(ctx, tx, notify.Message{To: leadersOf(people, stored), Subject: string(month) + " 矛盾大排查已开启", Text: text}); err != nil {
		return "", err
	}
	return fmt.Sprintf("开启 %s 排查：%d 个单位，%s 截止，结转未化解 %d 件", month, len(stored), sw.Due, len(rolled)), nil
}

func leadersOf(people []roster.Person, tasks []visits.Task) []notify.Recipient {
	byID := map[string]roster.Person{}
	for _, p := range people {
		byID[p.ID] = p
	}
	to := []notify.Recipient{notify.Office}
	seen := map[string]bool{}
	for _, t := range tasks {
		if p, ok := byID[t.Leader]; ok && !seen[p.ID] {
			seen[p.ID] = true
			to = append(to, recipient(p))
		}
	}
	return to
}

// PlanVisits stores the proposed 带案下访 for [from, to], perLeader per leader per month.
func PlanVisits(ctx context.Context, tx *store.Store, from, to roster.Date, perLeader int) (string, error) {
	return planVisits(ctx, tx, []Window{{from, to}}, perLeader)
}

// planVisits stores the proposed 带案下访 of each window and tells the office
// in one message, naming leaders by name.
func planVisits(ctx context.Context, tx *store.Store, windows []Window, perLeader int) (string, error) {
	people, err := tx.People(ctx)
	if err != nil {
		return "", err
	}
	cases, err := tx.Cases(ctx, store.CaseFilter{OpenOnly: true})
	if err != nil {
		return "", err
	}
	_, names, err := townships(ctx, tx)
	if err != nil {
		return "", err
	}
	places := map[string]string{}
	for id, n := range names {
		places[id] = n + "群众工作站"
	}
	made := 0
	var lines, failed, spans []string
	for _, w := range windows {
		from, to := w.From, w.To
		cal, err := calendarAround(ctx, tx, from)
		if err != nil {
			return "", err
		}
		// Every visit of the month counts, so the busy time starts on the 1st.
		monthStart := from.MonthStart()
		busy, err := tx.Busy(ctx, monthStart, to.MonthEnd())
		if err != nil {
			return "", err
		}
		// Done visits count toward the month too, so a rerun adds nothing.
		done, err := tx.Visits(ctx, store.VisitFilter{Kind: visits.KindCarry, From: monthStart, To: to.MonthEnd()})
		if err != nil {
			return "", err
		}
		for _, v := range done {
			if v.State == visits.VisitDone {
				busy.Visits = append(busy.Visits, v)
			}
		}
		props := visits.PlanCarryVisits(visits.PlanInput{From: from, To: to, People: people, Cases: cases, Calendar: cal,
			Busy: busy, PerLeader: perLeader, Places: places})
		spans = append(spans, fmt.Sprintf("%s～%s", from, to))
		for _, p := range props {
			if p.Reason != "" {
				failed = append(failed, p.Reason)
				continue
			}
			if _, err := tx.CreateVisit(ctx, p.Visit, Actor); err != nil {
				return "", err
			}
			made++
			lines = append(lines, fmt.Sprintf("%s %s 赴%s（带 %d 件案件）", p.Visit.Date, nameOf(people, p.Visit.Leader), names[p.Visit.Township], len(p.Visit.Cases)))
		}
	}
	span := strings.Join(spans, "、")
	if made > 0 || len(failed) > 0 {
		text := "【带案下访】已拟定 " + span + " 的带案下访，请确认或调整：\n" + strings.Join(lines, "\n")
		if len(failed) > 0 {
			text += "\n以下领导在期间没有空闲工作日，请人工安排：\n" + strings.Join(failed, "\n")
		}
		if err := send(ctx, tx, notify.Message{To: []notify.Recipient{notify.Office}, Subject: "带案下访安排待确认", Text: text}); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%s 拟定带案下访 %d 次，%d 位领导无空闲日", span, made, len(failed)), nil
}

// recipientOf addresses the person with id, by id alone if unknown.
func recipientOf(people []roster.Person, id string) notify.Recipient {
	for _, p := range people {
		if p.ID == id {
			return recipient(p)
		}
	}
	return notify.Recipient{PersonID: id, Name: id}
}

func nameOf(people []roster.Person, id string) string {
	for _, p := range people {
		if p.ID == id {
			return p.Name
		}
	}
	return id
}

// ScheduleReturnVisit stores the 上门回访 of a case whose handling opinion
// was served, on the leader's first free day after today in the review
// window, created by who (a staff name, or Actor for the follow-ups job). It
// returns the existing one if there is one, and nil when no day is free
// (follow-ups retries daily and flags it).
func ScheduleReturnVisit(ctx context.Context, tx *store.Store, k visits.Case, cal roster.Calendar, within int, today roster.Date, who string) (*visits.Visit, error) {
	existing, err := tx.Visits(ctx, store.VisitFilter{Case: k.ID, Kind: visits.KindReturn, From: k.Replied})
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		return &existing[0], nil
	}
	busy, err := tx.Busy(ctx, max(k.Replied, today), k.Replied.AddDays(visits.ReviewDays+15))
	if err != nil {
		return nil, err
	}
	v, err := visits.PlanReturnVisit(k, cal, busy, within, today)
	var rf *visits.Refusal
	if errors.As(err, &rf) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v.CreatedBy = who
	if who == Actor {
		v.CreatedBy = "job:follow-ups"
	}
	saved, err := tx.CreateVisit(ctx, v, who)
	return &saved, err
}

// EscalateFinding turns a high-risk finding into a key case with a 包保领导
// chosen by visits.ChooseLeader, and links the finding to it.
func EscalateFinding(ctx context.Context, tx *store.Store, f visits.Finding, today roster.Date, who string) (visits.Case, visits.Choice, error) {
	if f.Case != 0 {
		k, err := tx.Case(ctx, f.Case)
		return k, visits.Choice{Leader: k.Leader, Explanation: k.LeaderReason}, err
	}
	task, err := tx.SweepTask(ctx, f.Task)
	if err != nil {
		return visits.Case{}, visits.Choice{}, err
	}
	people, err := tx.People(ctx)
	if err != nil {
		return visits.Case{}, visits.Choice{}, err
	}
	load, err := tx.OpenCaseLoad(ctx)
	if err != nil {
		return visits.Case{}, visits.Choice{}, err
	}
	ch, err := visits.ChooseLeader(task.Township, people, load)
	if err != nil {
		return visits.Case{}, visits.Choice{}, err
	}
	code, err := tx.NextCaseCode(ctx, today.Year())
	if err != nil {
		return visits.Case{}, visits.Choice{}, err
	}
	k, err := tx.CreateCase(ctx, visits.CaseFromFinding(f, task, code, ch, today), who)
	if err != nil {
		return visits.Case{}, visits.Choice{}, err
	}
	f.Case = k.ID
	if err := tx.SaveFinding(ctx, f, "escalate", who); err != nil {
		return visits.Case{}, visits.Choice{}, err
	}
	return k, ch, nil
}

// FollowUps runs the daily follow-ups on today: return visits for served
// opinions, deadline flags at 75%, 90% and overdue, missing sweep reports
// (the day after the due day) and high-risk findings without a 包保领导.
// Each flag is recorded once, so a rerun notifies nobody twice.
func FollowUps(ctx context.Context, tx *store.Store, today roster.Date, returnWithin int) (string, error) {
	cal, err := calendarAround(ctx, tx, today)
	if err != nil {
		return "", err
	}
	people, err := tx.People(ctx)
	if err != nil {
		return "", err
	}
	_, names, err := townships(ctx, tx)
	if err != nil {
		return "", err
	}
	opened, err := OpenReceptions(ctx, tx, today)
	if err != nil {
		return "", err
	}
	var returns, flags, missing, escalated, unassigned int
	cases, err := tx.Cases(ctx, store.CaseFilter{OpenOnly: true})
	if err != nil {
		return "", err
	}
	for _, k := range cases {
		if k.State == visits.StateReplied && today <= k.Replied.AddDays(visits.ReviewDays) {
			v, err := ScheduleReturnVisit(ctx, tx, k, cal, returnWithin, today, Actor)
			if err != nil {
				return "", err
			}
			if v != nil && v.CreatedBy == "job:follow-ups" && v.Date > today {
				returns++
			}
		}
		clk := k.ClockOn(today, cal)
		if clk.Alert == visits.AlertNone {
			continue
		}
		d := clk.Next
		msg := fmt.Sprintf("案件 %s（%s，%s）%s期限 %s（%s）", k.Code, names[k.Township], k.Category, d.Label, d.Due, d.Article)
		if clk.Overdue {
			msg += fmt.Sprintf("已超期 %d 天", -clk.DaysLeft)
		} else {
			msg += fmt.Sprintf("%s，剩余 %d 天", clk.Alert.Label(), clk.DaysLeft)
		}
		isNew, err := tx.Flag(ctx, store.Flag{Kind: "deadline", Entity: "case", EntityID: fmt.Sprint(k.ID),
			Level: string(d.Kind) + ":" + string(clk.Alert) + ":" + d.Due.String(), On: today, Message: msg, Leader: k.Leader})
		if err != nil {
			return "", err
		}
		if isNew {
			flags++
			to := []notify.Recipient{notify.Office}
			if k.Leader != "" {
				to = append(to, recipientOf(people, k.Leader))
			}
			if err := send(ctx, tx, notify.Message{To: to, Subject: "案件期限提醒 " + k.Code, Text: "【案件期限】" + msg}); err != nil {
				return "", err
			}
		}
	}
	if sw, err := tx.LatestSweep(ctx); err == nil {
		tasks, err := tx.SweepTasks(ctx, sw.Month)
		if err != nil {
			return "", err
		}
		for _, t := range tasks {
			if !t.Missing(today) || t.Flagged != 0 {
				continue
			}
			t.Flagged = today
			if err := tx.SaveSweepTask(ctx, t, "flag", Actor); err != nil {
				return "", err
			}
			msg := fmt.Sprintf("%s %s 矛盾排查报告逾期未报（截止 %s）", sw.Month, names[t.Township], t.Due)
			if _, err := tx.Flag(ctx, store.Flag{Kind: "missing_report", Entity: "sweep_task", EntityID: fmt.Sprint(t.ID),
				On: today, Message: msg, Leader: t.Leader}); err != nil {
				return "", err
			}
			missing++
			to := []notify.Recipient{notify.Office}
			if t.Leader != "" {
				to = append(to, recipientOf(people, t.Leader))
			}
			if err := send(ctx, tx, notify.Message{To: to, Subject: "排查报告逾期", Text: "【矛盾大排查】" + msg}); err != nil {
				return "", err
			}
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	high, err := tx.Findings(ctx, store.FindingFilter{HighNoCase: true})
	if err != nil {
		return "", err
	}
	for _, f := range high {
		k, ch, err := EscalateFinding(ctx, tx, f, today, Actor)
		var rf *visits.Refusal
		if errors.As(err, &rf) {
			// Nobody eligible: the office assigns by hand, told once per finding.
			isNew, err := flagUnassigned(ctx, tx, f, today, names)
			if err != nil {
				return "", err
			}
			if isNew {
				unassigned++
			}
			continue
		}
		if err != nil {
			return "", err
		}
		escalated++
		msg := fmt.Sprintf("高风险排查发现已转为重点案件 %s（%s），包保领导：%s。%s", k.Code, names[k.Township], nameOf(people, ch.Leader), ch.Explanation)
		if _, err := tx.Flag(ctx, store.Flag{Kind: "escalated", Entity: "finding", EntityID: fmt.Sprint(f.ID), On: today, Message: msg, Leader: ch.Leader}); err != nil {
			return "", err
		}
		to := []notify.Recipient{notify.Office, recipientOf(people, ch.Leader)}
		if err := send(ctx, tx, notify.Message{To: to, Subject: "重点矛盾包保 " + k.Code, Text: "【矛盾大排查】" + msg}); err != nil {
			return "", err
		}
	}
	out := fmt.Sprintf("开门接访 %d 场，安排回访 %d 次，期限提醒 %d 条，逾期未报 %d 个，高风险转案 %d 件", opened, returns, flags, missing, escalated)
	if unassigned > 0 {
		out += fmt.Sprintf("，%d 件无合适包保领导待指定", unassigned)
	}
	return out, nil
}

// flagUnassigned records, once, that a high-risk finding has no eligible
// 包保领导, and asks the office to name one.
func flagUnassigned(ctx context.Context, tx *store.Store, f visits.Finding, today roster.Date, names map[string]string) (bool, error) {
	task, err := tx.SweepTask(ctx, f.Task)
	if err != nil {
		return false, err
	}
	msg := fmt.Sprintf("%s 高风险排查发现（编号 %d，%s）无合适包保领导，请办公室指定", names[task.Township], f.ID, f.Category)
	isNew, err := tx.Flag(ctx, store.Flag{Kind: "unassigned_finding", Entity: "finding", EntityID: fmt.Sprint(f.ID), On: today, Message: msg})
	if err != nil || !isNew {
		return false, err
	}
	return true, send(ctx, tx, notify.Message{To: []notify.Recipient{notify.Office}, Subject: "高风险排查发现待指定包保领导", Text: "【矛盾大排查】" + msg})
}

// OpenReceptions makes sure today's 开门接访 session exists for the leader in
// each roster's first slot (the 值班领导), so staff can record the walk-ins
// received. A session made for a leader the roster no longer has on duty
// today is cancelled. Sessions are derived from the roster, so a rerun
// changes nothing.
func OpenReceptions(ctx context.Context, tx *store.Store, today roster.Date) (int, error) {
	defs, err := tx.Rosters(ctx)
	if err != nil {
		return 0, err
	}
	heads := map[string]bool{}
	for _, d := range defs {
		if len(d.Slots) > 0 {
			heads[d.Slots[0].Role] = true
		}
	}
	duties, err := tx.Duties(ctx, today, today)
	if err != nil {
		return 0, err
	}
	existing, err := tx.Visits(ctx, store.VisitFilter{Kind: visits.KindOpen, From: today, To: today, ActiveOnly: true})
	if err != nil {
		return 0, err
	}
	onDuty := map[string]bool{}
	has := map[string]bool{}
	for _, v := range existing {
		has[v.Leader] = true
	}
	var sessions []visits.OnDuty
	for _, d := range duties {
		if heads[d.Role] {
			onDuty[d.Person] = true
			if !has[d.Person] {
				sessions = append(sessions, d)
			}
		}
	}
	for _, v := range existing {
		if onDuty[v.Leader] || v.WalkIns > 0 {
			continue
		}
		if err := v.Cancel("值班调整，改由当日值班领导接访"); err != nil {
			continue
		}
		if _, err := tx.SaveVisit(ctx, v, v.Version, "cancel", Actor); err != nil {
			return 0, err
		}
	}
	n := 0
	for _, v := range visits.OpenSessions(sessions) {
		v.CreatedBy = "job:follow-ups"
		if _, err := tx.CreateVisit(ctx, v, Actor); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// send notifies inside a job run; called directly (the API, the demo seed,
// tests) the visit job bodies write their data and flags but send nothing.
func send(ctx context.Context, tx *store.Store, m notify.Message) error {
	if _, ok := ctx.Value(runKey{}).(runInfo); !ok {
		return nil
	}
	return Notify(ctx, tx, m)
}
