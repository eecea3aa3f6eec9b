package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/notify"
	"zhiban/scheduler"
)

// Jobs is what the jobs page and API need from *scheduler.Scheduler; only this file names it.
type Jobs interface {
	List(ctx context.Context, now time.Time) ([]scheduler.Status, error)
	RunNow(ctx context.Context, name string, now time.Time) (scheduler.Result, error)
}

// errNoScheduler: a server built without jobs (tests, tools) says so instead of failing.
var errNoScheduler = echo.NewHTTPError(http.StatusServiceUnavailable, "本进程未启用定时任务")

type jobRow struct {
	scheduler.Status
	LastAt, NextAt, ErrorAt string
	LastLabel               string // 完成 | 跳过 | 失败
	DeliveryError           string // the latest failed delivery, said in Chinese
	DeliveryErrorAt         string
}

var runStatusLabels = map[string]string{"done": "完成", scheduler.StatusSkipped: "跳过", "failed": "失败"}

func (s *Server) jobRows(ctx context.Context) ([]jobRow, error) {
	list, err := s.sched.List(ctx, s.now())
	if err != nil {
		return nil, err
	}
	loc := s.cfg.Location
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	var out []jobRow
	for _, st := range list {
		r := jobRow{Status: st, NextAt: stamp(st.Next)}
		if st.Last != nil {
			r.LastAt, r.LastLabel = stamp(st.Last.FinishedAt), runStatusLabels[st.Last.Status]
		}
		if st.LastError != nil {
			r.ErrorAt = stamp(st.LastError.FinishedAt)
		}
		if d := st.Undelivered; d != nil {
			r.DeliveryError = notify.UndeliveredText(d.Period, d.Channel, d.Error, st.FailedDeliveries)
			r.DeliveryErrorAt = stamp(d.UpdatedAt)
		}
		out = append(out, r)
	}
	return out, nil
}

type jobsPage struct {
	staffLayout
	Enabled bool // the process runs jobs
	Jobs    []jobRow
}

func (s *Server) showJobs(c echo.Context) error {
	p := &jobsPage{staffLayout: staffLayout{Notice: c.QueryParam("done")}, Enabled: s.sched != nil}
	if s.sched != nil {
		rows, err := s.jobRows(c.Request().Context())
		if err != nil {
			return err
		}
		p.Jobs = rows
	}
	return s.renderStaff(c, http.StatusOK, "staff/jobs.html", "jobs", "定时任务", p)
}

// runJob runs a job now, recording who asked; a done period is a no-op that says so.
func (s *Server) runJob(ctx context.Context, name, who string) (scheduler.Result, error) {
	if s.sched == nil {
		return scheduler.Result{}, errNoScheduler
	}
	res, err := s.sched.RunNow(ctx, name, s.now())
	if errors.Is(err, scheduler.ErrUnknownJob) {
		return res, echo.NewHTTPError(http.StatusNotFound, "没有名为 "+name+" 的任务")
	}
	if err != nil {
		return res, err
	}
	if err := s.store.Audit(ctx, who, "run", "job", name, "", res.String()); err != nil {
		return res, err
	}
	return res, nil
}

func (s *Server) postJobRun(c echo.Context) error {
	res, err := s.runJob(c.Request().Context(), c.Param("name"), actor(c))
	if err != nil {
		return err
	}
	return s.redirectDone(c, "/staff/jobs", res.String())
}

func (s *Server) listJobsJSON(c echo.Context) error {
	if s.sched == nil {
		return errNoScheduler
	}
	list, err := s.sched.List(c.Request().Context(), s.now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"jobs": list})
}

func (s *Server) runJobJSON(c echo.Context) error {
	res, err := s.runJob(c.Request().Context(), c.Param("name"), actor(c))
	if err != nil {
		return err
	}
	status := http.StatusOK
	if res.Status == "failed" {
		status = http.StatusInternalServerError
	}
	return c.JSON(status, map[string]any{"result": res})
}
