package main

import (
	"testing"

	"zhiban/scheduler"
)

func TestSkippedPeriodIsNotShownAsDone(t *testing.T) {
	for status, want := range map[string]string{"done": "完成", scheduler.StatusSkipped: "跳过", "failed": "失败"} {
		if got := statusLabel(status); got != want {
			t.Errorf("statusLabel(%q) = %q, want %q", status, got, want)
		}
	}
}
