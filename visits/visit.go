package visits

import (
	"fmt"
	"sort"
	"strings"

	"zhiban/roster"
)

// Kind is one of the four visits.
type Kind string

const (
	KindOpen   Kind = "open"   // 开门接访
	KindInvite Kind = "invite" // 主动约访
	KindCarry  Kind = "carry"  // 带案下访
	KindReturn Kind = "return" // 上门回访
)

// Kinds lists the four visits.
var Kinds = []Kind{KindOpen, KindInvite, KindCarry, KindReturn}

var kindLabels = map[Kind]string{KindOpen: "开门接访", KindInvite: "主动约访", KindCarry: "带案下访", KindReturn: "上门回访"}

// Label is the Chinese name of the kind.
func (k Kind) Label() string { return kindLabels[k] }

// Valid reports whether k is one of the four visits.
func (k Kind) Valid() bool { _, ok := kindLabels[k]; return ok }

// VisitState is where a visit stands.
type VisitState string

const (
	VisitPlanned   VisitState = "planned"
	VisitConfirmed VisitState = "confirmed"
	VisitDone      VisitState = "done"
	VisitCancelled VisitState = "cancelled"
	VisitNoShow    VisitState = "no_show"
)

var visitStateLabels = map[VisitState]string{
	VisitPlanned: "拟安排", VisitConfirmed: "已确认", VisitDone: "已完成", VisitCancelled: "已取消", VisitNoShow: "未到",
}

// Label is the Chinese name of the state.
func (s VisitState) Label() string { return visitStateLabels[s] }

// Active reports whether the visit still holds the leader's time.
func (s VisitState) Active() bool { return s == VisitPlanned || s == VisitConfirmed }

// Satisfaction is a return visit's outcome.
type Satisfaction string

const (
	Satisfied      Satisfaction = "满意"
	FairlySatisfed Satisfaction = "基本满意"
	Dissatisfied   Satisfaction = "不满意"
)

// Valid reports whether s is a known outcome.
func (s Satisfaction) Valid() bool {
	return s == Satisfied || s == FairlySatisfed || s == Dissatisfied
}

// Move is one reschedule kept in a visit's history.
type Move struct {
	FromDate  roster.Date  `json:"from_date"`
	FromStart roster.Clock `json:"from_start"`
	FromEnd   roster.Clock `json:"from_end"`
	ToDate    roster.Date  `json:"to_date"`
	ToStart   roster.Clock `json:"to_start"`
	ToEnd     roster.Clock `json:"to_end"`
	Reason    string       `json:"reason"`
	By        string       `json:"by"`
}

// Visit is one of the four visits.
type Visit struct {
	ID           int64        `json:"id"`
	Kind         Kind         `json:"kind"`
	Leader       string       `json:"leader"`
	Date         roster.Date  `json:"date"`
	Start        roster.Clock `json:"start"`
	End          roster.Clock `json:"end"`
	Place        string       `json:"place"`
	Township     string       `json:"township,omitempty"`
	Shadow       string       `json:"shadow,omitempty"` // 开门接访: the 跟班领导 with the 值班领导 (Leader)
	Cases        []int64      `json:"cases"`
	State        VisitState   `json:"state"`
	Notes        string       `json:"notes,omitempty"` // private outcome notes
	Satisfaction Satisfaction `json:"satisfaction,omitempty"`
	WalkIns      int          `json:"walk_ins,omitempty"`
	CreatedBy    string       `json:"created_by"` // "job:plan-visits", "job:follow-ups" or a staff name
	History      []Move       `json:"history,omitempty"`
	Version      int          `json:"version"`
}

// Validate checks a new visit's fields.
func (v *Visit) Validate() error {
	if !v.Kind.Valid() {
		return refuse("kind", "类型无效，应为 %s", joinLabels(len(Kinds), func(i int) string { return Kinds[i].Label() }))
	}
	if v.Leader == "" {
		return refuse("leader", "请选择领导")
	}
	if v.Date == 0 {
		return refuse("date", "请填写日期")
	}
	if err := checkHours(v.Start, v.End); err != nil {
		return err
	}
	if strings.TrimSpace(v.Place) == "" {
		return refuse("place", "请填写地点")
	}
	switch v.Kind {
	case KindCarry:
		if v.Township == "" {
			return refuse("township", "带案下访须指定乡镇")
		}
	case KindInvite, KindReturn:
		if len(v.Cases) == 0 {
			return refuse("cases", "%s须关联案件", v.Kind.Label())
		}
	}
	return nil
}

func checkHours(start, end roster.Clock) error {
	if end <= start {
		return refuse("end", "结束时间应晚于开始时间")
	}
	return nil
}

// mustBeActive refuses act (取消, 改期, …) on a visit that has happened,
// was cancelled or was missed.
func (v *Visit) mustBeActive(act string) error {
	if !v.State.Active() {
		return refuse("state", "走访已%s，不能%s", v.State.Label(), act)
	}
	return nil
}

// NotInPast refuses a 主动约访 or 带案下访 dated before today: a visit that
// happened is recorded through its outcome, not planned after the fact.
func (v *Visit) NotInPast(today roster.Date) error {
	if (v.Kind == KindInvite || v.Kind == KindCarry) && v.Date != 0 && v.Date < today {
		return refuse("date", "%s的日期 %s 已过（今天是 %s）；已经进行的走访请在原安排上记录结果", v.Kind.Label(), v.Date, today)
	}
	return nil
}

// Confirm moves a planned visit to confirmed.
func (v *Visit) Confirm() error {
	if v.State != VisitPlanned {
		return refuse("state", "只有“拟安排”的走访可以确认，当前为“%s”", v.State.Label())
	}
	v.State = VisitConfirmed
	return nil
}

// Cancel cancels a visit that has not happened.
func (v *Visit) Cancel(reason string) error {
	if err := v.mustBeActive("取消"); err != nil {
		return err
	}
	if strings.TrimSpace(reason) == "" {
		return refuse("reason", "请说明取消原因")
	}
	v.State = VisitCancelled
	v.Notes = strings.TrimSpace(v.Notes + "\n取消原因：" + reason)
	return nil
}

// Reschedule moves the visit, keeping the old time in its history; the
// moved visit is planned again until confirmed.
func (v *Visit) Reschedule(date roster.Date, start, end roster.Clock, reason, by string) error {
	if err := v.mustBeActive("改期"); err != nil {
		return err
	}
	if date == 0 {
		return refuse("date", "请填写新日期")
	}
	if err := checkHours(start, end); err != nil {
		return err
	}
	if date == v.Date && start == v.Start && end == v.End {
		return refuse("date", "新时间与原时间相同")
	}
	if strings.TrimSpace(reason) == "" {
		return refuse("reason", "请说明改期原因")
	}
	v.History = append(v.History, Move{FromDate: v.Date, FromStart: v.Start, FromEnd: v.End,
		ToDate: date, ToStart: start, ToEnd: end, Reason: reason, By: by})
	v.Date, v.Start, v.End, v.State = date, start, end, VisitPlanned
	return nil
}

// Outcome records how the visit went. A return visit needs a satisfaction.
// 不满意 does not reopen the case: the petitioner's remedy is 复查 (art. 35),
// asked for at the visit (ReviewRequested) or later within the window.
type Outcome struct {
	State        VisitState   `json:"state"` // done or no_show
	Notes        string       `json:"notes"`
	Satisfaction Satisfaction `json:"satisfaction"`
	WalkIns      int          `json:"walk_ins"`
	Cases        []int64      `json:"cases"` // for open reception: cases received
	// ReviewRequested: at a dissatisfied return visit the petitioner asked for 复查.
	ReviewRequested bool `json:"review_requested,omitempty"`
}

// Record applies an outcome on or after the visit day.
func (v *Visit) Record(o Outcome, today roster.Date) error {
	if err := v.mustBeActive("再记录结果"); err != nil {
		return err
	}
	if today < v.Date {
		return refuse("state", "走访日期 %s 尚未到，不能记录结果", v.Date)
	}
	switch o.State {
	case VisitDone, VisitNoShow:
	default:
		return refuse("state", "结果状态应为“%s”或“%s”", VisitDone.Label(), VisitNoShow.Label())
	}
	if err := CheckCount("walk_ins", o.WalkIns, 0, MaxCount); err != nil {
		return err
	}
	if v.Kind == KindReturn && o.State == VisitDone && !o.Satisfaction.Valid() {
		return refuse("satisfaction", "回访结果应为 满意、基本满意 或 不满意")
	}
	if v.Kind != KindReturn && o.Satisfaction != "" {
		return refuse("satisfaction", "只有上门回访记录满意度")
	}
	if o.ReviewRequested && (o.State != VisitDone || o.Satisfaction != Dissatisfied) {
		return refuse("review_requested", "只有回访结果为“不满意”时才记录复查申请")
	}
	v.State, v.Notes, v.Satisfaction, v.WalkIns = o.State, o.Notes, o.Satisfaction, o.WalkIns
	if v.Kind == KindOpen {
		v.Cases = append(v.Cases, o.Cases...)
	}
	return nil
}

// Dissatisfied reports whether a return visit found the petitioner not satisfied.
func (v *Visit) Dissatisfied() bool { return v.Kind == KindReturn && v.Satisfaction == Dissatisfied }

// OnDuty is a roster duty of one person on one day, with the roster's hours.
type OnDuty struct {
	Roster     string       `json:"-"`
	Person     string       `json:"person"`
	Date       roster.Date  `json:"date"`
	Start, End roster.Clock `json:"-"`
	Role       string       `json:"role"`
	Place      string       `json:"place"`
}

// Conflict is why a leader cannot be at a visit.
type Conflict struct {
	Kind    string      `json:"kind"` // duty | absence | visit
	Date    roster.Date `json:"date"`
	Message string      `json:"message"`
	VisitID int64       `json:"visit_id,omitempty"`
	Absence int64       `json:"absence_id,omitempty"`
}

// Busy is everything that holds leaders' time.
type Busy struct {
	Duties   []OnDuty
	Absences []roster.Absence
	Visits   []Visit
}

// Conflicts lists what keeps v's leader from v: a duty elsewhere at that
// time, an absence that day, or another active visit overlapping it. An open
// reception is the leader's duty itself, so their duty does not clash with it.
func Conflicts(v Visit, b Busy) []Conflict {
	var out []Conflict
	for _, d := range b.Duties {
		if d.Person != v.Leader || d.Date != v.Date || !overlaps(v.Start, v.End, d.Start, d.End) {
			continue
		}
		if v.Kind == KindOpen {
			continue
		}
		out = append(out, dutyConflict(d))
	}
	for _, a := range b.Absences {
		if a.Person == v.Leader && a.Covers(v.Date) {
			out = append(out, absenceConflict(a, v.Date))
		}
	}
	for _, o := range b.Visits {
		if o.ID == v.ID && v.ID != 0 || o.Leader != v.Leader || o.Date != v.Date || !o.State.Active() {
			continue
		}
		if overlaps(v.Start, v.End, o.Start, o.End) {
			out = append(out, visitConflict(o))
		}
	}
	return out
}

func dutyConflict(d OnDuty) Conflict {
	return Conflict{Kind: "duty", Date: d.Date,
		Message: fmt.Sprintf("%s %s–%s 在%s担任%s", d.Date, d.Start, d.End, d.Place, d.Role)}
}

// absenceConflict is absence a, listed on day (the day it clashes, or the
// first day of a range it covers).
func absenceConflict(a roster.Absence, day roster.Date) Conflict {
	return Conflict{Kind: "absence", Date: day, Absence: a.ID,
		Message: fmt.Sprintf("%s～%s %s", a.From, a.To, absenceLabel(a.Kind))}
}

func visitConflict(v Visit) Conflict {
	return Conflict{Kind: "visit", Date: v.Date, VisitID: v.ID,
		Message: fmt.Sprintf("%s %s–%s 已有%s（编号 %d）", v.Date, v.Start, v.End, v.Kind.Label(), v.ID)}
}

func absenceLabel(k roster.AbsenceKind) string {
	switch k {
	case roster.Trip:
		return "出差"
	case roster.Meeting:
		return "会议"
	}
	return "请假"
}

func overlaps(s1, e1, s2, e2 roster.Clock) bool { return s1 < e2 && s2 < e1 }

// Free reports whether leader has a whole working day free on d: an official
// working day with no duty, no absence and no active visit.
func Free(leader string, d roster.Date, cal roster.Calendar, b Busy) bool {
	if !cal.IsWorkday(d) {
		return false
	}
	for _, x := range b.Duties {
		if x.Person == leader && x.Date == d {
			return false
		}
	}
	for _, a := range b.Absences {
		if a.Person == leader && a.Covers(d) {
			return false
		}
	}
	for _, v := range b.Visits {
		if v.Leader == leader && v.Date == d && v.State.Active() {
			return false
		}
	}
	return true
}

// FreeDays lists leader's free days in [from, to].
func FreeDays(leader string, from, to roster.Date, cal roster.Calendar, b Busy) []roster.Date {
	var out []roster.Date
	for d := from; d <= to; d++ {
		if Free(leader, d, cal, b) {
			out = append(out, d)
		}
	}
	return out
}

// LeaderBusy lists what holds leader's time in [from, to], day by day: duties,
// absences (one item, dated from the first day in range) and active visits.
// With FreeDays it is what staff see when offering a petitioner a time.
func LeaderBusy(leader string, from, to roster.Date, b Busy) []Conflict {
	out := []Conflict{}
	for _, d := range b.Duties {
		if d.Person == leader && d.Date.Within(from, to) {
			out = append(out, dutyConflict(d))
		}
	}
	for _, a := range b.Absences {
		if a.Person == leader && a.From <= to && a.To >= from {
			out = append(out, absenceConflict(a, max(a.From, from)))
		}
	}
	for _, v := range b.Visits {
		if v.Leader == leader && v.Date.Within(from, to) && v.State.Active() {
			out = append(out, visitConflict(v))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// Default hours of visits a job plans.
var (
	CarryStart  = roster.Clock(9 * 60)
	CarryEnd    = roster.Clock(16*60 + 30)
	ReturnStart = roster.Clock(9 * 60)
	ReturnEnd   = roster.Clock(11*60 + 30)
)

// PlanInput is what PlanCarryVisits needs for one month.
type PlanInput struct {
	From, To  roster.Date // the days to plan in, normally inside one calendar month
	People    []roster.Person
	Cases     []Case // all cases; open ones in a leader's linked township count
	Calendar  roster.Calendar
	Busy      Busy              // from the first of From's month to the end of To's: its visits count
	PerLeader int               // visits per leader per month; 0 means 1
	Places    map[string]string // township id → place (its 群众工作站); default the township id
	// Scheduled are the 带案下访 planned or confirmed from today on, in any
	// month: a case one of them carries is not carried by a second visit.
	Scheduled []Visit
}

// Proposal is a visit the job proposes, with why nothing could be proposed if so.
type Proposal struct {
	Visit  Visit  `json:"visit"`
	Reason string `json:"reason,omitempty"` // set when no free day was found
}

// PlanCarryVisits proposes 带案下访: for each active leader with open cases in
// their linked township, visits on free days in [From, To] carrying those
// cases, so that the leader has at least PerLeader 带案下访 in the calendar
// month of [From, To]. Every active or done 带案下访 of the leader anywhere in
// that month counts, not only those inside [From, To]: a run that plans the
// rest of a month must not add a second visit to a month that has one, and
// reruns add nothing. (A window across two months counts both months together.) Days are spread: the free day with the fewest visits planned
// so far, earliest first.
func PlanCarryVisits(in PlanInput) []Proposal {
	per := in.PerLeader
	if per <= 0 {
		per = 1
	}
	if in.To < in.From {
		return nil
	}
	monthStart, monthEnd := in.From.MonthStart(), in.To.MonthEnd()
	load := map[roster.Date]int{}
	busy := in.Busy
	busy.Visits = append([]Visit(nil), in.Busy.Visits...)
	for _, v := range busy.Visits {
		if v.State.Active() {
			load[v.Date]++
		}
	}
	carried := map[int64]bool{}
	for _, vs := range [][]Visit{in.Scheduled, busy.Visits} {
		for _, v := range vs {
			if v.Kind == KindCarry && v.State.Active() {
				for _, id := range v.Cases {
					carried[id] = true
				}
			}
		}
	}
	var out []Proposal
	for _, p := range in.People {
		t := p.Links.Township
		if !p.Active || t == "" {
			continue
		}
		var carry []int64
		for _, c := range in.Cases {
			if c.Township == t && c.State.Open() && c.State != StateReceived && !carried[c.ID] {
				carry = append(carry, c.ID)
			}
		}
		if len(carry) == 0 {
			continue
		}
		have := 0
		for _, v := range busy.Visits {
			if v.Kind == KindCarry && v.Leader == p.ID && v.Date.Within(monthStart, monthEnd) &&
				(v.State.Active() || v.State == VisitDone) {
				have++
			}
		}
		place := in.Places[t]
		if place == "" {
			place = t
		}
		name := p.Name
		if name == "" {
			name = p.ID
		}
		for ; have < per; have++ {
			days := FreeDays(p.ID, in.From, in.To, in.Calendar, busy)
			v := Visit{Kind: KindCarry, Leader: p.ID, Start: CarryStart, End: CarryEnd, Place: place,
				Township: t, Cases: carry, State: VisitPlanned, CreatedBy: "job:plan-visits"}
			if len(days) == 0 {
				out = append(out, Proposal{Visit: v, Reason: fmt.Sprintf("%s 在 %s～%s 没有空闲工作日", name, in.From, in.To)})
				break
			}
			sort.SliceStable(days, func(i, j int) bool { return load[days[i]] < load[days[j]] })
			v.Date = days[0]
			load[v.Date]++
			busy.Visits = append(busy.Visits, v)
			out = append(out, Proposal{Visit: v})
		}
	}
	return out
}

// ReturnWindowDays is how soon after the opinion is served the return visit
// happens by default: well inside the 30-day review window.
const ReturnWindowDays = 15

// PlanReturnVisit proposes the 上门回访 of a case whose handling opinion was
// served: the responsible leader's first free day after both the reply and
// today (an opinion recorded late must not get a visit in the past), within
// `within` days of the reply (0 means ReturnWindowDays) and before the
// review-request window ends. CreatedBy is left to the caller.
func PlanReturnVisit(c Case, cal roster.Calendar, b Busy, within int, today roster.Date) (Visit, error) {
	if within <= 0 {
		within = ReturnWindowDays
	}
	if c.Replied == 0 {
		return Visit{}, refuse("state", "案件尚未出具处理意见，不需回访")
	}
	if c.Leader == "" {
		return Visit{}, refuse("leader", "案件 %s 没有包案领导，无法安排回访", c.Code)
	}
	last := c.Replied.AddDays(within)
	if review := DueAfter(c.Replied, ReviewDays, cal); last >= review {
		last = review - 1
	}
	first := max(c.Replied, today).AddDays(1)
	for d := first; d <= last; d++ {
		if Free(c.Leader, d, cal, b) {
			return Visit{Kind: KindReturn, Leader: c.Leader, Date: d, Start: ReturnStart, End: ReturnEnd,
				Place: "信访人住所", Township: c.Township, Cases: []int64{c.ID}, State: VisitPlanned}, nil
		}
	}
	if first > last {
		return Visit{}, refuse("date", "案件 %s 的回访期限已于 %s 届满", c.Code, last)
	}
	return Visit{}, refuse("date", "案件 %s 的包案领导在 %s～%s 没有空闲工作日", c.Code, first, last)
}

// OpenSessions derives the 开门接访 sessions of the duty days: one per
// 值班领导 (a roster's first slot) per day, at the roster's place and hours,
// naming the 跟班领导 (its second slot) of the same day. Rosters that do not
// receive the public (holiday duty at the 值班室) open none.
func OpenSessions(duties []OnDuty, defs []roster.Definition) []Visit {
	type slot struct{ roster, role string }
	head, shadow := map[slot]bool{}, map[slot]bool{}
	for _, d := range defs {
		if d.ReceivesPublic && len(d.Slots) > 0 {
			head[slot{d.ID, d.Slots[0].Role}] = true
			if len(d.Slots) > 1 {
				shadow[slot{d.ID, d.Slots[1].Role}] = true
			}
		}
	}
	var out []Visit
	for _, d := range duties {
		if !head[slot{d.Roster, d.Role}] {
			continue
		}
		v := Visit{Kind: KindOpen, Leader: d.Person, Date: d.Date, Start: d.Start, End: d.End,
			Place: d.Place, State: VisitConfirmed, CreatedBy: "roster"}
		for _, s := range duties {
			if s.Date == d.Date && s.Roster == d.Roster && shadow[slot{s.Roster, s.Role}] {
				v.Shadow = s.Person
			}
		}
		out = append(out, v)
	}
	return out
}
