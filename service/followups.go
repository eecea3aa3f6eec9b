package service

import (
	"context"
	"errors"
	"fmt"

	"zhiban/notify"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// FollowUpsDone counts what one follow-ups run did.
type FollowUpsDone struct {
	Receptions int // 开门接访 sessions opened
	Returns    int // return visits scheduled
	Deadlines  int // new deadline flags
	Missing    int // sweep reports flagged missing
	Escalated  int // high-risk findings turned into key cases
	Unassigned int // high-risk findings nobody is eligible to lead, newly flagged
	Handovers  int // hand-overs past their due date, newly flagged
}

// String is the ledger's summary of the run.
func (d FollowUpsDone) String() string {
	out := fmt.Sprintf("开门接访 %d 场，安排回访 %d 次，期限提醒 %d 条，逾期未报 %d 个，高风险转案 %d 件",
		d.Receptions, d.Returns, d.Deadlines, d.Missing, d.Escalated)
	if d.Unassigned > 0 {
		out += fmt.Sprintf("，%d 件无合适包保领导待指定", d.Unassigned)
	}
	if d.Handovers > 0 {
		out += fmt.Sprintf("，交办超期 %d 件", d.Handovers)
	}
	return out
}

// FollowUps runs the daily follow-ups on e.Today: 开门接访 sessions, return visits,
// deadline flags at 75%, 90% and overdue, missing sweep reports, units past a
// hand-over's due date (交办超期) and high-risk findings without a 包保领导. Each flag is recorded once, so reruns notify nobody twice.
func FollowUps(ctx context.Context, e Env) (FollowUpsDone, error) {
	var done FollowUpsDone
	tx := e.Tx
	people, err := tx.People(ctx)
	if err != nil {
		return done, err
	}
	_, names, err := townships(ctx, tx)
	if err != nil {
		return done, err
	}
	if done.Receptions, err = OpenReceptions(ctx, e); err != nil {
		return done, err
	}
	if err := followCases(ctx, e, people, names, &done); err != nil {
		return done, err
	}
	if err := flagMissingReports(ctx, e, people, names, &done); err != nil {
		return done, err
	}
	if err := flagOverdueHandovers(ctx, e, names, &done); err != nil {
		return done, err
	}
	return done, escalateHighRisk(ctx, e, people, names, &done)
}

// followCases schedules return visits of served opinions and flags near or past deadlines.
func followCases(ctx context.Context, e Env, people []roster.Person, names map[string]string, done *FollowUpsDone) error {
	tx, today := e.Tx, e.Today
	cases, err := tx.Cases(ctx, store.CaseFilter{OpenOnly: true})
	if err != nil {
		return err
	}
	for _, k := range cases {
		if k.State == visits.StateReplied && today <= k.Replied.AddDays(visits.ReviewDays) {
			v, err := ScheduleReturnVisit(ctx, e, k)
			if err != nil {
				return err
			}
			if v != nil && v.CreatedBy == e.createdBy() && v.Date > today {
				done.Returns++
			}
		}
		clk := k.ClockOn(today, e.Cal)
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
			return err
		}
		if !isNew {
			continue
		}
		done.Deadlines++
		if err := e.Out.Put(ctx, tx, notify.Message{To: officeAnd(people, k.Leader), Subject: "案件期限提醒 " + k.Code, Text: "【案件期限】" + msg}); err != nil {
			return err
		}
	}
	return nil
}

// flagMissingReports flags each overdue report of the latest sweep once.
func flagMissingReports(ctx context.Context, e Env, people []roster.Person, names map[string]string, done *FollowUpsDone) error {
	tx, today := e.Tx, e.Today
	sw, err := tx.LatestSweep(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	tasks, err := tx.SweepTasks(ctx, sw.Month)
	if err != nil {
		return err
	}
	for _, t := range tasks {
		if !t.Missing(today) || t.Flagged != 0 {
			continue
		}
		t.Flagged = today
		if err := tx.SaveSweepTask(ctx, t, "flag", e.Actor); err != nil {
			return err
		}
		msg := fmt.Sprintf("%s %s 矛盾排查报告逾期未报（截止 %s）", sw.Month, names[t.Township], t.Due)
		if _, err := tx.Flag(ctx, store.Flag{Kind: "missing_report", Entity: "sweep_task", EntityID: fmt.Sprint(t.ID),
			On: today, Message: msg, Leader: t.Leader}); err != nil {
			return err
		}
		done.Missing++
		if err := e.Out.Put(ctx, tx, notify.Message{To: officeAnd(people, t.Leader), Subject: "排查报告逾期", Text: "【矛盾大排查】" + msg}); err != nil {
			return err
		}
	}
	return nil
}

// escalateHighRisk makes each uncased high-risk finding a key case, or asks the office once.
func escalateHighRisk(ctx context.Context, e Env, people []roster.Person, names map[string]string, done *FollowUpsDone) error {
	tx, today := e.Tx, e.Today
	high, err := tx.Findings(ctx, store.FindingFilter{HighNoCase: true})
	if err != nil {
		return err
	}
	for _, f := range high {
		k, ch, err := EscalateFinding(ctx, e, f)
		var rf *visits.Refusal
		if errors.As(err, &rf) {
			isNew, err := flagUnassigned(ctx, e, f, names)
			if err != nil {
				return err
			}
			if isNew {
				done.Unassigned++
			}
			continue
		}
		if err != nil {
			return err
		}
		done.Escalated++
		msg := fmt.Sprintf("高风险排查发现已列为重点矛盾纠纷 %s（%s），包保领导：%s。%s", k.Code, names[k.Township], nameOf(people, ch.Leader), ch.Explanation)
		if k.FromFinding != f.ID {
			msg = fmt.Sprintf("高风险排查发现（%s）与已有案件 %s 为同一矛盾纠纷，已归入该案件，包保领导：%s", names[k.Township], k.Code, nameOf(people, ch.Leader))
		}
		if _, err := tx.Flag(ctx, store.Flag{Kind: "escalated", Entity: "finding", EntityID: fmt.Sprint(f.ID), On: today, Message: msg, Leader: ch.Leader}); err != nil {
			return err
		}
		to := []notify.Recipient{notify.Office, recipientOf(people, ch.Leader)}
		if err := e.Out.Put(ctx, tx, notify.Message{To: to, Subject: "重点矛盾包保 " + k.Code, Text: "【矛盾大排查】" + msg}); err != nil {
			return err
		}
	}
	return nil
}

func flagUnassigned(ctx context.Context, e Env, f visits.Finding, names map[string]string) (bool, error) {
	task, err := e.Tx.SweepTask(ctx, f.Task)
	if err != nil {
		return false, err
	}
	msg := fmt.Sprintf("%s 高风险排查发现（编号 %d，%s）无合适包保领导，请办公室指定", names[task.Township], f.ID, f.Category)
	isNew, err := e.Tx.Flag(ctx, store.Flag{Kind: "unassigned_finding", Entity: "finding", EntityID: fmt.Sprint(f.ID), On: e.Today, Message: msg})
	if err != nil || !isNew {
		return false, err
	}
	m := notify.Message{To: []notify.Recipient{notify.Office}, Subject: "高风险排查发现待指定包保领导", Text: "【矛盾大排查】" + msg}
	return true, e.Out.Put(ctx, e.Tx, m)
}

func officeAnd(people []roster.Person, leader string) []notify.Recipient {
	to := []notify.Recipient{notify.Office}
	if leader != "" {
		to = append(to, recipientOf(people, leader))
	}
	return to
}
