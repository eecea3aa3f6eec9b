package service

import (
	"context"
	"fmt"
	"strings"

	"zhiban/notify"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// SweepOpened is what OpenSweep did.
type SweepOpened struct {
	Month   visits.Month
	Already bool // the month's sweep was open before: nothing was done
	Units   int  // tasks, one per township
	Due     roster.Date
	Rolled  int // last month's unresolved findings carried over
}

// String is the ledger's summary of the run.
func (o SweepOpened) String() string {
	if o.Already {
		return fmt.Sprintf("%s 矛盾大排查已开启，未重复开启", o.Month)
	}
	return fmt.Sprintf("开启 %s 排查：%d 个单位，%s 截止，结转未化解 %d 件", o.Month, o.Units, o.Due, o.Rolled)
}

// OpenSweep opens e.Today's month's 矛盾大排查 once, rolls over unresolved findings
// and tells the linked leaders and the office.
func OpenSweep(ctx context.Context, e Env) (SweepOpened, error) {
	tx := e.Tx
	first := e.Today.MonthStart()
	month := visits.MonthOf(first)
	done := SweepOpened{Month: month}
	units, names, err := townships(ctx, tx)
	if err != nil {
		return done, err
	}
	people, err := tx.People(ctx)
	if err != nil {
		return done, err
	}
	sw, tasks := visits.OpenSweep(first, units, people, e.Cfg.Visits.SweepDueDay, e.Cal, e.Today)
	created, err := tx.CreateSweep(ctx, sw, tasks, e.Actor)
	if err != nil {
		return done, err
	}
	if !created {
		done.Already = true
		return done, nil
	}
	stored, err := tx.SweepTasks(ctx, month)
	if err != nil {
		return done, err
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
		return done, err
	}
	taskOf, err := tx.TaskTownships(ctx, prev)
	if err != nil {
		return done, err
	}
	rolled, err := tx.AddFindings(ctx, visits.RollOver(old, taskOf, newTask), e.Actor)
	if err != nil {
		return done, err
	}
	done.Units, done.Due, done.Rolled = len(stored), sw.Due, len(rolled)
	text := fmt.Sprintf("【矛盾大排查】%s 矛盾纠纷大排查已开启，共 %d 个乡镇，请于 %s 前报送排查情况（无矛盾请报零报告）。",
		month, len(stored), sw.Due)
	if len(unassigned) > 0 {
		text += "以下乡镇没有挂点县领导，请指定：" + strings.Join(unassigned, "、") + "。"
	}
	m := notify.Message{To: leadersOf(people, stored), Subject: string(month) + " 矛盾大排查已开启", Text: text}
	return done, e.Out.Put(ctx, tx, m)
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
