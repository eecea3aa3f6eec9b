package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhiban/county"
	"zhiban/roster"
)

func TestPlanDryRunJSON(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "county.yaml", county.DemoYAML())
	code, out, errs := zhiban(t, "plan", "--data", file, "--from", "2027-01-01", "--to", "2027-03-31")
	if code != 0 {
		t.Fatalf("plan: %d %s", code, errs)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"assignments", "unfilled", "metrics", "changed"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("plan JSON lacks %q", k)
		}
	}
	var p roster.Plan
	json.Unmarshal([]byte(out), &p)
	if len(p.Assignments) == 0 || p.Metrics.HardViolations != 0 {
		t.Fatalf("plan: %d assignments, %d violations", len(p.Assignments), p.Metrics.HardViolations)
	}
	for _, a := range p.Assignments {
		if a.Date == roster.MustDate("2027-01-01") {
			t.Fatalf("duty on New Year's Day: %+v", a)
		}
	}

	// Regenerating with the same data and the old plan as --previous changes nothing;
	// everything before --freeze-before is kept as it was.
	prev := writeFile(t, dir, "prev.json", []byte(out))
	code, out2, errs := zhiban(t, "plan", "--data", file, "--from", "2027-01-01", "--to", "2027-03-31",
		"--previous", prev, "--freeze-before", "2027-02-01")
	if code != 0 {
		t.Fatalf("replan: %d %s", code, errs)
	}
	var p2 roster.Plan
	json.Unmarshal([]byte(out2), &p2)
	if p2.Changed != 0 || len(p2.Assignments) != len(p.Assignments) {
		t.Fatalf("replan changed %d slots (%d vs %d assignments)", p2.Changed, len(p2.Assignments), len(p.Assignments))
	}
}

func TestPlanTableAndErrors(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "county.yaml", county.DemoYAML())
	code, out, _ := zhiban(t, "plan", "--data", file, "--from", "2027-01-01", "--to", "2027-01-31", "--format", "table")
	if code != 0 || !strings.Contains(out, "硬约束违反 0") || !strings.Contains(out, "李志远") {
		t.Fatalf("table: %d %s", code, out)
	}
	for _, args := range [][]string{
		{"plan", "--data", file, "--from", "2027-02-30", "--to", "2027-03-01"},
		{"plan", "--data", file, "--from", "2027-03-01", "--to", "2027-02-01"},
		{"plan", "--data", filepath.Join(dir, "missing.yaml"), "--from", "2027-01-01", "--to", "2027-01-02"},
		{"plan", "--data", file, "--from", "2027-01-01", "--to", "2027-01-02", "--format", "xml"},
	} {
		if code, _, errs := zhiban(t, args...); code == 0 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

func TestGenerateAndRosterShow(t *testing.T) {
	db := demoDB(t)
	code, out, errs := zhiban(t, "generate", "--db", db, "--from", "2027-05-01", "--to", "2027-05-31")
	if code != 0 || !strings.Contains(out, "写入") {
		t.Fatalf("generate: %d %s %s", code, out, errs)
	}
	code, out, _ = zhiban(t, "roster", "show", "--db", db, "--from", "2027-05-01", "--to", "2027-05-31", "--format", "json")
	var p roster.Plan
	if code != 0 || json.Unmarshal([]byte(out), &p) != nil || len(p.Assignments) == 0 {
		t.Fatalf("roster show: %d %s", code, out)
	}
	if p.Metrics.HardViolations != 0 {
		t.Fatalf("stored roster has %d violations", p.Metrics.HardViolations)
	}
	// Days never generated are listed as unfilled, as many as the metrics count.
	code, out, _ = zhiban(t, "roster", "show", "--db", db, "--from", "2027-05-31", "--to", "2027-06-01", "--format", "json")
	p = roster.Plan{}
	if code != 0 || json.Unmarshal([]byte(out), &p) != nil {
		t.Fatalf("roster show: %d %s", code, out)
	}
	if len(p.Unfilled) != 2 || p.Metrics.Unfilled != 2 || p.Unfilled[0].Date != roster.MustDate("2027-06-01") || p.Unfilled[0].Reason != "未排班" {
		t.Fatalf("unfilled %+v, metrics.unfilled %d", p.Unfilled, p.Metrics.Unfilled)
	}
}

// A --previous file naming someone or something the county does not know is
// refused with the entry and field, never silently kept or counted.
func TestPlanPreviousValidated(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := writeFile(t, dir, "county.yaml", county.DemoYAML())
	entry := func(date, role, person string) string {
		return `{"roster":"county-duty","date":"` + date + `","role":"` + role + `","person":"` + person + `"}`
	}
	ok := []string{entry("2027-01-04", "值班领导", "L01"), entry("2027-01-04", "跟班领导", "D01"), entry("2027-01-05", "值班领导", "L02")}
	tests := []struct {
		name  string
		extra string
		want  string
	}{
		{"valid", "", ""},
		{"unknown person", entry("2027-01-05", "跟班领导", "X99"), `assignments[3].person: 未知人员 "X99"`},
		{"unknown roster", `{"roster":"night","date":"2027-01-05","role":"值班领导","person":"L01"}`, `assignments[3].roster: 未知值班表 "night"`},
		{"unknown role", entry("2027-01-05", "带班领导", "D02"), `assignments[3].role: 值班表 "county-duty" 没有岗位 "带班领导"`},
		{"same slot twice", entry("2027-01-04", "值班领导", "L03"), `assignments[3]: 与 assignments[0] 是同一班次`},
		{"no person", entry("2027-01-05", "跟班领导", ""), `assignments[3].person: 缺少人员`},
		{"no date", `{"roster":"county-duty","role":"跟班领导","person":"D02"}`, `assignments[3].date: 缺少日期`},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			as := append([]string{}, ok...)
			if tc.extra != "" {
				as = append(as, tc.extra)
			}
			prev := writeFile(t, dir, fmt.Sprintf("prev%d.json", i), []byte(`{"assignments":[`+strings.Join(as, ",")+`]}`))
			code, _, errs := zhiban(t, "plan", "--data", file, "--from", "2027-01-01", "--to", "2027-01-31", "--previous", prev)
			if tc.want == "" {
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errs)
				}
				return
			}
			if code != 1 || !strings.Contains(errs, prev+": "+tc.want) {
				t.Fatalf("exit %d, stderr %q, want %q", code, errs, tc.want)
			}
		})
	}
}

func TestPlanFreezeNeedsPrevious(t *testing.T) {
	t.Parallel()
	file := writeFile(t, t.TempDir(), "county.yaml", county.DemoYAML())
	code, _, errs := zhiban(t, "plan", "--data", file, "--from", "2027-01-01", "--to", "2027-01-31", "--freeze-before", "2027-01-10")
	if code == 0 || !strings.Contains(errs, "--freeze-before 需要与 --previous 一起使用") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
}

// generate never fills days before today: --from is moved to today, with a note.
func TestGenerateStartsToday(t *testing.T) {
	t.Parallel()
	db := demoDB(t)
	// The default zone, Asia/Shanghai, is never behind UTC: its today is at least this.
	today := roster.DateOf(time.Now().UTC())
	from, to := today.AddDays(-20), today.AddDays(20)
	code, _, errs := zhiban(t, "generate", "--db", db, "--from", from.String(), "--to", to.String())
	if code != 0 || !strings.Contains(errs, "过去的日期不补排") {
		t.Fatalf("generate: %d %s", code, errs)
	}
	code, out, _ := zhiban(t, "roster", "show", "--db", db, "--from", from.String(), "--to", to.String(), "--format", "json")
	var p roster.Plan
	if code != 0 || json.Unmarshal([]byte(out), &p) != nil || len(p.Assignments) == 0 {
		t.Fatalf("roster show: %d %s", code, out)
	}
	for _, a := range p.Assignments {
		if a.Date < today {
			t.Fatalf("slot filled in the past: %+v", a)
		}
	}
	if code, _, errs := zhiban(t, "generate", "--db", db, "--from", from.String(), "--to", today.AddDays(-2).String()); code != 1 || !strings.Contains(errs, "过去的日期不补排") {
		t.Fatalf("past range: %d %s", code, errs)
	}
}

// Table views name people and mark manual and pinned slots; every roster
// command accepts only json and table.
func TestRosterTablesNameAndMark(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := demoDB(t)
	if code, out, errs := zhiban(t, "generate", "--db", db, "--from", "2027-05-01", "--to", "2027-05-31"); code != 0 || !strings.Contains(out, "人员") {
		t.Fatalf("generate: %d %s %s", code, out, errs)
	}
	st := openDB(t, db)
	day := roster.MustDate("2027-05-10")
	edit := roster.Assignment{Roster: "county-duty", Date: day, Role: "值班领导", Person: "L01"}
	pin := roster.Assignment{Roster: "county-duty", Date: day, Role: "跟班领导", Person: "D01", Pinned: true}
	for _, a := range []roster.Assignment{edit, pin} {
		cur, err := st.Assignment(ctx, a.Key())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetAssignment(ctx, a, cur.Version, "staff"); err != nil {
			t.Fatal(err)
		}
	}

	code, out, errs := zhiban(t, "roster", "show", "--db", db, "--from", "2027-05-10", "--to", "2027-05-10", "--format", "table")
	if code != 0 {
		t.Fatalf("roster show: %d %s", code, errs)
	}
	lines := strings.Split(out, "\n")
	tests := []struct{ role, want string }{
		{"值班领导", "李志远  手动"},
		{"跟班领导", "林振华  手动　📌 固定"},
	}
	for _, tc := range tests {
		found := false
		for _, l := range lines {
			if strings.Contains(l, tc.role) && strings.HasSuffix(l, tc.want) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s line ending %q in:\n%s", tc.role, tc.want, out)
		}
	}
	if strings.Contains(out, " L01") || strings.Contains(out, " D01") {
		t.Errorf("table shows ids for known people:\n%s", out)
	}

	for _, args := range [][]string{
		{"roster", "show", "--db", db, "--from", "2027-05-01", "--to", "2027-05-31", "--format", "xml"},
		{"generate", "--db", db, "--from", "2027-05-01", "--to", "2027-05-31", "--format", "xml"},
	} {
		if code, _, errs := zhiban(t, args...); code != 1 || !strings.Contains(errs, "--format 应为 json 或 table") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

// plan warns on stderr of a year without official holiday data; the JSON stays clean.
func TestPlanWarnsWithoutOfficialCalendar(t *testing.T) {
	t.Parallel()
	file := writeFile(t, t.TempDir(), "county.yaml", county.DemoYAML())
	tests := []struct {
		from, to string
		warn     bool
	}{
		{"2027-03-01", "2027-03-07", false},
		{"2030-03-01", "2030-03-07", true},
	}
	for _, tc := range tests {
		code, out, errs := zhiban(t, "plan", "--data", file, "--from", tc.from, "--to", tc.to)
		var p roster.Plan
		if code != 0 || json.Unmarshal([]byte(out), &p) != nil {
			t.Fatalf("%s: exit %d, %s", tc.from, code, errs)
		}
		if got := strings.Contains(errs, tc.from[:4]+" 年没有官方节假日数据"); got != tc.warn {
			t.Errorf("%s: stderr %q, want warning %v", tc.from, errs, tc.warn)
		}
	}
}

// bench roster reports the county-year, the regeneration figure and the province.
func TestBenchRosterReports(t *testing.T) {
	t.Parallel()
	code, out, errs := zhiban(t, "bench", "roster", "--counties", "2", "--from", "2027-01-01", "--to", "2027-03-31")
	if code != 0 {
		t.Fatalf("bench: %d %s", code, errs)
	}
	for _, want := range []string{"一县一年", "失效班次", "超出失效的变动", "差距最多超出下界", "全省 2 个县"} {
		if !strings.Contains(out, want) {
			t.Errorf("bench output lacks %q:\n%s", want, out)
		}
	}
}

// zhiban plan marks duties on the built-in, unconfirmed 2027 calendar 暂定 and
// says why; 2026's confirmed 调休上班 days carry no 暂定.
func TestPlanSaysProvisional(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := writeFile(t, dir, "county.yaml", county.DemoYAML())
	code, out, errs := zhiban(t, "plan", "--data", file, "--from", "2027-01-25", "--to", "2027-02-20", "--format", "table")
	if code != 0 {
		t.Fatalf("plan: %d %s", code, errs)
	}
	if !strings.Contains(out, "2027-01-31  周日") || !strings.Contains(out, "调休上班（暂定）") ||
		!strings.Contains(out, "注意：2027 年节假日和调休安排为系统内置的暂定版本") {
		t.Errorf("table does not mark the provisional 调休上班 2027-01-31:\n%s", out)
	}
	if strings.Contains(errs, "暂定") {
		t.Errorf("the table's warning is repeated on stderr: %q", errs)
	}
	// JSON stays clean: the warning goes to stderr.
	if code, _, errs := zhiban(t, "plan", "--data", file, "--from", "2027-01-25", "--to", "2027-02-20"); code != 0 ||
		!strings.Contains(errs, "2027 年节假日和调休安排为系统内置的暂定版本") {
		t.Errorf("JSON plan: %d, stderr %q", code, errs)
	}
	code, out, errs = zhiban(t, "plan", "--data", file, "--from", "2026-09-01", "--to", "2026-10-31", "--format", "table")
	if code != 0 || !strings.Contains(out, "调休上班") || strings.Contains(out+errs, "暂定") {
		t.Errorf("2026 plan: %d\n%s\n%s", code, out, errs)
	}
}
