package visits

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhiban/roster"
)

// Refusal is a rule saying no: a bad value (Field set) or a transition the
// case's state does not allow. Messages are Chinese and never quote petitioner data.
type Refusal struct {
	Field string
	Msg   string
}

func (r *Refusal) Error() string {
	if r.Field == "" {
		return r.Msg
	}
	return r.Field + ": " + r.Msg
}

func refuse(field, format string, args ...any) error {
	return &Refusal{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Category of a case.
type Category string

// Categories lists the case categories in display order.
var Categories = []Category{"征地拆迁", "企业改制", "社会保障", "涉法涉诉", "劳资", "环境", "其他"}

// Valid reports whether c is a known category.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// Channel is how a petition arrived.
type Channel string

// Channels lists the petition channels.
var Channels = []Channel{"来信", "来访", "电话", "网上"}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return slices.Contains(Channels, c) }

// MaxRepresentatives is the most representatives a group may send, and
// groups larger than it must send some (信访工作条例 art. 20).
const MaxRepresentatives = 5

// CaseState is where a case stands.
type CaseState string

const (
	StateReceived  CaseState = "received"  // 已登记，待受理
	StateAccepted  CaseState = "accepted"  // 已受理，办理中
	StateRejected  CaseState = "rejected"  // 不予受理
	StateReplied   CaseState = "replied"   // 已出具处理意见
	StateReview    CaseState = "review"    // 复查中
	StateReviewed  CaseState = "reviewed"  // 已出具复查意见
	StateRecheck   CaseState = "recheck"   // 复核中
	StateRechecked CaseState = "rechecked" // 已出具复核意见（终结）
	StateClosed    CaseState = "closed"    // 已办结
)

var stateLabels = map[CaseState]string{
	StateReceived: "待受理", StateAccepted: "办理中", StateRejected: "不予受理", StateReplied: "已答复",
	StateReview: "复查中", StateReviewed: "已复查", StateRecheck: "复核中", StateRechecked: "已复核", StateClosed: "已办结",
}

// CaseStates are every state, in the order a case passes through them.
var CaseStates = []CaseState{StateReceived, StateAccepted, StateRejected, StateReplied, StateReview, StateReviewed,
	StateRecheck, StateRechecked, StateClosed}

// Label is the Chinese name of the state.
func (s CaseState) Label() string { return stateLabels[s] }

// Open reports whether the case still needs the office's work.
func (s CaseState) Open() bool { return s != StateClosed && s != StateRejected && s != "" }

// Duty is one of the five duties of a 包保领导, in order.
type Duty string

const (
	DutyInvestigate Duty = "investigate" // 包调查
	DutyHandle      Duty = "handle"      // 包处理
	DutyClose       Duty = "close"       // 包结案
	DutyStabilise   Duty = "stabilise"   // 包稳控
	DutyCease       Duty = "cease"       // 包息访
)

// Duties lists the five duties in the order they are done.
var Duties = []Duty{DutyInvestigate, DutyHandle, DutyClose, DutyStabilise, DutyCease}

var dutyLabels = map[Duty]string{
	DutyInvestigate: "包调查", DutyHandle: "包处理", DutyClose: "包结案", DutyStabilise: "包稳控", DutyCease: "包息访",
}

// Label is the Chinese name of the duty.
func (d Duty) Label() string { return dutyLabels[d] }

// Milestone records one duty done.
type Milestone struct {
	Duty Duty        `json:"duty"`
	On   roster.Date `json:"on"`
	Note string      `json:"note,omitempty"`
}

// Petitioner is private: never on a public page, feed, log line or error.
type Petitioner struct {
	Name    string `json:"name"`
	Phone   string `json:"phone,omitempty"`
	Address string `json:"address,omitempty"`
}

// CaseKind tells a petition from a dispute a sweep found.
type CaseKind string

const (
	CasePetition CaseKind = "petition" // 信访事项: the statutory clocks of the Regulations
	CaseDispute  CaseKind = "dispute"  // 矛盾纠纷 under 包保: the five 包 steps and 销号
)

// Case is a petition matter (信访事项) with its clocks and milestones, or a
// dispute (矛盾纠纷) a sweep put under a 包保领导, with its steps.
type Case struct {
	ID              int64       `json:"id"`
	Kind            CaseKind    `json:"kind"` // "" reads as a petition
	Code            string      `json:"code"`
	Title           string      `json:"title"`
	Category        Category    `json:"category"`
	Township        string      `json:"township"`
	Received        roster.Date `json:"received"`
	Channel         Channel     `json:"channel"`
	Petitioner      Petitioner  `json:"petitioner"`
	Content         string      `json:"content,omitempty"` // private case text
	GroupSize       int         `json:"group_size"`
	Representatives int         `json:"representatives,omitempty"`
	Leader          string      `json:"leader,omitempty"` // 包案领导 / 包保领导
	LeaderReason    string      `json:"leader_reason,omitempty"`
	Unit            string      `json:"unit,omitempty"` // responsible unit
	State           CaseState   `json:"state"`
	// Key marks a 重点 case (from the sweep or staff's choice).
	Key             bool        `json:"key,omitempty"`
	FromFinding     int64       `json:"from_finding,omitempty"`
	Accepted        roster.Date `json:"accepted,omitempty"`
	Replied         roster.Date `json:"replied,omitempty"` // handling opinion served
	ExtensionDays   int         `json:"extension_days,omitempty"`
	ExtensionReason string      `json:"extension_reason,omitempty"`
	Extended        roster.Date `json:"extended,omitempty"`
	ReviewAsked     roster.Date `json:"review_asked,omitempty"`
	Reviewed        roster.Date `json:"reviewed,omitempty"`
	RecheckAsked    roster.Date `json:"recheck_asked,omitempty"`
	Rechecked       roster.Date `json:"rechecked,omitempty"`
	Reopened        roster.Date `json:"reopened,omitempty"`
	Closed          roster.Date `json:"closed,omitempty"`
	Milestones      []Milestone `json:"milestones"`
	Version         int         `json:"version"`
}

// ParseCode checks a case code of the form YYYY-NNNN (e.g. 2027-0042).
func ParseCode(s string) (year, seq int, err error) {
	y, n, ok := strings.Cut(s, "-")
	if !ok || len(y) != 4 || len(n) < 4 || len(n) > 6 || !digits(y) || !digits(n) {
		return 0, 0, refuse("code", "案件编号应为“年份-序号”，如 2027-0042")
	}
	year, _ = strconv.Atoi(y)
	seq, _ = strconv.Atoi(n)
	if year < 2000 || year > 2100 || seq == 0 {
		return 0, 0, refuse("code", "案件编号的年份或序号超出范围")
	}
	return year, seq, nil
}

// FormatCode builds the code of the seq-th case of year.
func FormatCode(year, seq int) string { return fmt.Sprintf("%04d-%04d", year, seq) }

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// Validate checks a new or edited case on today. Messages name the field, never the value.
func (c *Case) Validate(today roster.Date) error {
	if _, _, err := ParseCode(c.Code); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(c.Title)); n == 0 || n > 100 {
		return refuse("title", "标题不能为空，且不超过100字")
	}
	if !c.Category.Valid() {
		return refuse("category", "类别无效，应为：%s", joinCats())
	}
	if c.Township == "" {
		return refuse("township", "请选择乡镇")
	}
	if c.Received == 0 {
		return refuse("received", "请填写收到日期")
	}
	if err := CheckDate("received", c.Received, today); err != nil {
		return err
	}
	if c.Received > today {
		return refuse("received", "收到日期不能晚于今天（%s）", today)
	}
	if !c.Channel.Valid() {
		return refuse("channel", "渠道无效，应为 来信、来访、电话 或 网上")
	}
	if strings.TrimSpace(c.Petitioner.Name) == "" {
		return refuse("petitioner.name", "请填写信访人姓名")
	}
	if p := c.Petitioner.Phone; p != "" && !validPhone(p) {
		return refuse("petitioner.phone", "电话号码格式无效")
	}
	if err := CheckCount("group_size", c.GroupSize, 1, MaxGroupSize); err != nil {
		return err
	}
	if c.Representatives < 0 || c.Representatives > MaxRepresentatives {
		return refuse("representatives", "集体访推选的代表不得超过%d人（《信访工作条例》第二十条）", MaxRepresentatives)
	}
	if c.GroupSize > MaxRepresentatives && c.Representatives == 0 {
		return refuse("representatives", "%d人以上共同提出的，应推选1至%d名代表（《信访工作条例》第二十条）", MaxRepresentatives+1, MaxRepresentatives)
	}
	if c.Representatives > c.GroupSize {
		return refuse("representatives", "代表人数不能多于来访人数")
	}
	return nil
}

func joinCats() string {
	s := make([]string, len(Categories))
	for i, c := range Categories {
		s[i] = string(c)
	}
	return strings.Join(s, "、")
}

func validPhone(p string) bool {
	p = strings.ReplaceAll(p, "-", "")
	return len(p) >= 7 && len(p) <= 13 && digits(p)
}

// IsDispute reports whether the case is a dispute under 包保, not a petition
// (a value method, so templates can ask it of a copy).
func (c Case) IsDispute() bool { return c.Kind == CaseDispute }

// Has reports whether duty d has been recorded.
func (c *Case) Has(d Duty) bool {
	for _, m := range c.Milestones {
		if m.Duty == d {
			return true
		}
	}
	return false
}

// Milestone records duty d done on day on, not after today. Duties follow
// each other: a duty needs the one before it, 包结案 is recorded only by
// closing the case, and 包处理 needs the case accepted.
func (c *Case) Milestone(d Duty, on, today roster.Date, note string) error {
	i := slices.Index(Duties, d)
	if i < 0 {
		return refuse("duty", "职责无效，应为 %s", joinLabels(len(Duties), func(i int) string { return Duties[i].Label() }))
	}
	if c.Has(d) {
		return refuse("duty", "“%s”已记录", d.Label())
	}
	if i > 0 && !c.Has(Duties[i-1]) {
		return refuse("duty", "须先完成“%s”，才能记录“%s”", Duties[i-1].Label(), d.Label())
	}
	if d == DutyClose && !c.IsDispute() {
		return refuse("duty", "“包结案”在办结案件时自动记录")
	}
	if !c.State.Open() && d != DutyStabilise && d != DutyCease {
		return refuse("state", "案件%s，不能再记录“%s”", c.State.Label(), d.Label())
	}
	if c.State == StateReceived {
		return refuse("state", "案件尚未受理，不能记录“%s”", d.Label())
	}
	if on < c.Received {
		return refuse("on", "日期不能早于收到日期")
	}
	if on > today {
		return refuse("on", "日期不能晚于今天（%s）", today)
	}
	c.Milestones = append(c.Milestones, Milestone{Duty: d, On: on, Note: note})
	return nil
}

// Transition names a state change staff can ask for.
type Transition string

const (
	ActAccept   Transition = "accept"
	ActReject   Transition = "reject"
	ActReply    Transition = "reply"         // serve the handling opinion
	ActReview   Transition = "review"        // petitioner asks for review
	ActReviewed Transition = "review_reply"  // review opinion served
	ActRecheck  Transition = "recheck"       // petitioner asks for re-check
	ActRechckd  Transition = "recheck_reply" // re-check opinion served
	ActClose    Transition = "close"
	ActReopen   Transition = "reopen"
	ActWriteOff Transition = "write_off" // 销号: a dispute's five 包 steps are done
)

// Transitions lists the state changes in the order a case takes them.
var Transitions = []Transition{ActAccept, ActReject, ActReply, ActReview, ActReviewed, ActRecheck, ActRechckd, ActClose, ActReopen, ActWriteOff}

var transitionLabels = map[Transition]string{
	ActAccept: "受理", ActReject: "不予受理", ActReply: "出具处理意见", ActReview: "申请复查", ActReviewed: "出具复查意见",
	ActRecheck: "申请复核", ActRechckd: "出具复核意见", ActClose: "办结", ActReopen: "重新办理", ActWriteOff: "销号",
}

// Label is the Chinese name of the transition.
func (t Transition) Label() string { return transitionLabels[t] }

// transitionFrom is the state machine: the states each transition may start from.
var transitionFrom = map[Transition][]CaseState{
	ActAccept:   {StateReceived},
	ActReject:   {StateReceived},
	ActReply:    {StateAccepted},
	ActReview:   {StateReplied},
	ActReviewed: {StateReview},
	ActRecheck:  {StateReviewed},
	ActRechckd:  {StateRecheck},
	ActClose:    {StateReplied, StateReviewed, StateRechecked},
	ActReopen:   {StateReplied, StateReviewed, StateRechecked, StateClosed},
	ActWriteOff: {StateAccepted},
}

// Transitions lists the changes this case may take now: a dispute only 销号,
// a petition every step of the Regulations but 销号.
func (c *Case) Transitions() []Transition {
	var out []Transition
	for _, t := range c.State.Transitions() {
		if (t == ActWriteOff) == c.IsDispute() {
			out = append(out, t)
		}
	}
	return out
}

// Transitions lists the changes a case in state s may take, in the order of
// Transitions, for staff to choose from; Apply still checks the dates, the
// duties done and art. 36.
func (s CaseState) Transitions() []Transition {
	var out []Transition
	for _, t := range Transitions {
		if slices.Contains(transitionFrom[t], s) {
			out = append(out, t)
		}
	}
	return out
}

// joinLabels lists n Chinese labels as 甲、乙 或 丙.
func joinLabels(n int, label func(int) string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		switch {
		case i == 0:
		case i == n-1:
			b.WriteString(" 或 ")
		default:
			b.WriteString("、")
		}
		b.WriteString(label(i))
	}
	return b.String()
}

// LastActOn is the date of the case's latest recorded act or milestone.
func (c *Case) LastActOn() roster.Date {
	last := c.Received
	for _, d := range []roster.Date{c.Accepted, c.Replied, c.Extended, c.ReviewAsked, c.Reviewed,
		c.RecheckAsked, c.Rechecked, c.Reopened, c.Closed} {
		last = max(last, d)
	}
	for _, m := range c.Milestones {
		last = max(last, m.On)
	}
	return last
}

// Apply performs transition t on day on (the date of the act), enforcing the
// state machine and the statutory windows. An act is dated no later than
// today and no earlier than the case's last recorded act: the clocks run
// from these dates, so a back- or forward-dated act would move a deadline.
func (c *Case) Apply(t Transition, on, today roster.Date, cal roster.Calendar) error {
	if on == 0 {
		return refuse("on", "请填写日期")
	}
	if on > today {
		return refuse("on", "日期不能晚于今天（%s）", today)
	}
	if on < c.Received {
		return refuse("on", "日期不能早于收到日期 %s", c.Received)
	}
	if last := c.LastActOn(); on < last {
		return refuse("on", "日期不能早于上一次办理记录的日期 %s", last)
	}
	from, known := transitionFrom[t]
	if !known {
		return refuse("action", "操作无效，应为 %s", joinLabels(len(Transitions), func(i int) string { return Transitions[i].Label() }))
	}
	if (t == ActWriteOff) != c.IsDispute() {
		if c.IsDispute() {
			return refuse("action", "矛盾纠纷不走信访程序，不能“%s”；五包完成后销号", t.Label())
		}
		return refuse("action", "销号只用于排查发现的矛盾纠纷")
	}
	if !slices.Contains(from, c.State) {
		return refuse("state", "案件当前为“%s”，不能执行此操作", c.State.Label())
	}
	switch t {
	case ActWriteOff:
		for _, d := range Duties {
			if !c.Has(d) {
				return refuse("milestones", "尚未记录“%s”，不能销号", d.Label())
			}
		}
		c.State, c.Closed = StateClosed, on
	case ActAccept:
		c.State, c.Accepted = StateAccepted, on
	case ActReject:
		c.State, c.Closed = StateRejected, on
	case ActReply:
		if !c.Has(DutyInvestigate) {
			return refuse("milestones", "尚未记录“包调查”，不能出具处理意见")
		}
		c.State, c.Replied = StateReplied, on
	case ActReview:
		if due := DueAfter(c.Replied, ReviewDays, cal); on > due {
			return refuse("on", "复查申请应在收到书面答复之日起%d日内提出（截止 %s，第三十五条）", ReviewDays, due)
		}
		c.State, c.ReviewAsked = StateReview, on
	case ActReviewed:
		c.State, c.Reviewed = StateReviewed, on
	case ActRecheck:
		if due := DueAfter(c.Reviewed, RecheckDays, cal); on > due {
			return refuse("on", "复核申请应在收到复查意见之日起%d日内提出（截止 %s，第三十六条）", RecheckDays, due)
		}
		c.State, c.RecheckAsked = StateRecheck, on
	case ActRechckd:
		c.State, c.Rechecked = StateRechecked, on
	case ActClose:
		if !c.Has(DutyHandle) {
			return refuse("milestones", "尚未记录“包处理”，不能办结")
		}
		c.State, c.Closed = StateClosed, on
		c.Milestones = append(c.Milestones, Milestone{Duty: DutyClose, On: on})
	case ActReopen:
		if c.Rechecked != 0 {
			// Art. 36: the re-check opinion is final; the same facts are not accepted again.
			return refuse("state", "案件已出具复核意见：复核意见为最终意见，信访人以同一事实和理由提出的诉求不再受理（信访工作条例第三十六条），不能重新办理")
		}
		c.State, c.Reopened, c.Closed = StateAccepted, on, 0
		// A new handling period starts, with its own one extension (art. 34).
		c.ExtensionDays, c.ExtensionReason, c.Extended = 0, "", 0
		kept := c.Milestones[:0]
		for _, m := range c.Milestones {
			if m.Duty == DutyInvestigate { // the facts stay investigated; handling starts again
				kept = append(kept, m)
			}
		}
		c.Milestones = kept
	}
	return nil
}

// Extend lengthens the handling period once, by at most 30 days, with a
// reason the petitioner is told (art. 34). It must be decided before the
// period runs out.
func (c *Case) Extend(days int, reason string, on roster.Date, cal roster.Calendar) error {
	if c.IsDispute() {
		return refuse("state", "矛盾纠纷按包保步骤的期限推进，没有第三十四条的办理期限，不能延期")
	}
	if c.State != StateAccepted {
		return refuse("state", "只有办理中的案件可以延期")
	}
	if c.ExtensionDays > 0 {
		return refuse("days", "办理期限只能延长一次（第三十四条）")
	}
	if days < 1 || days > MaxExtensionDays {
		return refuse("days", "延长期限应为1至%d日（第三十四条）", MaxExtensionDays)
	}
	if strings.TrimSpace(reason) == "" {
		return refuse("reason", "延期须说明理由并告知信访人")
	}
	if h := c.handlingDeadline(cal); on > h.Due {
		return refuse("on", "办理期限已于 %s 届满，不能再延期", h.Due)
	}
	c.ExtensionDays, c.ExtensionReason, c.Extended = days, reason, on
	return nil
}

func (c *Case) handlingDeadline(cal roster.Calendar) Deadline {
	start, article := c.Accepted, "信访工作条例第三十四条"
	if c.Reopened != 0 {
		start, article = c.Reopened, "信访工作条例第三十四条（重新办理）"
	}
	due := DueAfter(start, HandlingDays, cal)
	label, rolled := "办理", roster.Date(0)
	if c.ExtensionDays > 0 {
		// Art. 34 can be read two ways: the 30 days run from day 60 itself
		// (strict), or from the original due date after it moved off a
		// holiday. Alerts go by the strict one; both are shown.
		rolled = DueAfter(due, c.ExtensionDays, cal)
		due = DueAfter(start.AddDays(HandlingDays), c.ExtensionDays, cal)
		if rolled == due {
			rolled = 0
		}
		label = fmt.Sprintf("办理（已延期%d日）", c.ExtensionDays)
	}
	d := Deadline{Kind: DeadlineHandling, Label: label, Article: article, Start: start, Due: due, Office: true, DueRolled: rolled}
	if c.Replied != 0 && c.Replied >= start {
		d.Met, d.MetOn = true, c.Replied
	}
	return d
}

// Deadlines returns every clock the case has started, in order: each one
// starts when the one before it is met. A dispute has its 包 steps instead.
func (c *Case) Deadlines(cal roster.Calendar) []Deadline {
	if c.IsDispute() {
		return c.disputeSteps(cal)
	}
	acc := Deadline{Kind: DeadlineAcceptance, Label: "受理告知", Article: "信访工作条例第二十二条、第二十三条",
		Start: c.Received, Due: DueAfter(c.Received, AcceptanceDays, cal), Office: true}
	if c.Accepted != 0 {
		acc.Met, acc.MetOn = true, c.Accepted
	} else if c.State == StateRejected {
		acc.Met, acc.MetOn = true, c.Closed
	}
	out := []Deadline{acc}
	if c.Accepted == 0 {
		return out
	}
	out = append(out, c.handlingDeadline(cal))
	// After the handling opinion: the petitioner's window to ask for review,
	// the review, the window to ask for re-check, the re-check.
	for _, next := range []struct {
		kind           DeadlineKind
		label, article string
		start          roster.Date
		days           int
		office         bool
		metOn          roster.Date
	}{
		{DeadlineReviewRequest, "申请复查期限", "信访工作条例第三十五条", c.Replied, ReviewDays, false, c.ReviewAsked},
		{DeadlineReview, "复查", "信访工作条例第三十五条", c.ReviewAsked, ReviewDays, true, c.Reviewed},
		{DeadlineRecheckReq, "申请复核期限", "信访工作条例第三十六条", c.Reviewed, RecheckDays, false, c.RecheckAsked},
		{DeadlineRecheck, "复核", "信访工作条例第三十六条", c.RecheckAsked, RecheckDays, true, c.Rechecked},
	} {
		if !out[len(out)-1].Met {
			return out
		}
		out = append(out, Deadline{Kind: next.kind, Label: next.label, Article: next.article, Start: next.start,
			Due: DueAfter(next.start, next.days, cal), Office: next.office, Met: next.metOn != 0, MetOn: next.metOn})
	}
	return out
}

// ReviewWindow is where a case stands on 复查 after a dissatisfied return
// visit: asked for (the office's 30 days to answer run to Due) or not yet
// (the petitioner may ask until Due), or why neither applies.
type ReviewWindow struct {
	Code      string      `json:"code"`
	Requested bool        `json:"requested"`
	Due       roster.Date `json:"due,omitempty"`
	Reason    string      `json:"reason,omitempty"`
}

// AfterDissatisfied records a dissatisfied return visit on day on: with the
// petitioner's request it applies 申请复查 (art. 35), otherwise it leaves the
// case as it is and reports the request window. It never reopens the case.
func (c *Case) AfterDissatisfied(requested bool, on, today roster.Date, cal roster.Calendar) ReviewWindow {
	w := ReviewWindow{Code: c.Code}
	if c.Rechecked != 0 {
		w.Reason = "案件已出具复核意见，复核意见为最终意见（信访工作条例第三十六条），不再复查"
		return w
	}
	if c.Replied == 0 || c.State != StateReplied && c.State != StateClosed && c.State != StateReview {
		w.Reason = fmt.Sprintf("案件当前为“%s”，不在申请复查阶段", c.State.Label())
		return w
	}
	if c.State == StateReview {
		w.Requested, w.Due = true, DueAfter(c.ReviewAsked, ReviewDays, cal)
		return w
	}
	w.Due = DueAfter(c.Replied, ReviewDays, cal)
	if !requested {
		return w
	}
	if c.State == StateClosed {
		w.Reason = "案件已办结，请核实后在案件页办理复查"
		return w
	}
	on = max(on, c.LastActOn())
	if err := c.Apply(ActReview, on, today, cal); err != nil {
		w.Reason = err.(*Refusal).Msg
		return w
	}
	w.Requested, w.Due = true, DueAfter(on, ReviewDays, cal)
	return w
}

// DisputeStepDays is when each 包 step of a dispute is due, in days from the
// day it was put under 包保. The source names the five duties without periods;
// these are the office's working targets (docs/deadlines.md).
var DisputeStepDays = map[Duty]int{DutyInvestigate: 7, DutyHandle: 30, DutyClose: 60, DutyStabilise: 75, DutyCease: 90}

// WriteOffDays is when a dispute is due to be written off (销号), after 包息访.
const WriteOffDays = 90

// DeadlineWriteOff is a dispute's 销号.
const DeadlineWriteOff DeadlineKind = "write_off"

const disputeArticle = "矛盾纠纷排查化解包保责任制"

// disputeSteps are a dispute's five 包 steps and its 销号, each with a due date.
func (c *Case) disputeSteps(cal roster.Calendar) []Deadline {
	start := c.Received
	var out []Deadline
	for _, d := range Duties {
		dl := Deadline{Kind: DeadlineKind("bao_" + string(d)), Label: d.Label(), Article: disputeArticle, Start: start,
			Due: DueAfter(start, DisputeStepDays[d], cal), Office: true}
		for _, m := range c.Milestones {
			if m.Duty == d {
				dl.Met, dl.MetOn = true, m.On
			}
		}
		out = append(out, dl)
	}
	w := Deadline{Kind: DeadlineWriteOff, Label: "销号", Article: disputeArticle, Start: start,
		Due: DueAfter(start, WriteOffDays, cal), Office: true}
	if c.State == StateClosed {
		w.Met, w.MetOn = true, c.Closed
	}
	return append(out, w)
}

// NextDeadline returns the office's earliest unmet deadline; false when none
// is running (the case is closed, or waits on the petitioner).
func (c *Case) NextDeadline(cal roster.Calendar) (Deadline, bool) {
	if !c.State.Open() {
		return Deadline{}, false
	}
	for _, d := range c.Deadlines(cal) {
		if d.Office && !d.Met {
			return d, true
		}
	}
	return Deadline{}, false
}

// Clock is the summary shown for each case: next deadline, days left, overdue.
type Clock struct {
	Next     *Deadline `json:"next,omitempty"`
	DaysLeft int       `json:"days_left"`
	Overdue  bool      `json:"overdue"`
	Alert    Alert     `json:"alert,omitempty"`
}

// ClockOn summarises the case's clock on today.
func (c *Case) ClockOn(today roster.Date, cal roster.Calendar) Clock {
	d, ok := c.NextDeadline(cal)
	if !ok {
		return Clock{}
	}
	return Clock{Next: &d, DaysLeft: d.DaysLeft(today), Overdue: d.Overdue(today), Alert: d.Alert(today)}
}

// Public is what may leave the office about a case: code, title, category,
// township and state. Never the petitioner or the text.
type PublicCase struct {
	Code     string    `json:"code"`
	Category Category  `json:"category"`
	Township string    `json:"township"`
	State    CaseState `json:"state"`
}

// Public strips the private fields.
func (c *Case) Public() PublicCase {
	return PublicCase{Code: c.Code, Category: c.Category, Township: c.Township, State: c.State}
}
