package visits

import "testing"

func TestBookingFollow(t *testing.T) {
	name := func(id string) string { return map[string]string{"A": "张三", "B": "李四", "C": "王五"}[id] }
	type step struct {
		leader  string // on duty now; "" no duty
		changed bool
		reason  string
	}
	for _, tc := range []struct {
		name   string
		booked string
		steps  []step
	}{
		{"substitute, again, another", "A", []step{
			{"A", false, ""},
			{"B", true, "值班领导由张三改为李四，请电话告知来访人"},
			{"B", false, ""},
			{"C", true, "值班领导由李四改为王五，请电话告知来访人"},
			{"A", true, "值班领导由王五改回张三（原预约的领导），请电话告知来访人"},
			{"A", false, ""},
		}},
		{"lost day and back", "A", []step{
			{"", true, "该日已不再安排开门接访（原值班领导张三），请电话告知来访人改约"},
			{"", false, ""},
			{"B", true, "该日恢复开门接访，值班领导为李四，请电话告知来访人"},
		}},
		{"whoever is on duty", "", []step{
			{"B", false, ""},
			{"C", false, ""},
			{"", true, "该日已不再安排开门接访，请电话告知来访人改约"},
			{"A", true, "该日恢复开门接访，由张三接待，请电话告知来访人"},
			{"B", false, ""},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := BookingFollow{BookedLeader: tc.booked}
			for i, s := range tc.steps {
				f.CallVisitor, f.CallReason = false, "" // the office called
				if got := f.Follow(s.leader, name); got != s.changed || f.CallVisitor != s.changed || f.CallReason != s.reason {
					t.Fatalf("step %d (%q): changed %t call %t %q, want %t %q", i, s.leader, got, f.CallVisitor, f.CallReason, s.changed, s.reason)
				}
				if f.Following == tc.booked && tc.booked != "" {
					t.Fatalf("step %d: Following %q repeats the booked leader", i, f.Following)
				}
			}
		})
	}
}
