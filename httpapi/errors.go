package httpapi

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"zhiban/store"
)

// userError is a mistake in the request: a 400 with a message naming the field.
type userError struct {
	Field string
	Msg   string
}

func (e *userError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

func badRequest(field, msg string) error { return &userError{Field: field, Msg: msg} }

// statusCodes are the stable, lowercase error codes of the JSON API, by
// status; clients switch on these, never on echo's "Not Found" texts.
var statusCodes = map[int]string{
	http.StatusBadRequest:            "invalid",
	http.StatusUnauthorized:          "unauthorized",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusConflict:              "conflict",
	http.StatusRequestEntityTooLarge: "too_large",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
	http.StatusTooManyRequests:       "too_many_requests",
	http.StatusServiceUnavailable:    "unavailable",
}

// statusCode is the stable code of an HTTP status.
func statusCode(status int) string {
	if c, ok := statusCodes[status]; ok {
		return c
	}
	if status >= 500 {
		return "internal"
	}
	return "invalid"
}

// handleError is the one place errors become status codes; only 500s are
// logged. JSON errors are always {"error": {"code", "message", "field"?}}.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, code, msg, field := http.StatusInternalServerError, "internal", "服务器内部错误，请稍后再试", ""
	var ue *userError
	var he *echo.HTTPError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		status, code, msg = http.StatusRequestEntityTooLarge, statusCode(http.StatusRequestEntityTooLarge), tooLargeMsg(mbe.Limit)
	case errors.As(err, &ue):
		status, code, msg, field = http.StatusBadRequest, "invalid", ue.Error(), ue.Field
	case errors.Is(err, store.ErrNotFound):
		status, code, msg = http.StatusNotFound, "not_found", "未找到"
	case errors.Is(err, store.ErrConflict):
		status, code, msg = http.StatusConflict, "conflict", "数据已被他人修改，请刷新后重试"
	case errors.As(err, &he):
		status = he.Code
		code = statusCode(status)
		// A reason the handler gave (e.g. 没有名为 x 的任务, a missing CSRF
		// token) is kept; echo's own English status texts are not shown.
		given, ok := he.Message.(string)
		if ok && given == http.StatusText(status) {
			given = ""
		}
		switch status {
		case http.StatusNotFound:
			msg = "页面不存在"
		case http.StatusMethodNotAllowed:
			msg = "不支持的请求方法"
		case http.StatusUnauthorized:
			msg = "需要登录"
		case http.StatusForbidden:
			msg = "没有权限"
		case http.StatusRequestEntityTooLarge:
			msg = "请求体过大"
		case http.StatusTooManyRequests:
			msg = "请求过于频繁，请稍后再试"
		default:
			msg = "请求无效"
			if status >= 500 {
				msg = "服务器内部错误，请稍后再试"
			}
		}
		if given != "" {
			msg = given
		}
	default:
		s.log.Error("Request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
	}
	if c.Request().Method == http.MethodHead {
		c.NoContent(status)
		return
	}
	if wantsJSON(c) {
		body := map[string]string{"code": code, "message": msg}
		if field != "" {
			body["field"] = field
		}
		c.JSON(status, map[string]any{"error": body})
		return
	}
	s.render(c, status, "error.html", map[string]any{"Title": "出错了", "Status": status, "Message": msg})
}

func wantsJSON(c echo.Context) bool {
	p := c.Request().URL.Path
	return len(p) >= 5 && p[:5] == "/api/" || p == "/healthz"
}
