// Package scheduler runs zhiban's jobs on cron in the county's zone; each run's ledger row commits with its writes, so a period runs once.
package scheduler

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"zhiban/config"
	"zhiban/notify"
	"zhiban/service"
	"zhiban/store"
)

// Kind is how a job's periods are cut: one run per day or per month.
type Kind string

const (
	Daily   Kind = "daily"
	Monthly Kind = "monthly"
)

// Job is a named, scheduled unit of work.
type Job struct {
	Name  string // ledger key, e.g. extend-roster
	Kind  Kind
	Key   string // config key of the spec, named in errors, e.g. jobs.extend_roster
	Spec  string // cron spec, minute hour dom month dow, in the county's zone
	Title string
	// MaxDelay skips a missed period older than this: a stale reminder is noise.
	MaxDelay time.Duration
	// Instead tells staff, when a run now finds the period done, what else
	// does what they probably wanted (e.g. regenerate the roster).
	Instead string
	Run     func(ctx context.Context, r Run) (summary string, err error)
}

// Run is one run of a job: its transaction, instants, identity and outbox.
type Run struct {
	Tx *store.Store // the run's transaction, which also holds its ledger row
	// Now is the period's scheduled time when catching up, else the clock's now.
	Now         time.Time
	Started     time.Time
	Job, Period string
	// Out queues messages in Tx, so they are sent only if the run commits.
	Out service.Outbox
}

// Options configure a Scheduler. Zero fields take the defaults noted.
type Options struct {
	Location    *time.Location // the county's zone; required
	CatchUpDays int            // missed periods this many days back are run
	Logger      *slog.Logger   // slog.Default()
	Now         func() time.Time
	// Notify delivers the outbox; nil delivers nothing (messages stay pending).
	Notify *notify.Fanout
	// ShutdownTimeout bounds how long Shutdown waits for a running job; 30s.
	ShutdownTimeout time.Duration
	// Observe, if set, is told each run's result and wall-clock duration (/metrics).
	Observe func(r Result, took time.Duration)
}

// Scheduler owns the jobs, the cron and the delivery of their notifications.
type Scheduler struct {
	st   *store.Store
	opt  Options
	log  *slog.Logger
	now  func() time.Time
	jobs []*entry
	cron *cron.Cron

	base    context.Context // runs use this, not the caller's, so SIGTERM lets them finish
	cancel  context.CancelFunc
	runMu   sync.Mutex // one run at a time, in-process
	mu      sync.Mutex // guards closed and started
	closed  bool
	started bool
	wg      sync.WaitGroup // catch-up and deliveries in flight
	delMu   sync.Mutex     // one delivery pass at a time
	owner   string         // names this scheduler's outbox claims
}

type entry struct {
	Job
	sched cron.Schedule
}

var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// New returns a scheduler with no jobs; Add them, then Start.
func New(st *store.Store, opt Options) *Scheduler {
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.ShutdownTimeout <= 0 {
		opt.ShutdownTimeout = 30 * time.Second
	}
	base, cancel := context.WithCancel(context.Background())
	return &Scheduler{st: st, opt: opt, log: opt.Logger, now: opt.Now, base: base, cancel: cancel, owner: newOwner()}
}

// newOwner names a scheduler's outbox claims: host, process and a random part,
// unique across processes and across schedulers of one process.
func newOwner() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), rand.Text()[:8])
}

// ParseSpec parses a cron spec for a config key; the error names the key.
func ParseSpec(key, spec string) (cron.Schedule, error) {
	s := strings.TrimSpace(spec)
	if strings.HasPrefix(s, "TZ=") || strings.HasPrefix(s, "CRON_TZ=") {
		return nil, &config.Error{Key: key, Msg: fmt.Sprintf("定时规则 %q 不能自带时区：时区由 timezone 统一设置", spec)}
	}
	sched, err := parser.Parse(s)
	if err != nil {
		// robfig's reason is English; the five fields and their ranges say enough.
		return nil, &config.Error{Key: key, Msg: fmt.Sprintf("定时规则 %q 无效：应为“分 时 日 月 周”五段，分 0–59、时 0–23、日 1–31、月 1–12、周 0–6", spec)}
	}
	return sched, nil
}

// Add registers a job before Start. A bad spec is an error naming its config key.
func (s *Scheduler) Add(job Job) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return fmt.Errorf("scheduler: add %s: already started", job.Name)
	}
	key := job.Key
	if key == "" {
		key = "jobs." + strings.ReplaceAll(job.Name, "-", "_")
	}
	if job.Name == "" || job.Run == nil {
		return fmt.Errorf("scheduler: job %q needs a name and a Run func", job.Name)
	}
	if job.Kind != Daily && job.Kind != Monthly {
		return fmt.Errorf("scheduler: job %s: kind %q is neither daily nor monthly", job.Name, job.Kind)
	}
	if s.job(job.Name) != nil {
		return fmt.Errorf("scheduler: job %s added twice", job.Name)
	}
	sched, err := ParseSpec(key, job.Spec)
	if err != nil {
		return err
	}
	job.Key = key
	s.jobs = append(s.jobs, &entry{Job: job, sched: sched})
	return nil
}

func (s *Scheduler) job(name string) *entry {
	for _, e := range s.jobs {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// Jobs returns the registered jobs in the order they were added.
func (s *Scheduler) Jobs() []Job {
	out := make([]Job, len(s.jobs))
	for i, e := range s.jobs {
		out[i] = e.Job
	}
	return out
}

// Start catches up missed periods, then runs cron plus a minute heartbeat that
// catches skipped periods, retries failures and delivers the outbox (including
// messages queued by staff actions in other processes).
func (s *Scheduler) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.closed {
		return errors.New("scheduler: already started or stopped")
	}
	s.started = true
	cl := cronLogger{s.log}
	s.cron = cron.New(
		cron.WithLocation(s.opt.Location),
		cron.WithParser(parser),
		cron.WithLogger(cl),
		cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)),
	)
	for _, e := range s.jobs {
		e := e
		s.cron.Schedule(e.sched, cron.FuncJob(func() { s.tick(e) }))
	}
	heartbeat, _ := parser.Parse("* * * * *")
	s.cron.Schedule(heartbeat, cron.FuncJob(func() { s.tick(nil) }))
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.tick(nil)
	}()
	s.cron.Start()
	return nil
}

func (s *Scheduler) tick(e *entry) {
	if s.isClosed() {
		return
	}
	var jobs []*entry
	if e != nil {
		jobs = []*entry{e}
	}
	s.runDue(s.base, s.now(), jobs)
	s.deliverAsync()
}

// track counts work Shutdown must wait for; false once closed.
func (s *Scheduler) track() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	return true
}

func (s *Scheduler) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Shutdown stops new runs and waits for a running job; one still running then
// is cancelled, so its transaction rolls back and the period is retried.
func (s *Scheduler) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	c := s.cron
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, s.opt.ShutdownTimeout)
	defer cancel()
	done := make(chan struct{})
	go func() {
		if c != nil {
			<-c.Stop().Done()
		}
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.cancel()
		return nil
	case <-ctx.Done():
		s.cancel()
		return fmt.Errorf("scheduler: shutdown: gave up waiting for a running job: %w", ctx.Err())
	}
}

// Result is the outcome of one run.
type Result struct {
	Job     string `json:"job"`
	Period  string `json:"period"`
	Status  string `json:"status"` // done | failed | already-done | skipped
	Summary string `json:"summary,omitempty"`
	Error   string `json:"error,omitempty"`
	// Hint says, for an already-done period, when the next one runs and how to run it early.
	Hint string `json:"hint,omitempty"`
}

const skippedSummary = "错过执行时间，已跳过"

// Result statuses beyond the ledger's done | failed.
const (
	StatusAlreadyDone = "already-done"
	StatusSkipped     = "skipped"
)

// String says in Chinese what happened, for the CLI and the staff UI.
func (r Result) String() string {
	switch r.Status {
	case StatusAlreadyDone:
		s := fmt.Sprintf("%s %s：本期已执行过，未重复执行（每期只执行一次，以免重复发送通知）。", r.Job, r.Period)
		if r.Hint != "" {
			s += "\n" + r.Hint
		}
		return s
	case "failed":
		return fmt.Sprintf("%s %s：失败：%s", r.Job, r.Period, r.Error)
	default:
		return fmt.Sprintf("%s %s：%s", r.Job, r.Period, r.Summary)
	}
}

// ErrUnknownJob is returned by RunNow for a name that was never added.
var ErrUnknownJob = errors.New("scheduler: unknown job")

// ErrStopped is returned by RunNow after Shutdown.
var ErrStopped = errors.New("scheduler: stopped")

// RunNow runs job name for the period now falls in, the same path as cron.
func (s *Scheduler) RunNow(ctx context.Context, name string, now time.Time) (Result, error) {
	e := s.job(name)
	if e == nil {
		return Result{Job: name}, fmt.Errorf("%w %q", ErrUnknownJob, name)
	}
	if !s.track() {
		return Result{Job: name}, ErrStopped
	}
	defer s.wg.Done()
	s.runMu.Lock()
	res := s.runOne(ctx, e, Period(e.Kind, now, s.opt.Location), now, false)
	s.runMu.Unlock()
	if res.Status == StatusAlreadyDone {
		res.Hint = s.instead(e, now)
	}
	s.deliverAsync()
	return res, nil
}

// instead says what staff can do about a period already done: wait for the
// next one (when it runs by itself), or run it early with the command that does.
func (s *Scheduler) instead(e *entry, now time.Time) string {
	loc := s.opt.Location
	y, m, d := now.In(loc).Date()
	next := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	if e.Kind == Monthly {
		next = time.Date(y, m+1, 1, 0, 0, 0, 0, loc)
	}
	at := e.sched.Next(next.Add(-time.Second))
	var b strings.Builder
	if e.Instead != "" {
		b.WriteString(e.Instead + "\n")
	}
	if at.IsZero() {
		return strings.TrimSpace(b.String())
	}
	period := Period(e.Kind, at, loc)
	fmt.Fprintf(&b, "下一期（%s）将于 %s 自动执行。如确需现在提前执行下一期（会立即发送该期通知，到时不再执行），请由管理员运行：zhiban jobs run %s --now %s --future",
		period, at.In(loc).Format("2006-01-02 15:04"), e.Name, at.In(loc).Format(time.RFC3339))
	return b.String()
}

// RunDue runs every due, unfinished period as a tick at now would; tests pass a fixed now.
func (s *Scheduler) RunDue(ctx context.Context, now time.Time) []Result {
	if !s.track() {
		return nil
	}
	defer s.wg.Done()
	res := s.runDue(ctx, now, nil)
	s.deliverAsync()
	return res
}

type due struct {
	e      *entry
	period string
	at     time.Time // scheduled time
	order  int
}

func (s *Scheduler) runDue(ctx context.Context, now time.Time, jobs []*entry) []Result {
	if jobs == nil {
		jobs = s.jobs
	}
	s.runMu.Lock()
	defer s.runMu.Unlock()
	var list []due
	for i, e := range jobs {
		periods := s.periods(e, now)
		// A job missed nothing before its first run: a fresh install runs only
		// the latest due period, and later ticks do not backfill the week
		// before it either.
		first, err := s.st.FirstJobPeriod(ctx, e.Name)
		switch {
		case errors.Is(err, store.ErrNotFound) && len(periods) > 1:
			periods = periods[len(periods)-1:]
		case err == nil:
			for len(periods) > 0 && periods[0].period < first {
				periods = periods[1:]
			}
		}
		for _, d := range periods {
			d.order = i
			r, err := s.st.JobRun(ctx, e.Name, d.period)
			switch {
			case errors.Is(err, store.ErrNotFound):
			case err != nil:
				s.log.Error("Cannot read the job ledger", "job", e.Name, "period", d.period, "err", err)
				continue
			case r.Status == "done":
				continue
			case now.Before(r.FinishedAt.Add(retryBackoff(r.Attempts))):
				continue // failed recently: wait before retrying
			}
			list = append(list, d)
		}
	}
	// Oldest first across jobs, so a day's roster exists before its reminder.
	sort.SliceStable(list, func(i, j int) bool {
		if !list[i].at.Equal(list[j].at) {
			return list[i].at.Before(list[j].at)
		}
		return list[i].order < list[j].order
	})
	var out []Result
	for _, d := range list {
		if ctx.Err() != nil {
			break
		}
		runAt := d.at
		if Period(d.e.Kind, now, s.opt.Location) == d.period {
			runAt = now // the current period runs as of now, like a run-now
		}
		skip := d.e.MaxDelay > 0 && now.Sub(d.at) > d.e.MaxDelay
		out = append(out, s.runOne(ctx, d.e, d.period, runAt, skip))
	}
	return out
}

// retryBackoff: a minute, doubling per attempt, at most an hour.
func retryBackoff(attempts int) time.Duration {
	d := time.Minute
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// periods lists e's due periods in the catch-up window, oldest first; a period
// is a county-zone day (or month) in which the spec fires.
func (s *Scheduler) periods(e *entry, now time.Time) []due {
	loc := s.opt.Location
	now = now.In(loc)
	y, m, d := now.Date()
	first := time.Date(y, m, d-s.opt.CatchUpDays, 0, 0, 0, 0, loc)
	var starts []time.Time
	switch e.Kind {
	case Daily:
		for t := first; !t.After(now); t = t.AddDate(0, 0, 1) {
			starts = append(starts, t)
		}
	case Monthly:
		for t := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, loc); !t.After(now); t = t.AddDate(0, 1, 0) {
			starts = append(starts, t)
		}
	}
	var out []due
	for _, start := range starts {
		end := start.AddDate(0, 0, 1)
		if e.Kind == Monthly {
			end = start.AddDate(0, 1, 0)
		}
		// Next is strictly after its argument, so step back a second to include start.
		at := e.sched.Next(start.Add(-time.Second))
		if at.IsZero() || !at.Before(end) || at.After(now) {
			continue
		}
		// The window bounds how far back missed periods are replayed, but the
		// month we are in is not a missed period: a server down from the 1st
		// to the 9th (or installed on the 28th) still opens this month's sweep.
		if at.Before(first) && !(e.Kind == Monthly && !now.Before(start) && now.Before(end)) {
			continue
		}
		out = append(out, due{e: e, period: Period(e.Kind, start, loc), at: at})
	}
	return out
}

// Period names the period t falls in, in loc (2026-11-28 or 2026-11); the machine's zone never matters.
func Period(k Kind, t time.Time, loc *time.Location) string {
	if k == Monthly {
		return t.In(loc).Format("2006-01")
	}
	return t.In(loc).Format("2006-01-02")
}

// runOne runs e for period and tells Observe how it went.
func (s *Scheduler) runOne(ctx context.Context, e *entry, period string, now time.Time, skip bool) Result {
	// Wall time, not s.now: a catch-up or a test runs by another clock.
	start := time.Now()
	res := s.runLedger(ctx, e, period, now, skip)
	if s.opt.Observe != nil {
		s.opt.Observe(res, time.Since(start))
	}
	return res
}

// runLedger runs e for period in one transaction; on error or panic the writes
// roll back and a failed row is written apart.
func (s *Scheduler) runLedger(ctx context.Context, e *entry, period string, now time.Time, skip bool) Result {
	res := Result{Job: e.Name, Period: period}
	started := s.now()
	var channels []string
	if s.opt.Notify != nil {
		channels = s.opt.Notify.Names()
	}
	err := s.st.RunJob(ctx, e.Name, period, func(tx *store.Store) (store.JobRun, error) {
		res.Status, res.Summary = StatusSkipped, skippedSummary
		if !skip {
			r := Run{Tx: tx, Now: now, Started: started, Job: e.Name, Period: period,
				Out: service.Outbox{Job: e.Name, Period: period, Channels: channels}}
			summary, err := safeRun(ctx, e, r)
			if err != nil {
				return store.JobRun{}, err
			}
			res.Status, res.Summary = "done", summary
		}
		return store.JobRun{StartedAt: started, FinishedAt: s.now(), Summary: res.Summary}, nil
	})
	if errors.Is(err, store.ErrPeriodDone) {
		res.Status, res.Summary = StatusAlreadyDone, ""
		return res
	}
	if err == nil {
		s.log.Info("Job ran", "job", e.Name, "period", period, "status", res.Status, "summary", res.Summary,
			"duration_ms", s.now().Sub(started).Milliseconds())
		return res
	}
	res.Status, res.Summary, res.Error = "failed", "", err.Error()
	s.log.Error("Job failed", "job", e.Name, "period", period, "err", err)
	// The failure is recorded even if the run was cancelled, so List shows it.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if rerr := s.st.RecordJobRun(wctx, store.JobRun{Job: e.Name, Period: period, Status: "failed",
		StartedAt: started, FinishedAt: s.now(), Error: err.Error()}); rerr != nil {
		s.log.Error("Cannot record a failed job run", "job", e.Name, "period", period, "err", rerr)
	}
	return res
}

func safeRun(ctx context.Context, e *entry, r Run) (summary string, err error) {
	defer func() {
		if p := recover(); p != nil {
			stack := string(debug.Stack())
			if len(stack) > 2000 {
				stack = stack[:2000]
			}
			err = fmt.Errorf("任务异常终止（panic）：%v\n%s", p, stack)
		}
	}()
	return e.Run(ctx, r)
}

// Status is one line of `zhiban jobs list` and the staff UI.
type Status struct {
	Name      string        `json:"name"`
	Title     string        `json:"title"`
	Kind      Kind          `json:"kind"`
	Key       string        `json:"key"`
	Spec      string        `json:"spec"`
	Last      *store.JobRun `json:"last,omitempty"`
	Next      time.Time     `json:"next"`
	LastError *store.JobRun `json:"last_error,omitempty"` // the latest failed run, if newer than the last success
	// Undelivered is the job's latest delivery still failed (a run can be
	// done while its messages never arrived), and FailedDeliveries their count.
	Undelivered      *store.Delivery `json:"undelivered,omitempty"`
	FailedDeliveries int             `json:"failed_deliveries,omitempty"`
}

// List reports each job's spec, last run, next run (after now) and last error.
func (s *Scheduler) List(ctx context.Context, now time.Time) ([]Status, error) {
	var out []Status
	for _, e := range s.jobs {
		st := Status{Name: e.Name, Title: e.Title, Kind: e.Kind, Key: e.Key, Spec: e.Spec,
			Next: e.sched.Next(now.In(s.opt.Location))}
		runs, err := s.st.JobRuns(ctx, e.Name, 20)
		if err != nil {
			return nil, err
		}
		for i := range runs {
			// The ledger keeps a skipped period as done (it must not run again);
			// staff are told it was skipped.
			if runs[i].Status == "done" && runs[i].Summary == skippedSummary {
				runs[i].Status = StatusSkipped
			}
		}
		if len(runs) > 0 {
			st.Last = &runs[0]
		}
		for i := range runs {
			if runs[i].Status == "failed" {
				st.LastError = &runs[i]
				break
			}
		}
		failed, err := s.st.Deliveries(ctx, store.DeliveryFilter{Job: e.Name, Status: "failed", NewestFirst: true, Limit: 100})
		if err != nil {
			return nil, err
		}
		if len(failed) > 0 {
			st.Undelivered, st.FailedDeliveries = &failed[0], len(failed)
		}
		out = append(out, st)
	}
	return out, nil
}

type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("Cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("Cron: "+msg, append(kv, "err", err)...)
}
