package httpapi

import (
	"context"
	"time"

	"github.com/labstack/echo/v4"

	"zhiban/pubcache"
)

// showDisplay is /display, the TV in the reception hall: today's leaders, the
// hours, the windows and today's head count, in type read from five metres.
// The page reloads itself every minute (a meta refresh: no script), so it
// answers no-cache and a reload costs a 304 until the data or the day moves.
func (s *Server) showDisplay(c echo.Context) error {
	return s.serveCached(c, pubcache.PathKey("/display"), htmlType, "public, no-cache", func(ctx context.Context) ([]byte, time.Time, error) {
		pg, err := s.pub.DisplayPage(ctx, s.today())
		if err != nil {
			return nil, time.Time{}, err
		}
		body, err := s.renderBytes("display.html", pg)
		// The head count changes with visits, which the data's last change does
		// not cover; the page is rendered again on any write, so "now" is never early.
		return body, s.now(), err
	})
}
