package visits

import (
	"errors"
	"strings"
	"testing"

	"zhiban/roster"
)

var d = roster.MustDate

// nationalDay2026 is the 2026 official schedule around National Day: 1–7
// October off, Sunday 20 September and Saturday 10 October make-up workdays.
func nationalDay2026() roster.Calendar {
	var days []roster.HolidayDay
	for i := 1; i <= 7; i++ {
		days = append(days, roster.HolidayDay{Date: roster.NewDate(2026, 10, i), Kind: roster.Off, Name: "国庆节"})
	}
	days = append(days, roster.HolidayDay{Date: d("2026-09-20"), Kind: roster.Work}, roster.HolidayDay{Date: d("2026-10-10"), Kind: roster.Work})
	return roster.NewCalendar(days)
}

func TestDueAfter(t *testing.T) {
	t.Parallel()
	cal := nationalDay2026()
	for _, tc := range []struct {
		name  string
		start string
		n     int
		want  string
	}{
		{"60 days landing on National Day move to the first working day", "2026-08-02", 60, "2026-10-08"},
		{"first day not counted", "2026-03-02", 15, "2026-03-17"},
		{"Saturday moves to Monday", "2026-03-06", 15, "2026-03-23"},
		{"a make-up Saturday is a working day", "2026-09-25", 15, "2026-10-10"},
		{"holidays inside the period still count", "2026-09-28", 15, "2026-10-13"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DueAfter(d(tc.start), tc.n, cal); got != d(tc.want) {
				t.Fatalf("DueAfter(%s, %d) = %s, want %s", tc.start, tc.n, got, tc.want)
			}
		})
	}
}

// later is a "today" after every act the tests record.
var later = d("2027-12-31")

func acceptedCase(cal roster.Calendar) *Case {
	c := &Case{Code: "2026-0001", Title: "征地补偿", Category: "征地拆迁", Township: "t01", Received: d("2026-07-27"),
		Channel: "来访", Petitioner: Petitioner{Name: "张三丰", Phone: "13912345678"}, GroupSize: 1, State: StateReceived}
	if err := c.Apply(ActAccept, d("2026-08-02"), later, cal); err != nil {
		panic(err)
	}
	return c
}

func TestHandlingDeadlineAndAlerts(t *testing.T) {
	t.Parallel()
	cal := nationalDay2026()
	c := acceptedCase(cal)
	next, ok := c.NextDeadline(cal)
	if !ok || next.Kind != DeadlineHandling || next.Due != d("2026-10-08") || !strings.Contains(next.Article, "第三十四条") {
		t.Fatalf("next deadline %+v", next)
	}
	// The period runs 2026-08-02 → 2026-10-08, 67 days: 75% is day 51, 90% day 61.
	for _, tc := range []struct {
		today string
		want  Alert
	}{{"2026-09-21", AlertNone}, {"2026-09-22", Alert75}, {"2026-10-02", Alert90}, {"2026-10-08", Alert90}, {"2026-10-09", AlertOverdue}} {
		clk := c.ClockOn(d(tc.today), cal)
		if clk.Alert != tc.want {
			t.Errorf("%s: alert %q, want %q", tc.today, clk.Alert, tc.want)
		}
		if clk.Overdue != (tc.want == AlertOverdue) {
			t.Errorf("%s: overdue %v", tc.today, clk.Overdue)
		}
	}
	if got := c.ClockOn(d("2026-10-01"), cal).DaysLeft; got != 7 {
		t.Errorf("days left %d, want 7", got)
	}
}

func TestExtensionOnceOnly(t *testing.T) {
	t.Parallel()
	cal := nationalDay2026()
	c := acceptedCase(cal)
	if err := c.Extend(31, "需要鉴定", d("2026-09-01"), cal); err == nil || err.(*Refusal).Field != "days" {
		t.Fatalf("31 days accepted: %v", err)
	}
	if err := c.Extend(10, " ", d("2026-09-01"), cal); err == nil || err.(*Refusal).Field != "reason" {
		t.Fatalf("no reason accepted: %v", err)
	}
	if err := c.Extend(30, "需要司法鉴定", d("2026-09-01"), cal); err != nil {
		t.Fatal(err)
	}
	next, _ := c.NextDeadline(cal)
	if next.Due != d("2026-11-02") { // strictly from day 60: 10-01 + 30 = 10-31 (Saturday) → Monday 11-02
		t.Fatalf("extended due %s", next.Due)
	}
	if err := c.Extend(5, "再次延期", d("2026-09-02"), cal); err == nil || !strings.Contains(err.Error(), "只能延长一次") {
		t.Fatalf("second extension: %v", err)
	}
}

func TestCaseStateRefusals(t *testing.T) {
	t.Parallel()
	cal := nationalDay2026()
	c := acceptedCase(cal)
	if err := c.Apply(ActClose, d("2026-08-10"), later, cal); err == nil {
		t.Fatal("closed an accepted case with no handling milestone")
	}
	if err := c.Apply(ActReply, d("2026-08-10"), later, cal); err == nil || !strings.Contains(err.Error(), "包调查") {
		t.Fatalf("replied without investigation: %v", err)
	}
	if err := c.Milestone(DutyHandle, d("2026-08-05"), later, ""); err == nil {
		t.Fatal("handled before investigating")
	}
	if err := c.Milestone(DutyInvestigate, d("2026-08-05"), later, "现场核查"); err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(ActReply, d("2026-08-20"), later, cal); err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(ActClose, d("2026-08-25"), later, cal); err == nil || !strings.Contains(err.Error(), "包处理") {
		t.Fatalf("closed with no handling milestone: %v", err)
	}
	if err := c.Milestone(DutyHandle, d("2026-08-20"), later, ""); err != nil {
		t.Fatal(err)
	}
	if err := c.Milestone(DutyClose, d("2026-08-20"), later, ""); err == nil {
		t.Fatal("recorded 包结案 by hand")
	}
	if err := c.Apply(ActReview, d("2026-10-30"), later, cal); err == nil || !strings.Contains(err.Error(), "第三十五条") {
		t.Fatalf("late review request: %v", err)
	}
	if err := c.Apply(ActClose, d("2026-09-25"), later, cal); err != nil {
		t.Fatal(err)
	}
	if !c.Has(DutyClose) || c.State.Open() {
		t.Fatalf("closed case %+v", c)
	}
	if _, ok := c.NextDeadline(cal); ok {
		t.Fatal("closed case still has a running deadline")
	}
	if err := c.Apply(ActAccept, d("2026-09-26"), later, cal); err == nil {
		t.Fatal("accepted a closed case")
	}
	var r *Refusal
	if err := c.Apply("explode", d("2026-09-26"), later, cal); !errors.As(err, &r) || r.Field != "action" {
		t.Fatalf("unknown action: %v", err)
	}
}

func TestReviewAndRecheckClocks(t *testing.T) {
	t.Parallel()
	cal := roster.NewCalendar()
	c := acceptedCase(cal)
	c.Milestone(DutyInvestigate, d("2026-08-03"), later, "")
	steps := []struct {
		act  Transition
		on   string
		next DeadlineKind
	}{{ActReply, "2026-08-10", ""}, {ActReview, "2026-08-20", DeadlineReview}, {ActReviewed, "2026-09-01", ""}, {ActRecheck, "2026-09-10", DeadlineRecheck}}
	for _, s := range steps {
		if err := c.Apply(s.act, d(s.on), later, cal); err != nil {
			t.Fatalf("%s: %v", s.act, err)
		}
		next, ok := c.NextDeadline(cal)
		if s.next == "" && ok || s.next != "" && next.Kind != s.next {
			t.Fatalf("after %s next is %+v", s.act, next)
		}
	}
	next, _ := c.NextDeadline(cal)
	if next.Due != d("2026-10-12") || !strings.Contains(next.Article, "第三十六条") { // 09-10 + 30 = 10-10 (Sat) → Mon 10-12
		t.Fatalf("recheck deadline %+v", next)
	}
}

func TestParseCode(t *testing.T) {
	t.Parallel()
	for s, ok := range map[string]bool{"2027-0042": true, "2027-42": false, "27-0042": false, "2027-0000": false, "2027_0042": false, "２０２７-0042": false} {
		if _, _, err := ParseCode(s); (err == nil) != ok {
			t.Errorf("ParseCode(%q) err=%v", s, err)
		}
	}
}

func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"2027-0042", "", "-", "2027-", "9999-999999", "2027-00x1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		y, n, err := ParseCode(s)
		if err != nil {
			// The message is fixed text: it never echoes what was typed.
			if msg := err.Error(); msg != "code: 案件编号应为“年份-序号”，如 2027-0042" && msg != "code: 案件编号的年份或序号超出范围" {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if FormatCode(y, n) != s && len(s) == 9 {
			t.Fatalf("round trip %q → %q", s, FormatCode(y, n))
		}
	})
}

func visitAt(id int64, leader, date string, s, e int) Visit {
	return Visit{ID: id, Kind: KindInvite, Leader: leader, Date: d(date), Start: roster.Clock(s * 60), End: roster.Clock(e * 60),
		Place: "接待中心", Cases: []int64{1}, State: VisitPlanned}
}

func TestConflicts(t *testing.T) {
	t.Parallel()
	b := Busy{
		Duties:   []OnDuty{{Person: "L01", Date: d("2026-12-01"), Start: 8*60 + 30, End: 17*60 + 30, Role: "值班领导", Place: "县群众来访接待中心"}},
		Absences: []roster.Absence{{ID: 7, Person: "L02", From: d("2026-12-01"), To: d("2026-12-03"), Kind: roster.Trip}},
		Visits:   []Visit{visitAt(9, "L03", "2026-12-01", 9, 11), {ID: 10, Kind: KindCarry, Leader: "L03", Date: d("2026-12-01"), Start: 14 * 60, End: 16 * 60, State: VisitCancelled}},
	}
	for _, tc := range []struct {
		name string
		v    Visit
		want string
	}{
		{"on duty elsewhere", visitAt(0, "L01", "2026-12-01", 9, 10), "duty"},
		{"absent", visitAt(0, "L02", "2026-12-02", 9, 10), "absence"},
		{"overlapping visit", visitAt(0, "L03", "2026-12-01", 10, 12), "visit"},
		{"back to back is fine", visitAt(0, "L03", "2026-12-01", 11, 12), ""},
		{"cancelled visits hold no time", visitAt(0, "L03", "2026-12-01", 14, 15), ""},
		{"the visit itself is not a conflict", visitAt(9, "L03", "2026-12-01", 9, 11), ""},
		{"open reception is the duty", Visit{Kind: KindOpen, Leader: "L01", Date: d("2026-12-01"), Start: 8*60 + 30, End: 17*60 + 30}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs := Conflicts(tc.v, b)
			if tc.want == "" && len(cs) > 0 || tc.want != "" && (len(cs) != 1 || cs[0].Kind != tc.want) {
				t.Fatalf("conflicts %+v, want %q", cs, tc.want)
			}
		})
	}
}

func TestVisitLifecycle(t *testing.T) {
	t.Parallel()
	v := visitAt(1, "L01", "2026-12-01", 9, 10)
	if err := v.Record(Outcome{State: VisitDone}, d("2026-11-30")); err == nil {
		t.Fatal("recorded an outcome before the day")
	}
	if err := v.Reschedule(d("2026-12-02"), 9*60, 10*60, "领导临时会议", "staff"); err != nil {
		t.Fatal(err)
	}
	if len(v.History) != 1 || v.History[0].FromDate != d("2026-12-01") || v.State != VisitPlanned {
		t.Fatalf("history %+v", v.History)
	}
	if err := v.Confirm(); err != nil {
		t.Fatal(err)
	}
	if err := v.Confirm(); err == nil {
		t.Fatal("confirmed twice")
	}
	r := Visit{Kind: KindReturn, Leader: "L01", Date: d("2026-12-01"), Start: 9 * 60, End: 10 * 60, Place: "x", Cases: []int64{1}, State: VisitPlanned}
	if err := r.Record(Outcome{State: VisitDone}, d("2026-12-01")); err == nil || err.(*Refusal).Field != "satisfaction" {
		t.Fatalf("return visit without satisfaction: %v", err)
	}
	if err := r.Record(Outcome{State: VisitDone, Satisfaction: Dissatisfied}, d("2026-12-01")); err != nil || !r.Dissatisfied() {
		t.Fatalf("dissatisfied: %v %v", err, r.Dissatisfied())
	}
	if err := r.Cancel("x"); err == nil {
		t.Fatal("cancelled a done visit")
	}
}

func TestPlanCarryVisitsChoosesFreeDaysOnly(t *testing.T) {
	t.Parallel()
	cal := roster.NewCalendar([]roster.HolidayDay{{Date: d("2027-01-01"), Kind: roster.Off}})
	people := []roster.Person{
		{ID: "L01", Active: true, Rank: roster.RankCounty, Links: roster.Links{Township: "t01"}},
		{ID: "L02", Active: true, Rank: roster.RankCounty, Links: roster.Links{Township: "t02"}},
		{ID: "L03", Active: true, Rank: roster.RankCounty, Links: roster.Links{Township: "t03"}},
	}
	cases := []Case{{ID: 1, Township: "t01", State: StateAccepted}, {ID: 2, Township: "t02", State: StateAccepted}, {ID: 3, Township: "t03", State: StateClosed}}
	var duties []OnDuty
	for i := 1; i <= 8; i++ {
		duties = append(duties, OnDuty{Person: "L01", Date: roster.NewDate(2027, 1, i)})
	}
	busy := Busy{Duties: duties, Absences: []roster.Absence{{Person: "L02", From: d("2027-01-01"), To: d("2027-01-20")}}}
	in := PlanInput{From: d("2027-01-01"), To: d("2027-01-31"), People: people, Cases: cases, Calendar: cal, Busy: busy}
	ps := PlanCarryVisits(in)
	if len(ps) != 2 {
		t.Fatalf("proposals %+v", ps)
	}
	for _, p := range ps {
		v := p.Visit
		if p.Reason != "" || !Free(v.Leader, v.Date, cal, busy) {
			t.Fatalf("%s proposed on %s, not a free day", v.Leader, v.Date)
		}
		if v.Kind != KindCarry || len(v.Cases) != 1 {
			t.Fatalf("visit %+v", v)
		}
	}
	if ps[0].Visit.Date != d("2027-01-11") || ps[1].Visit.Date != d("2027-01-21") {
		t.Fatalf("days %s %s", ps[0].Visit.Date, ps[1].Visit.Date)
	}
	// A rerun with the proposals stored adds nothing.
	for _, p := range ps {
		in.Busy.Visits = append(in.Busy.Visits, p.Visit)
	}
	if again := PlanCarryVisits(in); len(again) != 0 {
		t.Fatalf("rerun proposed %+v", again)
	}
}

func TestReturnVisitOnOpinionServed(t *testing.T) {
	t.Parallel()
	cal := nationalDay2026()
	c := acceptedCase(cal)
	c.ID, c.Leader = 5, "L04"
	c.Milestone(DutyInvestigate, d("2026-08-05"), later, "")
	if _, err := PlanReturnVisit(*c, cal, Busy{}, 0, d("2026-09-29")); err == nil {
		t.Fatal("return visit before the opinion is served")
	}
	c.Apply(ActReply, d("2026-09-29"), later, cal)
	busy := Busy{Duties: []OnDuty{{Person: "L04", Date: d("2026-09-30")}}}
	v, err := PlanReturnVisit(*c, cal, busy, 0, d("2026-09-29"))
	if err != nil {
		t.Fatal(err)
	}
	// 30 Sept on duty, 1–7 Oct National Day: the first free working day is 8 Oct.
	if v.Date != d("2026-10-08") || v.Kind != KindReturn || v.Leader != "L04" || v.Cases[0] != 5 {
		t.Fatalf("return visit %+v", v)
	}
	if v.Date > c.Replied.AddDays(ReturnWindowDays) {
		t.Fatal("outside the window")
	}
}

func TestChooseLeader(t *testing.T) {
	t.Parallel()
	people := []roster.Person{
		{ID: "L01", Name: "甲", Active: true, Rank: roster.RankCounty, Links: roster.Links{Township: "t01"}},
		{ID: "L02", Name: "乙", Active: true, Rank: roster.RankCounty, Links: roster.Links{Township: "t02"}},
		{ID: "L03", Name: "丙", Active: true, Rank: roster.RankCounty, Links: roster.Links{Township: "t03"}},
		{ID: "D01", Name: "丁", Active: true, Rank: roster.RankDepartment},
		{ID: "L04", Name: "戊", Active: false, Rank: roster.RankCounty},
	}
	for _, tc := range []struct {
		name     string
		township string
		load     map[string]int
		want     string
		explain  string
	}{
		{"linked leader", "t01", map[string]int{"L01": 2, "L02": 1, "L03": 0}, "L01", "挂点领导"},
		{"linked leader slightly above stays", "t01", map[string]int{"L01": 4, "L02": 1, "L03": 1}, "L01", "挂点领导"},
		{"linked leader well above: least loaded", "t01", map[string]int{"L01": 6, "L02": 2, "L03": 1}, "L03", "明显高于"},
		{"no linked leader: least loaded, first on ties", "t09", map[string]int{"L01": 1, "L02": 0, "L03": 0}, "L02", "没有挂点"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := ChooseLeader(tc.township, people, tc.load)
			if err != nil || ch.Leader != tc.want || !strings.Contains(ch.Explanation, tc.explain) {
				t.Fatalf("%+v %v", ch, err)
			}
		})
	}
}

func TestSweepOpenAndReports(t *testing.T) {
	t.Parallel()
	cal := roster.NewCalendar()
	people := []roster.Person{{ID: "L01", Active: true, Links: roster.Links{Township: "t01"}}}
	sw, tasks := OpenSweep(d("2027-01-01"), []Unit{{ID: "t01"}, {ID: "t02"}}, people, 0, cal, d("2027-01-01"))
	if sw.Month != "2027-01" || sw.Due != d("2027-01-11") { // the 10th is a Sunday
		t.Fatalf("sweep %+v", sw)
	}
	if len(tasks) != 2 || tasks[0].Leader != "L01" || tasks[1].Leader != "" {
		t.Fatalf("tasks %+v", tasks)
	}
	if tasks[0].Missing(d("2027-01-11")) || !tasks[0].Missing(d("2027-01-12")) {
		t.Fatal("missing must be flagged the day after the due day")
	}
	bad := Report{Findings: []Finding{{Summary: "村民13912345678反映", Category: "劳资", Parties: 2, Risk: RiskLow}}}
	if err := tasks[0].File(bad, d("2027-01-05"), "t"); err == nil || !strings.Contains(err.Error(), "findings[0].summary") {
		t.Fatalf("phone in summary: %v", err)
	}
	if err := tasks[0].File(Report{}, d("2027-01-05"), "t"); err == nil {
		t.Fatal("empty non-nil report accepted")
	}
	if err := tasks[0].File(Report{Nil: true}, d("2027-01-05"), "t"); err != nil || tasks[0].Status != TaskNil {
		t.Fatal(err)
	}
	if err := tasks[0].File(Report{Nil: true}, d("2027-01-06"), "t"); err == nil {
		t.Fatal("filed twice")
	}
	rolled := RollOver([]Finding{{ID: 4, Task: 1, Summary: "x", Resolved: false}, {ID: 5, Task: 1, Resolved: true}},
		map[int64]string{1: "t01"}, map[string]int64{"t01": 11})
	if len(rolled) != 1 || rolled[0].Task != 11 || rolled[0].RolledFrom != 4 || rolled[0].ID != 0 {
		t.Fatalf("rolled %+v", rolled)
	}
	rep := Summarise(sw, tasks, rolled, nil, d("2027-01-12"), cal)
	if rep.Filed != 1 || rep.NilReports != 1 || len(rep.Missing) != 1 || rep.Missing[0] != "t02" || rep.Rolled != 1 {
		t.Fatalf("report %+v", rep)
	}
}

func TestSweepOpenedLateGivesTheFullTime(t *testing.T) {
	cal := roster.NewCalendar()
	sw, tasks := OpenSweep(d("2026-11-01"), []Unit{{ID: "t01"}}, nil, 10, cal, d("2026-11-28"))
	// Opened on Saturday the 28th: ten days from the opening, the 7th of December (a Monday).
	if sw.Due != d("2026-12-07") || tasks[0].Due != sw.Due {
		t.Fatalf("late sweep due %s, task due %s", sw.Due, tasks[0].Due)
	}
	if sw, _ := OpenSweep(d("2026-12-01"), nil, nil, 10, cal, d("2026-12-01")); sw.Due != d("2026-12-10") {
		t.Fatalf("on-time sweep due %s", sw.Due)
	}
}
