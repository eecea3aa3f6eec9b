package httpapi_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"zhiban/ical/icaljstest"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// Every leader's private feed, read by ical.js, holds exactly their duties,
// visits, sweep tasks and next case deadlines from the database, names cases
// by code and township only, and keeps a cancelled visit as cancelled.
func TestLeaderFeedMatchesDatabase(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	f := newPubFixture(t, now)
	ctx := context.Background()
	today := roster.MustDate("2026-12-01")
	from, to := today.AddDays(-90), today.AddDays(365)

	// Cancel one visit an hour later: it stays, cancelled, one SEQUENCE up,
	// stamped with the cancellation time.
	later := now.Add(time.Hour)
	f.store.Now = func() time.Time { return later }
	v := f.visit
	if err := v.Cancel("领导临时公务"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SaveVisit(ctx, v, f.visit.Version, "cancel", "test"); err != nil {
		t.Fatal(err)
	}

	people, _ := f.store.People(ctx)
	units, _ := f.store.Units(ctx)
	township := map[string]string{}
	for _, u := range units {
		township[u.ID] = u.Name
	}
	cal, err := planner.Calendar(ctx, f.store, today.AddDays(-3*366), today.AddDays(366))
	if err != nil {
		t.Fatal(err)
	}
	var sawVisit, sawTask, sawDeadline, sawCancelled int
	for _, p := range people {
		tok, err := f.store.RotateFeedToken(ctx, p.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		resp, body := f.do(t, "GET", "/feeds/leader/"+tok+".ics", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", p.ID, resp.StatusCode)
		}
		for _, s := range f.private {
			if bytes.Contains(body, []byte(s)) {
				t.Errorf("leader feed of %s shows private %q", p.ID, s)
			}
		}
		// What the database says this leader's feed holds, by UID.
		type want struct {
			summary   string // a prefix of the summary
			start     int64  // unix start of a timed event; 0 for all-day
			date      string // all-day date
			cancelled bool
			sequence  int
		}
		wants := map[string]want{}
		domain, err := f.store.FeedDomain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		host := "@" + domain
		live, _ := f.store.Assignments(ctx, from, to)
		gone, _ := f.store.CancelledAssignments(ctx, from, to)
		for _, a := range live {
			if a.Person == p.ID {
				// A live duty's SEQUENCE is twice the times its UID was cancelled.
				seq := 0
				for _, g := range gone {
					if g.AssignmentID == a.ID && g.Person == a.Person {
						seq += 2
					}
				}
				wants["duty-"+itoa(int(a.ID))+"-"+a.Person+host] = want{summary: a.Role + "：" + p.Name, date: a.Date.String(), sequence: seq}
			}
		}
		vs, _ := f.store.Visits(ctx, store.VisitFilter{Leader: p.ID, From: from, To: to})
		ids := []int64{}
		for _, v := range vs {
			ids = append(ids, v.ID)
		}
		stamps, _ := f.store.VisitStamps(ctx, ids)
		for _, v := range vs {
			w := want{summary: "【" + v.Kind.Label() + "】", cancelled: v.State == visits.VisitCancelled, sequence: v.Version - 1}
			if w.cancelled {
				w.summary = "【已取消】" + w.summary
				sawCancelled++
				if !stamps[v.ID].UpdatedAt.Equal(later) {
					t.Errorf("cancelled visit stamp %v", stamps[v.ID])
				}
			}
			w.start = v.Date.At(v.Start, sh(t)).Unix()
			wants["visit-"+itoa(int(v.ID))+host] = w
			sawVisit++
		}
		tasks, _ := f.store.LeaderSweepTasks(ctx, p.ID, from, to)
		for _, tk := range tasks {
			wants["sweep-task-"+itoa(int(tk.ID))+host] = want{summary: "【矛盾排查】" + township[tk.Township] + " " + itoa(int(tk.Due.Month())) + "月排查报告截止",
				date: tk.Due.String(), sequence: tk.Version - 1}
			sawTask++
		}
		cases, _ := f.store.Cases(ctx, store.CaseFilter{Leader: p.ID, OpenOnly: true})
		for _, c := range cases {
			clock := c.ClockOn(today, cal)
			if clock.Next == nil || clock.Next.Due < from {
				continue
			}
			wants["case-"+itoa(int(c.ID))+"-"+string(clock.Next.Kind)+host] = want{summary: "【期限】" + c.Code + "（" + township[c.Township] + "）",
				date: clock.Next.Due.String(), sequence: c.Version - 1}
			sawDeadline++
		}

		parsed := icaljstest.MustParse(t, body)
		got := map[string]bool{}
		for _, e := range parsed.Events {
			if got[e.UID] {
				t.Errorf("%s: duplicate UID %s", p.ID, e.UID)
			}
			got[e.UID] = true
			if strings.HasPrefix(e.UID, "duty-") && e.Status == "CANCELLED" {
				continue // tombstones are checked by the roster feed test
			}
			w, ok := wants[e.UID]
			if !ok {
				t.Errorf("%s: event %s %q is not in the database", p.ID, e.UID, e.Summary)
				continue
			}
			if !strings.HasPrefix(e.Summary, w.summary) {
				t.Errorf("%s: %s summary %q, want prefix %q", p.ID, e.UID, e.Summary, w.summary)
			}
			if e.Sequence != w.sequence {
				t.Errorf("%s: %s sequence %d, want %d", p.ID, e.UID, e.Sequence, w.sequence)
			}
			if (e.Status == "CANCELLED") != w.cancelled {
				t.Errorf("%s: %s status %s", p.ID, e.UID, e.Status)
			}
			if w.start != 0 && (e.AllDay || e.StartUnix != w.start) {
				t.Errorf("%s: %s starts %s (%d), want %d", p.ID, e.UID, e.Start, e.StartUnix, w.start)
			}
			if w.start == 0 && (!e.AllDay || e.Start != w.date) {
				t.Errorf("%s: %s on %s, want all-day %s", p.ID, e.UID, e.Start, w.date)
			}
			if e.DTStamp != e.LastModified {
				t.Errorf("%s: %s DTSTAMP %s ≠ LAST-MODIFIED %s", p.ID, e.UID, e.DTStamp, e.LastModified)
			}
			if strings.HasPrefix(e.UID, "visit-") && w.cancelled && !strings.HasPrefix(e.DTStamp, "2026-12-01T02:00:00") {
				t.Errorf("%s: cancelled visit DTSTAMP %s, want the cancellation time", p.ID, e.DTStamp)
			}
		}
		for uid := range wants {
			if !got[uid] {
				t.Errorf("%s: database event %s missing from the feed", p.ID, uid)
			}
		}
	}
	if sawVisit == 0 || sawTask == 0 || sawDeadline == 0 || sawCancelled != 1 {
		t.Errorf("fixture too thin: %d visits (%d cancelled), %d sweep tasks, %d deadlines", sawVisit, sawCancelled, sawTask, sawDeadline)
	}
}

// Deadline titles follow the office's short form.
func TestLeaderFeedDeadlineTitle(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	ctx := context.Background()
	tok, err := f.store.RotateFeedToken(ctx, "L02", "test")
	if err != nil {
		t.Fatal(err)
	}
	_, body := f.do(t, "GET", "/feeds/leader/"+tok+".ics", nil)
	unfolded := string(bytes.ReplaceAll(body, []byte("\r\n "), nil))
	domain, err := f.store.FeedDomain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's own case 2026-0991 in 漕河镇 (t02), accepted 4 days ago: handling runs 60 days.
	for _, want := range []string{"SUMMARY:【期限】2026-0991（漕河镇）办理期限 第34条", "UID:case-", "-handling@" + domain,
		"SUMMARY:【带案下访】漕河镇 2026-0991", "UID:visit-" + itoa(int(f.visit.ID)) + "@" + domain} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("L02 feed lacks %q", want)
		}
	}
}

// leaderFeed fetches personID's private feed through a fresh token.
func (f *pubFixture) leaderFeed(t *testing.T, personID string) []byte {
	t.Helper()
	tok, err := f.store.RotateFeedToken(context.Background(), personID, "test")
	if err != nil {
		t.Fatal(err)
	}
	resp, body := f.do(t, "GET", "/feeds/leader/"+tok+".ics", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("leader feed of %s: %d", personID, resp.StatusCode)
	}
	return body
}

// A visit still 拟安排 is tentative in the leader's feed, a confirmed one confirmed.
func TestLeaderFeedPlannedVisitIsTentative(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	planned, err := f.store.CreateVisit(context.Background(), visits.Visit{Kind: visits.KindCarry, Leader: "L02",
		Date: f.visit.Date.AddDays(2), Start: 14 * 60, End: 16 * 60, Place: "漕河镇群众工作站", Township: "t02",
		State: visits.VisitPlanned}, "test")
	if err != nil {
		t.Fatal(err)
	}
	events := vevents(f.leaderFeed(t, "L02"))
	for id, want := range map[int64]string{planned.ID: "STATUS:TENTATIVE", f.visit.ID: "STATUS:CONFIRMED"} {
		uid := ""
		for u := range events {
			if strings.HasPrefix(u, "visit-"+itoa(int(id))+"@") {
				uid = u
			}
		}
		if uid == "" {
			t.Fatalf("visit %d missing from the feed", id)
		}
		if !strings.Contains(events[uid], want+"\r\n") {
			t.Errorf("%s: want %s in\n%s", uid, want, events[uid])
		}
	}
}

// Duty days in a leader's own feed do not block the day, as in the public feed.
func TestLeaderFeedDutyDaysAreTransparent(t *testing.T) {
	t.Parallel()
	f := newPubFixture(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	duties := 0
	for uid, ev := range vevents(f.leaderFeed(t, "L02")) {
		if !strings.HasPrefix(uid, "duty-") {
			continue
		}
		duties++
		if !strings.Contains(ev, "TRANSP:TRANSPARENT\r\n") {
			t.Errorf("%s is not transparent:\n%s", uid, ev)
		}
	}
	if duties == 0 {
		t.Fatal("L02 has no duty in the feed")
	}
}
