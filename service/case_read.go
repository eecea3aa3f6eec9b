package service

import (
	"context"
	"strconv"
	"strings"

	"zhiban/clean"
	"zhiban/fault"
	"zhiban/roster"
	"zhiban/secret"
	"zhiban/store"
	"zhiban/visits"
)

// CaseView is a case with its statutory clocks on a day.
type CaseView struct {
	visits.Case
	Clock     visits.Clock      `json:"clock"`
	Deadlines []visits.Deadline `json:"deadlines"`
}

// ViewCase computes k's clocks on today. The petitioner's phone is masked
// (139****5678): every page, API answer and export shows a case through a
// view, and only RevealPhone gives the full number, audited.
func ViewCase(k visits.Case, today roster.Date, cal roster.Calendar) CaseView {
	k.Petitioner.Phone = secret.MaskPhone(k.Petitioner.Phone)
	v := CaseView{Case: k, Clock: k.ClockOn(today, cal), Deadlines: k.Deadlines(cal)}
	for i := range v.Deadlines {
		v.Deadlines[i].Provisional = cal.SettledProvisionally(v.Deadlines[i].Due)
	}
	if n := v.Clock.Next; n != nil {
		n.Provisional = cal.SettledProvisionally(n.Due)
	}
	return v
}

// CaseQuery selects cases; State "open" means every case still in the office's hands.
type CaseQuery struct {
	Township, Leader, State string
	Overdue                 bool
	Search                  string // a case code prefix, or a petitioner's exact name or phone
}

func (q CaseQuery) filter() (store.CaseFilter, error) {
	f := store.CaseFilter{Township: q.Township, Leader: q.Leader}
	switch {
	case q.State == "open":
		f.OpenOnly = true
	case q.State != "":
		if visits.CaseState(q.State).Label() == "" {
			return f, fault.InvalidField("state", "状态无效")
		}
		f.States = []visits.CaseState{visits.CaseState(q.State)}
	}
	search, err := fault.Text("q", q.Search, clean.Line)
	f.Search = search
	return f, err
}

// ListCases returns every case q selects with its clocks on today, newest first.
func (s *Service) ListCases(ctx context.Context, today roster.Date, q CaseQuery) ([]CaseView, error) {
	f, err := q.filter()
	if err != nil {
		return nil, err
	}
	cases, err := s.st.Cases(ctx, f)
	if err != nil {
		return nil, err
	}
	cal, err := CaseCalendar(ctx, s.st, today)
	if err != nil {
		return nil, err
	}
	out := []CaseView{}
	for _, k := range cases {
		v := ViewCase(k, today, cal)
		if q.Overdue && !v.Clock.Overdue {
			continue
		}
		out = append(out, v)
	}
	return out, nil
}

// Page sizes of case lists.
const (
	CasePageSize    = 50
	MaxCasePageSize = 500
)

// CaseList is one page of a case list and what the whole list holds.
type CaseList struct {
	Cases []CaseView `json:"cases"`
	// Next is the cursor of the next page; empty on the last one.
	Next string `json:"next,omitempty"`
	// Overdue and Near count the list's cases past or near a deadline, on every page.
	Overdue int `json:"overdue"`
	Near    int `json:"near"`
}

// ListCasePage returns the page of q's cases after cursor (empty: the first),
// newest received first. Only open cases have running clocks, so the alert
// counts and the overdue filter read those alone, however many cases are closed.
func (s *Service) ListCasePage(ctx context.Context, today roster.Date, q CaseQuery, cursor string, limit int) (CaseList, error) {
	f, err := q.filter()
	if err != nil {
		return CaseList{}, err
	}
	after, err := parseCaseCursor(cursor)
	if err != nil {
		return CaseList{}, err
	}
	switch {
	case limit == 0:
		limit = CasePageSize
	case limit < 1 || limit > MaxCasePageSize:
		return CaseList{}, fault.Invalidf("limit", "每页条数应在 1 到 %d 之间", MaxCasePageSize)
	}
	cal, err := CaseCalendar(ctx, s.st, today)
	if err != nil {
		return CaseList{}, err
	}
	running, err := s.st.OpenCases(ctx, f)
	if err != nil {
		return CaseList{}, err
	}
	list := CaseList{Cases: []CaseView{}}
	var views, overdue []CaseView
	for _, k := range running {
		v := ViewCase(k, today, cal)
		views = append(views, v)
		if v.Clock.Overdue && (after.IsZero() || caseBefore(k, after)) {
			overdue = append(overdue, v)
		}
	}
	list.Overdue, list.Near = AlertCounts(views)
	if q.Overdue {
		if len(overdue) > limit {
			last := overdue[limit-1]
			list.Next = formatCaseCursor(store.CaseCursor{Received: last.Received, ID: last.ID})
			overdue = overdue[:limit]
		}
		list.Cases = append(list.Cases, overdue...)
		return list, nil
	}
	cases, next, err := s.st.CasePage(ctx, f, after, limit)
	if err != nil {
		return CaseList{}, err
	}
	for _, k := range cases {
		list.Cases = append(list.Cases, ViewCase(k, today, cal))
	}
	if !next.IsZero() {
		list.Next = formatCaseCursor(next)
	}
	return list, nil
}

// caseBefore reports whether k comes after cursor c in list order.
func caseBefore(k visits.Case, c store.CaseCursor) bool {
	return k.Received < c.Received || (k.Received == c.Received && k.ID < c.ID)
}

// A cursor reads "2026-11-02.123": the last case's received date and id.
func formatCaseCursor(c store.CaseCursor) string {
	return c.Received.String() + "." + strconv.FormatInt(c.ID, 10)
}

func parseCaseCursor(s string) (store.CaseCursor, error) {
	if s == "" {
		return store.CaseCursor{}, nil
	}
	bad := fault.InvalidField("after", "翻页位置无效，请从第一页重新打开列表")
	day, id, ok := strings.Cut(s, ".")
	if !ok {
		return store.CaseCursor{}, bad
	}
	d, err := roster.ParseDate(day)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err != nil || err2 != nil || n < 1 {
		return store.CaseCursor{}, bad
	}
	return store.CaseCursor{Received: d, ID: n}, nil
}

// CaseFile is one case with its clocks on today and its visits.
type CaseFile struct {
	Case   CaseView       `json:"case"`
	Visits []visits.Visit `json:"visits"`
}

// ReadCase returns case id with its clocks on today and its visits.
func (s *Service) ReadCase(ctx context.Context, today roster.Date, id int64) (CaseFile, error) {
	k, err := s.st.Case(ctx, id)
	if err != nil {
		return CaseFile{}, err
	}
	cal, err := CaseCalendar(ctx, s.st, today)
	if err != nil {
		return CaseFile{}, err
	}
	vs, err := s.st.Visits(ctx, store.VisitFilter{Case: id})
	if err != nil {
		return CaseFile{}, err
	}
	return CaseFile{Case: ViewCase(k, today, cal), Visits: vs}, nil
}

// RevealPhone returns case id's petitioner phone in full and records in the
// audit log who saw it. Callers let only editors reach it.
func (s *Service) RevealPhone(ctx context.Context, c Call, id int64) (string, error) {
	var phone string
	err := s.st.WithTx(ctx, func(tx *store.Store) error {
		k, err := tx.Case(ctx, id)
		if err != nil {
			return err
		}
		phone = k.Petitioner.Phone
		// The number itself never enters the log: only that it was seen.
		return tx.Audit(ctx, c.Actor, "reveal", "case", strconv.FormatInt(id, 10), "", "petitioner.phone")
	})
	return phone, err
}
