package service

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"zhiban/clean"
	"zhiban/county"
	"zhiban/fault"
	"zhiban/notify"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// HandoverInput hands a case to a responsible unit (交办) with a due date.
type HandoverInput struct {
	Unit string      `json:"unit"` // a county department's or township's id
	Due  roster.Date `json:"due"`
	// Version is the case's version as read (optional): when set, a case
	// changed since is a conflict, as for the other case acts.
	Version int `json:"version,omitempty"`
}

// DeclineInput records that the unit says the case is not its duty (art. 23 ¶3); On defaults to today.
type DeclineInput struct {
	Version int         `json:"version"`
	On      roster.Date `json:"on"`
	Reason  string      `json:"reason"`
	Case    int64       `json:"-"` // set by the case page: the hand-over must be of this case
}

// ReportInput records the unit's 办结报告; On defaults to today.
type ReportInput struct {
	Version int         `json:"version"`
	On      roster.Date `json:"on"`
	Report  string      `json:"report"`
	Case    int64       `json:"-"`
}

// HandoverView is a hand-over with its case, unit and clocks on a day: what
// the staff pages, the API and the 交办单 document show. Report is private.
type HandoverView struct {
	visits.Handover
	CaseCode     string          `json:"case_code"`
	CaseTitle    string          `json:"case_title"`
	Category     visits.Category `json:"category"`
	Township     string          `json:"township"`
	TownName     string          `json:"town_name"`
	UnitName     string          `json:"unit_name"`
	UnitKind     string          `json:"unit_kind"`
	StateLabel   string          `json:"state_label"`
	DeclineBy    roster.Date     `json:"decline_by"`
	CanDecline   bool            `json:"can_decline"` // live and within the 5 working days today
	Overdue      bool            `json:"overdue"`
	DaysOverdue  int             `json:"days_overdue,omitempty"`
	Late         bool            `json:"late,omitempty"` // reported after the due date
	CaseDeadline roster.Date     `json:"case_deadline,omitempty"`
}

// HandoverUnits are the units a case may be handed to: the county's
// departments and townships, never a village or free text.
type HandoverUnits struct {
	Departments []Choice `json:"departments"`
	Townships   []Choice `json:"townships"`
	byID        map[string]county.Unit
}

func handoverUnits(ctx context.Context, st *store.Store) (HandoverUnits, error) {
	us := HandoverUnits{byID: map[string]county.Unit{}}
	all, err := st.Units(ctx)
	if err != nil {
		return us, err
	}
	for _, u := range all {
		us.byID[u.ID] = u
		switch u.Kind {
		case "department":
			us.Departments = append(us.Departments, Choice{u.ID, u.Name})
		case "township":
			us.Townships = append(us.Townships, Choice{u.ID, u.Name})
		}
	}
	return us, nil
}

// check refuses an id that is not a department or township of the county.
func (us HandoverUnits) check(id string) (county.Unit, error) {
	u, ok := us.byID[id]
	switch {
	case id == "":
		return u, fault.InvalidField("unit", "请选择责任单位")
	case !ok:
		return u, fault.InvalidField("unit", "责任单位不存在")
	case u.Kind != "department" && u.Kind != "township":
		return u, fault.InvalidField("unit", "只能交办给县直部门或乡镇")
	}
	return u, nil
}

func (us HandoverUnits) name(id string) string {
	if u, ok := us.byID[id]; ok {
		return u.Name
	}
	return id
}

// HandoverItem is what a refusal for a live hand-over lists: no case text.
type HandoverItem struct {
	ID   int64       `json:"id"`
	Unit string      `json:"unit"`
	Due  roster.Date `json:"due"`
}

// HandOver hands case caseID to a unit with a due date: the case must be a
// petition being handled, the due date after today and no later than its
// statutory handling deadline, and no other unit may hold it. The case's
// responsible unit becomes the unit's name.
func (s *Service) HandOver(ctx context.Context, c Call, caseID int64, in HandoverInput) (HandoverView, error) {
	var out HandoverView
	err := s.run(ctx, c, func(ctx context.Context, e Env) (err error) {
		out, err = HandOverIn(ctx, e, caseID, in)
		return err
	})
	return out, err
}

// HandOverIn is HandOver inside a use case's transaction e, for a use case
// that hands a case over as one of its steps (the desk's 交办 outcome).
func HandOverIn(ctx context.Context, e Env, caseID int64, in HandoverInput) (HandoverView, error) {
	var out HandoverView
	if err := cleanTexts(text{field: "unit", value: &in.Unit, max: clean.Code}); err != nil {
		return out, err
	}
	if err := visits.CheckDate("due", in.Due, e.Today); err != nil {
		return out, err
	}
	tx := e.Tx
	us, err := handoverUnits(ctx, tx)
	if err != nil {
		return out, err
	}
	u, err := us.check(in.Unit)
	if err != nil {
		return out, err
	}
	k, err := tx.Case(ctx, caseID)
	if err != nil {
		return out, err
	}
	if in.Version != 0 && in.Version != k.Version {
		return out, fault.Conflicts(fmt.Sprintf("案件 %s 已被他人修改：当前为第 %d 版，状态“%s”。请核对最新内容后重新提交。", k.Code, k.Version, k.State.Label()),
			[]StaleItem{{Code: k.Code, Version: k.Version, State: string(k.State)}})
	}
	if err := visits.CanHandOver(k); err != nil {
		return out, err
	}
	deadline, ok := visits.HandlingDue(ViewCase(k, e.Today, e.Cal).Deadlines)
	if !ok {
		return out, fault.Conflicts("案件没有进行中的办理期限，不能交办", nil)
	}
	if err := visits.CheckDue(in.Due, e.Today, deadline); err != nil {
		return out, err
	}
	if live, err := tx.LiveHandover(ctx, k.ID); err == nil {
		return out, &fault.Error{Kind: fault.Conflict, Code: "already_handed",
			Msg: fmt.Sprintf("案件 %s 已交办 %s（期限 %s），须待该单位退回或报送办结报告后才能再次交办",
				k.Code, us.name(live.Unit), live.Due),
			Items: []HandoverItem{{ID: live.ID, Unit: live.Unit, Due: live.Due}}}
	} else if !errors.Is(err, store.ErrNotFound) {
		return out, err
	}
	h, err := tx.CreateHandover(ctx, visits.Handover{Case: k.ID, Unit: u.ID, Handed: e.Today, Due: in.Due}, e.Actor)
	if err != nil {
		return out, err
	}
	k.Unit = u.Name
	if k, err = tx.SaveCase(ctx, k, k.Version, "handover", e.Actor); err != nil {
		return out, err
	}
	return viewHandover(h, k, us, e.Today, e.Cal), nil
}

// DeclineHandover records the unit's 不属于本单位职责 within 5 working days of
// the hand-over, counted on the official calendar; the case goes back to the office.
func (s *Service) DeclineHandover(ctx context.Context, c Call, id int64, in DeclineInput) (HandoverView, error) {
	return s.changeHandover(ctx, c, id, in.Version, in.Case, "decline", func(e Env, h *visits.Handover) error {
		if err := cleanTexts(text{field: "reason", value: &in.Reason, max: clean.Line}); err != nil {
			return err
		}
		if err := visits.CheckDate("on", in.On, e.Today); err != nil {
			return err
		}
		return h.Decline(orToday(in.On, e.Today), e.Today, in.Reason, e.Cal)
	})
}

// ReportHandover records the unit's 办结报告; after the due date it is late.
func (s *Service) ReportHandover(ctx context.Context, c Call, id int64, in ReportInput) (HandoverView, error) {
	return s.changeHandover(ctx, c, id, in.Version, in.Case, "report", func(e Env, h *visits.Handover) error {
		if err := cleanTexts(text{field: "report", value: &in.Report, max: visits.MaxReportRunes, multi: true}); err != nil {
			return err
		}
		if err := visits.CheckDate("on", in.On, e.Today); err != nil {
			return err
		}
		return h.RecordReport(orToday(in.On, e.Today), e.Today, in.Report)
	})
}

// WithdrawInput takes a live hand-over back to the office (handed in error).
type WithdrawInput struct {
	Version int   `json:"version"`
	Case    int64 `json:"-"`
}

// WithdrawHandover takes a live hand-over back; the case returns to the office.
func (s *Service) WithdrawHandover(ctx context.Context, c Call, id int64, in WithdrawInput) (HandoverView, error) {
	return s.changeHandover(ctx, c, id, in.Version, in.Case, "withdraw", func(_ Env, h *visits.Handover) error {
		return h.Withdraw()
	})
}

func orToday(d, today roster.Date) roster.Date {
	if d == 0 {
		return today
	}
	return d
}

// changeHandover checks the caller's version, applies fn and saves in one
// transaction; a hand-over that leaves the unit takes the case back to the office.
func (s *Service) changeHandover(ctx context.Context, c Call, id int64, version int, caseID int64, action string,
	fn func(e Env, h *visits.Handover) error) (HandoverView, error) {
	var out HandoverView
	if err := checkVersion(version); err != nil {
		return out, err
	}
	err := s.run(ctx, c, func(ctx context.Context, e Env) error {
		tx := e.Tx
		h, err := tx.Handover(ctx, id)
		if errors.Is(err, store.ErrNotFound) || err == nil && caseID != 0 && h.Case != caseID {
			return fault.Missing("handover", "交办单不存在")
		} else if err != nil {
			return err
		}
		us, err := handoverUnits(ctx, tx)
		if err != nil {
			return err
		}
		if h.Version != version {
			return fault.Conflicts(fmt.Sprintf("交办单已被他人修改：当前为第 %d 版，状态“%s”。请核对最新内容后重新提交。", h.Version, h.State.Label()),
				[]StaleItem{{ID: h.ID, Version: h.Version, State: string(h.State)}})
		}
		if err := fn(e, &h); err != nil {
			return err
		}
		saved, err := tx.SaveHandover(ctx, h, version, action, e.Actor)
		if err != nil {
			return err
		}
		k, err := tx.Case(ctx, h.Case)
		if err != nil {
			return err
		}
		if !saved.Live() && saved.State != visits.HandoverReported && k.Unit == us.name(saved.Unit) {
			k.Unit = ""
			if k, err = tx.SaveCase(ctx, k, k.Version, "handover_"+action, e.Actor); err != nil {
				return err
			}
		}
		out = viewHandover(saved, k, us, e.Today, e.Cal)
		return nil
	})
	return out, err
}

// viewHandover is h with its case, unit and clocks on today.
func viewHandover(h visits.Handover, k visits.Case, us HandoverUnits, today roster.Date, cal roster.Calendar) HandoverView {
	v := HandoverView{Handover: h, CaseCode: k.Code, CaseTitle: k.Title, Category: k.Category, Township: k.Township,
		TownName: us.name(k.Township), UnitName: us.name(h.Unit), UnitKind: us.byID[h.Unit].Kind, StateLabel: h.State.Label(),
		DeclineBy: h.DeclineBy(cal), Late: h.Late()}
	// A closed or rejected case chases no unit, as the follow-ups flag none.
	if k.State.Open() {
		v.Overdue, v.DaysOverdue = h.Overdue(today), h.DaysOverdue(today)
	}
	v.CanDecline = h.Live() && today <= v.DeclineBy
	if due, ok := visits.HandlingDue(k.Deadlines(cal)); ok && k.State.Open() {
		v.CaseDeadline = due
	}
	return v
}

// Handover reads one hand-over with its case and unit, the report included
// (for staff; the 交办单 document is built from it).
func (s *Service) Handover(ctx context.Context, c Call, id int64) (HandoverView, error) {
	today := s.Today(c.Now)
	h, err := s.st.Handover(ctx, id)
	if err != nil {
		return HandoverView{}, err
	}
	k, err := s.st.Case(ctx, h.Case)
	if err != nil {
		return HandoverView{}, err
	}
	us, err := handoverUnits(ctx, s.st)
	if err != nil {
		return HandoverView{}, err
	}
	cal, err := CaseCalendar(ctx, s.st, today)
	if err != nil {
		return HandoverView{}, err
	}
	return viewHandover(h, k, us, today, cal), nil
}

// HandoverQuery selects hand-overs; Overdue keeps live ones past their due date.
type HandoverQuery struct {
	Case    int64
	Unit    string
	State   string
	Overdue bool
}

// ListHandovers returns the hand-overs q selects without report texts:
// overdue first (most days first), then by unit in county-file order, then due date.
func (s *Service) ListHandovers(ctx context.Context, c Call, q HandoverQuery) ([]HandoverView, error) {
	today := s.Today(c.Now)
	f := store.HandoverFilter{Case: q.Case}
	if q.State != "" {
		if visits.HandoverState(q.State).Label() == "" {
			return nil, fault.InvalidField("state", "状态无效")
		}
		f.State = visits.HandoverState(q.State)
	}
	us, err := handoverUnits(ctx, s.st)
	if err != nil {
		return nil, err
	}
	if q.Unit != "" {
		if _, err := us.check(q.Unit); err != nil {
			return nil, err
		}
		f.Unit = q.Unit
	}
	if q.Overdue {
		f.State = visits.HandoverHanded
	}
	hs, err := s.st.Handovers(ctx, f)
	if err != nil {
		return nil, err
	}
	cal, err := CaseCalendar(ctx, s.st, today)
	if err != nil {
		return nil, err
	}
	cases, err := casesOf(ctx, s.st, hs)
	if err != nil {
		return nil, err
	}
	order := map[string]int{}
	for i, u := range append(us.Departments, us.Townships...) {
		order[u.Value] = i
	}
	out := []HandoverView{}
	for _, h := range hs {
		h.Report = ""
		v := viewHandover(h, cases[h.Case], us, today, cal)
		if q.Overdue && !v.Overdue {
			continue
		}
		out = append(out, v)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.DaysOverdue != b.DaysOverdue {
			return a.DaysOverdue > b.DaysOverdue
		}
		if a.Live() != b.Live() {
			return a.Live()
		}
		if order[a.Unit] != order[b.Unit] {
			return order[a.Unit] < order[b.Unit]
		}
		return a.Due < b.Due
	})
	return out, nil
}

func casesOf(ctx context.Context, st *store.Store, hs []visits.Handover) (map[int64]visits.Case, error) {
	out := map[int64]visits.Case{}
	if len(hs) == 0 {
		return out, nil
	}
	seen := map[int64]bool{}
	var ids []int64
	for _, h := range hs {
		if !seen[h.Case] {
			seen[h.Case] = true
			ids = append(ids, h.Case)
		}
	}
	// In chunks, far below SQLite's limit on bound variables.
	for start := 0; start < len(ids); start += 500 {
		ks, err := st.Cases(ctx, store.CaseFilter{IDs: ids[start:min(start+500, len(ids))]})
		if err != nil {
			return nil, err
		}
		for _, k := range ks {
			out[k.ID] = k
		}
	}
	return out, nil
}

// UnitOverdue is one unit with the cases it holds past their due date.
type UnitOverdue struct {
	Unit     string        `json:"unit"`
	UnitName string        `json:"unit_name"`
	Count    int           `json:"count"`
	MaxDays  int           `json:"max_days"` // the longest overdue
	Cases    []OverdueCase `json:"cases"`
}

// OverdueCase is a case a unit holds past due: codes and places, no personal data.
type OverdueCase struct {
	Handover    int64           `json:"handover"`
	Case        int64           `json:"case"`
	Code        string          `json:"code"`
	Category    visits.Category `json:"category"`
	Township    string          `json:"township"`
	TownName    string          `json:"town_name"`
	Handed      roster.Date     `json:"handed"`
	Due         roster.Date     `json:"due"`
	DaysOverdue int             `json:"days_overdue"`
}

// OverdueHandovers lists the units holding open cases past their due date,
// the most overdue unit first, for the desk.
func (s *Service) OverdueHandovers(ctx context.Context, c Call) ([]UnitOverdue, error) {
	views, err := s.ListHandovers(ctx, c, HandoverQuery{Overdue: true})
	if err != nil {
		return nil, err
	}
	byUnit := map[string]*UnitOverdue{}
	out := []UnitOverdue{}
	var order []string
	for _, v := range views {
		u, ok := byUnit[v.Unit]
		if !ok {
			u = &UnitOverdue{Unit: v.Unit, UnitName: v.UnitName}
			byUnit[v.Unit] = u
			order = append(order, v.Unit)
		}
		u.Count++
		u.MaxDays = max(u.MaxDays, v.DaysOverdue)
		u.Cases = append(u.Cases, OverdueCase{Handover: v.ID, Case: v.Case, Code: v.CaseCode, Category: v.Category,
			Township: v.Township, TownName: v.TownName, Handed: v.Handed, Due: v.Due, DaysOverdue: v.DaysOverdue})
	}
	for _, id := range order {
		out = append(out, *byUnit[id])
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].MaxDays > out[j].MaxDays
	})
	return out, nil
}

// CaseHandovers is what the case page shows of hand-overs: the history, and
// whether and to whom the case may be handed now.
type CaseHandovers struct {
	History      []HandoverView `json:"history"`
	Units        HandoverUnits  `json:"units"`
	CanHand      bool           `json:"can_hand"`
	Why          string         `json:"why,omitempty"` // why not
	Deadline     roster.Date    `json:"deadline,omitempty"`
	SuggestedDue roster.Date    `json:"suggested_due,omitempty"`
}

// ReadCaseHandovers returns case id's hand-overs, newest first, and the hand-over form's choices.
func (s *Service) ReadCaseHandovers(ctx context.Context, c Call, id int64) (CaseHandovers, error) {
	var out CaseHandovers
	today := s.Today(c.Now)
	k, err := s.st.Case(ctx, id)
	if err != nil {
		return out, err
	}
	if out.Units, err = handoverUnits(ctx, s.st); err != nil {
		return out, err
	}
	cal, err := CaseCalendar(ctx, s.st, today)
	if err != nil {
		return out, err
	}
	hs, err := s.st.Handovers(ctx, store.HandoverFilter{Case: id})
	if err != nil {
		return out, err
	}
	out.History = []HandoverView{}
	live := false
	for _, h := range hs {
		out.History = append(out.History, viewHandover(h, k, out.Units, today, cal))
		live = live || h.Live()
	}
	deadline, ok := visits.HandlingDue(k.Deadlines(cal))
	switch err := visits.CanHandOver(k); {
	case err != nil:
		out.Why = err.(*visits.Refusal).Msg
	case !ok:
		out.Why = "案件没有进行中的办理期限"
	case live:
		out.Why = "案件已交办，待该单位退回或报送办结报告"
	case deadline <= today:
		out.Why = fmt.Sprintf("办理期限 %s 已到，不能再交办", deadline)
	default:
		out.CanHand, out.Deadline, out.SuggestedDue = true, deadline, visits.SuggestDue(today, deadline, cal)
	}
	return out, nil
}

// flagOverdueHandovers flags once each live hand-over of an open case past
// its due date and tells the office.
func flagOverdueHandovers(ctx context.Context, e Env, names map[string]string, done *FollowUpsDone) error {
	tx, today := e.Tx, e.Today
	hs, err := tx.Handovers(ctx, store.HandoverFilter{State: visits.HandoverHanded})
	if err != nil {
		return err
	}
	var us HandoverUnits
	for _, h := range hs {
		if !h.Overdue(today) {
			continue
		}
		k, err := tx.Case(ctx, h.Case)
		if err != nil {
			return err
		}
		if !k.State.Open() {
			continue
		}
		if us.byID == nil {
			if us, err = handoverUnits(ctx, tx); err != nil {
				return err
			}
		}
		msg := fmt.Sprintf("交办单 %d：案件 %s（%s，%s）交 %s 办理，期限 %s，已超期 %d 天未报送办结报告",
			h.ID, k.Code, names[k.Township], k.Category, us.name(h.Unit), h.Due, h.DaysOverdue(today))
		isNew, err := tx.Flag(ctx, store.Flag{Kind: "handover_overdue", Entity: "handover", EntityID: strconv.FormatInt(h.ID, 10),
			Level: "overdue:" + h.Due.String(), On: today, Message: msg, Leader: k.Leader})
		if err != nil {
			return err
		}
		if !isNew {
			continue
		}
		done.Handovers++
		m := notify.Message{To: []notify.Recipient{notify.Office}, Subject: "交办超期 " + k.Code, Text: "【交办单】" + msg}
		if err := e.Out.Put(ctx, tx, m); err != nil {
			return err
		}
	}
	return nil
}

// HandoverUnitChoices lists the departments and townships a case may be handed to.
func (s *Service) HandoverUnitChoices(ctx context.Context) (HandoverUnits, error) {
	return handoverUnits(ctx, s.st)
}
