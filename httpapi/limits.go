package httpapi

import (
	"errors"
	"fmt"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"zhiban/xlsx"
)

// Bodies are bounded before anything reads them. Every limit is far below
// formMemory, so a multipart upload never goes to disk.
const (
	loginBodyLimit     = 64 << 10 // name, password, CSRF token, next
	defaultBodyLimit   = 1 << 20  // every other form and JSON body
	importPreviewLimit = xlsx.MaxUpload + 1<<20
	// The previewed file sent back as base64 (4/3), with '+', '/', '=' percent-encoded.
	importApplyLimit    = xlsx.MaxUpload*3/2 + 1<<20
	holidayPreviewLimit = maxHolidayUpload + 1<<20
	// formMemory is echo's default in-memory multipart size.
	formMemory = 32 << 20
)

// bodyLimit is the largest request body accepted at path.
func bodyLimit(path string) int64 {
	switch path {
	case "/staff/login":
		return loginBodyLimit
	case "/evaluate":
		return evaluateBodyLimit
	case "/booking", "/booking/lookup", "/booking/cancel":
		return bookingBodyLimit
	case "/staff/import/preview":
		return importPreviewLimit
	case "/staff/import/apply":
		return importApplyLimit
	case "/staff/holidays/preview":
		return holidayPreviewLimit
	}
	return defaultBodyLimit
}

// tooLarge is the 413 for a body over limit.
func tooLarge(limit int64) error {
	return echo.NewHTTPError(http.StatusRequestEntityTooLarge, tooLargeMsg(limit))
}

func tooLargeMsg(limit int64) string {
	size := fmt.Sprintf("%d KB", limit>>10)
	if limit >= 1<<20 {
		size = fmt.Sprintf("%.1f MB", float64(limit)/(1<<20))
	}
	return "请求内容过大（此处最多 " + size + "），请缩小文件或内容后重试"
}

// limitBody refuses a declared-too-large body unread, wraps the rest in
// MaxBytesReader, and parses forms here so a chunked oversize body is a 413, not an empty form.
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Body == nil || req.Body == http.NoBody {
			return next(c)
		}
		limit := bodyLimit(req.URL.Path)
		if req.ContentLength > limit {
			return tooLarge(limit)
		}
		req.Body = http.MaxBytesReader(c.Response().Writer, req.Body, limit)
		var err error
		switch ct, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type")); ct {
		case "multipart/form-data":
			err = req.ParseMultipartForm(formMemory)
		case "application/x-www-form-urlencoded":
			err = req.ParseForm()
		}
		// Other parse errors are left to the handler, which sees an empty form.
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			return tooLarge(limit)
		}
		return next(c)
	}
}
