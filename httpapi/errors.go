package httpapi

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
)

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

func statusCode(status int) string {
	if c, ok := statusCodes[status]; ok {
		return c
	}
	if status >= 500 {
		return "internal"
	}
	return "invalid"
}

// handleError is the one place errors become status codes; only 500s are logged.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, code, msg, field := http.StatusInternalServerError, "internal", "服务器内部错误，请稍后再试", ""
	var items any
	var he *echo.HTTPError
	var mbe *http.MaxBytesError
	if fe := fault.Classify(err); fe != nil {
		status, code, msg, field, items = kindStatus[fe.Kind], fe.StableCode(), fe.Msg, fe.Field, fe.Items
		if fe.Kind == fault.Invalid {
			msg = fe.Error() // names the field, for API clients
		}
	} else if errors.As(err, &mbe) {
		status, code, msg = http.StatusRequestEntityTooLarge, statusCode(http.StatusRequestEntityTooLarge), tooLargeMsg(mbe.Limit)
	} else if errors.As(err, &he) {
		status = he.Code
		code = statusCode(status)
		// A handler's reason is kept; echo's English status texts are not shown.
		given, ok := he.Message.(string)
		if ok && given == http.StatusText(status) {
			given = ""
		}
		msg = statusMessage(status)
		if given != "" {
			msg = given
		}
	} else {
		s.log.Error("Request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
	}
	if c.Request().Method == http.MethodHead {
		c.NoContent(status)
		return
	}
	if wantsJSON(c) {
		c.JSON(status, apiErrorBody{Error: apiError{Code: code, Message: msg, Field: field, Conflicts: items}})
		return
	}
	s.render(c, status, "error.html", errorPage{Title: "出错了", Status: status, Message: msg})
}

var kindStatus = map[fault.Kind]int{
	fault.Invalid: http.StatusBadRequest, fault.Conflict: http.StatusConflict, fault.NotFound: http.StatusNotFound,
	fault.Forbidden: http.StatusForbidden, fault.TooLarge: http.StatusRequestEntityTooLarge,
	fault.Internal: http.StatusInternalServerError, fault.Full: http.StatusInsufficientStorage,
	fault.ReadOnly: http.StatusServiceUnavailable,
}

// apiErrorBody is the JSON API's one error shape.
type apiErrorBody struct {
	Error apiError `json:"error"`
}

type apiError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	Conflicts any    `json:"conflicts,omitempty"`
}

func statusMessage(status int) string {
	switch status {
	case http.StatusNotFound:
		return "页面不存在"
	case http.StatusMethodNotAllowed:
		return "不支持的请求方法"
	case http.StatusUnauthorized:
		return "需要登录"
	case http.StatusForbidden:
		return "没有权限"
	case http.StatusRequestEntityTooLarge:
		return "请求体过大"
	case http.StatusTooManyRequests:
		return "请求过于频繁，请稍后再试"
	}
	if status >= 500 {
		return "服务器内部错误，请稍后再试"
	}
	return "请求无效"
}

func wantsJSON(c echo.Context) bool {
	p := c.Request().URL.Path
	return len(p) >= 5 && p[:5] == "/api/" || p == "/healthz"
}
