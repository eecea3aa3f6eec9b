package planner_test

import (
	"context"
	"strings"
	"testing"

	"zhiban/planner"
	"zhiban/roster"
)

// Leave taken after the roster was made: regenerating moves the duties off
// the absent leaders. 均衡分 once fell (0.847 → 0.662) because it compared
// raw loads, scoring the absent leaders' smaller share as imbalance, while
// the page offered the change as the better roster.
func TestRegenerateAroundLeaveIsRecommended(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	today := roster.MustDate("2026-11-28")
	if _, err := planner.Fill(ctx, st, today, today.AddDays(60), today, "test"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"L03", "D01"} {
		a := roster.Absence{Person: id, From: roster.MustDate("2026-12-05"), To: roster.MustDate("2026-12-25"), Kind: roster.Leave}
		if _, err := st.AddAbsence(ctx, a, "test"); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range [][2]string{{"2026-12-01", "2026-12-31"}, {"2026-12-15", "2026-12-31"}, {"2026-11-29", "2027-01-27"}} {
		g, err := planner.PreviewRegenerate(ctx, st, roster.MustDate(r[0]), roster.MustDate(r[1]), today, "test", "")
		if err != nil {
			t.Fatal(err)
		}
		b, a := g.Before, g.After
		if len(g.Diff) == 0 || a.HardViolations >= b.HardViolations {
			t.Fatalf("%v: %d changes, violations %d → %d", r, len(g.Diff), b.HardViolations, a.HardViolations)
		}
		if a.BalanceScore < b.BalanceScore {
			t.Errorf("%v: 均衡分 falls %.3f → %.3f on the change the page recommends", r, b.BalanceScore, a.BalanceScore)
		}
		if v := g.Verdict; !v.Recommend || !strings.Contains(strings.Join(v.Reasons, ""), "违反硬约束的班次由") {
			t.Errorf("%v: verdict %+v", r, v)
		}
	}
}

// A change that only makes things worse is not recommended, and says why.
func TestVerdictWorse(t *testing.T) {
	before := roster.Metrics{MaxDeviation: 0.5, BalanceScore: 0.9}
	after := roster.Metrics{MaxDeviation: 0.8, BalanceScore: 0.85}
	g := planner.VerdictOf(before, after)
	if g.Recommend || len(g.Reasons) != 2 || !strings.Contains(g.Reasons[1], "均衡分由 0.900 降为 0.850") {
		t.Fatalf("%+v", g)
	}
	if g := planner.VerdictOf(after, after); g.Recommend || len(g.Reasons) != 0 {
		t.Fatalf("no change: %+v", g)
	}
}
