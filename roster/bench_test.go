package roster

import (
	"runtime"
	"testing"
)

var benchFrom, benchTo = MustDate("2027-01-01"), MustDate("2027-12-31")

// BenchmarkGenerateCountyYear plans a county-year: 30 county leaders, 10
// department leaders, two slots every day, random leave.
func BenchmarkGenerateCountyYear(b *testing.B) {
	in := SyntheticCounty(1, 30, 10, benchFrom, benchTo)
	var plan Plan
	for b.Loop() {
		var err error
		plan, err = Generate(in)
		if err != nil {
			b.Fatal(err)
		}
	}
	reportPlan(b, plan)
}

// BenchmarkGenerateProvince plans 100 counties of 8–30 and 4–10 leaders for a
// year, the counties in parallel on GOMAXPROCS workers.
func BenchmarkGenerateProvince(b *testing.B) {
	ins := SyntheticProvince(1, 100, benchFrom, benchTo)
	var plans []Plan
	for b.Loop() {
		var err error
		if plans, err = GenerateAll(ins, runtime.GOMAXPROCS(0)); err != nil {
			b.Fatal(err)
		}
	}
	over, viol := 0, 0
	for _, p := range plans {
		over += overBound(p.Metrics)
		viol += p.Metrics.HardViolations
	}
	b.ReportMetric(float64(over), "over_bound")
	b.ReportMetric(float64(viol), "violations")
}

func overBound(m Metrics) int {
	n := 0
	for _, c := range m.Classes {
		if c.Spread > c.Bound {
			n += c.Spread - c.Bound
		}
	}
	return n
}

func reportPlan(b *testing.B, p Plan) {
	b.ReportMetric(float64(overBound(p.Metrics)), "over_bound")
	b.ReportMetric(float64(p.Metrics.HardViolations), "violations")
	unused := 0
	for _, ps := range p.Metrics.Pairs {
		unused += ps.Possible - ps.Used
	}
	b.ReportMetric(float64(unused), "unused_pairs")
}

// BenchmarkRegenerateAfterAbsence regenerates a county-year after one new
// 7-day trip mid-year of the leader with most duties that week, and reports
// the figures: slots invalidated, changed, changed beyond the
// invalidated ones (at most 3) and the largest spread over its bound (at most 1).
func BenchmarkRegenerateAfterAbsence(b *testing.B) {
	in := SyntheticCounty(1, 30, 10, benchFrom, benchTo)
	first, err := Generate(in)
	if err != nil {
		b.Fatal(err)
	}
	var r Regeneration
	for b.Loop() {
		if r, err = RegenerateAfterAbsence(in, first, MustDate("2027-06-14"), 7); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(r.Invalidated), "invalidated")
	b.ReportMetric(float64(r.Changed), "changed")
	b.ReportMetric(float64(r.Extra), "extra")
	b.ReportMetric(float64(r.MaxOver), "max_over_bound")
	b.ReportMetric(float64(r.Plan.Metrics.HardViolations), "violations")
}
