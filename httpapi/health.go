package httpapi

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/store"
)

// showHealth reports the version and whether the database answers and can
// take a write: a full disk answers reads but loses every change.
func (s *Server) showHealth(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 5*time.Second)
	defer cancel()
	body := map[string]any{"status": "ok", "version": s.version, "database": "ok"}
	status := http.StatusOK
	if err := s.store.Ping(ctx); err != nil {
		body["status"], body["database"] = "degraded", "unavailable"
		status = http.StatusServiceUnavailable
	} else if err := s.store.CheckWrite(ctx); err != nil {
		body["status"], body["database"], body["message"] = "degraded", "not_writable", "数据库无法写入，修改不会被保存"
		if store.IsFull(err) {
			body["database"], body["message"] = "full", "数据库所在磁盘已满，修改不会被保存；请清理磁盘空间"
			s.full.note(s, err)
		}
		status = http.StatusServiceUnavailable
	} else {
		s.full.clear()
		if v, err := s.store.SchemaVersion(ctx); err == nil {
			body["schema_version"] = v
		}
	}
	return c.JSON(status, body)
}

// fullLog logs a full database once, not once per refused write: the log
// is often on the same disk. It logs again after a healthy probe, or after
// an hour of the disk staying full.
type fullLog struct {
	mu     sync.Mutex
	logged time.Time
}

func (f *fullLog) note(s *Server, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if now := s.now(); f.logged.IsZero() || now.Sub(f.logged) >= time.Hour {
		s.log.Error("Database is full: changes are refused until disk space is freed", "database", store.Shown(s.cfg.Database), "err", err)
		f.logged = now
	}
}

func (f *fullLog) clear() {
	f.mu.Lock()
	f.logged = time.Time{}
	f.mu.Unlock()
}

// watchFull answers a write refused for a full disk (fault.Full, 507 with a
// Chinese message, from the error handler or a re-rendered form) and logs it once.
func (s *Server) watchFull(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if store.IsFull(err) || c.Response().Status == http.StatusInsufficientStorage {
			s.full.note(s, err)
		}
		return err
	}
}
