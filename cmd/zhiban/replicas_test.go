package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/county"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/store/storetest"
)

// The replica test (issue 12, item 4): one PostgreSQL schema, three
// `zhiban serve` processes and `zhiban jobs run` processes, all real. It
// needs ZHIBAN_TEST_POSTGRES (CI sets it) and skips only without it.

// replicaConfig is every process's config: the job specs are spelled out
// because the test computes the periods from them, notifications go to the
// log and to a test robot, and logs are JSON so the test can read them.
func replicaConfig(robotURL string) string {
	return fmt.Sprintf(`timezone: Asia/Shanghai
jobs:
  catch_up_days: 31
  extend_roster: "10 0 * * *"
  follow_ups: "30 7 * * *"
  duty_reminder: "0 17 * * *"
  open_sweep: "0 8 1 * *"
  holiday_check: "0 9 1 * *"
  plan_visits: "0 7 25 * *"
notify:
  log: true
  webhook:
    url: %q
    kind: dingtalk
log:
  format: json
`, robotURL)
}

// simJob is one job's schedule as replicaConfig sets it: daily, or monthly on dom.
type simJob struct {
	name       string
	dom        int // 0: daily
	hour, min_ int
}

var simJobs = []simJob{
	{"extend-roster", 0, 0, 10}, {"follow-ups", 0, 7, 30}, {"duty-reminder", 0, 17, 0},
	{"open-sweep", 1, 8, 0}, {"holiday-check", 1, 9, 0}, {"plan-visits", 25, 7, 0},
}

// simRun is one job period as `jobs run --now` runs it.
type simRun struct {
	job, period string
	at          time.Time
}

// simulatedRuns lists the job periods of the 30 days before today (county
// zone), oldest first.
func simulatedRuns(today time.Time, loc *time.Location) []simRun {
	var out []simRun
	for d := 30; d >= 1; d-- {
		y, m, dd := today.AddDate(0, 0, -d).Date()
		for _, j := range simJobs {
			if j.dom != 0 && j.dom != dd {
				continue
			}
			at := time.Date(y, m, dd, j.hour, j.min_, 0, 0, loc)
			period := at.Format("2006-01-02")
			if j.dom != 0 {
				period = at.Format("2006-01")
			}
			out = append(out, simRun{j.name, period, at})
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].at.Before(out[b].at) })
	return out
}

// withApp names a process's connections, so pg_stat_activity tells whose they are.
func withApp(dsn, app string) string {
	return dsn + "&application_name=" + url.QueryEscape(app)
}

// countingRobot is a DingTalk robot that counts the messages it gets by text.
type countingRobot struct {
	mu  sync.Mutex
	got map[string]int
	n   int
}

func (r *countingRobot) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var m struct {
		Text struct{ Content string } `json:"text"`
	}
	json.NewDecoder(req.Body).Decode(&m)
	r.mu.Lock()
	r.got[m.Text.Content]++
	r.n++
	r.mu.Unlock()
	io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

// replica is one `zhiban serve` process.
type replica struct {
	name, base, app string
	cmd             *exec.Cmd
	logPath         string
	done            chan struct{}
}

// freeAddr returns a loopback address nothing listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startReplica starts `zhiban serve`; it is killed when the test ends.
func startReplica(t *testing.T, bin, dsn, cfg, name string) *replica {
	t.Helper()
	addr := freeAddr(t)
	r := &replica{name: name, base: "http://" + addr, app: "zhiban-" + name,
		logPath: filepath.Join(t.TempDir(), name+".log"), done: make(chan struct{})}
	f, err := os.Create(r.logPath)
	if err != nil {
		t.Fatal(err)
	}
	r.cmd = exec.Command(bin, "serve", "--config", cfg, "--db", withApp(dsn, r.app), "--listen", addr)
	r.cmd.Stdout, r.cmd.Stderr = f, f
	r.cmd.Env = append(os.Environ(), "TZ=America/New_York")
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.cmd.Wait(); f.Close(); close(r.done) }()
	t.Cleanup(r.kill)
	return r
}

// kill sends SIGKILL: no shutdown, no rollback by the process itself.
func (r *replica) kill() {
	r.cmd.Process.Kill()
	<-r.done
}

func (r *replica) waitHealthy(t *testing.T, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get(r.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-r.done:
			t.Fatalf("%s exited:\n%s", r.name, tail(r.logPath))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not healthy after %s: %v\n%s", r.name, within, err, tail(r.logPath))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// logLine is the part of a JSON log line the test reads.
type logLine struct {
	Msg     string `json:"msg"`
	Job     string `json:"job"`
	Period  string `json:"period"`
	Status  string `json:"status"`
	Summary string `json:"summary"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	Err     string `json:"err"`
}

func parseLog(data []byte) []logLine {
	var out []logLine
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var l logLine
		if json.Unmarshal(sc.Bytes(), &l) == nil && l.Msg != "" {
			out = append(out, l)
		}
	}
	return out
}

// cli runs the binary once; its JSON log lines are kept for the checks.
type cli struct {
	bin, dsn, cfg string
	mu            sync.Mutex
	logs          []logLine
}

func (c *cli) run(ctx context.Context, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, c.bin, append(args, "--config", c.cfg, "--db", withApp(c.dsn, "zhiban-cli"))...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "TZ=America/New_York")
	err := cmd.Run()
	c.mu.Lock()
	c.logs = append(c.logs, parseLog(errb.Bytes())...)
	c.mu.Unlock()
	if err != nil {
		return out.String(), fmt.Errorf("zhiban %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String(), nil
}

// TestReplicas drives three `zhiban serve` replicas and many `zhiban jobs
// run` processes on one PostgreSQL schema.
func TestReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs processes")
	}
	dsn := storetest.PostgresURL(t) // skips without ZHIBAN_TEST_POSTGRES
	bin := buildZhiban(t)
	ctx := t.Context()
	robot := &countingRobot{got: map[string]int{}}
	robotSrv := httptest.NewServer(robot)
	t.Cleanup(robotSrv.Close)
	dir := t.TempDir()
	c := &cli{bin: bin, dsn: dsn, cfg: writeFile(t, dir, "zhiban.yaml", []byte(replicaConfig(robotSrv.URL+"/robot/send?access_token=t")))}
	countyFile := writeFile(t, dir, "county.yaml", county.DemoYAML())
	if _, err := c.run(ctx, "", "import", countyFile); err != nil {
		t.Fatal(err)
	}
	// The test's own view of the database, to assert from the rows.
	db, err := sql.Open("pgx", withApp(dsn, "zhiban-test"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := store.Open(ctx, withApp(dsn, "zhiban-test-store"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	// The demo cases, as `serve --demo` adds them, give the follow-ups job
	// deadlines to warn about.
	cfg, err := config.Load(c.cfg, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if err := service.New(st, cfg, nil).SeedDemo(ctx, service.Call{Actor: "demo", Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	loc := cfg.Location
	now := time.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	runs := simulatedRuns(today, loc)

	// Each job's first simulated period goes in first, in one process:
	// the serve replicas then see a ledger that starts 30 days back and
	// catch up everything after it.
	seeded := map[string]bool{}
	for _, r := range runs {
		if seeded[r.job] {
			continue
		}
		seeded[r.job] = true
		if _, err := c.run(ctx, "", "jobs", "run", r.job, "--now", r.at.Format(time.RFC3339)); err != nil {
			t.Fatal(err)
		}
	}

	// The outbox table is locked before any replica starts: the first
	// replica whose catch-up reaches a job that queues a message waits there,
	// inside the job's transaction, holding the write lock, its job half
	// done. That replica is killed there. Should no catch-up job queue a
	// message within a minute (the demo data is dated from today), the
	// ledger table is locked too: the next job waits at its ledger row, its
	// work done and not committed.
	lockConn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lockTx, err := lockConn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockTx.ExecContext(ctx, `LOCK TABLE notifications IN EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	reps := []*replica{startReplica(t, bin, dsn, c.cfg, "replica-a"), startReplica(t, bin, dsn, c.cfg, "replica-b"),
		startReplica(t, bin, dsn, c.cfg, "replica-c")}
	var victim *replica
	var waitedAt string
	ledgerLocked, fallback := false, time.Now().Add(time.Minute)
	deadline := time.Now().Add(3 * time.Minute)
	for victim == nil {
		if !ledgerLocked && time.Now().After(fallback) {
			if _, err := lockTx.ExecContext(ctx, `LOCK TABLE job_runs IN EXCLUSIVE MODE`); err != nil {
				t.Fatal(err)
			}
			ledgerLocked = true
		}
		var app string
		err := db.QueryRowContext(ctx, `SELECT application_name, LEFT(query, 24) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND (query LIKE 'INSERT INTO notifications%' OR query LIKE 'INSERT INTO job_runs%')
				AND application_name LIKE 'zhiban-replica-%' LIMIT 1`).Scan(&app, &waitedAt)
		switch {
		case err == nil:
			for _, r := range reps {
				if r.app == app {
					victim = r
				}
			}
		case err != sql.ErrNoRows:
			t.Fatal(err)
		case time.Now().After(deadline):
			t.Fatalf("no replica reached a job's message or ledger row:\n%s\n%s", activity(db), tail(reps[0].logPath))
		default:
			time.Sleep(50 * time.Millisecond)
		}
	}
	victim.kill()
	if err := lockTx.Commit(); err != nil {
		t.Fatal(err)
	}
	lockConn.Close()
	t.Logf("killed %s (kill -9) while its job transaction waited at %q", victim.name, waitedAt)
	var alive []*replica
	for _, r := range reps {
		if r != victim {
			alive = append(alive, r)
		}
	}
	for _, r := range alive {
		r.waitHealthy(t, 3*time.Minute)
	}

	// Two job processes run every simulated period, one from each end,
	// while the two live replicas catch up the same periods.
	var wg sync.WaitGroup
	order := [][]simRun{runs, reversed(runs)}
	cliOut := make([][]string, len(order))
	for w, list := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, r := range list {
				out, err := c.run(ctx, "", "jobs", "run", r.job, "--now", r.at.Format(time.RFC3339))
				if err != nil {
					t.Error(err)
					return
				}
				cliOut[w] = append(cliOut[w], out)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	waitQuiet(t, db, 6*time.Minute)
	// The victim's backend is gone, so its transaction rolled back.
	var victimConns int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1`, victim.app).Scan(&victimConns); err != nil || victimConns != 0 {
		t.Fatalf("the killed replica still has %d connections (%v)", victimConns, err)
	}

	logs := append([]logLine(nil), c.logs...)
	byProc := map[string][]logLine{"cli": c.logs}
	for _, r := range reps {
		data, _ := os.ReadFile(r.logPath)
		byProc[r.name] = parseLog(data)
		logs = append(logs, byProc[r.name]...)
	}
	checkJobsRanOnce(t, db, runs, logs)
	checkOutbox(t, db, robot, logs)

	// The killed replica comes back for the rest.
	reps = append(alive, startReplica(t, bin, dsn, c.cfg, victim.name+"-again"))
	reps[2].waitHealthy(t, 3*time.Minute)
	if _, err := c.run(ctx, "Replica-test-pw-2026\n", "user", "add", "editor1", "--role", "editor"); err != nil {
		t.Fatal(err)
	}
	token, err := c.run(ctx, "", "user", "token", "editor1")
	if err != nil {
		t.Fatal(err)
	}
	token = strings.TrimSpace(token)
	day := roster.Today(now, loc)
	t.Run("concurrent edits", func(t *testing.T) { testConcurrentEdits(t, st, reps, token, day) })
	t.Run("propagation", func(t *testing.T) { testPropagation(t, st, reps, token, day) })
	t.Run("sessions", func(t *testing.T) { testSessions(t, st, reps, "editor1", "Replica-test-pw-2026", day) })
}

// activity lists the server's sessions, for a failure message.
func activity(db *sql.DB) string {
	rows, err := db.Query(`SELECT application_name, state, COALESCE(wait_event_type, ''), COALESCE(wait_event, ''), LEFT(query, 80)
		FROM pg_stat_activity WHERE application_name LIKE 'zhiban-%'`)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var f [5]string
		rows.Scan(&f[0], &f[1], &f[2], &f[3], &f[4])
		fmt.Fprintln(&b, strings.Join(f[:], " | "))
	}
	return b.String()
}

func reversed(rs []simRun) []simRun {
	out := make([]simRun, len(rs))
	for i, r := range rs {
		out[len(rs)-1-i] = r
	}
	return out
}

// waitQuiet waits until the replicas' catch-up has stopped changing the
// ledger and no delivery is pending or claimed.
func waitQuiet(t *testing.T, db *sql.DB, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	last, stable := "", 0
	for {
		var runs, open int
		if err := db.QueryRow(`SELECT COUNT(*) FROM job_runs`).Scan(&runs); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`SELECT COUNT(*) FROM notification_deliveries WHERE status <> 'sent' OR owner <> ''`).Scan(&open); err != nil {
			t.Fatal(err)
		}
		state := fmt.Sprint(runs, open)
		if state == last && open == 0 {
			stable++
		} else {
			stable = 0
		}
		if stable >= 5 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not quiet after %s: %d ledger rows, %d deliveries open", within, runs, open)
		}
		last = state
		time.Sleep(time.Second)
	}
}

// checkJobsRanOnce: every simulated period is done, and exactly one
// process, over all of them, logged running each ledger row's period.
func checkJobsRanOnce(t *testing.T, db *sql.DB, runs []simRun, logs []logLine) {
	t.Helper()
	type key struct{ job, period string }
	ran := map[key]int{}
	for _, l := range logs {
		switch l.Msg {
		case "Job ran":
			ran[key{l.Job, l.Period}]++
		case "Job failed":
			t.Errorf("job %s %s failed: %s", l.Job, l.Period, l.Err)
		}
	}
	rows, err := db.Query(`SELECT job, period, status, attempts FROM job_runs`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ledger := map[key]bool{}
	for rows.Next() {
		var k key
		var status string
		var attempts int
		if err := rows.Scan(&k.job, &k.period, &status, &attempts); err != nil {
			t.Fatal(err)
		}
		ledger[k] = true
		if status != "done" || attempts != 1 {
			t.Errorf("ledger %s %s: %s after %d attempts", k.job, k.period, status, attempts)
		}
		if ran[k] != 1 {
			t.Errorf("%s %s ran %d times", k.job, k.period, ran[k])
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if !ledger[key{r.job, r.period}] {
			t.Errorf("%s %s never ran", r.job, r.period)
		}
	}
	t.Logf("%d ledger rows, %d simulated periods", len(ledger), len(runs))
}

var remindersSent = regexp.MustCompile(`^发送提醒 (\d+) 条$`)

// checkOutbox: no job period queued a message twice, a reminder run queued
// as many as it reported, every message went out on every channel once: the
// robot got each text once per queued copy, and the log channel wrote it
// once per copy, over all processes.
func checkOutbox(t *testing.T, db *sql.DB, robot *countingRobot, logs []logLine) {
	t.Helper()
	var dups int
	if err := db.QueryRow(`SELECT COUNT(*) FROM (SELECT 1 FROM notifications
		GROUP BY job, period, recipients, subject, body HAVING COUNT(*) > 1) d`).Scan(&dups); err != nil {
		t.Fatal(err)
	}
	if dups != 0 {
		t.Errorf("%d messages were queued more than once for one job period", dups)
	}
	rows, err := db.Query(`SELECT r.job, r.period, r.summary, (SELECT COUNT(*) FROM notifications n WHERE n.job = r.job AND n.period = r.period)
		FROM job_runs r WHERE r.job = 'duty-reminder'`)
	if err != nil {
		t.Fatal(err)
	}
	reminders := 0
	for rows.Next() {
		var job, period, summary string
		var n int
		if err := rows.Scan(&job, &period, &summary, &n); err != nil {
			t.Fatal(err)
		}
		want := 0
		if m := remindersSent.FindStringSubmatch(summary); m != nil {
			want, _ = strconv.Atoi(m[1])
		}
		if n != want {
			t.Errorf("%s %s (%s): %d messages queued", job, period, summary, n)
		}
		reminders += n
	}
	rows.Close()
	if reminders == 0 {
		t.Error("no duty reminder was queued in 30 days")
	}

	bodies := map[string]map[string]int{} // channel → body → deliveries
	rows, err = db.Query(`SELECT d.channel, d.status, d.attempts, n.body FROM notification_deliveries d
		JOIN notifications n ON n.id = d.notification_id`)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for rows.Next() {
		var channel, status, body string
		var attempts int
		if err := rows.Scan(&channel, &status, &attempts, &body); err != nil {
			t.Fatal(err)
		}
		if status != "sent" || attempts != 1 {
			t.Errorf("delivery on %s: %s after %d attempts", channel, status, attempts)
		}
		if bodies[channel] == nil {
			bodies[channel] = map[string]int{}
		}
		bodies[channel][body]++
		total++
	}
	rows.Close()
	logged := map[string]int{}
	for _, l := range logs {
		if l.Msg == "Notification" {
			logged[l.Text]++
		}
	}
	robot.mu.Lock()
	defer robot.mu.Unlock()
	for body, n := range bodies["webhook"] {
		if robot.got[body] != n {
			t.Errorf("the robot got %d copies of a message queued %d times: %.80q", robot.got[body], n, body)
		}
	}
	for body, n := range bodies["log"] {
		if logged[body] != n {
			t.Errorf("the log channel wrote %d copies of a message queued %d times: %.80q", logged[body], n, body)
		}
	}
	if robot.n != sum(bodies["webhook"]) {
		t.Errorf("the robot got %d messages for %d webhook deliveries", robot.n, sum(bodies["webhook"]))
	}
	t.Logf("%d deliveries (%d reminders), robot got %d", total, reminders, robot.n)
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// browser is an HTTP client that keeps cookies (one jar for every replica:
// cookies do not depend on the port, as behind one load balancer) and does
// not follow redirects.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

func send(t *testing.T, hc *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func apiRequest(t *testing.T, method, u, token string, body any) *http.Request {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	return req
}

const (
	dutyRoster = "county-duty"
	dutyLead   = "值班领导"
	dutyShadow = "跟班领导"
)

// slotAt returns the first stored slot of role on or after from.
func slotAt(t *testing.T, st *store.Store, role string, from roster.Date) store.StoredAssignment {
	t.Helper()
	as, err := st.Assignments(t.Context(), from, from.AddDays(40))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.Roster == dutyRoster && a.Role == role {
			return a
		}
	}
	t.Fatalf("no %s slot from %s", role, from)
	return store.StoredAssignment{}
}

func slotPath(a store.StoredAssignment) string {
	return "/staff/roster/" + dutyRoster + "/slot?date=" + a.Date.String() + "&role=" + url.QueryEscape(a.Role)
}

// offered lists the people the slot page offers instead of the current one.
func offered(t *testing.T, r *replica, token string, a store.StoredAssignment) []string {
	t.Helper()
	resp, body := send(t, http.DefaultClient, apiRequest(t, http.MethodGet, r.base+slotPath(a), token, nil))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("slot page: %d", resp.StatusCode)
	}
	var out []string
	for _, part := range strings.Split(body, `name="person" value="`)[1:] {
		id := part[:strings.IndexByte(part, '"')]
		if !strings.HasPrefix(part[len(id)+1:], " disabled") && id != a.Person {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		t.Fatalf("the slot page of %s %s offers nobody", a.Date, a.Role)
	}
	return out
}

func assignmentURL(r *replica, a store.StoredAssignment) string {
	return r.base + "/api/v1/assignments/" + dutyRoster + "/" + a.Date.String() + "/" + url.PathEscape(a.Role)
}

// 50 editors change one slot at once, spread over the replicas, all from
// the same version: one wins, 49 get 409, and the row is the winner's.
func testConcurrentEdits(t *testing.T, st *store.Store, reps []*replica, token string, today roster.Date) {
	a := slotAt(t, st, dutyShadow, today.AddDays(7))
	people := offered(t, reps[0], token, a)
	const n = 50
	codes := make([]int, n)
	bodies := make([]string, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		req := apiRequest(t, http.MethodPut, assignmentURL(reps[i%len(reps)], a), token,
			map[string]any{"person": people[i%len(people)], "version": a.Version})
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				bodies[i] = err.Error()
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			codes[i], bodies[i] = resp.StatusCode, string(b)
		}()
	}
	close(start)
	wg.Wait()
	won, conflicts := -1, 0
	for i, code := range codes {
		switch code {
		case http.StatusOK:
			if won >= 0 {
				t.Errorf("edits %d and %d both won", won, i)
			}
			won = i
		case http.StatusConflict:
			if !strings.Contains(bodies[i], `"code":"conflict"`) {
				t.Errorf("edit %d: 409 without the conflict code: %.300s", i, bodies[i])
			}
			conflicts++
		default:
			t.Errorf("edit %d: %d %.300s", i, code, bodies[i])
		}
	}
	if won < 0 || conflicts != n-1 {
		t.Fatalf("%d conflicts and winner %d, want 49 and one", conflicts, won)
	}
	var w store.StoredAssignment
	if err := json.Unmarshal([]byte(bodies[won]), &w); err != nil {
		t.Fatal(err)
	}
	got, err := st.Assignment(t.Context(), a.Key())
	if err != nil {
		t.Fatal(err)
	}
	if got.Person != people[won%len(people)] || got.Person != w.Person || got.Version != a.Version+1 {
		t.Fatalf("stored %s v%d; the winner (edit %d on %s) put %s at v%d", got.Person, got.Version, won,
			reps[won%len(reps)].name, people[won%len(people)], a.Version+1)
	}
}

// weekRow is the public page's row of date in the week table.
func weekRow(page, date string) string {
	i := strings.Index(page, `id="week-h"`)
	if i < 0 {
		return ""
	}
	page = page[i:]
	j := strings.Index(page, `<time datetime="`+date+`">`)
	if j < 0 {
		return ""
	}
	page = page[j:]
	if k := strings.Index(page, "</tr>"); k >= 0 {
		page = page[:k]
	}
	return page
}

// An edit on replica A shows on replica B's public page within a second of
// its commit, B's page having been rendered and cached before.
func testPropagation(t *testing.T, st *store.Store, reps []*replica, token string, today roster.Date) {
	a, b := reps[0], reps[1]
	hc := &http.Client{Timeout: time.Minute}
	getPage := func() string {
		resp, body := send(t, hc, mustRequest(t, http.MethodGet, b.base+"/"))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("public page on %s: %d", b.name, resp.StatusCode)
		}
		return body
	}
	page := getPage()
	var slot store.StoredAssignment
	for d := today.AddDays(1); d < today.AddDays(14) && slot.Person == ""; d++ {
		if weekRow(page, d.String()) == "" {
			continue
		}
		if s, err := st.Assignment(t.Context(), roster.Key{Roster: dutyRoster, Date: d, Role: dutyLead}); err == nil {
			slot = s
		}
	}
	if slot.Person == "" {
		t.Fatalf("no duty of the coming days on the public page's week table")
	}
	name := func(id string) string {
		p, err := st.Person(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		return `<span class="nowrap">` + p.Name + `</span>`
	}
	oldName, newID := name(slot.Person), offered(t, a, token, slot)[0]
	newName := name(newID)
	// Warm: B has rendered the page, and serves it again from its cache.
	for range 2 {
		if row := weekRow(getPage(), slot.Date.String()); !strings.Contains(row, oldName) || strings.Contains(row, newName) {
			t.Fatalf("before the edit, B's row of %s: %s", slot.Date, row)
		}
	}
	seen := make(chan time.Time, 1)
	stop := make(chan struct{})
	go func() {
		defer close(seen)
		for {
			select {
			case <-stop:
				return
			default:
			}
			resp, err := hc.Get(b.base + "/")
			if err != nil {
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(weekRow(string(body), slot.Date.String()), newName) {
				seen <- time.Now()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	// The commit's time: after the start of the last read that did not see
	// the edit, so the lag measured from there is never understated.
	committed := make(chan time.Time, 1)
	before := time.Now()
	go func() {
		miss := before // the edit is not sent yet
		for {
			select {
			case <-stop:
				return
			default:
			}
			t0 := time.Now()
			cur, err := st.Assignment(context.Background(), slot.Key())
			if err == nil && cur.Person == newID {
				committed <- miss
				return
			}
			miss = t0
			time.Sleep(5 * time.Millisecond)
		}
	}()
	resp, body := send(t, hc, apiRequest(t, http.MethodPut, assignmentURL(a, slot), token,
		map[string]any{"person": newID, "version": slot.Version}))
	answered := time.Now()
	if resp.StatusCode != http.StatusOK {
		close(stop)
		t.Fatalf("edit on A: %d %.300s", resp.StatusCode, body)
	}
	var at time.Time
	select {
	case at = <-seen:
	case <-time.After(30 * time.Second):
		close(stop)
		t.Fatalf("the edit on A never showed on B's public page")
	}
	var commit time.Time
	select {
	case commit = <-committed:
	case <-time.After(30 * time.Second):
		close(stop)
		t.Fatalf("the edit never showed in the database")
	}
	close(stop)
	lag := at.Sub(commit)
	t.Logf("edit on %s showed on %s's public page at most %s after its commit (%s after A answered)",
		a.name, b.name, lag.Round(time.Millisecond), at.Sub(answered).Round(time.Millisecond))
	if lag > time.Second {
		t.Errorf("the edit took up to %s from its commit to B's public page, want at most 1s", lag)
	}
}

func mustRequest(t *testing.T, method, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

var csrfToken = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

// A user signs in on replica A and works on B and C with that session and
// its CSRF token; a redirect notice signed by A is shown by B.
func testSessions(t *testing.T, st *store.Store, reps []*replica, name, password string, today roster.Date) {
	a, b, c := reps[0], reps[1], reps[2]
	hc := browser()
	form := func(r *replica, path string, v url.Values) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodPost, r.base+path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return send(t, hc, req)
	}
	send(t, hc, mustRequest(t, http.MethodGet, a.base+"/staff/login"))
	aURL, _ := url.Parse(a.base)
	loginCSRF := ""
	for _, ck := range hc.Jar.Cookies(aURL) {
		if ck.Name == "zhiban_login" {
			loginCSRF = ck.Value
		}
	}
	if resp, body := form(a, "/staff/login", url.Values{"name": {name}, "password": {password}, "csrf": {loginCSRF}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login on A: %d %.300s", resp.StatusCode, body)
	}
	resp, body := send(t, hc, mustRequest(t, http.MethodGet, b.base+"/staff/audit"))
	m := csrfToken.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		bURL, _ := url.Parse(b.base)
		t.Fatalf("A's session on B: %d (Location %q), CSRF token found: %v; cookies %v", resp.StatusCode, resp.Header.Get("Location"), m != nil, hc.Jar.Cookies(bURL))
	}
	csrf := m[1]
	slot := slotAt(t, st, dutyShadow, today.AddDays(21))
	pin := func(r *replica, version int, pinned string, csrf string) (*http.Response, string) {
		v := url.Values{"date": {slot.Date.String()}, "role": {slot.Role}, "version": {strconv.Itoa(version)}, "pinned": {pinned}}
		if csrf != "" {
			v.Set("csrf", csrf)
		}
		return form(r, "/staff/roster/"+dutyRoster+"/pin", v)
	}
	if resp, body := pin(b, slot.Version, "1", csrf); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("pin on B with A's session: %d %.300s", resp.StatusCode, body)
	}
	if resp, _ := pin(c, slot.Version+1, "0", ""); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a form without the CSRF token on C: %d, want 403", resp.StatusCode)
	}
	if resp, body := pin(c, slot.Version+1, "0", csrf); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("unpin on C with A's session: %d %.300s", resp.StatusCode, body)
	}
	resp, _ = pin(a, slot.Version+2, "1", csrf)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "ds=") {
		t.Fatalf("pin on A: %d, Location %q", resp.StatusCode, loc)
	}
	const notice = `<p class="notice" role="status">已固定</p>`
	if _, body := send(t, hc, mustRequest(t, http.MethodGet, b.base+loc)); !strings.Contains(body, notice) {
		t.Fatalf("B does not show the notice A signed (%s)", loc)
	}
	forged := regexp.MustCompile(`ds=[^&]*`).ReplaceAllString(loc, "ds=AAAAAAAAAAAAAAAAAAAAAA")
	if _, body := send(t, hc, mustRequest(t, http.MethodGet, b.base+forged)); strings.Contains(body, notice) {
		t.Fatalf("B shows a notice with a forged signature")
	}
	got, err := st.Assignment(t.Context(), slot.Key())
	if err != nil || !got.Pinned || got.Version != slot.Version+3 {
		t.Fatalf("after pin, unpin, pin on three replicas: %+v %v", got, err)
	}
}
