package visits

import (
	"testing"
)

// Issue 11 item 11: accepted 2026-08-02, the 60 days end on 10-01 (National
// Day), rolled to 10-08. Strictly the 30 extra days run from 10-01 → 10-31, a
// Saturday → 11-02; counted from the rolled end they give 11-09.
func TestExtensionCountsFromDaySixtyStrictly(t *testing.T) {
	t.Parallel()
	cal := nationalDay2026()
	c := acceptedCase(cal)
	if err := c.Extend(30, "需要司法鉴定", d("2026-09-01"), cal); err != nil {
		t.Fatal(err)
	}
	next, _ := c.NextDeadline(cal)
	if next.Due != d("2026-11-02") || next.DueRolled != d("2026-11-09") {
		t.Fatalf("extended due %s (rolled reading %s), want 2026-11-02 and 2026-11-09", next.Due, next.DueRolled)
	}
	// Alerts follow the strict date: overdue on 11-03 although the other reading runs to 11-09.
	if clk := c.ClockOn(d("2026-11-03"), cal); !clk.Overdue || clk.Alert != AlertOverdue {
		t.Fatalf("11-03: %+v", clk)
	}
	// An extension whose strict and rolled ends agree shows one date.
	plain := &Case{Code: "2026-0002", Title: "x", Category: "其他", Township: "t01", Received: d("2026-03-01"),
		Channel: "来访", Petitioner: Petitioner{Name: "甲"}, GroupSize: 1, State: StateReceived}
	if err := plain.Apply(ActAccept, d("2026-03-02"), later, cal); err != nil {
		t.Fatal(err)
	}
	if err := plain.Extend(10, "鉴定", d("2026-03-20"), cal); err != nil {
		t.Fatal(err)
	}
	if n, _ := plain.NextDeadline(cal); n.DueRolled != 0 {
		t.Fatalf("one reading expected, got %s and %s", n.Due, n.DueRolled)
	}
}
