package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiban/store"
)

// buildZhiban compiles the binary once per test into a temporary directory,
// so processes, not goroutines, compete for the database.
func buildZhiban(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "zhiban")
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// robotSink is a group robot that records each message it receives.
type robotSink struct {
	mu   sync.Mutex
	got  []string
	slow time.Duration
}

func (r *robotSink) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	var m struct {
		Text     struct{ Content string } `json:"text"`
		Markdown struct{ Content string } `json:"markdown"`
	}
	json.Unmarshal(body, &m)
	time.Sleep(r.slow) // widens the window in which two processes could hold one message
	r.mu.Lock()
	r.got = append(r.got, m.Text.Content+m.Markdown.Content)
	r.mu.Unlock()
	io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

// TestParallelJobRunsDeliverOnce runs one duty-reminder period in six
// processes at once against one database and one robot: the ledger lets one
// process run the period, and the outbox claims let each message out once.
func TestParallelJobRunsDeliverOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildZhiban(t)
	db := demoDB(t)
	if code, out, errs := zhiban(t, "jobs", "run", "extend-roster", "--now", "2026-11-30T00:10:00+08:00", "--future", "--db", db); code != 0 {
		t.Fatalf("extend-roster: %s %s", out, errs)
	}
	// Staff actions queued more messages (any process's delivery pass sends them).
	st := openDB(t, db)
	for i := range 30 {
		n := store.Notification{Job: "action:张科员", Recipients: "[]", Subject: "转办", Body: fmt.Sprintf("案件转办通知 %d", i)}
		if _, err := st.EnqueueNotification(t.Context(), n, []string{"webhook"}); err != nil {
			t.Fatal(err)
		}
	}
	robot := &robotSink{slow: 20 * time.Millisecond}
	srv := httptest.NewServer(robot)
	defer srv.Close()
	cfg := writeFile(t, t.TempDir(), "zhiban.yaml", []byte(fmt.Sprintf(
		"notify:\n  log: false\n  webhook:\n    url: %q\n    kind: wecom\n", srv.URL+"/cgi-bin/webhook/send?key=k")))

	const n = 6
	outs := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out, errb bytes.Buffer
			cmd := exec.Command(bin, "jobs", "run", "duty-reminder", "--now", "2026-11-30T17:00:00+08:00", "--future",
				"--db", db, "--config", cfg)
			cmd.Stdout, cmd.Stderr = &out, &errb
			cmd.Env = append(os.Environ(), "TZ=America/New_York")
			if err := cmd.Run(); err != nil {
				t.Errorf("process %d: %v\n%s%s", i, err, out.String(), errb.String())
			}
			outs[i] = out.String()
		}()
	}
	wg.Wait()

	ran, already := 0, 0
	for _, o := range outs {
		switch {
		case strings.Contains(o, "发送提醒"):
			ran++
		case strings.Contains(o, "已执行过"):
			already++
		}
	}
	if ran != 1 || already != n-1 {
		t.Fatalf("ledger: %d processes ran the period, %d found it done, want 1 and %d:\n%s", ran, already, n-1, strings.Join(outs, "\n"))
	}
	ds, err := st.Deliveries(t.Context(), store.DeliveryFilter{})
	if err != nil || len(ds) < 31 {
		t.Fatalf("deliveries: %v %d\n%s", err, len(ds), strings.Join(outs, "\n"))
	}
	robot.mu.Lock()
	defer robot.mu.Unlock()
	seen := map[string]int{}
	for _, g := range robot.got {
		seen[g]++
	}
	for _, d := range ds {
		if d.Status != "sent" || seen[d.Body] != 1 {
			t.Errorf("notification %d (%s) reached the robot %d times, status %s", d.ID, d.Subject, seen[d.Body], d.Status)
		}
	}
	if len(robot.got) != len(ds) {
		t.Errorf("the robot got %d messages for %d deliveries", len(robot.got), len(ds))
	}
}
