package visits

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"zhiban/roster"
)

// DefaultSweepDueDay is the day of the month reports are due.
const DefaultSweepDueDay = 10

// Month is a sweep period, "2027-01".
type Month string

// MonthOf returns the month of d.
func MonthOf(d roster.Date) Month { return Month(roster.MonthOf(d).String()) }

// ParseMonth checks YYYY-MM and returns the month's first day.
func ParseMonth(s string) (roster.Date, error) {
	m, err := roster.ParseMonth(s)
	if err != nil {
		return 0, refuse("month", "月份应为 YYYY-MM，如 2027-01")
	}
	return m.First(), nil
}

// Risk of a finding.
type Risk string

const (
	RiskHigh   Risk = "高"
	RiskMedium Risk = "中"
	RiskLow    Risk = "低"
)

// Risks lists risk levels, highest first.
var Risks = []Risk{RiskHigh, RiskMedium, RiskLow}

// Valid reports whether r is a known level.
func (r Risk) Valid() bool { return r == RiskHigh || r == RiskMedium || r == RiskLow }

// TaskStatus is where a unit's report stands.
type TaskStatus string

const (
	TaskOpen  TaskStatus = "open"  // not filed yet
	TaskFiled TaskStatus = "filed" // filed with findings
	TaskNil   TaskStatus = "nil"   // 零报告
)

// Sweep is one month's 矛盾大排查.
type Sweep struct {
	Month  Month       `json:"month"`
	Opened roster.Date `json:"opened"`
	Due    roster.Date `json:"due"`
}

// Task is one unit's part of a sweep.
type Task struct {
	ID       int64       `json:"id"`
	Month    Month       `json:"month"`
	Township string      `json:"township"`
	Leader   string      `json:"leader,omitempty"` // linked by 四个一; empty when nobody is
	Due      roster.Date `json:"due"`
	Status   TaskStatus  `json:"status"`
	Filed    roster.Date `json:"filed,omitempty"`
	FiledBy  string      `json:"filed_by,omitempty"`
	Flagged  roster.Date `json:"flagged,omitempty"` // missing report flagged on
}

// Missing reports whether the report is missing on today: reports are
// flagged the day after the due day, not on it.
func (t Task) Missing(today roster.Date) bool { return t.Status == TaskOpen && today > t.Due }

// Finding is one dispute found in a sweep. Summaries carry no names.
type Finding struct {
	ID         int64    `json:"id"`
	Task       int64    `json:"task"`
	Summary    string   `json:"summary"`
	Category   Category `json:"category"`
	Village    string   `json:"village,omitempty"`
	Parties    int      `json:"parties"`
	Risk       Risk     `json:"risk"`
	Case       int64    `json:"case,omitempty"` // the case it became
	Resolved   bool     `json:"resolved"`
	RolledFrom int64    `json:"rolled_from,omitempty"` // the finding of last month it continues
}

var (
	mobileRe = regexp.MustCompile(`1[3-9]\d{9}`)
	idCardRe = regexp.MustCompile(`\d{17}[\dXx]`)
)

// Validate checks a finding. Names cannot be detected reliably, so staff are
// told the rule; phone and ID-card numbers are refused outright.
func (f *Finding) Validate() error {
	n := utf8.RuneCountInString(strings.TrimSpace(f.Summary))
	if n == 0 || n > 200 {
		return refuse("summary", "摘要不能为空，且不超过200字")
	}
	if mobileRe.MatchString(f.Summary) || idCardRe.MatchString(f.Summary) {
		return refuse("summary", "摘要中不得出现当事人姓名、电话或身份证号")
	}
	if !f.Category.Valid() {
		return refuse("category", "类别无效，应为：%s", joinCats())
	}
	if err := CheckCount("parties", f.Parties, 1, MaxCount); err != nil {
		return err
	}
	if !f.Risk.Valid() {
		return refuse("risk", "风险等级应为 高、中 或 低")
	}
	return nil
}

// Report is what a unit files: findings, or an explicit nil report.
type Report struct {
	Nil      bool      `json:"nil"`
	Findings []Finding `json:"findings"`
}

// Validate checks a report: a nil report has no findings, any other has some.
func (r *Report) Validate() error {
	if r.Nil && len(r.Findings) > 0 {
		return refuse("findings", "零报告不能包含排查发现")
	}
	if !r.Nil && len(r.Findings) == 0 {
		return refuse("findings", "没有排查发现时请提交零报告（nil: true）")
	}
	for i := range r.Findings {
		if err := r.Findings[i].Validate(); err != nil {
			rf := err.(*Refusal)
			return refuse(fmt.Sprintf("findings[%d].%s", i, rf.Field), "%s", rf.Msg)
		}
	}
	return nil
}

// File applies a report to the task. Filing twice is refused; a correction
// goes through staff editing the findings.
func (t *Task) File(r Report, on roster.Date, by string) error {
	if t.Status != TaskOpen {
		return refuse("state", "本月报告已于 %s 提交", t.Filed)
	}
	if err := r.Validate(); err != nil {
		return err
	}
	t.Status, t.Filed, t.FiledBy = TaskFiled, on, by
	if r.Nil {
		t.Status = TaskNil
	}
	return nil
}

// Unit is a township a sweep covers.
type Unit struct {
	ID   string
	Name string
}

// SweepDueDay returns the due day of month m's sweep: dueDay of the month
// (0 means the 10th, clipped to the month's end), moved to a working day.
func SweepDueDay(first roster.Date, dueDay int, cal roster.Calendar) roster.Date {
	if dueDay <= 0 {
		dueDay = DefaultSweepDueDay
	}
	d := first.AddDays(dueDay - 1)
	if d > first.MonthEnd() {
		d = first.MonthEnd()
	}
	return DueAfter(d, 0, cal)
}

// OpenSweep builds month's sweep: one task per township, assigned to the
// active leader linked to it (四个一), and the unresolved findings of earlier
// months rolled into the same township's task.
//
// A sweep opened late (a new installation, or a server down over the 1st)
// gives the units as many days as one opened on the 1st, so no report is
// overdue the moment it is asked for.
func OpenSweep(first roster.Date, townships []Unit, people []roster.Person, dueDay int, cal roster.Calendar, today roster.Date) (Sweep, []Task) {
	sw := Sweep{Month: MonthOf(first), Opened: today, Due: SweepDueDay(first, dueDay, cal)}
	if today > first {
		if dueDay <= 0 {
			dueDay = DefaultSweepDueDay
		}
		sw.Due = max(sw.Due, DueAfter(today.AddDays(dueDay-1), 0, cal))
	}
	var tasks []Task
	for _, u := range townships {
		t := Task{Month: sw.Month, Township: u.ID, Due: sw.Due, Status: TaskOpen}
		for _, p := range people {
			if p.Active && p.Links.Township == u.ID {
				t.Leader = p.ID
				break
			}
		}
		tasks = append(tasks, t)
	}
	return sw, tasks
}

// RollOver returns copies of the unresolved findings for next month's task of
// the same township, each pointing back to the one it continues.
func RollOver(unresolved []Finding, taskOf map[int64]string, newTask map[string]int64) []Finding {
	var out []Finding
	for _, f := range unresolved {
		if f.Resolved {
			continue
		}
		id, ok := newTask[taskOf[f.Task]]
		if !ok {
			continue
		}
		g := f
		g.ID, g.Task, g.RolledFrom = 0, id, f.ID
		out = append(out, g)
	}
	return out
}

// OverloadMargin is how many more open cases than the other leaders' average
// make a linked leader "well above the others" for a new key case.
const OverloadMargin = 3

// Choice is the 包保领导 picked for a key finding and why.
type Choice struct {
	Leader      string `json:"leader"`
	Explanation string `json:"explanation"`
}

// ChooseLeader picks the 包保领导 of a high-risk finding in township: the
// leader linked to it, unless their open-case load is well above the other
// eligible leaders' average, then the least-loaded eligible county leader
// (ties in list order). Eligible: active county-rank leaders.
func ChooseLeader(township string, people []roster.Person, load map[string]int) (Choice, error) {
	var eligible []roster.Person
	var linked *roster.Person
	for i, p := range people {
		if !p.Active || p.Rank != roster.RankCounty {
			continue
		}
		eligible = append(eligible, p)
		if p.Links.Township == township && linked == nil {
			linked = &people[i]
		}
	}
	if len(eligible) == 0 {
		return Choice{}, refuse("leader", "没有可以包保的县级领导")
	}
	least := eligible[0]
	for _, p := range eligible[1:] {
		if load[p.ID] < load[least.ID] {
			least = p
		}
	}
	if linked == nil {
		return Choice{Leader: least.ID, Explanation: fmt.Sprintf(
			"该乡镇没有挂点县领导，由在办案件最少的%s包保（在办 %d 件）", least.Name, load[least.ID])}, nil
	}
	others, sum := 0, 0
	for _, p := range eligible {
		if p.ID != linked.ID {
			others++
			sum += load[p.ID]
		}
	}
	// Compare in integers: load > average + margin  ⇔  load*others > sum + margin*others.
	if others > 0 && load[linked.ID]*others > sum+OverloadMargin*others && least.ID != linked.ID {
		avg := float64(sum) / float64(others)
		return Choice{Leader: least.ID, Explanation: fmt.Sprintf(
			"挂点领导%s在办 %d 件，明显高于其他领导平均 %.1f 件，改由在办最少的%s包保（在办 %d 件）",
			linked.Name, load[linked.ID], avg, least.Name, load[least.ID])}, nil
	}
	return Choice{Leader: linked.ID, Explanation: fmt.Sprintf(
		"由该乡镇挂点领导%s包保（四个一联系乡镇，在办 %d 件）", linked.Name, load[linked.ID])}, nil
}

// CaseFromFinding puts a high-risk finding under 包保 as a dispute (矛盾纠纷):
// not a petition, so no channel, no petitioner and no 受理告知 clock; its five
// 包 steps run from today. GroupSize holds the number of parties.
func CaseFromFinding(f Finding, t Task, code string, ch Choice, today roster.Date) Case {
	return Case{
		Kind: CaseDispute, Code: code, Title: "矛盾排查：" + truncate(f.Summary, 40), Category: f.Category, Township: t.Township,
		Received: today, Content: f.Summary, GroupSize: max(f.Parties, 1), Leader: ch.Leader, LeaderReason: ch.Explanation,
		State: StateAccepted, Accepted: today, Key: true, FromFinding: f.ID,
	}
}

// SameDispute reports whether finding f is about the dispute g was: one
// township's task (checked by the caller), the same category, village and
// summary, whitespace aside.
func SameDispute(f, g Finding) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(s), "") }
	return f.Category == g.Category && norm(f.Village) == norm(g.Village) && norm(f.Summary) == norm(g.Summary)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// MonthReport sums up one month's sweep.
type MonthReport struct {
	Month        Month            `json:"month"`
	Units        int              `json:"units"`
	Filed        int              `json:"filed"`
	NilReports   int              `json:"nil_reports"`
	Missing      []string         `json:"missing"` // township ids
	ByCategory   map[Category]int `json:"by_category"`
	ByRisk       map[Risk]int     `json:"by_risk"`
	Rolled       int              `json:"rolled"`
	CasesOpened  int              `json:"cases_opened"`
	OverdueCases int              `json:"overdue_cases"`
	Unassigned   []string         `json:"unassigned,omitempty"` // townships without a linked leader
}

// Summarise builds the monthly sweep report on today.
func Summarise(sw Sweep, tasks []Task, findings []Finding, cases []Case, today roster.Date, cal roster.Calendar) MonthReport {
	r := MonthReport{Month: sw.Month, Units: len(tasks), ByCategory: map[Category]int{}, ByRisk: map[Risk]int{}, Missing: []string{}}
	for _, t := range tasks {
		switch {
		case t.Status == TaskFiled:
			r.Filed++
		case t.Status == TaskNil:
			r.Filed++
			r.NilReports++
		case t.Missing(today):
			r.Missing = append(r.Missing, t.Township)
		}
		if t.Leader == "" {
			r.Unassigned = append(r.Unassigned, t.Township)
		}
	}
	for _, f := range findings {
		r.ByCategory[f.Category]++
		r.ByRisk[f.Risk]++
		if f.RolledFrom != 0 {
			r.Rolled++
		}
	}
	first, _ := ParseMonth(string(sw.Month))
	for _, c := range cases {
		if c.FromFinding != 0 && c.Received.Within(first, first.MonthEnd()) {
			r.CasesOpened++
		}
		if c.ClockOn(today, cal).Overdue {
			r.OverdueCases++
		}
	}
	sort.Strings(r.Missing)
	return r
}
