package service

import (
	"context"
	"fmt"

	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

const demoMarker = "demo_cases_seeded"

type demoCase struct {
	title    string
	category visits.Category
	township string
	leader   string
	channel  visits.Channel
	name     string
	phone    string
	group    int
	received int // days before today
	steps    []demoStep
}

type demoStep struct {
	at     int // days before today
	act    visits.Transition
	duty   visits.Duty
	extend int
}

// SeedDemo fills the demo county with invented cases, visits of all four kinds
// and two sweeps, as of c.Now; a second call does nothing.
func (s *Service) SeedDemo(ctx context.Context, c Call) error {
	return s.run(ctx, c, func(ctx context.Context, e Env) error {
		done, err := e.Tx.Setting(ctx, demoMarker)
		if err != nil || done != "" {
			return err
		}
		return seedDemo(ctx, e)
	})
}

func seedDemo(ctx context.Context, e Env) error {
	tx, today, cal, who := e.Tx, e.Today, e.Cal, e.Actor
	cases := []demoCase{
		{"征地补偿款迟迟未到位", "征地拆迁", "t01", "L01", "来访", "张某甲（示例）", "13900000101", 1, 75,
			[]demoStep{{at: 72, act: visits.ActAccept}, {at: 60, duty: visits.DutyInvestigate}}},
		{"企业改制职工身份置换补偿", "企业改制", "t02", "L02", "来信", "李某乙（示例）", "13900000102", 12, 52,
			[]demoStep{{at: 50, act: visits.ActAccept}, {at: 40, duty: visits.DutyInvestigate}}},
		{"养老保险待遇核定有误", "社会保障", "t03", "L03", "网上", "王某丙（示例）", "13900000103", 1, 11, nil},
		{"建筑工地拖欠农民工工资", "劳资", "t04", "L04", "电话", "赵某丁（示例）", "13900000104", 5, 58,
			[]demoStep{{at: 56, act: visits.ActAccept}, {at: 50, duty: visits.DutyInvestigate}, {at: 20, extend: 30}}},
		{"养殖场污水排放影响饮水", "环境", "t05", "L05", "来访", "孙某戊（示例）", "13900000105", 3, 40,
			[]demoStep{{at: 38, act: visits.ActAccept}, {at: 30, duty: visits.DutyInvestigate}, {at: 5, duty: visits.DutyHandle}, {at: 4, act: visits.ActReply}}},
		{"宅基地确权争议", "其他", "t06", "L06", "来访", "周某己（示例）", "13900000106", 1, 120,
			[]demoStep{{at: 118, act: visits.ActAccept}, {at: 100, duty: visits.DutyInvestigate}, {at: 80, duty: visits.DutyHandle},
				{at: 78, act: visits.ActReply}, {at: 40, act: visits.ActClose}, {at: 30, duty: visits.DutyStabilise}}},
		{"法院判决执行不到位", "涉法涉诉", "t01", "L01", "来访", "吴某庚（示例）", "13900000107", 1, 30,
			[]demoStep{{at: 29, act: visits.ActAccept}}},
	}
	var stored []visits.Case
	for i, d := range cases {
		k := visits.Case{Code: visits.FormatCode(today.AddDays(-d.received).Year(), 900+i), Title: d.title, Category: d.category,
			Township: d.township, Received: today.AddDays(-d.received), Channel: d.channel,
			Petitioner: visits.Petitioner{Name: d.name, Phone: d.phone, Address: "示例县某某村（虚构地址）"},
			Content:    "（示例案情，纯属虚构）" + d.title, GroupSize: d.group, Leader: d.leader, State: visits.StateReceived}
		if d.group >= 5 {
			k.Representatives = 3
		}
		for _, s := range d.steps {
			on := today.AddDays(-s.at)
			var err error
			switch {
			case s.act != "":
				err = k.Apply(s.act, on, today, cal)
			case s.duty != "":
				err = k.Milestone(s.duty, on, today, "示例记录")
			default:
				err = k.Extend(s.extend, "需要委托司法鉴定（示例）", on, cal)
			}
			if err != nil {
				return fmt.Errorf("demo case %d: %w", i, err)
			}
		}
		saved, err := tx.CreateCase(ctx, k, who)
		if err != nil {
			return err
		}
		stored = append(stored, saved)
	}
	// 交办: the wage case with 县人社局, three days past its due date; the
	// court-judgment case with 县司法局, due in ten days.
	for _, d := range []struct {
		k           int
		unit        string
		handed, due int
	}{{3, "d05", -40, -3}, {6, "d03", -27, 10}} {
		k := stored[d.k]
		if _, err := tx.CreateHandover(ctx, visits.Handover{Case: k.ID, Unit: d.unit, Handed: today.AddDays(d.handed),
			Due: today.AddDays(d.due)}, who); err != nil {
			return err
		}
		u, err := handoverUnits(ctx, tx)
		if err != nil {
			return err
		}
		k.Unit = u.name(d.unit)
		if stored[d.k], err = tx.SaveCase(ctx, k, k.Version, "handover", who); err != nil {
			return err
		}
	}
	// 上门回访 for the case whose opinion was served.
	for _, k := range stored {
		if k.State == visits.StateReplied {
			if _, err := ScheduleReturnVisit(ctx, e, k); err != nil {
				return err
			}
		}
	}
	// 开门接访: yesterday's (or the last) duty day done, and the next ones confirmed.
	duties, err := tx.Duties(ctx, today.AddDays(-7), today.AddDays(7))
	if err != nil {
		return err
	}
	defs, err := tx.Rosters(ctx)
	if err != nil {
		return err
	}
	for i, v := range visits.OpenSessions(duties, defs) {
		v.CreatedBy = who
		if v.Date < today {
			v.State, v.WalkIns, v.Notes = visits.VisitDone, 3+i%4, "接待群众来访（示例）"
		}
		if _, err := tx.CreateVisit(ctx, v, who); err != nil {
			return err
		}
	}
	// 主动约访 of the near-deadline case on its leader's first free day.
	busy, err := tx.Busy(ctx, today, today.AddDays(40))
	if err != nil {
		return err
	}
	if days := visits.FreeDays(stored[1].Leader, today.AddDays(1), today.AddDays(20), cal, busy); len(days) > 0 {
		v := visits.Visit{Kind: visits.KindInvite, Leader: stored[1].Leader, Date: days[0], Start: 15 * 60, End: 16 * 60,
			Place: "县群众来访接待中心约谈室", Township: stored[1].Township, Cases: []int64{stored[1].ID},
			State: visits.VisitConfirmed, CreatedBy: who}
		if _, err := tx.CreateVisit(ctx, v, who); err != nil {
			return err
		}
	}
	// 带案下访 for the rest of the month (or next month late in a month).
	from, to := today.AddDays(1), today.AddDays(30)
	if _, err := planDemoVisits(ctx, e, from, to); err != nil {
		return err
	}
	// Last month's sweep: three filed, the rest missing and flagged.
	last := today.MonthStart().AddDays(-1).MonthStart()
	if err := demoSweep(ctx, e, last, true); err != nil {
		return err
	}
	if err := demoSweep(ctx, e, today.MonthStart(), false); err != nil {
		return err
	}
	return tx.SetSetting(ctx, demoMarker, today.String())
}

// planDemoVisits proposes 带案下访 as PlanVisits would, without notifying, and confirms all but one.
func planDemoVisits(ctx context.Context, e Env, from, to roster.Date) (int, error) {
	tx := e.Tx
	people, err := tx.People(ctx)
	if err != nil {
		return 0, err
	}
	cases, err := tx.Cases(ctx, store.CaseFilter{OpenOnly: true})
	if err != nil {
		return 0, err
	}
	busy, err := tx.Busy(ctx, from, to)
	if err != nil {
		return 0, err
	}
	_, places, err := stationPlaces(ctx, tx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range visits.PlanCarryVisits(visits.PlanInput{From: from, To: to, People: people, Cases: cases, Calendar: e.Cal, Busy: busy, Places: places}) {
		if p.Reason != "" {
			continue
		}
		p.Visit.CreatedBy = e.Actor
		if n > 0 {
			if err := p.Visit.Confirm(); err != nil {
				return n, err
			}
		}
		if _, err := tx.CreateVisit(ctx, p.Visit, e.Actor); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// demoSweep opens a month's sweep with three reports filed; a past month also
// gets an escalated high-risk finding and flagged missing reports.
func demoSweep(ctx context.Context, e Env, first roster.Date, past bool) error {
	tx, cal, today, who := e.Tx, e.Cal, e.Today, e.Actor
	units, names, err := townships(ctx, tx)
	if err != nil {
		return err
	}
	people, err := tx.People(ctx)
	if err != nil {
		return err
	}
	sw, tasks := visits.OpenSweep(first, units, people, visits.DefaultSweepDueDay, cal, first)
	if _, err := tx.CreateSweep(ctx, sw, tasks, who); err != nil {
		return err
	}
	stored, err := tx.SweepTasks(ctx, sw.Month)
	if err != nil {
		return err
	}
	filed := sw.Opened.AddDays(3)
	if filed > today {
		filed = today
	}
	reports := map[string]visits.Report{
		"t01": {Findings: []visits.Finding{
			{Summary: "村民与企业因厂区扩建用地补偿标准产生分歧", Category: "征地拆迁", Village: "东风村", Parties: 2, Risk: visits.RiskHigh},
			{Summary: "两户村民相邻排水沟渠纠纷", Category: "其他", Village: "东风村", Parties: 2, Risk: visits.RiskLow}}},
		"t02": {Nil: true},
		"t03": {Findings: []visits.Finding{{Summary: "外地施工队拖欠本地务工人员工资", Category: "劳资", Village: "新河村", Parties: 14, Risk: visits.RiskMedium}}},
	}
	if past {
		reports["t04"] = visits.Report{Findings: []visits.Finding{{Summary: "砂石场运输扬尘噪声扰民", Category: "环境", Village: "三里村", Parties: 30, Risk: visits.RiskHigh}}}
	}
	for _, t := range stored {
		r, ok := reports[t.Township]
		if !ok {
			if past && t.Missing(today) {
				t.Flagged = t.Due.AddDays(1)
				if err := tx.SaveSweepTask(ctx, t, "flag", who); err != nil {
					return err
				}
				if _, err := tx.Flag(ctx, store.Flag{Kind: "missing_report", Entity: "sweep_task", EntityID: fmt.Sprint(t.ID),
					On: t.Flagged, Message: fmt.Sprintf("%s %s 矛盾排查报告逾期未报（截止 %s）", sw.Month, names[t.Township], t.Due), Leader: t.Leader}); err != nil {
					return err
				}
			}
			continue
		}
		if err := t.File(r, filed, who); err != nil {
			return err
		}
		if err := tx.SaveSweepTask(ctx, t, "file", who); err != nil {
			return err
		}
		for i := range r.Findings {
			r.Findings[i].Task = t.ID
		}
		added, err := tx.AddFindings(ctx, r.Findings, who)
		if err != nil {
			return err
		}
		// Last month's high-risk findings already became key cases; this month's wait for follow-ups.
		for _, f := range added {
			if past && f.Risk == visits.RiskHigh {
				at := e
				at.Today = filed
				k, _, err := EscalateFinding(ctx, at, f)
				if err != nil {
					return err
				}
				// Its leader has looked into it within the week (包调查).
				if on := min(filed.AddDays(5), today); k.Milestone(visits.DutyInvestigate, on, today, "示例记录") == nil {
					if _, err := tx.SaveCase(ctx, k, k.Version, "milestone", who); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}
