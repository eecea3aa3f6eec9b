package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"time"

	"zhiban/auth"
	"zhiban/county"
	"zhiban/httpapi"
	"zhiban/metrics"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/scheduler"
	"zhiban/service"
	"zhiban/store"
)

// runServe serves the public pages, feeds and API, and runs the jobs.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, com := newFlags("serve", stderr)
	listen := fs.String("listen", "", "监听地址（环境变量 ZHIBAN_LISTEN，默认 127.0.0.1:8080）")
	demo := fs.Bool("demo", false, "首次运行时载入示例县数据并排好值班")
	cfg, st, err := com.parseOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer st.Close()
	if *listen != "" {
		cfg.Listen = *listen
	}
	log := newLogger(stderr, cfg.Log.Format)
	// The live heap is small (the rendered pages and feeds, a few MB), so
	// collecting at 5× it instead of 2× costs little memory and takes ~1 µs
	// of garbage collection off every public request. GOGC still overrides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	// One service for the jobs and the HTTP server, queueing messages on
	// the channels the scheduler delivers on.
	fan := notifiers(cfg, log)
	svc := service.New(st, cfg, fan.Names())
	// One registry per server, and none when metrics.listen is off.
	var m *metrics.Metrics
	var observe func(scheduler.Result, time.Duration)
	if cfg.Metrics.Listen != "" {
		if err := cfg.ValidateMetrics(); err != nil { // --listen may have changed listen
			return err
		}
		m = metrics.New()
		observe = func(r scheduler.Result, took time.Duration) { m.ObserveJob(r.Job, r.Status, took) }
	}
	// Built first so a bad cron spec stops start-up before anything is served.
	jobs, err := newScheduler(svc, st, fan, log, time.Now, observe)
	if err != nil {
		return err
	}
	// Listen before seeding or running jobs: a bad or busy address fails now,
	// not after the demo password was printed and the catch-up ran.
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("无法监听地址 %s（listen 配置或 --listen）：%v", cfg.Listen, err)
	}
	defer ln.Close()
	var mln net.Listener
	if m != nil {
		if mln, err = net.Listen("tcp", cfg.Metrics.Listen); err != nil {
			return fmt.Errorf("无法监听监控指标地址 %s（metrics.listen 配置或 ZHIBAN_METRICS_LISTEN）：%v", cfg.Metrics.Listen, err)
		}
		defer mln.Close()
		names := []string{}
		for _, j := range jobs.Jobs() {
			names = append(names, j.Name)
		}
		m.InitJobs(names)
	}
	if *demo {
		if err := seedDemo(ctx, svc, st, log, time.Now(), stdout); err != nil {
			return err
		}
	}
	srv, err := httpapi.New(st, httpapi.Options{Config: cfg, Logger: log, Version: buildVersion(), Scheduler: jobs, Service: svc, Metrics: m})
	if err != nil {
		return err
	}
	// The metrics listener lives as long as the public one, whichever way that ends.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	metricsDone := make(chan struct{})
	if m != nil {
		go func() {
			defer close(metricsDone)
			if err := m.Serve(ctx, mln, log); err != nil {
				log.Error("Metrics server stopped", "addr", cfg.Metrics.Listen, "err", err)
			}
		}()
		log.Info("Serving metrics", "addr", mln.Addr().String())
	} else {
		close(metricsDone)
	}
	// Start catches up missed periods in the background, so a server that was
	// down over midnight still gets today's roster and reminders.
	if err := jobs.Start(); err != nil {
		return err
	}
	log.Info("Serving", "addr", ln.Addr().String(), "database", store.Shown(cfg.Database), "timezone", cfg.Timezone)
	fmt.Fprintf(stdout, "zhiban %s 已启动：http://%s/\n", buildVersion(), cfg.Listen)
	err = srv.Serve(ctx, ln)
	stop()
	<-metricsDone
	// SIGTERM: no new runs; a running job gets a bounded time to finish.
	if serr := jobs.Shutdown(context.Background()); serr != nil {
		log.Error("Scheduler shutdown", "err", serr)
	}
	return err
}

// seedDemo loads the demo county on first run and fills the roster horizon,
// so the page is never empty on a duty day.
func seedDemo(ctx context.Context, svc *service.Service, st *store.Store, log *slog.Logger, now time.Time, stdout io.Writer) error {
	cfg := svc.Config()
	name, err := st.Setting(ctx, "county")
	if err != nil {
		return err
	}
	today := roster.Today(now, cfg.Location)
	if name == "" {
		if _, _, err := planner.ImportCounty(ctx, st, county.Demo(), today, today, "demo"); err != nil {
			return fmt.Errorf("载入示例数据: %w", err)
		}
		log.Info("Loaded the demo county")
	}
	res, err := planner.Fill(ctx, st, today, today.AddDays(cfg.HorizonDays), today, "demo")
	if err != nil {
		return err
	}
	log.Info("Filled the roster horizon", "written", res.Written, "unfilled", len(res.Plan.Unfilled))
	if err := svc.SeedDemo(ctx, service.Call{Actor: "demo", Now: now}); err != nil {
		return fmt.Errorf("载入示例案件: %w", err)
	}
	return seedDemoAdmin(ctx, svc, st, now, stdout)
}

// seedDemoAdmin creates a demo administrator with a random password when the
// database has no users yet, and prints the password once, so a new user can
// try the staff workspace right away.
func seedDemoAdmin(ctx context.Context, svc *service.Service, st *store.Store, now time.Time, stdout io.Writer) error {
	users, err := st.Users(ctx)
	if err != nil || len(users) > 0 {
		return err
	}
	password, _ := auth.NewToken()
	password = password[:12]
	if _, err := svc.CreateUser(ctx, service.Call{Actor: "demo", Now: now}, "admin", string(auth.RoleAdmin), password); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "演示管理员账号：admin　密码：%s（只显示这一次；登录 /staff，可用 zhiban user passwd admin 修改）\n", password)
	return nil
}
