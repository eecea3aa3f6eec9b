package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"zhiban/store"
	"zhiban/visits"
)

func TestFlagsPage(t *testing.T) {
	f := newWorkFixture(t)
	ctx := context.Background()
	k := f.caseByCode(t, "2026-0900")
	sw, err := f.store.LatestSweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := f.store.SweepTasks(ctx, sw.Month)
	if err != nil || len(tasks) == 0 {
		t.Fatalf("tasks: %v", err)
	}
	fs, err := f.store.AddFindings(ctx, []visits.Finding{{Task: tasks[0].ID, Summary: "土地纠纷测试", Category: "征地拆迁", Parties: 2, Risk: visits.RiskHigh}}, "test")
	if err != nil {
		t.Fatal(err)
	}
	for _, fl := range []store.Flag{
		{Kind: "missing_report", Entity: "sweep_task", EntityID: fmt.Sprint(tasks[0].ID), On: f.today.AddDays(-2), Message: "逾期未报测试甲"},
		{Kind: "escalated", Entity: "finding", EntityID: fmt.Sprint(fs[0].ID), On: f.today.AddDays(-1), Message: "转案测试乙", Leader: "L02"},
		{Kind: "deadline", Entity: "case", EntityID: fmt.Sprint(k.ID), Level: "x", On: f.today, Message: "期限测试丙", Leader: "L02"},
	} {
		if _, err := f.store.Flag(ctx, fl); err != nil {
			t.Fatal(err)
		}
	}
	c := f.loggedIn(t, "viewer")
	code, body := c.get("/staff/flags")
	if code != http.StatusOK {
		t.Fatalf("flags page: %d", code)
	}
	mustContain(t, "flags", body, `href="/staff/flags" aria-current="page"`, "期限测试丙", "转案测试乙", "逾期未报测试甲",
		fmt.Sprintf(`href="/staff/cases/%d"`, k.ID), `href="/staff/sweeps/`+string(sw.Month)+`"`, "期限提醒", "高风险转案", "逾期未报")
	if a, b, c := strings.Index(body, "期限测试丙"), strings.Index(body, "转案测试乙"), strings.Index(body, "逾期未报测试甲"); !(a < b && b < c) {
		t.Error("flags not newest first")
	}
	_, body = c.get("/staff/flags?kind=deadline")
	mustContain(t, "deadline only", body, "期限测试丙", `<option value="deadline" selected>`)
	if strings.Contains(body, "转案测试乙") || strings.Contains(body, "逾期未报测试甲") {
		t.Error("the kind filter lets other kinds through")
	}
	_, body = c.get("/staff/flags?kind=escalated")
	mustContain(t, "escalated", body, "转案测试乙", `href="/staff/sweeps/`+string(sw.Month)+`"`)
	if code, _ := c.get("/staff/flags?kind=bogus"); code != http.StatusBadRequest {
		t.Errorf("unknown kind: %d", code)
	}
	// The nav links the page from every staff page.
	_, body = c.get("/staff/cases")
	mustContain(t, "nav", body, `href="/staff/flags"`)
}

// The sweep page links the months before and after; a month without a
// sweep is named but not linked.
func TestSweepMonthLinks(t *testing.T) {
	f := newWorkFixture(t)
	ctx := context.Background()
	all, err := f.store.LatestSweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := visits.ParseMonth(string(all.Month))
	prev, next := visits.MonthOf(first.AddDays(-1)), visits.MonthOf(first.MonthEnd().AddDays(1))
	c := f.loggedIn(t, "viewer")
	_, body := c.get("/staff/sweeps/" + string(all.Month))
	if _, err := f.store.Sweep(ctx, prev); err == nil {
		mustContain(t, "current sweep", body, `href="/staff/sweeps/`+string(prev)+`" rel="prev"`)
	} else {
		mustContain(t, "current sweep", body, string(prev)+"）未开展排查")
	}
	mustContain(t, "current sweep", body, "下月（"+string(next)+"）尚未开启")
	if strings.Contains(body, `href="/staff/sweeps/`+string(next)+`"`) {
		t.Error("links a month without a sweep")
	}
	// Open the next month's sweep: the link appears, and that page links back.
	if _, err := f.store.CreateSweep(ctx, visits.Sweep{Month: next, Opened: first.MonthEnd().AddDays(1), Due: first.MonthEnd().AddDays(10)}, nil, "test"); err != nil {
		t.Fatal(err)
	}
	_, body = c.get("/staff/sweeps/" + string(all.Month))
	mustContain(t, "current sweep", body, `href="/staff/sweeps/`+string(next)+`" rel="next"`)
	code, body := c.get("/staff/sweeps/" + string(next))
	if code != http.StatusOK {
		t.Fatalf("next sweep: %d", code)
	}
	mustContain(t, "next sweep", body, `href="/staff/sweeps/`+string(all.Month)+`" rel="prev"`)
}
