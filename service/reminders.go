package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"zhiban/holiday"
	"zhiban/notify"
	"zhiban/roster"
	"zhiban/store"
)

// RemindDuty sends e.Today's duty reminders (see Reminders) and returns how many.
func RemindDuty(ctx context.Context, e Env) (int, error) {
	msgs, err := Reminders(ctx, e.Tx, e.Today, e.Cfg.Notify.RemindDaysAhead, e.Cfg.PublicURL)
	if err != nil {
		return 0, err
	}
	for _, m := range msgs {
		if err := e.Out.Put(ctx, e.Tx, m); err != nil {
			return 0, err
		}
	}
	return len(msgs), nil
}

// Reminders builds today's messages: one per roster on duty tomorrow, and one per
// leader on duty daysAhead days on (0 or 1 turns it off), copied to the office
// when the leader has no e-mail address. With base (public_url) set, the
// message of a roster that receives the public carries each leader's
// sign-in link for the day (到岗签到).
func Reminders(ctx context.Context, st *store.Store, today roster.Date, daysAhead int, base string) ([]notify.Message, error) {
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
		m, ok := tomorrowMessage(d, tomorrow, as, byID)
		if !ok {
			continue
		}
		if base != "" && d.ReceivesPublic {
			if m.Text, err = withSigninLinks(ctx, st, base, m.Text, d, tomorrow, as, byID); err != nil {
				return nil, err
			}
		}
		out = append(out, m)
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

// withSigninLinks adds each leader's sign-in link for the day to text.
func withSigninLinks(ctx context.Context, st *store.Store, base, text string, d roster.Definition, day roster.Date,
	as []store.StoredAssignment, byID map[string]roster.Person) (string, error) {
	var links []string
	for _, a := range as {
		p, ok := byID[a.Person]
		if a.Roster != d.ID || !ok {
			continue
		}
		link, err := SigninLink(ctx, st, base, a.Key(), p.ID)
		if err != nil {
			return "", err
		}
		links = append(links, fmt.Sprintf("%s %s：%s", a.Role, p.Name, link))
	}
	if len(links) == 0 {
		return text, nil
	}
	return text + "\n到岗后请点击本人的签到链接（仅值班当天有效）：\n" + strings.Join(links, "\n"), nil
}

func recipient(p roster.Person) notify.Recipient {
	return notify.Recipient{PersonID: p.ID, Name: p.Name, Email: p.Email}
}

// dayLabel formats 12月1日 星期二.
func dayLabel(d roster.Date) string { return monthDay(d) + " 星期" + roster.WeekdayCN(d.Weekday()) }

func monthDay(d roster.Date) string { return fmt.Sprintf("%d月%d日", d.Month(), d.Day()) }

func hours(d roster.Definition) string { return d.Start.String() + "–" + d.End.String() }

// CheckHolidays warns the office from 1 November while next year's calendar is
// missing or provisional: January's roster is made in November, and a wrong
// Spring Festival breaks it.
func CheckHolidays(ctx context.Context, e Env) (string, error) {
	next := e.Today.Year() + 1
	if e.Today.Month() < time.November {
		return fmt.Sprintf("11月起检查 %d 年日历，本月无需检查", next), nil
	}
	confirmed, err := e.Tx.HolidayYearConfirmed(ctx, next)
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
	if err := e.Out.Put(ctx, e.Tx, m); err != nil {
		return "", err
	}
	return summary, nil
}
