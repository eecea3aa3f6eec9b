package roster

import (
	"testing"
	"time"
)

func TestDebugCounty(t *testing.T) {
	in := SyntheticCounty(1, 30, 10, MustDate("2027-01-01"), MustDate("2027-12-31"))
	start := time.Now()
	p, err := Generate(in)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(time.Since(start))
	t.Log("\n" + p.Metrics.Table())
	for _, v := range Validate(in, p.Assignments) {
		t.Log(v)
	}
	t.Log(len(p.Unfilled), p.Unfilled)
}
