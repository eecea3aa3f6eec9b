package store

import (
	"context"
	"fmt"

	"zhiban/roster"
	"zhiban/visits"
)

// The statistics read each table once per request and only the columns the
// figures need: no petitioner or visitor name, phone, ID, address or text is
// selected, so none can leak into a page, JSON or workbook.

// StatCases returns every case received on or before to with its clocks and
// dimensions (kind, channel, category, township, leader, unit); the private
// fields and the title stay empty. A case received years ago may still finish
// within the period, so there is no lower bound.
func (s *Store) StatCases(ctx context.Context, to roster.Date) ([]visits.Case, error) {
	// Only what the statistics and the 受理告知 and 办理 clocks read: every
	// column costs the driver time on each of thousands of rows.
	return queryAll(ctx, s.q, "stat cases", func(sc scanner) (visits.Case, error) {
		var c visits.Case
		var leader *string
		var finding *int64
		var d [6]string
		err := sc.Scan(&c.ID, &c.Kind, &c.Category, &c.Township, &d[0], &c.Channel, &leader, &c.Unit,
			&c.State, &d[1], &d[2], &c.ExtensionDays, &d[3], &d[4], &finding)
		if leader != nil {
			c.Leader = *leader
		}
		if finding != nil {
			c.FromFinding = *finding
		}
		c.Received, c.Accepted, c.Replied, c.Reopened, c.Closed = readDate(d[0]), readDate(d[1]), readDate(d[2]), readDate(d[3]), readDate(d[4])
		return c, err
	}, `SELECT id, kind, category, township, received_on, channel, leader_id, unit,
		state, accepted_on, replied_on, extension_days, reopened_on, closed_on, from_finding
		FROM cases WHERE received_on <= ? ORDER BY id`, to.String())
}

// StatVisit is a visit as statistics count it, with its linked cases.
type StatVisit struct {
	ID           int64
	Kind         visits.Kind
	Leader       string
	Date         roster.Date
	Township     string
	State        visits.VisitState
	Satisfaction visits.Satisfaction
	WalkIns      int
	Cases        []int64
}

// StatVisits returns the visits dated in [from, to] with their linked cases.
func (s *Store) StatVisits(ctx context.Context, from, to roster.Date) ([]StatVisit, error) {
	out, err := queryAll(ctx, s.q, "stat visits", func(sc scanner) (StatVisit, error) {
		var v StatVisit
		var date string
		err := sc.Scan(&v.ID, &v.Kind, &v.Leader, &date, &v.Township, &v.State, &v.Satisfaction, &v.WalkIns)
		v.Date = readDate(date)
		return v, err
	}, `SELECT id, kind, leader_id, date, township, state, satisfaction, walk_ins FROM visits
		WHERE date >= ? AND date <= ? ORDER BY id`, from.String(), to.String())
	if err != nil || len(out) == 0 {
		return out, err
	}
	byID := make(map[int64]int, len(out))
	for i, v := range out {
		byID[v.ID] = i
	}
	err = queryEach(ctx, s.q, "stat visit cases", func(sc scanner) error {
		var l visitCase
		if err := sc.Scan(&l.visit, &l.caseID); err != nil {
			return err
		}
		if i, ok := byID[l.visit]; ok {
			out[i].Cases = append(out[i].Cases, l.caseID)
		}
		return nil
	}, `SELECT vc.visit_id, vc.case_id FROM visit_cases vc JOIN visits v ON v.id = vc.visit_id
		WHERE v.date >= ? AND v.date <= ? ORDER BY vc.visit_id, vc.case_id`, from.String(), to.String())
	return out, err
}

// StatRegistrations are the desk registrations (批次) of a period counted
// in SQL by what the statistics group them by; the visitor is never read.
type StatRegistrations struct {
	Groups   []StatDeskGroup
	Sessions map[int64]bool // the 开门接访 sessions with any registration
}

// StatDeskGroup counts the registrations of one leader, township and kind.
type StatDeskGroup struct {
	Leader       string // who received them, or the session's 值班领导 when not recorded
	Township     string
	Repeat       bool
	SkippedLevel bool
	Batches      int
	People       int // SUM(group_size)
}

// StatRegistrations counts the desk registrations dated in [from, to].
func (s *Store) StatRegistrations(ctx context.Context, from, to roster.Date) (StatRegistrations, error) {
	out := StatRegistrations{Sessions: map[int64]bool{}}
	var err error
	out.Groups, err = queryAll(ctx, s.q, "stat registrations", func(sc scanner) (StatDeskGroup, error) {
		var g StatDeskGroup
		var repeat, skipped int
		err := sc.Scan(&g.Leader, &g.Township, &repeat, &skipped, &g.Batches, &g.People)
		g.Repeat, g.SkippedLevel = repeat == 1, skipped == 1
		return g, err
	}, `SELECT CASE WHEN d.received_by <> '' THEN d.received_by ELSE v.leader_id END, d.township, d.repeat_visit, d.skipped_level,
			COUNT(*), SUM(d.group_size)
		FROM desk_visits d JOIN visits v ON v.id = d.session_id
		WHERE d.date >= ? AND d.date <= ?
		GROUP BY CASE WHEN d.received_by <> '' THEN d.received_by ELSE v.leader_id END, d.township, d.repeat_visit, d.skipped_level
		ORDER BY 1, 2, 3, 4`, from.String(), to.String())
	if err != nil {
		return out, err
	}
	err = queryEach(ctx, s.q, "stat desk sessions", func(sc scanner) error {
		var id int64
		err := sc.Scan(&id)
		out.Sessions[id] = true
		return err
	}, `SELECT DISTINCT session_id FROM desk_visits WHERE date >= ? AND date <= ?`, from.String(), to.String())
	return out, err
}

// StatTask is one township's sweep task of a month, with its findings.
type StatTask struct {
	Month    string // YYYY-MM
	Township string
	Leader   string
	Due      roster.Date
	Status   visits.TaskStatus
	Filed    roster.Date
	Findings []StatFinding
}

// StatFinding is a sweep finding without its summary.
type StatFinding struct {
	Resolved bool
	Rolled   bool  // carried over from last month's task
	Case     int64 // escalated: a case under a 包保领导
}

// StatSweeps returns the sweep tasks of the months from..to (YYYY-MM) with their findings.
func (s *Store) StatSweeps(ctx context.Context, fromMonth, toMonth string) ([]StatTask, error) {
	byID := map[int64]int{}
	var out []StatTask
	err := queryEach(ctx, s.q, "stat sweep tasks", func(sc scanner) error {
		var t StatTask
		var id int64
		var leader *string
		var due, filed string
		if err := sc.Scan(&id, &t.Month, &t.Township, &leader, &due, &t.Status, &filed); err != nil {
			return err
		}
		if leader != nil {
			t.Leader = *leader
		}
		t.Due, t.Filed = readDate(due), readDate(filed)
		byID[id] = len(out)
		out = append(out, t)
		return nil
	}, `SELECT id, month, township, leader_id, due_on, status, filed_on FROM sweep_tasks
		WHERE month >= ? AND month <= ? ORDER BY month, township`, fromMonth, toMonth)
	if err != nil || len(out) == 0 {
		return out, err
	}
	err = queryEach(ctx, s.q, "stat sweep findings", func(sc scanner) error {
		var task int64
		var f StatFinding
		var resolved int
		var caseID, rolled *int64
		if err := sc.Scan(&task, &resolved, &caseID, &rolled); err != nil {
			return err
		}
		f.Resolved, f.Rolled = resolved == 1, rolled != nil
		if caseID != nil {
			f.Case = *caseID
		}
		if i, ok := byID[task]; ok {
			out[i].Findings = append(out[i].Findings, f)
		}
		return nil
	}, `SELECT f.task_id, f.resolved, f.case_id, f.rolled_from FROM sweep_findings f JOIN sweep_tasks t ON t.id = f.task_id
		WHERE t.month >= ? AND t.month <= ? ORDER BY f.id`, fromMonth, toMonth)
	return out, err
}

// AssignmentChange is one audited change of a duty's person.
type AssignmentChange struct {
	Seq           int64 // the audit row: a swap writes its two rows one after the other
	Key           roster.Key
	At            string // the audit stamp
	Actor         string
	Before, After string
}

// AssignmentChanges returns the audited person changes of duties dated in
// [from, to]: a duty given to someone else by hand (a replacement or one half
// of a swap). Generated fills are audited per run, not per duty.
func (s *Store) AssignmentChanges(ctx context.Context, from, to roster.Date) ([]AssignmentChange, error) {
	var out []AssignmentChange
	err := queryEach(ctx, s.q, "assignment changes", func(sc scanner) error {
		var c AssignmentChange
		var id string
		if err := sc.Scan(&c.Seq, &id, &c.At, &c.Actor, &c.Before, &c.After); err != nil {
			return err
		}
		k, ok := parseAssignmentID(id)
		if !ok || k.Date < from || k.Date > to || c.Before == "" || c.Before == c.After {
			return nil
		}
		c.Key = k
		out = append(out, c)
		return nil
	}, `SELECT id, entity_id, at, actor, before, after FROM audit_log WHERE entity = 'assignment' AND action = 'update' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: assignment changes %s–%s: %w", from, to, err)
	}
	return out, nil
}

// parseAssignmentID reads the audit id "roster/YYYY-MM-DD/role" SetAssignment writes.
func parseAssignmentID(id string) (roster.Key, bool) {
	// The roster id is a code without '/'; the role may hold any text.
	for i := 0; i < len(id); i++ {
		if id[i] == '/' && len(id) > i+11 && id[i+11] == '/' {
			d, err := roster.ParseDate(id[i+1 : i+11])
			if err != nil {
				return roster.Key{}, false
			}
			return roster.Key{Roster: id[:i], Date: d, Role: id[i+12:]}, true
		}
	}
	return roster.Key{}, false
}
