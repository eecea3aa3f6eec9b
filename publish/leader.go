package publish

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"zhiban/ical"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/visits"
)

// A leader's private feed names a case by its code and township only: the
// phone it syncs to is not the office, so no petitioner, title or text.
type caseRef struct {
	Code, Township string
}

func (r caseRef) String() string {
	if r.Township == "" {
		return r.Code
	}
	return r.Code + "（" + r.Township + "）"
}

// agendaEvents returns a leader's visits, sweep tasks and case deadlines in the window.
func (p *Publisher) agendaEvents(ctx context.Context, domain, personID string, today roster.Date) ([]ical.Event, time.Time, error) {
	from, to := today.AddDays(-feedDaysBack), today.AddDays(feedDaysAhead)
	township, err := p.unitNames(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	var events []ical.Event
	var last time.Time
	touch := func(t time.Time) {
		if t.After(last) {
			last = t
		}
	}

	// Cancelled visits stay as STATUS:CANCELLED while their day is in the window.
	vs, err := p.st.Visits(ctx, store.VisitFilter{Leader: personID, From: from, To: to})
	if err != nil {
		return nil, time.Time{}, err
	}
	var visitIDs, caseIDs []int64
	for _, v := range vs {
		visitIDs = append(visitIDs, v.ID)
		caseIDs = append(caseIDs, v.Cases...)
	}
	vstamps, err := p.st.VisitStamps(ctx, visitIDs)
	if err != nil {
		return nil, time.Time{}, err
	}
	refs := map[int64]caseRef{}
	if len(caseIDs) > 0 {
		linked, err := p.st.Cases(ctx, store.CaseFilter{IDs: caseIDs})
		if err != nil {
			return nil, time.Time{}, err
		}
		for _, c := range linked {
			pc := c.Public()
			refs[c.ID] = caseRef{Code: pc.Code, Township: township[pc.Township]}
		}
	}
	for _, v := range vs {
		st := vstamps[v.ID]
		events = append(events, p.visitAgendaEvent(v, st, refs, township, domain))
		touch(st.UpdatedAt)
	}

	tasks, err := p.st.LeaderSweepTasks(ctx, personID, from, to)
	if err != nil {
		return nil, time.Time{}, err
	}
	for _, t := range tasks {
		updated := t.UpdatedAt
		if updated.IsZero() { // stored before tasks had stamps
			updated = t.Due.In(p.cfg.Location)
		}
		events = append(events, sweepTaskEvent(t, township[t.Township], updated, domain))
		touch(updated)
	}

	cases, err := p.st.Cases(ctx, store.CaseFilter{Leader: personID, OpenOnly: true})
	if err != nil {
		return nil, time.Time{}, err
	}
	if len(cases) > 0 {
		cal, err := service.CaseCalendar(ctx, p.st, today)
		if err != nil {
			return nil, time.Time{}, err
		}
		ids := make([]int64, len(cases))
		for i, c := range cases {
			ids[i] = c.ID
		}
		cstamps, err := p.st.CaseStamps(ctx, ids)
		if err != nil {
			return nil, time.Time{}, err
		}
		for _, c := range cases {
			clock := c.ClockOn(today, cal)
			if clock.Next == nil || clock.Next.Due < from || clock.Next.Due > to {
				continue
			}
			pc := c.Public()
			st := cstamps[c.ID]
			events = append(events, deadlineEvent(c.ID, caseRef{Code: pc.Code, Township: township[pc.Township]}, *clock.Next, st, domain))
			touch(st.UpdatedAt)
		}
	}
	return events, last, nil
}

// visitAgendaEvent is one visit as a timed event. The place of a return
// visit is the petitioner's home, so only its township is written.
func (p *Publisher) visitAgendaEvent(v visits.Visit, st store.Stamp, refs map[int64]caseRef, township map[string]string, domain string) ical.Event {
	var cases []string
	for _, id := range v.Cases {
		if r, ok := refs[id]; ok {
			cases = append(cases, r.String())
		}
	}
	tw := township[v.Township]
	var title string
	switch v.Kind {
	case visits.KindOpen:
		title = v.Place
	case visits.KindCarry:
		title = strings.TrimSpace(tw + " " + codesOnly(v.Cases, refs))
	default:
		title = strings.Join(cases, "、")
		if title == "" {
			title = tw
		}
	}
	place := v.Place
	if v.Kind == visits.KindReturn {
		place = tw + "（上门回访，地址见案件材料）"
	}
	var desc strings.Builder
	fmt.Fprintf(&desc, "类型：%s\n状态：%s", v.Kind.Label(), v.State.Label())
	if len(cases) > 0 {
		fmt.Fprintf(&desc, "\n案件：%s", strings.Join(cases, "、"))
	}
	if n := len(v.History); n > 0 {
		m := v.History[n-1]
		fmt.Fprintf(&desc, "\n已改期（原定 %s %s–%s）", m.FromDate, m.FromStart, m.FromEnd)
	}
	e := ical.Event{
		UID:         fmt.Sprintf("visit-%d@%s", v.ID, domain),
		Summary:     "【" + v.Kind.Label() + "】" + title,
		Description: desc.String(),
		Place:       place,
		Updated:     st.UpdatedAt,
		Sequence:    max(st.Version-1, 0),
		Cancelled:   v.State == visits.VisitCancelled,
		Tentative:   v.State == visits.VisitPlanned,
		Categories:  []string{v.Kind.Label()},
	}
	if v.End > v.Start {
		e.Start, e.End = v.Date.At(v.Start, p.cfg.Location), v.Date.At(v.End, p.cfg.Location)
	} else {
		e.Date = v.Date
	}
	return e
}

func codesOnly(ids []int64, refs map[int64]caseRef) string {
	var codes []string
	for _, id := range ids {
		if r, ok := refs[id]; ok {
			codes = append(codes, r.Code)
		}
	}
	return strings.Join(codes, "、")
}

func sweepTaskEvent(t store.StampedTask, township string, updated time.Time, domain string) ical.Event {
	month := string(t.Month)
	if m, err := roster.ParseMonth(month); err == nil {
		month = strconv.Itoa(int(m.Month())) + "月"
	}
	status := "未报送"
	switch t.Status {
	case visits.TaskFiled:
		status = "已报送（" + t.Filed.String() + "）"
	case visits.TaskNil:
		status = "零报告（" + t.Filed.String() + "）"
	}
	return ical.Event{
		UID:         fmt.Sprintf("sweep-task-%d@%s", t.ID, domain),
		Summary:     "【矛盾排查】" + township + " " + month + "排查报告截止",
		Description: fmt.Sprintf("矛盾纠纷大排查（%s）：%s排查报告截止日\n状态：%s", t.Month, township, status),
		Date:        t.Due,
		Updated:     updated,
		Sequence:    max(t.Version-1, 0),
		Transparent: true,
		Categories:  []string{"矛盾排查"},
	}
}

// deadlineEvent is a case's next statutory deadline, e.g. 【期限】2026-0042（漕河镇）办理期限 第34条.
func deadlineEvent(caseID int64, ref caseRef, d visits.Deadline, st store.Stamp, domain string) ical.Event {
	label, note, _ := strings.Cut(d.Label, "（")
	if note != "" {
		note = "（" + note
	}
	article := arabicArticles(strings.TrimPrefix(d.Article, "信访工作条例"))
	return ical.Event{
		UID:         fmt.Sprintf("case-%d-%s@%s", caseID, d.Kind, domain),
		Summary:     "【期限】" + ref.String() + label + "期限" + note + " " + article,
		Description: fmt.Sprintf("案件：%s\n%s期限%s：%s 起算，%s 届满\n依据：%s", ref, label, note, d.Start, d.Due, d.Article),
		Date:        d.Due,
		Updated:     st.UpdatedAt,
		Sequence:    max(st.Version-1, 0),
		Transparent: true,
		Categories:  []string{"案件期限"},
	}
}

var articleRE = regexp.MustCompile(`第([零一二三四五六七八九十百]+)条`)

// arabicArticles writes 第三十四条 as 第34条, shorter on a phone's calendar line.
func arabicArticles(s string) string {
	return articleRE.ReplaceAllStringFunc(s, func(m string) string {
		n := chineseNumber(strings.TrimSuffix(strings.TrimPrefix(m, "第"), "条"))
		if n <= 0 {
			return m
		}
		return "第" + strconv.Itoa(n) + "条"
	})
}

// chineseNumber reads a Chinese numeral below 1000; 0 when it cannot.
func chineseNumber(s string) int {
	digit := map[rune]int{'零': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	total, cur := 0, 0
	for _, r := range s {
		switch r {
		case '百':
			total += max(cur, 1) * 100
			cur = 0
		case '十':
			total += max(cur, 1) * 10
			cur = 0
		default:
			d, ok := digit[r]
			if !ok {
				return 0
			}
			cur = d
		}
	}
	return total + cur
}

// withBookings adds to each live duty event in events (a leader's, from
// dutyEvents) the bookings (预约接访) of its roster and day: how many, and
// each one's slot, category and group size — never who booked. A booking's
// change (made, cancelled) moves the event's and the feed's modified time.
func (p *Publisher) withBookings(ctx context.Context, fc feedContext, events []ical.Event, last time.Time, today roster.Date) ([]ical.Event, time.Time, error) {
	from, to := today.AddDays(-feedDaysBack), today.AddDays(feedDaysAhead)
	digests, err := p.st.BookingDigests(ctx, from, to)
	if err != nil || len(digests) == 0 {
		return events, last, err
	}
	type day struct {
		roster string
		date   roster.Date
	}
	byDay := map[day][]store.BookingDigest{}
	for _, d := range digests {
		k := day{d.Roster, d.Date}
		byDay[k] = append(byDay[k], d)
	}
	live, err := p.st.Assignments(ctx, from, to)
	if err != nil {
		return nil, last, err
	}
	dutyOf := map[string]day{}
	for _, a := range live {
		if _, ok := byDay[day{a.Roster, a.Date}]; ok {
			dutyOf[dutyUID(a.ID, a.Person, fc.domain)] = day{a.Roster, a.Date}
		}
	}
	for i, e := range events {
		k, ok := dutyOf[e.UID]
		if !ok || e.Cancelled {
			continue
		}
		var lines []string
		people := 0
		for _, d := range byDay[k] {
			if d.UpdatedAt.After(events[i].Updated) {
				events[i].Updated = d.UpdatedAt
			}
			if d.UpdatedAt.After(last) {
				last = d.UpdatedAt
			}
			if d.State != visits.BookingActive {
				continue
			}
			people += d.GroupSize
			lines = append(lines, fmt.Sprintf("%s–%s %s %d人", d.SlotStart, d.SlotEnd, d.Category, d.GroupSize))
		}
		if len(lines) == 0 {
			events[i].Description += "\n预约接访：暂无预约"
			continue
		}
		events[i].Description += fmt.Sprintf("\n预约接访：%d 批，共 %d 人（预约者优先接待）\n%s", len(lines), people, strings.Join(lines, "\n"))
	}
	return events, last, nil
}
