package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

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
	if code != 0 || !strings.Contains(out, "硬约束违反 0") {
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
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	file := writeFile(t, dir, "county.yaml", county.DemoYAML())
	if code, _, errs := zhiban(t, "import", file, "--db", db); code != 0 {
		t.Fatal(errs)
	}
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
}
