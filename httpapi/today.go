package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/county"
	"zhiban/roster"
)

// dutyPerson is what the public sees of a leader: never the phone.
type dutyPerson struct {
	Role      string `json:"role"`
	ID        string `json:"id"`
	Name      string `json:"name"`
	Title     string `json:"title"`
	Portfolio string `json:"portfolio"`
	// Was is the person published for this slot when an edit after
	// publication replaced them (shown as 调整，原：Was).
	Was string `json:"was,omitempty"`
}

// dutyDay is one roster's duty on one day.
type dutyDay struct {
	Date       roster.Date  `json:"date"`
	RosterID   string       `json:"roster"`
	RosterName string       `json:"roster_name"`
	Start      string       `json:"start"`
	End        string       `json:"end"`
	Place      string       `json:"place"`
	Form       string       `json:"form"` // 形式, required by the 2009 publication practice
	Changed    bool         `json:"changed"`
	Leaders    []dutyPerson `json:"leaders"`
}

// receptionForm is how leaders receive the public on a duty day.
const receptionForm = "现场接待来访群众（开门接访）"

// changedWindowDays is how far back an edit counts as "changed since the last
// publication": the roster is published weekly, so a week.
const changedWindowDays = 7

// publicDuties returns the stored duties between from and to, per day and roster.
func (s *Server) publicDuties(ctx context.Context, from, to roster.Date) ([]dutyDay, error) {
	defs, err := s.store.Rosters(ctx)
	if err != nil {
		return nil, err
	}
	people, err := s.store.People(ctx)
	if err != nil {
		return nil, err
	}
	as, err := s.store.Assignments(ctx, from, to)
	if err != nil {
		return nil, err
	}
	today := roster.Today(s.now(), s.cfg.Location)
	changes, err := s.store.ChangedDays(ctx, today.AddDays(-changedWindowDays).In(s.cfg.Location), from, to)
	if err != nil {
		return nil, err
	}
	changed := map[roster.Date]bool{}
	for _, c := range changes {
		changed[c.Date] = true
	}
	view, err := s.loadPublicView(ctx, from, to)
	if err != nil {
		return nil, err
	}
	byID := map[string]roster.Person{}
	for _, p := range people {
		byID[p.ID] = p
	}
	defByID := map[string]roster.Definition{}
	for _, d := range defs {
		defByID[d.ID] = d
	}
	var out []dutyDay
	for _, a := range as {
		if !view.visible(a.Roster, a.Date) {
			continue // an unpublished month is for staff only
		}
		if len(out) == 0 || out[len(out)-1].Date != a.Date || out[len(out)-1].RosterID != a.Roster {
			d := defByID[a.Roster]
			out = append(out, dutyDay{Date: a.Date, RosterID: d.ID, RosterName: d.Name, Start: d.Start.String(), End: d.End.String(),
				Place: d.Place, Form: receptionForm})
		}
		p := byID[a.Person]
		last := &out[len(out)-1]
		dp := dutyPerson{Role: a.Role, ID: p.ID, Name: p.Name, Title: p.Title, Portfolio: p.Portfolio}
		// A published month compares with its snapshot; otherwise recent
		// edits count as changes.
		if was, adj, ok := view.adjusted(a.Assignment); ok {
			if adj {
				last.Changed = true
				if was != "" {
					dp.Was = byID[was].Name
				}
			}
		} else if changed[a.Date] {
			last.Changed = true
		}
		last.Leaders = append(last.Leaders, dp)
	}
	return out, nil
}

// publicReception is the reception centre as published: its phone is the
// office line, which is public.
type publicReception struct {
	Name    string          `json:"name"`
	Address string          `json:"address"`
	Phone   string          `json:"phone"`
	Windows []county.Window `json:"windows"`
}

// publicRoster is a roster definition as published: what it is called, when
// and where it sits, and its roles in slot order.
type publicRoster struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Days      string   `json:"days"`       // the rule in file form: workdays, weekly:tue,fri
	DaysLabel string   `json:"days_label"` // the rule in words: 工作日, 每周二、周五
	Start     string   `json:"start"`
	End       string   `json:"end"`
	Place     string   `json:"place"`
	Roles     []string `json:"roles"`
}

// todayData is the whole today page; the JSON API serves the same value.
// Every dutyDay carries its roster's id and name; Rosters lists the rosters.
type todayData struct {
	County    string         `json:"county"`
	Date      roster.Date    `json:"date"`
	Weekday   string         `json:"weekday"`
	DutyDay   bool           `json:"duty_day"` // some roster has a duty today
	OffReason string         `json:"off_reason,omitempty"`
	Rosters   []publicRoster `json:"rosters"`
	Duties    []dutyDay      `json:"duties"`
	// NextDuty is, for each roster with no duty today, its next duty day.
	NextDuty    []dutyDay       `json:"next_duty,omitempty"`
	Week        []dutyDay       `json:"week"` // tomorrow and the following days
	Visits      []publicVisit   `json:"visits"`
	Reception   publicReception `json:"reception"`
	LastChanged *time.Time      `json:"last_changed,omitempty"`
	ChangedDays []roster.Date   `json:"changed_days"`
}

// weekDays is how far the "coming days" table reaches: tomorrow and the rest of a week.
const weekDays = 7

func (s *Server) todayData(ctx context.Context) (todayData, error) {
	loc := s.cfg.Location
	today := roster.Today(s.now(), loc)
	countyName, err := s.store.Setting(ctx, "county")
	if err != nil {
		return todayData{}, err
	}
	duties, err := s.publicDuties(ctx, today, today.AddDays(60))
	if err != nil {
		return todayData{}, err
	}
	defs, err := s.store.Rosters(ctx)
	if err != nil {
		return todayData{}, err
	}
	rec, err := s.store.Reception(ctx)
	if err != nil {
		return todayData{}, err
	}
	visits, err := s.publicVisits(ctx, today, today.AddDays(60))
	if err != nil {
		return todayData{}, err
	}
	d := todayData{County: countyName, Date: today, Weekday: weekdayLabels[today.Weekday()], Visits: visits,
		Reception:   publicReception{Name: rec.Name, Address: rec.Address, Phone: rec.Phone, Windows: rec.Windows},
		Rosters:     publicRosters(defs, duties),
		Duties:      []dutyDay{},
		Week:        []dutyDay{},
		ChangedDays: []roster.Date{}}
	for _, dd := range duties {
		switch {
		case dd.Date == today:
			d.Duties = append(d.Duties, dd)
		case dd.Date <= today.AddDays(weekDays):
			d.Week = append(d.Week, dd)
		}
		if dd.Changed && (len(d.ChangedDays) == 0 || d.ChangedDays[len(d.ChangedDays)-1] != dd.Date) {
			d.ChangedDays = append(d.ChangedDays, dd.Date)
		}
	}
	d.DutyDay = len(d.Duties) > 0
	onToday := map[string]bool{}
	for _, dd := range d.Duties {
		onToday[dd.RosterID] = true
	}
	for _, r := range d.Rosters {
		if onToday[r.ID] {
			continue
		}
		for _, dd := range duties {
			if dd.RosterID == r.ID && dd.Date > today {
				d.NextDuty = append(d.NextDuty, dd)
				break
			}
		}
	}
	if !d.DutyDay {
		d.OffReason = s.offReason(ctx, today)
	}
	if len(d.Visits) > 10 {
		d.Visits = d.Visits[:10]
	}
	last, err := s.store.LastChange(ctx)
	if err != nil {
		return todayData{}, err
	}
	if !last.IsZero() {
		l := last.In(loc)
		d.LastChanged = &l
	}
	return d, nil
}

// publicRosters lists the defined rosters in their order, then any roster
// that only old duties still name, each with its roles: the slots' roles
// first, then roles met only in the duties.
func publicRosters(defs []roster.Definition, duties []dutyDay) []publicRoster {
	var out []publicRoster
	index := map[string]int{}
	seen := map[string]map[string]bool{}
	addRole := func(i int, role string) {
		if !seen[out[i].ID][role] {
			seen[out[i].ID][role] = true
			out[i].Roles = append(out[i].Roles, role)
		}
	}
	for _, def := range defs {
		index[def.ID] = len(out)
		seen[def.ID] = map[string]bool{}
		out = append(out, publicRoster{ID: def.ID, Name: def.Name, Days: def.Days.String(), DaysLabel: daysLabel(def.Days),
			Start: def.Start.String(), End: def.End.String(), Place: def.Place, Roles: []string{}})
		for _, sl := range def.Slots {
			addRole(len(out)-1, sl.Role)
		}
	}
	for _, dd := range duties {
		i, ok := index[dd.RosterID]
		if !ok {
			i = len(out)
			index[dd.RosterID] = i
			seen[dd.RosterID] = map[string]bool{}
			out = append(out, publicRoster{ID: dd.RosterID, Name: dd.RosterName, Start: dd.Start, End: dd.End, Place: dd.Place, Roles: []string{}})
		}
		for _, l := range dd.Leaders {
			addRole(i, l.Role)
		}
	}
	if out == nil {
		out = []publicRoster{}
	}
	return out
}

// daysLabel says a roster's duty-day rule in words: 工作日, 每天,
// 节假日和周末, or 每周二、周五 for weekly:tue,fri.
func daysLabel(r roster.DaysRule) string {
	rule := r.String()
	switch rule {
	case "workdays":
		return "工作日"
	case "all":
		return "每天"
	case "offdays":
		return "节假日和周末"
	}
	names := map[string]string{"mon": "周一", "tue": "周二", "wed": "周三", "thu": "周四", "fri": "周五", "sat": "周六", "sun": "周日"}
	rest, ok := strings.CutPrefix(rule, "weekly:")
	if !ok {
		return ""
	}
	var out []string
	for _, n := range strings.Split(rest, ",") {
		out = append(out, names[n])
	}
	return "每" + strings.Join(out, "、")
}

// rosterSection is one roster on the today page: today's duty or the next
// one, and its coming days with one column per role of this roster only.
type rosterSection struct {
	publicRoster
	Address string // the reception centre's address, shown after Place
	Today   *dutyDay
	Notice  string // why this roster has no duty today, when others have
	Next    *dutyDay
	Week    []weekRow
	Changed bool // some row of Week was changed
}

// weekRow is one day of a roster's coming days: the people per role column.
type weekRow struct {
	dutyDay
	Cells [][]dutyPerson // parallel to the roster's Roles
}

// rosterSections splits the today page by roster, in roster order.
func rosterSections(d todayData) []rosterSection {
	var out []rosterSection
	for _, r := range d.Rosters {
		sec := rosterSection{publicRoster: r}
		// One roster is the reception centre's own duty, so its place is
		// there; with several, only a place naming the centre is there (a
		// township roster sits in the townships).
		if d.Reception.Address != "" && (len(d.Rosters) == 1 || d.Reception.Name == "" || strings.Contains(r.Place, d.Reception.Name)) {
			sec.Address = d.Reception.Address
		}
		for i := range d.Duties {
			if d.Duties[i].RosterID == r.ID {
				sec.Today = &d.Duties[i]
				break
			}
		}
		for i := range d.NextDuty {
			if d.NextDuty[i].RosterID == r.ID {
				sec.Next = &d.NextDuty[i]
				break
			}
		}
		if sec.Today == nil && d.DutyDay {
			// Only the weekday matters here: another roster sits today.
			if rule, err := roster.ParseDaysRule(r.Days); err == nil && strings.HasPrefix(r.Days, "weekly:") && !rule.IsDutyDay(d.Date, roster.NewCalendar()) {
				sec.Notice = fmt.Sprintf("今日不是%s的值班日（%s值班）。", r.Name, r.DaysLabel)
			} else {
				sec.Notice = fmt.Sprintf("今日暂无%s安排。", r.Name)
			}
		}
		for _, dd := range d.Week {
			if dd.RosterID != r.ID {
				continue
			}
			row := weekRow{dutyDay: dd, Cells: make([][]dutyPerson, len(r.Roles))}
			for _, l := range dd.Leaders {
				for i, role := range r.Roles {
					if l.Role == role {
						row.Cells[i] = append(row.Cells[i], l)
					}
				}
			}
			sec.Changed = sec.Changed || dd.Changed
			sec.Week = append(sec.Week, row)
		}
		out = append(out, sec)
	}
	return out
}

// offReason says why today has no duty: a named holiday, a weekend or no roster yet.
func (s *Server) offReason(ctx context.Context, d roster.Date) string {
	cal, err := s.calendar(ctx, d, d)
	if err == nil {
		if h, ok := cal.Entry(d); ok && h.Kind == roster.Off {
			if h.Name != "" {
				return "法定节假日（" + h.Name + "）"
			}
			return "法定节假日"
		}
		if !cal.IsWorkday(d) {
			return "周末"
		}
	}
	return "暂无值班安排"
}

// showTodayPage shows today's duty leaders, the coming days, visits,
// windows and how to subscribe.
func (s *Server) showTodayPage(c echo.Context) error {
	base := s.publicBase(c)
	return s.serveCached(c, s.publicKey(c, "/"), "text/html; charset=utf-8", "public, max-age=60", func(ctx context.Context) ([]byte, time.Time, error) {
		d, err := s.todayData(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		// One roster is the county leaders' duty and keeps its familiar
		// headline; several are named by the rosters themselves.
		title, desc := d.County+"领导值班接访", d.County+"今日值班领导、本周值班安排、带案下访、接待窗口与订阅方式"
		var names []string
		for _, r := range d.Rosters {
			names = append(names, r.Name)
		}
		if len(d.Rosters) > 1 {
			title = d.County + "值班安排"
			desc = d.County + "今日值班与近期" + strings.Join(names, "、") + "安排、带案下访、接待窗口与订阅方式"
		}
		body, err := s.renderBytes("today.html", map[string]any{
			"Title":       title,
			"Desc":        desc,
			"D":           d,
			"Sections":    rosterSections(d),
			"Multi":       len(d.Rosters) > 1,
			"NoDutyNames": strings.Join(names, "、"),
			"Subscribe":   subscribeLinks(base),
			"Canonical":   base + "/",
			"MonthPath":   "/roster/" + monthKey(d.Date),
			"MonthLabel":  fmt.Sprintf("%d年%d月", d.Date.Year(), int(d.Date.Month())),
			"LastChanged": cnStamp(d.LastChanged),
			// With publish.auto nothing is announced before it is public,
			// so a change is "recent", not "after publication".
			"AutoPublish": s.cfg.Publish.Auto,
		})
		return body, lastOf(d.LastChanged), err
	})
}

// showTodayJSON is the today page as JSON for hall displays and other sites.
func (s *Server) showTodayJSON(c echo.Context) error {
	return s.serveCached(c, "api:today", "application/json; charset=utf-8", "public, max-age=60", func(ctx context.Context) ([]byte, time.Time, error) {
		d, err := s.todayData(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		body, err := json.Marshal(d)
		return body, lastOf(d.LastChanged), err
	})
}

// cnStamp formats an instant already in the county zone, e.g. 2026年12月1日 09:05.
func cnStamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日 %02d:%02d", t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute())
}

func lastOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// subscribe holds the links of the public feed. Webcal is built from
// publicBase: public_url or a Host that passed its character check.
type subscribe struct {
	HTTPS, Page string
	Webcal      template.URL // html/template refuses the webcal scheme otherwise
}

func subscribeLinks(base string) subscribe {
	u := base + "/feeds/roster.ics"
	webcal := u
	for _, p := range []string{"https://", "http://"} {
		if len(u) > len(p) && u[:len(p)] == p {
			webcal = "webcal://" + u[len(p):]
		}
	}
	return subscribe{HTTPS: u, Webcal: template.URL(webcal), Page: base + "/"}
}

// showQRCode serves a QR code of the public page's address, for phones.
func (s *Server) showQRCode(c echo.Context) error {
	base := s.publicBase(c)
	return s.serveCached(c, s.publicKey(c, "qr"), "image/png", "public, max-age=86400", func(ctx context.Context) ([]byte, time.Time, error) {
		png, err := qrPNG(base + "/")
		return png, time.Time{}, err
	})
}
