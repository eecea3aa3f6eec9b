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

// Window is a span of days plan-visits fills, inside one calendar month.
type Window struct{ From, To roster.Date }

// PlanWindows are the rest of this month (counted whole, so only a leader with
// too few visits gets one) and all of next month, planned whatever day it runs.
func PlanWindows(today roster.Date) []Window {
	var out []Window
	if today < today.MonthEnd() {
		out = append(out, Window{today.AddDays(1), today.MonthEnd()})
	}
	next := today.MonthEnd().AddDays(1)
	return append(out, Window{next, next.MonthEnd()})
}

// VisitsPlanned is what PlanVisits did.
type VisitsPlanned struct {
	Windows   []Window
	Made      int // visits proposed
	NoFreeDay int // leaders with too few free days, left to the office
}

// String is the ledger's summary of the run.
func (p VisitsPlanned) String() string {
	return fmt.Sprintf("%s 拟定带案下访 %d 次，%d 位领导无空闲日", p.span(), p.Made, p.NoFreeDay)
}

// span names the windows: 2026-12-26～2026-12-31、2027-01-01～2027-01-31.
func (p VisitsPlanned) span() string {
	spans := make([]string, len(p.Windows))
	for i, w := range p.Windows {
		spans[i] = fmt.Sprintf("%s～%s", w.From, w.To)
	}
	return strings.Join(spans, "、")
}

// PlanVisits proposes perLeader 带案下访 per leader per month on free days, counting
// existing visits so a rerun adds nothing, and tells the office in one message.
func PlanVisits(ctx context.Context, e Env, windows []Window, perLeader int) (VisitsPlanned, error) {
	tx := e.Tx
	done := VisitsPlanned{Windows: windows}
	people, err := tx.People(ctx)
	if err != nil {
		return done, err
	}
	cases, err := tx.Cases(ctx, store.CaseFilter{OpenOnly: true})
	if err != nil {
		return done, err
	}
	names, places, err := stationPlaces(ctx, tx)
	if err != nil {
		return done, err
	}
	// Cases an upcoming 带案下访 carries already are not planned again, whatever its month.
	scheduled, err := tx.Visits(ctx, store.VisitFilter{Kind: visits.KindCarry, From: e.Today, ActiveOnly: true})
	if err != nil {
		return done, err
	}
	var lines, failed []string
	for _, w := range windows {
		// Plans start after today: a past day cannot be visited.
		from, to := max(w.From, e.Today.AddDays(1)), w.To
		if from > to {
			continue
		}
		// Every visit of the month counts, so the busy time starts on the 1st.
		monthStart := from.MonthStart()
		busy, err := tx.Busy(ctx, monthStart, to.MonthEnd())
		if err != nil {
			return done, err
		}
		// Done visits count toward the month too, so a rerun adds nothing.
		held, err := tx.Visits(ctx, store.VisitFilter{Kind: visits.KindCarry, From: monthStart, To: to.MonthEnd()})
		if err != nil {
			return done, err
		}
		for _, v := range held {
			if v.State == visits.VisitDone {
				busy.Visits = append(busy.Visits, v)
			}
		}
		props := visits.PlanCarryVisits(visits.PlanInput{From: from, To: to, People: people, Cases: cases, Calendar: e.Cal,
			Busy: busy, PerLeader: perLeader, Places: places, Scheduled: scheduled})
		for _, p := range props {
			if p.Reason != "" {
				failed = append(failed, p.Reason)
				continue
			}
			if _, err := tx.CreateVisit(ctx, p.Visit, e.Actor); err != nil {
				return done, err
			}
			done.Made++
			lines = append(lines, fmt.Sprintf("%s %s 赴%s（带 %d 件案件）", p.Visit.Date, nameOf(people, p.Visit.Leader), names[p.Visit.Township], len(p.Visit.Cases)))
		}
	}
	done.NoFreeDay = len(failed)
	if done.Made == 0 && len(failed) == 0 {
		return done, nil
	}
	text := "【带案下访】已拟定 " + done.span() + " 的带案下访，请确认或调整：\n" + strings.Join(lines, "\n")
	if len(failed) > 0 {
		text += "\n以下领导在期间没有空闲工作日，请人工安排：\n" + strings.Join(failed, "\n")
	}
	m := notify.Message{To: []notify.Recipient{notify.Office}, Subject: "带案下访安排待确认", Text: text}
	return done, e.Out.Put(ctx, tx, m)
}

// stationPlaces maps townships to where a 带案下访 meets: its 群众工作站.
func stationPlaces(ctx context.Context, tx *store.Store) (names, places map[string]string, err error) {
	_, names, err = townships(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	places = map[string]string{}
	for id, n := range names {
		places[id] = n + "群众工作站"
	}
	return names, places, nil
}
