package roster

import "testing"

// BenchmarkGenerateTownshipsYear plans 150 rosters for a year: the county's
// reception roster and 149 township rosters, with 30 county leaders, 8
// department leaders and 4–6 leaders per township, a third of the county
// leaders and half the department leaders also in one or two township pools,
// random leave and a 3-day cross-roster gap. It reports the largest spread
// over its bound, per pool and across linked pools (both 0 at the bounds).
func BenchmarkGenerateTownshipsYear(b *testing.B) {
	in := SyntheticTownships(1, 30, 149, 3, benchFrom, benchTo)
	var plan Plan
	for b.Loop() {
		var err error
		if plan, err = Generate(in); err != nil {
			b.Fatal(err)
		}
	}
	crossOver, crossMax := 0, 0
	for _, c := range plan.Metrics.Cross {
		crossOver = max(crossOver, c.Spread-c.Bound)
		crossMax = max(crossMax, c.Spread)
	}
	b.ReportMetric(float64(len(in.Rosters)), "rosters")
	b.ReportMetric(float64(overBound(plan.Metrics)), "over_bound")
	b.ReportMetric(float64(crossOver), "cross_over_bound")
	b.ReportMetric(float64(crossMax), "cross_spread")
	b.ReportMetric(float64(plan.Metrics.HardViolations), "violations")
	b.ReportMetric(float64(plan.Metrics.Unfilled), "unfilled")
}
