package service_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhiban/service"
	"zhiban/visits"
)

// seededFixture is the casework fixture with the demo cases, visits and sweeps.
func seededFixture(t *testing.T) *caseworkFixture {
	t.Helper()
	f := newCaseworkFixture(t)
	if err := f.svc.SeedDemo(context.Background(), service.Call{Actor: "demo", Now: f.call.Now}); err != nil {
		t.Fatal(err)
	}
	return f
}

func sheetRows(t *testing.T, b []byte, sheet string) [][]string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestCaseLedgerListsTheSelectedCasesByCode(t *testing.T) {
	t.Parallel()
	f := seededFixture(t)
	ctx := context.Background()
	today := f.svc.Today(f.call.Now)
	all, err := f.svc.ListCases(ctx, today, service.CaseQuery{})
	if err != nil {
		t.Fatal(err)
	}
	name, b, err := f.svc.CaseLedger(ctx, today, service.CaseQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if name != "信访事项台账-"+today.String()+".xlsx" {
		t.Errorf("name %q", name)
	}
	rows := sheetRows(t, b, "信访事项台账")
	if len(rows) != 3+len(all) || rows[2][0] != "编号" {
		t.Fatalf("%d rows for %d cases: %v", len(rows), len(all), rows[:3])
	}
	for i := 4; i < len(rows); i++ {
		if rows[i-1][0] > rows[i][0] {
			t.Errorf("not in code order: %s before %s", rows[i-1][0], rows[i][0])
		}
	}
	overdue := 0
	for _, r := range rows[3:] {
		if strings.Contains(strings.Join(r, "|"), "已超期") {
			overdue++
		}
	}
	if overdue == 0 {
		t.Error("no overdue case marked")
	}

	_, b, err = f.svc.CaseLedger(ctx, today, service.CaseQuery{Township: "t01", Overdue: true})
	if err != nil {
		t.Fatal(err)
	}
	rows = sheetRows(t, b, "信访事项台账")
	if !strings.Contains(rows[1][0], "仅超期") || !strings.Contains(rows[1][0], "乡镇：") {
		t.Errorf("subtitle %q does not name the filters", rows[1][0])
	}
	for _, r := range rows[3:] {
		if !strings.Contains(strings.Join(r, "|"), "已超期") {
			t.Errorf("a case that is not overdue: %v", r)
		}
	}
}

func TestSweepDetailAndReport(t *testing.T) {
	t.Parallel()
	f := seededFixture(t)
	ctx := context.Background()
	today := f.svc.Today(f.call.Now)
	month := visits.MonthOf(today)
	d, err := f.svc.SweepDetail(ctx, month, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.TaskLines) != len(d.Tasks) || len(d.FindingLines) != len(d.Findings) || len(d.ByRisk) != len(visits.Risks) {
		t.Fatalf("lines %d/%d tasks, %d/%d findings, %d risks", len(d.TaskLines), len(d.Tasks), len(d.FindingLines), len(d.Findings), len(d.ByRisk))
	}
	reported := 0
	for _, l := range d.TaskLines {
		if l.TownName == l.Township {
			t.Errorf("task of %s without a township name", l.Township)
		}
		if l.Reported() {
			reported++
			if l.StatusLabel != "已报送" && l.StatusLabel != "零报告" {
				t.Errorf("reported task labelled %q", l.StatusLabel)
			}
		}
	}
	if reported != d.Report.Filed {
		t.Errorf("%d tasks reported, the report says %d", reported, d.Report.Filed)
	}
	if !d.Prev.Exists || d.Next.Exists {
		t.Errorf("last month's sweep %+v, next month's %+v", d.Prev, d.Next)
	}

	prev, err := f.svc.SweepDetail(ctx, d.Prev.Month, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(prev.MissingNames) == 0 {
		t.Error("last month's sweep names no township that missed its report")
	}
	if len(d.Findings) > 0 {
		if m, err := f.svc.FindingMonth(ctx, d.Findings[0].ID); err != nil || m != month {
			t.Errorf("finding month %q: %v", m, err)
		}
	}
	name, b, err := f.svc.SweepReport(ctx, month, today)
	if err != nil {
		t.Fatal(err)
	}
	if name != "矛盾大排查-"+string(month)+".xlsx" {
		t.Errorf("name %q", name)
	}
	if units := sheetRows(t, b, "报送情况"); len(units) != 3+len(d.Tasks) {
		t.Errorf("units sheet: %d rows for %d tasks", len(units), len(d.Tasks))
	}
	if fs := sheetRows(t, b, "排查发现"); len(fs) != 3+len(d.Findings) {
		t.Errorf("findings sheet: %d rows for %d findings", len(fs), len(d.Findings))
	}
}

func TestFindingDisposal(t *testing.T) {
	for _, c := range []struct {
		f    service.FindingLine
		want string
	}{
		{service.FindingLine{}, "未处置"},
		{service.FindingLine{Finding: visits.Finding{Case: 3}, CaseCode: "2026-0003"}, "已转案件 2026-0003"},
		{service.FindingLine{Finding: visits.Finding{Resolved: true, RolledFrom: 2}}, "已化解（上月结转）"},
	} {
		if got := c.f.Disposal(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.f, got, c.want)
		}
	}
}

func TestCaseAndVisitLinesUseNames(t *testing.T) {
	t.Parallel()
	f := newCaseworkFixture(t)
	ctx := context.Background()
	today := f.svc.Today(f.call.Now)
	k := f.register(t, newCase())
	file, err := f.svc.ReadCase(ctx, today, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	n, err := f.svc.Names(ctx)
	if err != nil {
		t.Fatal(err)
	}
	file.Case.Milestones = []visits.Milestone{{Duty: visits.DutyInvestigate, On: today}, {Duty: visits.DutyHandle, On: today.AddDays(1)}}
	l := n.CaseLine(file.Case)
	if l.TownName == "t01" || l.TownName == "" || l.LeaderName == "L01" || l.StateLabel == "" {
		t.Errorf("names not looked up: %+v", l)
	}
	if !l.HasNext || l.NextLabel == "" || l.NextDue == 0 || l.NextDue != file.Case.Clock.Next.Due {
		t.Errorf("next deadline: %+v", l)
	}
	if want := "包调查 " + today.String() + "；包处理 " + today.AddDays(1).String(); l.MilestoneStr != want {
		t.Errorf("milestones %q, want %q", l.MilestoneStr, want)
	}
	v := n.VisitLine(visits.Visit{Kind: visits.KindInvite, State: visits.VisitPlanned, Leader: "L01"})
	if v.LeaderName == "L01" || v.TownName != "" || v.KindLabel != visits.KindInvite.Label() {
		t.Errorf("visit line %+v", v)
	}
	if n.Leader("") != "（未指定）" || n.Town("nowhere") != "nowhere" {
		t.Error("unknown ids are not shown as they are")
	}
}
