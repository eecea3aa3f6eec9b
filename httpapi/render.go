package httpapi

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/pubcache"
	"zhiban/publish"
	"zhiban/roster"
)

var weekdayLabels = publish.WeekdayLabels

var templateFuncs = template.FuncMap{
	"weekday": func(d roster.Date) string { return weekdayLabels[d.Weekday()] },
	"cnDate": func(d roster.Date) string {
		return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
	},
	"md":        func(d roster.Date) string { return fmt.Sprintf("%d月%d日", int(d.Month()), d.Day()) },
	"join":      strings.Join,
	"hasPrefix": strings.HasPrefix,
	// portfolio omits 分管 when the portfolio already says what the leader does (主持县委全面工作).
	"portfolio": func(p string) string {
		if strings.HasPrefix(p, "主持") || strings.HasPrefix(p, "分管") {
			return p
		}
		return "分管" + p
	},
}

type errorPage struct {
	Title, Desc string // Desc is for the layout; an error page has none
	Status      int
	Message     string
}

// render executes a page into a buffer first, so a template error is a clean 500.
func (s *Server) render(c echo.Context, status int, page string, data any) error {
	t, ok := s.tpl[page]
	if !ok {
		return fmt.Errorf("httpapi: no template %s", page)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("httpapi: render %s: %w", page, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

func (s *Server) renderBytes(page string, data any) ([]byte, error) {
	t, ok := s.tpl[page]
	if !ok {
		return nil, fmt.Errorf("httpapi: no template %s", page)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("httpapi: render %s: %w", page, err)
	}
	return buf.Bytes(), nil
}

// serveCached answers a public GET or HEAD from pubcache, rendering only when data or date moved.
func (s *Server) serveCached(c echo.Context, key, contentType, cacheControl string, build pubcache.Builder) error {
	return s.cache.Serve(c.Response(), c.Request(), key, contentType, cacheControl, build)
}
