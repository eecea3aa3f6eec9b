package visits

import (
	"strings"
	"unicode/utf8"

	"zhiban/roster"
)

// HandoverState is where a 交办 (a case handed to a responsible unit) stands.
type HandoverState string

const (
	HandoverHanded    HandoverState = "handed"    // 已交办，待办结报告
	HandoverDeclined  HandoverState = "declined"  // 单位提出不属于本单位职责，退回
	HandoverReported  HandoverState = "reported"  // 已报送办结报告
	HandoverWithdrawn HandoverState = "withdrawn" // 办公室撤回
)

// HandoverStates are every state, in display order.
var HandoverStates = []HandoverState{HandoverHanded, HandoverDeclined, HandoverReported, HandoverWithdrawn}

var handoverLabels = map[HandoverState]string{
	HandoverHanded: "已交办", HandoverDeclined: "已退回", HandoverReported: "已报送办结报告", HandoverWithdrawn: "已撤回",
}

// Label is the Chinese name of the state.
func (s HandoverState) Label() string { return handoverLabels[s] }

// DeclineWorkdays is how long a unit has to say a handed case is not its
// duty: 5 working days (信访工作条例 art. 23 ¶3).
const DeclineWorkdays = 5

// MaxReportRunes bounds a 办结报告's text.
const MaxReportRunes = 10000

// Handover is one hand-over of a case to a unit (交办单). The report text is
// private: never on a public page, a log line or an audit summary.
type Handover struct {
	ID            int64         `json:"id"`
	Case          int64         `json:"case"`
	Unit          string        `json:"unit"` // a department's or township's id
	Handed        roster.Date   `json:"handed"`
	Due           roster.Date   `json:"due"`
	State         HandoverState `json:"state"`
	Declined      roster.Date   `json:"declined,omitempty"`
	DeclineReason string        `json:"decline_reason,omitempty"`
	Reported      roster.Date   `json:"reported,omitempty"`
	Report        string        `json:"report,omitempty"`
	CreatedBy     string        `json:"created_by"`
	Version       int           `json:"version"`
}

// AddWorkdays is the n-th official working day after start (start itself
// not counted), so make-up workdays (调休) count and holidays do not.
func AddWorkdays(start roster.Date, n int, cal roster.Calendar) roster.Date {
	d := start
	// Bounded: n working days never take more than a few weeks.
	for i := 0; n > 0 && i < 366; i++ {
		d = d.AddDays(1)
		if cal.IsWorkday(d) {
			n--
		}
	}
	return d
}

// DeclineBy is the last day the unit may decline the case (art. 23 ¶3).
func (h Handover) DeclineBy(cal roster.Calendar) roster.Date {
	return AddWorkdays(h.Handed, DeclineWorkdays, cal)
}

// Live reports whether the unit still holds the case.
func (h Handover) Live() bool { return h.State == HandoverHanded }

// Overdue reports whether a live hand-over is past its due date on today;
// the due date itself is in time.
func (h Handover) Overdue(today roster.Date) bool { return h.Live() && today > h.Due }

// DaysOverdue is how many days a live hand-over is past due (0 if not).
func (h Handover) DaysOverdue(today roster.Date) int {
	if !h.Overdue(today) {
		return 0
	}
	return today.DaysSince(h.Due)
}

// Late reports whether the report came after the due date.
func (h Handover) Late() bool { return h.State == HandoverReported && h.Reported > h.Due }

// CanHandOver refuses a case that cannot be handed to a unit now: only a
// petition being handled (受理后、出具处理意见前) is handed over.
func CanHandOver(c Case) error {
	if c.IsDispute() {
		return refuse("state", "矛盾纠纷由包保领导负责化解，不交办")
	}
	switch c.State {
	case StateAccepted:
		return nil
	case StateReceived:
		return refuse("state", "案件尚未受理，请先受理再交办")
	case StateRejected:
		return refuse("state", "案件已不予受理，不能交办")
	case StateClosed:
		return refuse("state", "案件已办结，不能交办")
	}
	return refuse("state", "案件当前为“%s”，只有办理中的案件可以交办", c.State.Label())
}

// HandlingDue is the statutory handling deadline (art. 34, extension
// included) of a case being handled; false when it has none running.
func HandlingDue(deadlines []Deadline) (roster.Date, bool) {
	for _, d := range deadlines {
		if d.Kind == DeadlineHandling && !d.Met {
			return d.Due, true
		}
	}
	return 0, false
}

// CheckDue refuses a due date that is not after today or falls after the
// case's statutory handling deadline: the office needs the unit's report
// before its own opinion is due.
func CheckDue(due, today, deadline roster.Date) error {
	if due == 0 {
		return refuse("due", "请填写办结期限")
	}
	if due <= today {
		return refuse("due", "办结期限应晚于今天（%s）", today)
	}
	if due > deadline {
		return refuse("due", "办结期限不能晚于案件的法定办理期限 %s（信访工作条例第三十四条）", deadline)
	}
	return nil
}

// SuggestDue is the due date a hand-over form proposes: ten days before the
// statutory deadline, so the office has time to serve its opinion, on a
// working day; the deadline itself when that leaves too little time.
func SuggestDue(today, deadline roster.Date, cal roster.Calendar) roster.Date {
	d := deadline.AddDays(-10)
	for i := 0; i < 31 && d > today && !cal.IsWorkday(d); i++ {
		d = d.AddDays(-1)
	}
	if d <= today {
		return deadline
	}
	return d
}

// Decline records on day on that the unit says the case is not its duty,
// within 5 working days of the hand-over (art. 23 ¶3).
func (h *Handover) Decline(on, today roster.Date, reason string, cal roster.Calendar) error {
	if !h.Live() {
		return refuse("state", "交办单当前为“%s”，不能退回", h.State.Label())
	}
	if err := h.checkOn(on, today); err != nil {
		return err
	}
	if strings.TrimSpace(reason) == "" {
		return refuse("reason", "请填写退回理由")
	}
	if last := h.DeclineBy(cal); on > last {
		return refuse("on", "交办之日起%d个工作日内方可提出不属于本单位职责（截止 %s，信访工作条例第二十三条第三款），已超过期限",
			DeclineWorkdays, last)
	}
	h.State, h.Declined, h.DeclineReason = HandoverDeclined, on, reason
	return nil
}

// RecordReport records the unit's 办结报告 received on day on.
func (h *Handover) RecordReport(on, today roster.Date, text string) error {
	if !h.Live() {
		return refuse("state", "交办单当前为“%s”，不能再报送办结报告", h.State.Label())
	}
	if err := h.checkOn(on, today); err != nil {
		return err
	}
	if strings.TrimSpace(text) == "" {
		return refuse("report", "请填写办结报告")
	}
	if utf8.RuneCountInString(text) > MaxReportRunes {
		return refuse("report", "办结报告不超过%d字", MaxReportRunes)
	}
	h.State, h.Reported, h.Report = HandoverReported, on, text
	return nil
}

// Withdraw takes a live hand-over back to the office.
func (h *Handover) Withdraw() error {
	if !h.Live() {
		return refuse("state", "交办单当前为“%s”，不能撤回", h.State.Label())
	}
	h.State = HandoverWithdrawn
	return nil
}

func (h *Handover) checkOn(on, today roster.Date) error {
	if on == 0 {
		return refuse("on", "请填写日期")
	}
	if on > today {
		return refuse("on", "日期不能晚于今天（%s）", today)
	}
	if on < h.Handed {
		return refuse("on", "日期不能早于交办日期 %s", h.Handed)
	}
	return nil
}
