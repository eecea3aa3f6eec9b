package publish

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zhiban/ical"
	"zhiban/roster"
	"zhiban/store"
)

// Clients keep what they already have, so a bounded window loses nothing.
const (
	feedDaysBack  = 90
	feedDaysAhead = 365
)

// dutyUID is database identity, so renames never change it and a reassignment
// is a new event. domain is the store's FeedDomain, never the public host.
func dutyUID(assignmentID int64, personID, domain string) string {
	return fmt.Sprintf("duty-%d-%s@%s", assignmentID, personID, domain)
}

type feedContext struct {
	county    string
	domain    string // of every UID
	people    map[string]roster.Person
	rosters   []roster.Definition
	rosterBy  map[string]roster.Definition
	reception Reception
}

func (p *Publisher) loadFeedContext(ctx context.Context) (feedContext, error) {
	fc := feedContext{rosterBy: map[string]roster.Definition{}}
	var err error
	if fc.county, err = p.county(ctx); err != nil {
		return fc, err
	}
	if fc.domain, err = p.st.FeedDomain(ctx); err != nil {
		return fc, err
	}
	if fc.people, err = p.peopleByID(ctx); err != nil {
		return fc, err
	}
	if fc.rosters, err = p.st.Rosters(ctx); err != nil {
		return fc, err
	}
	for _, d := range fc.rosters {
		fc.rosterBy[d.ID] = d
	}
	rec, err := p.st.Reception(ctx)
	if err != nil {
		return fc, err
	}
	fc.reception = Reception{Name: rec.Name, Address: rec.Address, Phone: rec.Phone}
	return fc, nil
}

func productID(county string) string { return "-//zhiban//" + county + "//ZH" }

// feedURL is the page at path under public_url, or none: a cached feed never names one request's host.
func (p *Publisher) feedURL(path string) string {
	if p.cfg.PublicURL == "" {
		return ""
	}
	return p.cfg.PublicURL + path
}

// dutyEvents returns live and cancelled duty events in the window for keep
// ("" keeps everyone) of the rosters in only (nil: all); a live row wins over its tombstone.
func (p *Publisher) dutyEvents(ctx context.Context, fc feedContext, today roster.Date, keep string, only func(rosterID string) bool) ([]ical.Event, time.Time, error) {
	from, to := today.AddDays(-feedDaysBack), today.AddDays(feedDaysAhead)
	live, err := p.st.Assignments(ctx, from, to)
	if err != nil {
		return nil, time.Time{}, err
	}
	// Tombstones stay for the whole window: a client that missed the change
	// still learns the duty is off, until the day itself ages out of the feed.
	gone, err := p.st.CancelledAssignments(ctx, from, to)
	if err != nil {
		return nil, time.Time{}, err
	}
	// The public feed shows published months only (publish.auto: all); a
	// leader's own feed shows every stored duty of theirs.
	view := View{auto: true}
	if keep == "" {
		if view, err = p.LoadView(ctx, from, to); err != nil {
			return nil, time.Time{}, err
		}
	}
	// SEQUENCE rises only when a UID's state flips: the k-th cancellation is 2k+1
	// and the live event after k is 2k, so an off-and-on person only goes up.
	cancels := map[string]int{}
	for _, g := range gone {
		cancels[dutyUID(g.AssignmentID, g.Person, fc.domain)]++
	}
	var events []ical.Event
	var last time.Time
	liveUID := map[string]bool{}
	for _, a := range live {
		if keep != "" && a.Person != keep || only != nil && !only(a.Roster) || !view.Visible(a.Roster, a.Date) {
			continue
		}
		uid := dutyUID(a.ID, a.Person, fc.domain)
		// Stamped when the person was put on the slot, not by pin updates.
		assigned := a.AssignedAt
		if assigned.IsZero() {
			assigned = a.UpdatedAt
		}
		e := dutyEvent(fc, a.Assignment, uid, 2*cancels[uid], assigned, false)
		liveUID[e.UID] = true
		events = append(events, e)
		if assigned.After(last) {
			last = assigned
		}
	}
	latest := map[string]int{} // UID → index in events of its newest tombstone
	seen := map[string]int{}   // UID → tombstones met so far, oldest first
	for _, g := range gone {
		if keep != "" && g.Person != keep || only != nil && !only(g.Roster) {
			continue
		}
		uid := dutyUID(g.AssignmentID, g.Person, fc.domain)
		k := seen[uid]
		seen[uid]++
		if liveUID[uid] || !view.Visible(g.Roster, g.Date) {
			continue
		}
		// A duty taken off before its month was published never reached the
		// public, so there is nothing to cancel.
		if pub, ok := view.Published(g.Roster, g.Date); ok && !view.auto && g.CancelledAt.Before(pub.PublishedAt) {
			continue
		}
		e := dutyEvent(fc, g.Assignment, uid, 2*k+1, g.CancelledAt, true)
		if i, ok := latest[uid]; ok {
			if events[i].Sequence < e.Sequence {
				events[i] = e
			}
		} else {
			latest[uid] = len(events)
			events = append(events, e)
		}
		if g.CancelledAt.After(last) {
			last = g.CancelledAt
		}
	}
	return events, last, nil
}

func dutyEvent(fc feedContext, a roster.Assignment, uid string, seq int, updated time.Time, cancelled bool) ical.Event {
	person := fc.people[a.Person]
	def := fc.rosterBy[a.Roster]
	place := def.Place
	// The reception centre's address belongs only to duties held there, not
	// to a township roster meeting at its own office.
	if fc.reception.Address != "" && fc.reception.Name != "" && strings.Contains(def.Place, fc.reception.Name) {
		place += "（" + fc.reception.Address + "）"
	}
	var desc strings.Builder
	fmt.Fprintf(&desc, "%s：%s %s\n", a.Role, person.Name, person.Title)
	if person.Portfolio != "" {
		fmt.Fprintf(&desc, "分管工作：%s\n", person.Portfolio)
	}
	fmt.Fprintf(&desc, "时间：%s–%s\n地点：%s\n形式：%s", def.Start, def.End, place, receptionForm)
	if fc.reception.Phone != "" {
		fmt.Fprintf(&desc, "\n咨询电话：%s", fc.reception.Phone)
	}
	if cancelled {
		desc.Reset()
		fmt.Fprintf(&desc, "此项值班安排已取消或已调整，请以最新安排为准。")
	}
	return ical.Event{
		UID:         uid,
		Summary:     fmt.Sprintf("%s：%s（%s）", a.Role, person.Name, person.Title),
		Description: desc.String(),
		Place:       place,
		Date:        a.Date,
		Updated:     updated,
		Sequence:    max(seq, 0),
		Cancelled:   cancelled,
		Transparent: true,
		Categories:  []string{"值班接访"},
	}
}

func (p *Publisher) visitEvents(vs []Visit, domain string) []ical.Event {
	var out []ical.Event
	for _, v := range vs {
		e := ical.Event{
			UID:       fmt.Sprintf("visit-%d@%s", v.ID, domain),
			Summary:   fmt.Sprintf("带案下访：%s（%s %s）", v.Township, v.LeaderName, v.LeaderTitle),
			Place:     v.Township + "群众工作站",
			Updated:   v.Updated,
			Sequence:  v.Sequence,
			Cancelled: v.Cancelled,
		}
		start, errS := roster.ParseClock(v.Start)
		end, errE := roster.ParseClock(v.End)
		if v.Start != "" && errS == nil && errE == nil {
			e.Start, e.End = v.Date.At(start, p.cfg.Location), v.Date.At(end, p.cfg.Location)
		} else {
			e.Date = v.Date
		}
		out = append(out, e)
	}
	return out
}

// RosterFeed is the county's public roster as a feed, and when it last
// changed: the rosters the county keeps itself (no unit). A township's roster
// is in its own feed and in /feeds/township/{id}.ics, so twenty stations do
// not flood the county leaders' calendar.
func (p *Publisher) RosterFeed(ctx context.Context, today roster.Date) (ical.Feed, time.Time, error) {
	fc, err := p.loadFeedContext(ctx)
	if err != nil {
		return ical.Feed{}, time.Time{}, err
	}
	town := map[string]bool{}
	var defs []roster.Definition
	for _, d := range fc.rosters {
		if d.Unit != "" {
			town[d.ID] = true
		} else {
			defs = append(defs, d)
		}
	}
	// Old duties of rosters no longer defined stay in the county's feed.
	only := func(r string) bool { return !town[r] }
	events, last, err := p.dutyEvents(ctx, fc, today, "", only)
	if err != nil {
		return ical.Feed{}, time.Time{}, err
	}
	// Several rosters are named by roster: not all are county leaders.
	name, desc := fc.county+"领导值班接访", fc.county+"县领导值班接访安排（"+fc.reception.Name+"）"
	if len(defs) > 1 {
		names := make([]string, len(defs))
		for i, d := range defs {
			names[i] = d.Name
		}
		name, desc = fc.county+"值班安排", fc.county+"值班安排："+strings.Join(names, "、")
	}
	return ical.Feed{
		Name:        name,
		Description: desc,
		URL:         p.feedURL("/"),
		ProductID:   productID(fc.county),
		Location:    p.cfg.Location,
		Today:       today,
		Events:      events,
	}, last, nil
}

// OneRosterFeed is roster id's public feed (/feeds/roster/{id}.ics); ErrNotFound if no such roster.
func (p *Publisher) OneRosterFeed(ctx context.Context, today roster.Date, id string) (ical.Feed, time.Time, error) {
	fc, err := p.loadFeedContext(ctx)
	if err != nil {
		return ical.Feed{}, time.Time{}, err
	}
	def, ok := fc.rosterBy[id]
	if !ok {
		return ical.Feed{}, time.Time{}, fmt.Errorf("publish: roster %s: %w", id, store.ErrNotFound)
	}
	events, last, err := p.dutyEvents(ctx, fc, today, "", func(r string) bool { return r == id })
	if err != nil {
		return ical.Feed{}, time.Time{}, err
	}
	page := "/"
	if def.Unit != "" {
		page = "/township/" + def.Unit
	}
	return ical.Feed{
		Name:        fc.county + def.Name,
		Description: fmt.Sprintf("%s%s：%s–%s，%s", fc.county, def.Name, def.Start, def.End, def.Place),
		URL:         p.feedURL(page),
		ProductID:   productID(fc.county),
		Location:    p.cfg.Location,
		Today:       today,
		Events:      events,
	}, last, nil
}

// TownshipFeed is one township's public feed: its own rosters' duties and the
// county leaders' 带案下访 to it; ErrNotFound if id is not a township.
func (p *Publisher) TownshipFeed(ctx context.Context, today roster.Date, id string) (ical.Feed, time.Time, error) {
	name, err := p.township(ctx, id)
	if err != nil {
		return ical.Feed{}, time.Time{}, err
	}
	fc, err := p.loadFeedContext(ctx)
	if err != nil {
		return ical.Feed{}, time.Time{}, err
	}
	mine := unitRosters(fc.rosters, id)
	var events []ical.Event
	var last time.Time
	if len(mine) > 0 {
		if events, last, err = p.dutyEvents(ctx, fc, today, "", func(r string) bool { return mine[r] }); err != nil {
			return ical.Feed{}, time.Time{}, err
		}
	}
	vs, err := p.Visits(ctx, today.AddDays(-feedDaysBack), today.AddDays(feedDaysAhead))
	if err != nil {
		return ical.Feed{}, time.Time{}, err
	}
	var own []Visit
	for _, v := range vs {
		if v.TownshipID == id {
			own = append(own, v)
			if v.Updated.After(last) {
				last = v.Updated
			}
		}
	}
	events = append(events, p.visitEvents(own, fc.domain)...)
	feedName, desc := fc.county+name+"县领导带案下访", fc.county+"县级领导到"+name+"带案下访的安排"
	url := p.feedURL("/visits")
	if len(mine) > 0 {
		feedName, desc = fc.county+name+"值班与带案下访", fc.county+name+"群众工作站值班安排和县级领导到"+name+"带案下访的安排"
		url = p.feedURL("/township/" + id)
	}
	return ical.Feed{
		Name:        feedName,
		Description: desc,
		URL:         url,
		ProductID:   productID(fc.county),
		Location:    p.cfg.Location,
		Today:       today,
		Events:      events,
	}, last, nil
}

// LeaderFeed is one leader's private calendar: duties, visits, sweeps and case deadlines.
func (p *Publisher) LeaderFeed(ctx context.Context, today roster.Date, personID string) (ical.Feed, time.Time, error) {
	fc, err := p.loadFeedContext(ctx)
	if err != nil {
		return ical.Feed{}, time.Time{}, err
	}
	person := fc.people[personID]
	events, last, err := p.dutyEvents(ctx, fc, today, personID, nil)
	if err != nil {
		return ical.Feed{}, time.Time{}, err
	}
	if events, last, err = p.withBookings(ctx, fc, events, last, today); err != nil {
		return ical.Feed{}, time.Time{}, err
	}
	// Duty days stay TRANSPARENT as in the public feed: an all-day duty
	// marked busy would block the leader's whole day for meeting invites.
	agenda, agendaLast, err := p.agendaEvents(ctx, fc.domain, personID, today)
	if err != nil {
		return ical.Feed{}, time.Time{}, err
	}
	events = append(events, agenda...)
	if agendaLast.After(last) {
		last = agendaLast
	}
	return ical.Feed{
		Name:        person.Name + "的值班与接访日程",
		Description: fc.county + " " + person.Name + "（" + person.Title + "）的值班、下访与案件期限，请勿转发此订阅地址",
		ProductID:   productID(fc.county),
		Location:    p.cfg.Location,
		Today:       today,
		Events:      events,
	}, last, nil
}
