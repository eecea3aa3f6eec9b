package httpapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/ical"
	"zhiban/pubcache"
	"zhiban/roster"
	"zhiban/store"
)

// Feed window: clients keep what they already have, so a bounded window
// keeps feeds small without losing anything a subscriber still looks at.
const (
	feedDaysBack  = 90
	feedDaysAhead = 365
)

const icsType = "text/calendar; charset=utf-8"

// dutyUID identifies one person's duty on one assignment row: database
// identity, so an edit of names or order never changes it, and a
// reassignment yields a new event (the old one is kept as cancelled).
// domain is the store's FeedDomain, never the public URL's host.
func dutyUID(assignmentID int64, personID, domain string) string {
	return fmt.Sprintf("duty-%d-%s@%s", assignmentID, personID, domain)
}

// feedContext is what every duty event needs, loaded once per render.
type feedContext struct {
	county    string
	domain    string // of every UID
	people    map[string]roster.Person
	rosters   map[string]roster.Definition
	reception publicReception
}

func (s *Server) loadFeedContext(ctx context.Context) (feedContext, error) {
	fc := feedContext{people: map[string]roster.Person{}, rosters: map[string]roster.Definition{}}
	var err error
	if fc.county, err = s.store.Setting(ctx, "county"); err != nil {
		return fc, err
	}
	if fc.domain, err = s.store.FeedDomain(ctx); err != nil {
		return fc, err
	}
	people, err := s.store.People(ctx)
	if err != nil {
		return fc, err
	}
	for _, p := range people {
		fc.people[p.ID] = p
	}
	defs, err := s.store.Rosters(ctx)
	if err != nil {
		return fc, err
	}
	for _, d := range defs {
		fc.rosters[d.ID] = d
	}
	rec, err := s.store.Reception(ctx)
	if err != nil {
		return fc, err
	}
	fc.reception = publicReception{Name: rec.Name, Address: rec.Address, Phone: rec.Phone}
	return fc, nil
}

// dutyEvents returns the duty events in the feed window, live and cancelled.
// keep filters by person ("" keeps everyone). A person put back on a row
// they were taken off shows as live: the live row wins over its tombstone.
func (s *Server) dutyEvents(ctx context.Context, fc feedContext, keep string) ([]ical.Event, time.Time, error) {
	today := roster.Today(s.now(), s.cfg.Location)
	from, to := today.AddDays(-feedDaysBack), today.AddDays(feedDaysAhead)
	live, err := s.store.Assignments(ctx, from, to)
	if err != nil {
		return nil, time.Time{}, err
	}
	// Tombstones stay for the whole window: a client that missed the change
	// still learns the duty is off, until the day itself ages out of the feed.
	gone, err := s.store.CancelledAssignments(ctx, from, to)
	if err != nil {
		return nil, time.Time{}, err
	}
	// The public feed shows published months only (publish.auto: all); a
	// leader's own feed shows every stored duty of theirs.
	view := publicView{auto: true}
	if keep == "" {
		if view, err = s.loadPublicView(ctx, from, to); err != nil {
			return nil, time.Time{}, err
		}
	}
	// SEQUENCE rises only when a UID's state flips: a UID is one person on
	// one row, so a reassignment is a new UID and a pin, unpin or re-save
	// changes nothing a subscriber sees. The k-th cancellation of a UID is
	// 2k+1 and the live event after k cancellations is 2k, so a person taken
	// off and put back on the same row still only ever goes up.
	cancels := map[string]int{}
	for _, g := range gone {
		cancels[dutyUID(g.AssignmentID, g.Person, fc.domain)]++
	}
	var events []ical.Event
	var last time.Time
	liveUID := map[string]bool{}
	for _, a := range live {
		if keep != "" && a.Person != keep || !view.visible(a.Roster, a.Date) {
			continue
		}
		uid := dutyUID(a.ID, a.Person, fc.domain)
		// Stamped when the person was put on the slot, not by pin updates.
		assigned := a.AssignedAt
		if assigned.IsZero() {
			assigned = a.UpdatedAt
		}
		e := s.dutyEvent(fc, a.Assignment, uid, 2*cancels[uid], assigned, false)
		liveUID[e.UID] = true
		events = append(events, e)
		if assigned.After(last) {
			last = assigned
		}
	}
	latest := map[string]int{} // UID → index in events of its newest tombstone
	seen := map[string]int{}   // UID → tombstones met so far, oldest first
	for _, g := range gone {
		if keep != "" && g.Person != keep {
			continue
		}
		uid := dutyUID(g.AssignmentID, g.Person, fc.domain)
		k := seen[uid]
		seen[uid]++
		if liveUID[uid] || !view.visible(g.Roster, g.Date) {
			continue
		}
		// A duty taken off before its month was published never reached the
		// public, so there is nothing to cancel.
		if p, ok := view.published(g.Roster, g.Date); ok && !view.auto && g.CancelledAt.Before(p.PublishedAt) {
			continue
		}
		e := s.dutyEvent(fc, g.Assignment, uid, 2*k+1, g.CancelledAt, true)
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

func (s *Server) dutyEvent(fc feedContext, a roster.Assignment, uid string, seq int, updated time.Time, cancelled bool) ical.Event {
	p := fc.people[a.Person]
	def := fc.rosters[a.Roster]
	place := def.Place
	// The reception centre's address belongs only to duties held there, not
	// to a township roster meeting at its own office.
	if fc.reception.Address != "" && fc.reception.Name != "" && strings.Contains(def.Place, fc.reception.Name) {
		place += "（" + fc.reception.Address + "）"
	}
	var desc strings.Builder
	fmt.Fprintf(&desc, "%s：%s %s\n", a.Role, p.Name, p.Title)
	if p.Portfolio != "" {
		fmt.Fprintf(&desc, "分管工作：%s\n", p.Portfolio)
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
		Summary:     fmt.Sprintf("%s：%s（%s）", a.Role, p.Name, p.Title),
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

// visitEvents turns public visits into timed events (all-day when no time is set).
func (s *Server) visitEvents(vs []publicVisit, domain string) []ical.Event {
	loc := s.cfg.Location
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
			e.Start, e.End = v.Date.At(start, loc), v.Date.At(end, loc)
		} else {
			e.Date = v.Date
		}
		out = append(out, e)
	}
	return out
}

// feedURL is the URL property of a public feed: the page at path under
// public_url, or none when public_url is unset — a feed is cached for every
// client alike, so it never names the address of one request.
func (s *Server) feedURL(path string) string {
	if s.cfg.PublicURL == "" {
		return ""
	}
	return s.cfg.PublicURL + path
}

func (s *Server) productID(county string) string {
	return "-//zhiban//" + county + "//ZH"
}

// showRosterFeed serves the whole public roster as iCalendar.
func (s *Server) showRosterFeed(c echo.Context) error {
	return s.serveCached(c, pubcache.PathKey("/feeds/roster.ics"), icsType, "public, max-age=300", func(ctx context.Context) ([]byte, time.Time, error) {
		fc, err := s.loadFeedContext(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		events, last, err := s.dutyEvents(ctx, fc, "")
		if err != nil {
			return nil, time.Time{}, err
		}
		name, desc, err := s.rosterFeedName(ctx, fc)
		if err != nil {
			return nil, time.Time{}, err
		}
		body, err := ical.Build(ical.Feed{
			Name:        name,
			Description: desc,
			URL:         s.feedURL("/"),
			ProductID:   s.productID(fc.county),
			Location:    s.cfg.Location,
			Events:      events,
		})
		return body, last, err
	})
}

// rosterFeedName names the public roster feed: one roster is the county
// leaders' reception duty; several are named by their rosters, since not
// every one is staffed by county leaders.
func (s *Server) rosterFeedName(ctx context.Context, fc feedContext) (string, string, error) {
	defs, err := s.store.Rosters(ctx)
	if err != nil {
		return "", "", err
	}
	if len(defs) <= 1 {
		return fc.county + "领导值班接访", fc.county + "县领导值班接访安排（" + fc.reception.Name + "）", nil
	}
	names := make([]string, len(defs))
	for i, d := range defs {
		names[i] = d.Name
	}
	return fc.county + "值班安排", fc.county + "值班安排：" + strings.Join(names, "、"), nil
}

// showTownshipFeed serves one township's public case-carrying visits.
func (s *Server) showTownshipFeed(c echo.Context) error {
	id := strings.TrimSuffix(c.Param("file"), ".ics")
	if id == c.Param("file") {
		return echo.ErrNotFound
	}
	return s.serveCached(c, "feed:township:"+id, icsType, "public, max-age=300", func(ctx context.Context) ([]byte, time.Time, error) {
		units, err := s.store.Units(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		name := ""
		for _, u := range units {
			if u.ID == id && u.Kind == "township" {
				name = u.Name
			}
		}
		if name == "" {
			return nil, time.Time{}, fmt.Errorf("httpapi: township %s: %w", id, store.ErrNotFound)
		}
		county, err := s.store.Setting(ctx, "county")
		if err != nil {
			return nil, time.Time{}, err
		}
		domain, err := s.store.FeedDomain(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		today := roster.Today(s.now(), s.cfg.Location)
		vs, err := s.publicVisits(ctx, today.AddDays(-feedDaysBack), today.AddDays(feedDaysAhead))
		if err != nil {
			return nil, time.Time{}, err
		}
		var mine []publicVisit
		var last time.Time
		for _, v := range vs {
			if v.TownshipID == id {
				mine = append(mine, v)
				if v.Updated.After(last) {
					last = v.Updated
				}
			}
		}
		body, err := ical.Build(ical.Feed{
			Name:        county + name + "县领导带案下访",
			Description: county + "县级领导到" + name + "带案下访的安排",
			URL:         s.feedURL("/visits"),
			ProductID:   s.productID(county),
			Location:    s.cfg.Location,
			Events:      s.visitEvents(mine, domain),
		})
		return body, last, err
	})
}

// showLeaderFeed serves one leader's private calendar. An unknown or
// revoked token is a plain 404, the same as any missing page.
func (s *Server) showLeaderFeed(c echo.Context) error {
	token := strings.TrimSuffix(c.Param("file"), ".ics")
	if token == c.Param("file") || token == "" {
		return echo.ErrNotFound
	}
	ctx := c.Request().Context()
	personID, err := s.store.FeedTokenPerson(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	// Keyed by person, not token: rotation needs no cache purge, since the
	// old token no longer resolves.
	return s.serveCached(c, "feed:leader:"+personID, icsType, "private, max-age=300", func(ctx context.Context) ([]byte, time.Time, error) {
		fc, err := s.loadFeedContext(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		p := fc.people[personID]
		events, last, err := s.dutyEvents(ctx, fc, personID)
		if err != nil {
			return nil, time.Time{}, err
		}
		// Duty days stay TRANSPARENT as in the public feed: an all-day duty
		// marked busy would block the leader's whole day for meeting invites.
		agenda, agendaLast, err := s.agendaEvents(ctx, fc.domain, personID, roster.Today(s.now(), s.cfg.Location))
		if err != nil {
			return nil, time.Time{}, err
		}
		events = append(events, agenda...)
		if agendaLast.After(last) {
			last = agendaLast
		}
		body, err := ical.Build(ical.Feed{
			Name:        p.Name + "的值班与接访日程",
			Description: fc.county + " " + p.Name + "（" + p.Title + "）的值班、下访与案件期限，请勿转发此订阅地址",
			ProductID:   s.productID(fc.county),
			Location:    s.cfg.Location,
			Events:      events,
		})
		return body, last, err
	})
}
