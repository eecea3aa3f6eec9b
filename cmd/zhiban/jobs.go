package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"zhiban/config"
	"zhiban/notify"
	"zhiban/scheduler"
	"zhiban/service"
	"zhiban/store"
)

// allJobs lists every scheduled job: the roster jobs and the visits jobs.
func allJobs(svc *service.Service) []scheduler.Job {
	return append(scheduler.Standard(svc), scheduler.VisitJobs(svc)...)
}

// notifiers are the configured notification channels; the service queues
// each message once per channel and the scheduler delivers on them.
func notifiers(cfg config.Config, log *slog.Logger) *notify.Fanout {
	return &notify.Fanout{Channels: notify.Channels(cfg.Notify, log)}
}

// newScheduler builds the scheduler with every job, each calling svc, and
// delivering on fan (the channels svc queues messages for). Every cron spec
// in the config is checked, so a bad one fails start-up with an error
// naming its key. observe, if set, is told every run (/metrics).
func newScheduler(svc *service.Service, st *store.Store, fan *notify.Fanout, log *slog.Logger, now func() time.Time,
	observe func(scheduler.Result, time.Duration)) (*scheduler.Scheduler, error) {
	cfg := svc.Config()
	specs := cfg.JobSpecs()
	keys := make([]string, 0, len(specs))
	for k := range specs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, err := scheduler.ParseSpec(k, specs[k]); err != nil {
			return nil, err
		}
	}
	s := scheduler.New(st, scheduler.Options{
		Location:    cfg.Location,
		CatchUpDays: cfg.Jobs.CatchUpDays,
		Logger:      log,
		Now:         now,
		Notify:      fan,
		Observe:     observe,
	})
	for _, j := range allJobs(svc) {
		if err := s.Add(j); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// runJobs lists the jobs or runs one now.
func runJobs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, com := newFlags("jobs", stderr)
	nowFlag := fs.String("now", "", "以此时刻运行（RFC 3339，如 2026-11-30T17:00:00+08:00），默认当前时间")
	future := fs.Bool("future", false, "允许 --now 为未来时刻（该期会被提前执行并记为已执行）")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || (pos[0] == "list" && len(pos) != 1) || (pos[0] == "run" && len(pos) != 2) || (pos[0] != "list" && pos[0] != "run") {
		return usageError("用法: zhiban jobs list | zhiban jobs run 任务名 [--now RFC3339]")
	}
	now := time.Now()
	if *nowFlag != "" {
		if now, err = time.Parse(time.RFC3339, *nowFlag); err != nil {
			return usageError("--now %q 无效，应为 RFC 3339 时间，如 2026-11-30T17:00:00+08:00", *nowFlag)
		}
		// A run in the future is real: it sends its messages now and marks
		// that period done, so the scheduled run will not happen. Ask first.
		if pos[0] == "run" && now.After(time.Now().Add(time.Minute)) && !*future {
			return usageError("--now %s 在未来：任务会立即真实执行（发送通知）并占用该期，到点时不再执行。确认请加 --future", *nowFlag)
		}
	}
	cfg, st, err := com.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	st.Now = func() time.Time { return now }
	log := newLogger(stderr, cfg.Log.Format)
	fan := notifiers(cfg, log)
	s, err := newScheduler(service.New(st, cfg, fan.Names()), st, fan, log, func() time.Time { return now }, nil)
	if err != nil {
		return err
	}
	if pos[0] == "list" {
		return listJobs(ctx, s, cfg, now, stdout)
	}
	res, err := s.RunNow(ctx, pos[1], now)
	if errors.Is(err, scheduler.ErrUnknownJob) {
		var names []string
		for _, j := range s.Jobs() {
			names = append(names, j.Name)
		}
		return fmt.Errorf("没有任务 %q（可用：%s）", pos[1], strings.Join(names, "、"))
	}
	if err != nil {
		return err
	}
	fctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	s.Flush(fctx)
	fmt.Fprintln(stdout, res)
	if res.Status == "done" {
		ds, err := st.Deliveries(ctx, store.DeliveryFilter{Job: res.Job, Period: res.Period})
		if err != nil {
			return err
		}
		sent, failed := 0, 0
		for _, d := range ds {
			switch d.Status {
			case "sent":
				sent++
			case "failed":
				failed++
			}
		}
		if len(ds) > 0 {
			fmt.Fprintf(stdout, "通知：送达 %d，失败 %d\n", sent, failed)
		}
	}
	if res.Status == "failed" {
		return fmt.Errorf("任务 %s 失败", res.Job)
	}
	return nil
}

func listJobs(ctx context.Context, s *scheduler.Scheduler, cfg config.Config, now time.Time, stdout io.Writer) error {
	list, err := s.List(ctx, now)
	if err != nil {
		return err
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(cfg.Location).Format("2006-01-02 15:04")
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "任务\t说明\t规则\t上次执行\t下次执行\t最近错误")
	for _, j := range list {
		last, lastErr := "—", "—"
		if j.Last != nil {
			last = fmt.Sprintf("%s %s（%s）", when(j.Last.FinishedAt), statusLabel(j.Last.Status), j.Last.Period)
		}
		var errs []string
		if j.LastError != nil {
			msg, _, _ := strings.Cut(j.LastError.Error, "\n")
			errs = append(errs, fmt.Sprintf("%s：%s", j.LastError.Period, msg))
		}
		if d := j.Undelivered; d != nil {
			errs = append(errs, notify.UndeliveredText(d.Period, d.Channel, d.Error, j.FailedDeliveries))
		}
		if len(errs) > 0 {
			lastErr = strings.Join(errs, "；")
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", j.Name, j.Title, j.Spec, last, when(j.Next), lastErr)
	}
	return w.Flush()
}

func statusLabel(s string) string {
	switch s {
	case "done":
		return "完成"
	case scheduler.StatusSkipped:
		return "跳过"
	}
	return "失败"
}
