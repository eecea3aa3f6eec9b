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

// handleError is the one place errors become status codes; only 500s are logged.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, code, msg := http.StatusInternalServerError, "internal", "服务器内部错误，请稍后再试"
	var ue *userError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ue):
		status, code, msg = http.StatusBadRequest, "invalid", ue.Error()
	case errors.Is(err, store.ErrNotFound):
		status, code, msg = http.StatusNotFound, "not_found", "未找到"
	case errors.Is(err, store.ErrConflict):
		status, code, msg = http.StatusConflict, "conflict", "数据已被他人修改，请刷新后重试"
	case errors.As(err, &he):
		status = he.Code
		code = http.StatusText(status)
		switch status {
		case http.StatusNotFound:
			msg = "页面不存在"
		case http.StatusMethodNotAllowed:
			msg = "不支持的请求方法"
		case http.StatusUnauthorized, http.StatusForbidden:
			msg = "需要登录"
			if status == http.StatusForbidden {
				msg = "没有权限"
			}
			if m, ok := he.Message.(string); ok && m != http.StatusText(status) {
				msg = m // a reason the handler gave, e.g. a missing CSRF token
			}
		default:
			if m, ok := he.Message.(string); ok {
				msg = m
			}
		}
	default:
		s.log.Error("Request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
	}
	if c.Request().Method == http.MethodHead {
		c.NoContent(status)
		return
	}
	if wantsJSON(c) {
		c.JSON(status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
		return
	}
	s.render(c, status, "error.html", map[string]any{"Title": "出错了", "Status": status, "Message": msg})
}

func wantsJSON(c echo.Context) bool {
	p := c.Request().URL.Path
	return len(p) >= 5 && p[:5] == "/api/" || p == "/healthz"
}
