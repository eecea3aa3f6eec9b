package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestJobsCLI(t *testing.T) {
	db := demoDB(t)
	code, out, errs := zhiban(t, "jobs", "run", "extend-roster", "--now", "2026-11-30T00:10:00+08:00", "--future", "--db", db)
	if code != 0 || !strings.Contains(out, "extend-roster 2026-11-30：排至 2027-01-29") {
		t.Fatalf("run: %d %q %q", code, out, errs)
	}
	// The same day in New York's evening is still the same Shanghai period.
	code, out, _ = zhiban(t, "jobs", "run", "extend-roster", "--db", db, "--future", "--now", "2026-11-30T10:00:00-05:00")
	if code != 0 || !strings.Contains(out, "本期已执行过") {
		t.Fatalf("second run: %d %q", code, out)
	}
	code, out, errs = zhiban(t, "jobs", "run", "duty-reminder", "--now", "2026-11-30T17:00:00+08:00", "--future", "--db", db)
	if code != 0 || !strings.Contains(out, "发送提醒") || !strings.Contains(out, "通知：送达") || !strings.Contains(errs, "【值班提醒】明天（12月1日 星期二）") {
		t.Fatalf("reminder: %d %q %q", code, out, errs)
	}
	code, out, _ = zhiban(t, "jobs", "list", "--db", db, "--now", "2026-11-30T18:00:00+08:00")
	for _, want := range []string{"extend-roster", "2026-11-30 00:10 完成（2026-11-30）", "2026-12-01 00:10", "duty-reminder", "holiday-check", "0 9 1 * *", "2026-12-01 09:00"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("list lacks %q: %d\n%s", want, code, out)
		}
	}
	if code, _, errs := zhiban(t, "jobs", "run", "nope", "--db", db); code == 0 || !strings.Contains(errs, "没有任务") {
		t.Fatalf("unknown job: %d %q", code, errs)
	}
	if code, _, errs := zhiban(t, "jobs", "run", "extend-roster", "--now", "tomorrow", "--db", db); code == 0 || !strings.Contains(errs, "RFC 3339") {
		t.Fatalf("bad --now: %d %q", code, errs)
	}
	cfg := writeFile(t, t.TempDir(), "bad.yaml", []byte("jobs:\n  open_sweep: \"0 8 32 * *\"\n"))
	if code, _, errs := zhiban(t, "jobs", "list", "--db", db, "--config", cfg); code == 0 || !strings.Contains(errs, "配置项 jobs.open_sweep") {
		t.Fatalf("bad spec: %d %q", code, errs)
	}
}

func TestJobsRunRefusesTheFutureUnlessAsked(t *testing.T) {
	db := filepath.Join(t.TempDir(), "z.db")
	future := time.Now().Add(72 * time.Hour).Format(time.RFC3339)
	code, _, errs := zhiban(t, "jobs", "run", "holiday-check", "--now", future, "--db", db)
	if code == 0 || !strings.Contains(errs, "--future") {
		t.Fatalf("future run without --future: %d %q", code, errs)
	}
}

// A robot that refuses every message: the run is done, its message is not,
// and `jobs list` says so in 最近错误 instead of "—".
func TestJobsListShowsFailedDeliveries(t *testing.T) {
	db := demoDB(t)
	robot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer robot.Close()
	cfg := writeFile(t, t.TempDir(), "zhiban.yaml", []byte(fmt.Sprintf(
		"notify:\n  webhook:\n    url: %q\n    kind: wecom\n", robot.URL+"/send?key=secret-key")))
	zhiban(t, "jobs", "run", "extend-roster", "--now", "2026-11-30T00:10:00+08:00", "--db", db, "--config", cfg)
	code, out, errs := zhiban(t, "jobs", "run", "duty-reminder", "--now", "2026-11-30T17:00:00+08:00", "--db", db, "--config", cfg)
	if code != 0 || !strings.Contains(out, "失败 1") {
		t.Fatalf("run: %d %q %q", code, out, errs)
	}
	_, out, _ = zhiban(t, "jobs", "list", "--db", db, "--config", cfg, "--now", "2026-11-30T18:00:00+08:00")
	if !strings.Contains(out, "通知未送达（2026-11-30，群机器人）：") || !strings.Contains(out, "HTTP 502") || strings.Contains(out, "secret-key") {
		t.Fatalf("list:\n%s", out)
	}
	// Running the done period again says what to do instead.
	_, out, _ = zhiban(t, "jobs", "run", "duty-reminder", "--now", "2026-11-30T18:00:00+08:00", "--db", db, "--config", cfg)
	for _, want := range []string{"本期已执行过", "下一期（2026-12-01）将于 2026-12-01 17:00 自动执行", "zhiban jobs run duty-reminder --now 2026-12-01T17:00:00+08:00 --future"} {
		if !strings.Contains(out, want) {
			t.Fatalf("run again lacks %q:\n%s", want, out)
		}
	}
}
