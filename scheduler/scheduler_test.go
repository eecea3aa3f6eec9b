package scheduler_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiban/config"
	"zhiban/config/configtest"
	"zhiban/county"
	"zhiban/notify"
	"zhiban/notify/smtptest"
	"zhiban/roster"
	"zhiban/scheduler"
	"zhiban/service"
	"zhiban/store"
	"zhiban/store/storetest"
)

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at builds an instant in the county's zone.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// openDemo opens a fresh database with the demo county.
func openDemo(t *testing.T) *store.Store { return storetest.OpenDemo(t, nil) }

// recorder is a notifier that keeps what it got.
type recorder struct {
	mu   sync.Mutex
	msgs []notify.Message
	fail int // fail this many calls first
}

func (r *recorder) Notify(ctx context.Context, m notify.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		return errors.New("robot is down")
	}
	r.msgs = append(r.msgs, m)
	return nil
}

func (r *recorder) got() []notify.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notify.Message{}, r.msgs...)
}

func noSleep(context.Context, time.Duration) error { return nil }

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func newScheduler(t *testing.T, st *store.Store, c *clock, rec notify.Notifier, jobs ...scheduler.Job) *scheduler.Scheduler {
	t.Helper()
	opt := scheduler.Options{Location: shanghai, CatchUpDays: 7, Logger: quiet(), Now: c.Now}
	if rec != nil {
		opt.Notify = &notify.Fanout{Channels: []notify.Channel{{Name: "test", Notifier: rec}}, Sleep: noSleep}
	}
	s := scheduler.New(st, opt)
	for _, j := range jobs {
		if err := s.Add(j); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// counter is a job that counts its effects in the settings table.
func counter(name string, kind scheduler.Kind, spec string, runs *[]string) scheduler.Job {
	return scheduler.Job{Name: name, Kind: kind, Spec: spec,
		Run: func(ctx context.Context, r scheduler.Run) (string, error) {
			v, err := r.Tx.Setting(ctx, "count-"+name)
			if err != nil {
				return "", err
			}
			if err := r.Tx.SetSetting(ctx, "count-"+name, v+"x"); err != nil {
				return "", err
			}
			*runs = append(*runs, scheduler.Period(kind, r.Now, shanghai))
			return "ok", nil
		}}
}

func TestRunTwiceIsOneEffect(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	c := &clock{t: at("2026-11-30 10:00:00")}
	var runs []string
	s := newScheduler(t, st, c, nil, counter("count", scheduler.Daily, "0 9 * * *", &runs))
	// An install that has run this job before: the week since is caught up.
	st.RecordJobRun(ctx, store.JobRun{Job: "count", Period: "2026-11-20", Status: "done", FinishedAt: at("2026-11-20 09:00:00")})
	r1, err := s.RunNow(ctx, "count", c.Now())
	if err != nil || r1.Status != "done" {
		t.Fatalf("first run: %+v %v", r1, err)
	}
	r2, _ := s.RunNow(ctx, "count", c.Now().Add(time.Hour))
	if r2.Status != scheduler.StatusAlreadyDone || !strings.Contains(r2.String(), "已执行过") {
		t.Fatalf("second run: %+v", r2)
	}
	if res := s.RunDue(ctx, c.Now()); len(res) != 7 { // the week before is caught up, today is not rerun
		t.Fatalf("catch-up ran %d periods: %+v", len(res), res)
	}
	if v, _ := st.Setting(ctx, "count-count"); len(v) != 8 {
		t.Fatalf("effects %q, want 8 (one per day)", v)
	}
	if res := s.RunDue(ctx, c.Now()); len(res) != 0 {
		t.Fatalf("second catch-up ran %+v", res)
	}
}

func TestExtendRosterIdempotentAndCatchUpInOrder(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	cfg := configtest.Valid(t, nil)
	c := &clock{t: at("2026-11-30 00:10:00")} // a Monday
	s := scheduler.New(st, scheduler.Options{Location: shanghai, CatchUpDays: 0, Logger: quiet(), Now: c.Now})
	if err := s.Add(scheduler.ExtendRoster(service.New(st, cfg, nil))); err != nil {
		t.Fatal(err)
	}
	r, _ := s.RunNow(ctx, "extend-roster", c.Now())
	if r.Status != "done" || !strings.Contains(r.Summary, "排至 2027-01-29") {
		t.Fatalf("first fill: %+v", r)
	}
	before, _ := st.Assignments(ctx, 0, 0)
	if r, _ := s.RunNow(ctx, "extend-roster", c.Now()); r.Status != scheduler.StatusAlreadyDone {
		t.Fatalf("second run: %+v", r)
	}
	if after, _ := st.Assignments(ctx, 0, 0); len(after) != len(before) {
		t.Fatalf("second run changed %d → %d", len(before), len(after))
	}

	// Down from Tuesday to Thursday noon; the catch-up window is 7 days.
	s = scheduler.New(st, scheduler.Options{Location: shanghai, CatchUpDays: 3, Logger: quiet(), Now: c.Now})
	s.Add(scheduler.ExtendRoster(service.New(st, cfg, nil)))
	c.Set(at("2026-12-03 12:00:00"))
	res := s.RunDue(ctx, c.Now())
	var periods []string
	for _, r := range res {
		periods = append(periods, r.Period+" "+r.Summary)
		if r.Status != "done" {
			t.Fatalf("catch-up: %+v", r)
		}
	}
	want := []string{"2026-12-01 排至 2027-01-30", "2026-12-02 排至 2027-01-31", "2026-12-03 排至 2027-02-01"}
	if len(periods) != 3 {
		t.Fatalf("catch-up ran %q", periods)
	}
	for i := range want {
		if !strings.HasPrefix(periods[i], want[i]) {
			t.Fatalf("catch-up order %q, want %q", periods, want)
		}
	}
	// 2027-02-01 is a Monday: the last catch-up run created it.
	if as, _ := st.Assignments(ctx, roster.MustDate("2027-02-01"), roster.MustDate("2027-02-01")); len(as) != 2 {
		t.Fatalf("2027-02-01 has %d slots, want 2", len(as))
	}
}

func TestPeriodsInCountyZoneWhateverTheMachineTZ(t *testing.T) {
	// .ci/run sets TZ=America/New_York; the instants here are also built in
	// other zones so the test means the same under any TZ.
	ny := mustZone("America/New_York")
	late := at("2026-11-28 23:59:59")
	early := at("2026-11-29 00:00:01")
	cases := []struct {
		t    time.Time
		kind scheduler.Kind
		want string
	}{
		{late, scheduler.Daily, "2026-11-28"},
		{late.In(ny), scheduler.Daily, "2026-11-28"},
		{early, scheduler.Daily, "2026-11-29"},
		{early.In(ny), scheduler.Daily, "2026-11-29"}, // still the 28th in New York
		{early.In(time.FixedZone("UTC-5", -5*3600)), scheduler.Daily, "2026-11-29"},
		{at("2026-11-30 23:59:59").In(ny), scheduler.Monthly, "2026-11"},
		{at("2026-12-01 00:00:01").In(ny), scheduler.Monthly, "2026-12"},
	}
	for _, c := range cases {
		if got := scheduler.Period(c.kind, c.t, shanghai); got != c.want {
			t.Errorf("Period(%s, %s) = %s, want %s", c.kind, c.t, got, c.want)
		}
	}

	ctx := context.Background()
	st := openDemo(t)
	clk := &clock{t: late.In(ny)}
	var runs []string
	s := newScheduler(t, st, clk, nil, counter("edge", scheduler.Daily, "0 0 * * *", &runs))
	s.RunNow(ctx, "edge", late.In(ny))
	s.RunNow(ctx, "edge", early.In(time.FixedZone("UTC-5", -5*3600)))
	if len(runs) != 2 || runs[0] != "2026-11-28" || runs[1] != "2026-11-29" {
		t.Fatalf("runs %q", runs)
	}
	for _, p := range []string{"2026-11-28", "2026-11-29"} {
		if r, err := st.JobRun(ctx, "edge", p); err != nil || r.Status != "done" {
			t.Fatalf("ledger %s: %+v %v", p, r, err)
		}
	}
	// A midnight spec at 23:59:59 is not yet due for the 29th.
	clk.Set(late)
	for _, r := range s.RunDue(ctx, late.In(ny)) {
		if r.Period == "2026-11-29" {
			t.Fatalf("ran the 29th before it began: %+v", r)
		}
	}
}

func TestPanicIsRecordedAndNextJobRuns(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	c := &clock{t: at("2026-11-30 10:00:00")}
	var runs []string
	boom := scheduler.Job{Name: "boom", Kind: scheduler.Daily, Spec: "0 8 * * *",
		Run: func(ctx context.Context, r scheduler.Run) (string, error) {
			if err := r.Tx.SetSetting(ctx, "half-done", "yes"); err != nil {
				return "", err
			}
			panic("nil map")
		}}
	s := newScheduler(t, st, c, nil, boom, counter("after", scheduler.Daily, "0 9 * * *", &runs))
	s2 := scheduler.New(st, scheduler.Options{Location: shanghai, CatchUpDays: 0, Logger: quiet(), Now: c.Now})
	s2.Add(boom)
	s2.Add(counter("after", scheduler.Daily, "0 9 * * *", &runs))
	res := s2.RunDue(ctx, c.Now())
	if len(res) != 2 || res[0].Status != "failed" || !strings.Contains(res[0].Error, "panic") || res[1].Status != "done" {
		t.Fatalf("results %+v", res)
	}
	if v, _ := st.Setting(ctx, "half-done"); v != "" {
		t.Fatalf("a panicking job's write survived")
	}
	r, err := st.JobRun(ctx, "boom", "2026-11-30")
	if err != nil || r.Status != "failed" || r.Attempts != 1 || !strings.Contains(r.Error, "nil map") {
		t.Fatalf("ledger %+v %v", r, err)
	}
	// Not retried within the backoff, retried after it; attempts count.
	if res := s2.RunDue(ctx, c.Now().Add(30*time.Second)); len(res) != 0 {
		t.Fatalf("retried too soon: %+v", res)
	}
	c.Set(c.Now().Add(2 * time.Minute))
	res = s2.RunDue(ctx, c.Now())
	if len(res) != 1 || res[0].Job != "boom" {
		t.Fatalf("retry: %+v", res)
	}
	if r, _ := st.JobRun(ctx, "boom", "2026-11-30"); r.Attempts != 2 {
		t.Fatalf("attempts %d", r.Attempts)
	}
	list, err := s.List(ctx, c.Now())
	if err != nil || list[0].LastError == nil || list[0].Next.IsZero() || list[1].Last == nil {
		t.Fatalf("list %+v %v", list, err)
	}
	if want := at("2026-12-01 08:00:00"); !list[0].Next.Equal(want) {
		t.Fatalf("next %s, want %s", list[0].Next, want)
	}
}

func TestBadSpecNamesTheKey(t *testing.T) {
	st := openDemo(t)
	cfg := configtest.Valid(t, nil)
	cfg.Jobs.ExtendRoster = "10 0 * *"
	s := scheduler.New(st, scheduler.Options{Location: shanghai})
	err := s.Add(scheduler.ExtendRoster(service.New(st, cfg, nil)))
	if err == nil || !strings.HasPrefix(err.Error(), "配置项 jobs.extend_roster: ") {
		t.Fatalf("error %v", err)
	}
	var ce *config.Error
	if !errors.As(err, &ce) || ce.Key != "jobs.extend_roster" {
		t.Fatalf("not a config error: %v", err)
	}
	if _, err := scheduler.ParseSpec("jobs.duty_reminder", "CRON_TZ=UTC 0 17 * * *"); err == nil || !strings.Contains(err.Error(), "jobs.duty_reminder") {
		t.Fatalf("zone prefix accepted: %v", err)
	}
	for _, spec := range []string{"0 17 * * *", "@daily", "30 7 * * 1-5"} {
		if _, err := scheduler.ParseSpec("k", spec); err != nil {
			t.Errorf("%q: %v", spec, err)
		}
	}
}

func TestDutyReminderContentAndRecipients(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	cfg := configtest.Valid(t, nil)
	// Fixed duties: Tuesday 1 December and Friday 4 December 2026.
	for _, a := range []roster.Assignment{
		{Roster: "county-duty", Date: roster.MustDate("2026-12-01"), Role: "值班领导", Person: "L03"},
		{Roster: "county-duty", Date: roster.MustDate("2026-12-01"), Role: "跟班领导", Person: "D01"},
		{Roster: "county-duty", Date: roster.MustDate("2026-12-05"), Role: "值班领导", Person: "L05"},
	} {
		if _, err := st.SetAssignment(ctx, a, 0, "test"); err != nil {
			t.Fatal(err)
		}
	}
	c := &clock{t: at("2026-11-30 17:00:00")}
	rec := &recorder{fail: 1} // the first try fails and is retried
	s := newScheduler(t, st, c, rec, scheduler.DutyReminder(service.New(st, cfg, nil)))
	r, err := s.RunNow(ctx, "duty-reminder", c.Now())
	if err != nil || r.Status != "done" || r.Summary != "发送提醒 2 条" {
		t.Fatalf("run: %+v %v", r, err)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := rec.got()
	if len(got) != 2 {
		t.Fatalf("got %d messages: %+v", len(got), got)
	}
	want := "【值班提醒】明天（12月1日 星期二）08:30–17:30 在县群众来访接待中心值班接访：" +
		"值班领导 王建国（县委副书记），跟班领导 林振华（县委群众工作部部长、县信访局局长）。"
	if got[0].Text != want {
		t.Errorf("tomorrow:\n got %s\nwant %s", got[0].Text, want)
	}
	if names := got[0].Names(); names != "王建国、林振华、办公室" {
		t.Errorf("tomorrow recipients %s", names)
	}
	wantAhead := "【值班预告】孙国庆同志：您将于5天后（12月5日 星期六）08:30–17:30 在县群众来访接待中心担任值班领导。如因故不能到岗，请尽早与办公室联系调班。"
	// L05 has an e-mail address, so the notice is theirs alone.
	if got[1].Text != wantAhead || got[1].Names() != "孙国庆" || got[1].To[0].PersonID != "L05" || got[1].To[0].Email != "l05@shili.gov.example" {
		t.Errorf("ahead: %+v", got[1])
	}
	for _, m := range got {
		if strings.Contains(m.Text, "1380000") {
			t.Errorf("a phone number in %q", m.Text)
		}
	}
	ds, _ := st.Deliveries(ctx, store.DeliveryFilter{Job: "duty-reminder"})
	if len(ds) != 2 || ds[0].Status != "sent" || ds[0].Attempts != 2 || ds[1].Attempts != 1 {
		t.Fatalf("delivery log %+v", ds)
	}
	// The same period again sends nothing.
	s.RunNow(ctx, "duty-reminder", c.Now().Add(time.Hour))
	s.Flush(ctx)
	if len(rec.got()) != 2 {
		t.Fatalf("reminded twice")
	}
}

// The duty reminder over real e-mail: the summary reaches the office list
// and the duty leaders' own addresses, a 5-day notice reaches the leader's
// own address only, or the office when the leader has none; no copy shows
// another leader's address.
func TestDutyReminderByEmail(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	c := county.Demo()
	for i := range c.People {
		if c.People[i].ID == "D02" {
			c.People[i].Email = "" // D02 is reached through the office
		}
	}
	if _, err := st.ImportCounty(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	for _, a := range []roster.Assignment{
		{Roster: "county-duty", Date: roster.MustDate("2026-12-01"), Role: "值班领导", Person: "L03"},
		{Roster: "county-duty", Date: roster.MustDate("2026-12-01"), Role: "跟班领导", Person: "D01"},
		{Roster: "county-duty", Date: roster.MustDate("2026-12-05"), Role: "值班领导", Person: "L05"},
		{Roster: "county-duty", Date: roster.MustDate("2026-12-05"), Role: "跟班领导", Person: "D02"},
	} {
		if _, err := st.SetAssignment(ctx, a, 0, "test"); err != nil {
			t.Fatal(err)
		}
	}
	srv := smtptest.Start(t)
	cfg := configtest.Valid(t, nil)
	cfg.Notify.Log = false
	cfg.Notify.SMTP = config.SMTP{Host: srv.Host(), Port: srv.Port(), From: "示例县群众工作部 <zhiban@shili.gov.example>",
		Office: []string{"office@shili.gov.example"}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: at("2026-11-30 17:00:00")}
	s := scheduler.New(st, scheduler.Options{Location: shanghai, CatchUpDays: 7, Logger: quiet(), Now: clk.Now,
		Notify: &notify.Fanout{Channels: notify.Channels(cfg.Notify, quiet()), Sleep: noSleep}})
	if err := s.Add(scheduler.DutyReminder(service.New(st, cfg, nil))); err != nil {
		t.Fatal(err)
	}
	if r, err := s.RunNow(ctx, "duty-reminder", clk.Now()); err != nil || r.Summary != "发送提醒 3 条" {
		t.Fatalf("run: %+v %v", r, err)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := srv.Received()
	want := []struct{ envelope, to, text string }{
		{"office@shili.gov.example,l03@shili.gov.example,d01@shili.gov.example", "office@shili.gov.example", "【值班提醒】明天（12月1日 星期二）"},
		{"l05@shili.gov.example", "l05@shili.gov.example", "【值班预告】孙国庆同志：您将于5天后（12月5日 星期六）"},
		{"office@shili.gov.example", "office@shili.gov.example", "【值班预告】高晓东同志：您将于5天后（12月5日 星期六）"},
	}
	if len(got) != len(want) {
		t.Fatalf("received %d mails: %+v", len(got), got)
	}
	for i, w := range want {
		m := got[i]
		text, err := m.Text()
		if err != nil || m.From != "zhiban@shili.gov.example" || strings.Join(m.To, ",") != w.envelope ||
			!strings.Contains(m.Header(), "\r\nTo: "+w.to+"\r\n") || !strings.HasPrefix(text, w.text) {
			t.Errorf("mail %d: envelope %v, headers\n%s\ntext %q %v\nwant envelope %s, To %s, text %s…", i, m.To, m.Header(), text, err, w.envelope, w.to, w.text)
		}
		for _, other := range []string{"l03@", "d01@", "l05@"} {
			if !strings.Contains(w.to, other) && strings.Contains(m.Data, other) {
				t.Errorf("mail %d shows %s…", i, other)
			}
		}
	}
	ds, _ := st.Deliveries(ctx, store.DeliveryFilter{Job: "duty-reminder"})
	for _, d := range ds {
		if d.Channel != "email" || d.Status != "sent" {
			t.Errorf("delivery %+v", d)
		}
	}
}

func TestDutyReminderFailureIsRecordedNotFatal(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	cfg := configtest.Valid(t, nil)
	st.SetAssignment(ctx, roster.Assignment{Roster: "county-duty", Date: roster.MustDate("2026-12-01"), Role: "值班领导", Person: "L03"}, 0, "test")
	c := &clock{t: at("2026-11-30 17:00:00")}
	rec := &recorder{fail: 100}
	s := newScheduler(t, st, c, rec, scheduler.DutyReminder(service.New(st, cfg, nil)))
	r, _ := s.RunNow(ctx, "duty-reminder", c.Now())
	s.Flush(ctx)
	if r.Status != "done" {
		t.Fatalf("a delivery failure failed the job: %+v", r)
	}
	ds, _ := st.Deliveries(ctx, store.DeliveryFilter{Status: "failed"})
	if len(ds) != 1 || ds[0].Attempts != 3 || !strings.Contains(ds[0].Error, "robot is down") {
		t.Fatalf("failed deliveries %+v", ds)
	}
	if !strings.Contains(ds[0].Body, "跟班领导 暂缺") {
		t.Fatalf("missing slot not reported: %s", ds[0].Body)
	}
}

func TestStaleReminderIsSkipped(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	c := &clock{t: at("2026-12-02 09:00:00")}
	rec := &recorder{}
	s := newScheduler(t, st, c, rec, scheduler.DutyReminder(service.New(st, configtest.Valid(t, nil), nil)))
	st.RecordJobRun(ctx, store.JobRun{Job: "duty-reminder", Period: "2026-11-20", Status: "done", FinishedAt: at("2026-11-20 17:00:00")})
	res := s.RunDue(ctx, c.Now())
	s.Flush(ctx)
	if len(res) != 7 {
		t.Fatalf("ran %+v", res)
	}
	for _, r := range res {
		if r.Status != scheduler.StatusSkipped {
			t.Fatalf("stale reminder not skipped: %+v", r)
		}
	}
	if len(rec.got()) != 0 {
		t.Fatal("stale reminders sent")
	}
}

func TestHolidayCheck(t *testing.T) {
	ctx := context.Background()
	cfg := configtest.Valid(t, nil)
	cases := []struct {
		now     string
		confirm bool
		summary string
		sent    int
	}{
		{"2026-10-01 09:00:00", false, "本月无需检查", 0},
		{"2026-11-01 09:00:00", false, "2027 年节假日安排为暂定", 1},
		{"2026-12-01 09:00:00", true, "已导入确认", 0},
		{"2098-11-01 09:00:00", false, "2099 年节假日安排缺失", 1},
	}
	for _, tc := range cases {
		t.Run(tc.now, func(t *testing.T) {
			st := openDemo(t)
			if tc.confirm {
				st.ReplaceHolidayYear(ctx, 2027, nil, "test")
			}
			c := &clock{t: at(tc.now)}
			rec := &recorder{}
			s := newScheduler(t, st, c, rec, scheduler.HolidayCheck(service.New(st, cfg, nil)))
			r, _ := s.RunNow(ctx, "holiday-check", c.Now())
			s.Flush(ctx)
			if !strings.Contains(r.Summary, tc.summary) || len(rec.got()) != tc.sent {
				t.Fatalf("%+v, %d sent", r, len(rec.got()))
			}
			if tc.sent > 0 && rec.got()[0].To[0] != notify.Office {
				t.Fatalf("not to the office: %+v", rec.got()[0])
			}
			if r.Period != c.Now().Format("2006-01") {
				t.Fatalf("period %s", r.Period)
			}
		})
	}
}

func TestStartCatchesUpAndShutdownWaits(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	c := &clock{t: at("2026-11-30 10:00:00")}
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	slow := scheduler.Job{Name: "slow", Kind: scheduler.Daily, Spec: "0 9 * * *",
		Run: func(ctx context.Context, r scheduler.Run) (string, error) {
			started <- struct{}{}
			<-release
			return "slow done", nil
		}}
	s := scheduler.New(st, scheduler.Options{Location: shanghai, CatchUpDays: 0, Logger: quiet(), Now: c.Now})
	s.Add(slow)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	<-started // the start-up catch-up is running today's period
	done := make(chan error)
	go func() { done <- s.Shutdown(ctx) }()
	select {
	case err := <-done:
		t.Fatalf("shutdown did not wait: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if r, err := st.JobRun(ctx, "slow", "2026-11-30"); err != nil || r.Status != "done" {
		t.Fatalf("ledger %+v %v", r, err)
	}
	if _, err := s.RunNow(ctx, "slow", c.Now()); !errors.Is(err, scheduler.ErrStopped) {
		t.Fatalf("run after shutdown: %v", err)
	}
}

func TestShutdownIsBounded(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	c := &clock{t: at("2026-11-30 10:00:00")}
	started := make(chan struct{}, 1)
	stuck := scheduler.Job{Name: "stuck", Kind: scheduler.Daily, Spec: "0 9 * * *",
		Run: func(ctx context.Context, r scheduler.Run) (string, error) {
			started <- struct{}{}
			<-ctx.Done() // honours cancellation only
			return "", ctx.Err()
		}}
	s := scheduler.New(st, scheduler.Options{Location: shanghai, Logger: quiet(), Now: c.Now, ShutdownTimeout: 20 * time.Millisecond})
	s.Add(stuck)
	s.Start()
	<-started
	if err := s.Shutdown(ctx); err == nil {
		t.Fatal("shutdown reported success with a stuck job")
	}
	s.Flush(ctx)
	if r, err := st.JobRun(ctx, "stuck", "2026-11-30"); err != nil || r.Status != "failed" {
		t.Fatalf("cancelled run not recorded failed: %+v %v", r, err)
	}
}

func TestCatchUpNeverWritesPastDays(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	c := &clock{t: at("2026-12-03 12:00:00")}
	s := newScheduler(t, st, c, nil, scheduler.ExtendRoster(service.New(st, configtest.Valid(t, nil), nil)))
	st.RecordJobRun(ctx, store.JobRun{Job: "extend-roster", Period: "2026-11-01", Status: "done", FinishedAt: at("2026-11-01 00:10:00")})
	if res := s.RunDue(ctx, c.Now()); len(res) != 8 {
		t.Fatalf("ran %d periods", len(res))
	}
	if as, _ := st.Assignments(ctx, 0, roster.MustDate("2026-12-02")); len(as) != 0 {
		t.Fatalf("catch-up wrote %d slots on past days", len(as))
	}
	if as, _ := st.Assignments(ctx, roster.MustDate("2026-12-03"), roster.MustDate("2026-12-03")); len(as) != 2 {
		t.Fatalf("today has %d slots", len(as))
	}
}

func TestFreshInstallRunsOnlyTheLatestPeriod(t *testing.T) {
	ctx := context.Background()
	st := openDemo(t)
	c := &clock{t: at("2026-12-03 12:00:00")}
	var runs []string
	s := newScheduler(t, st, c, nil, counter("fresh", scheduler.Daily, "10 0 * * *", &runs))
	if res := s.RunDue(ctx, c.Now()); len(res) != 1 || res[0].Period != "2026-12-03" {
		t.Fatalf("fresh install ran %+v", res)
	}
	// The next tick does not backfill the week before the first run.
	c.t = c.t.Add(time.Minute)
	if res := s.RunDue(ctx, c.Now()); len(res) != 0 {
		t.Fatalf("next tick backfilled %+v", res)
	}
	// The next day runs the next period only.
	c.t = c.t.Add(24 * time.Hour)
	if res := s.RunDue(ctx, c.Now()); len(res) != 1 || res[0].Period != "2026-12-04" {
		t.Fatalf("next day ran %+v", res)
	}
}
