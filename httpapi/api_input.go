package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/auth"
	"zhiban/fault"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
)

// staffAPI guards the cases, visits and sweeps API (token or session with CSRF,
// at least role min); they hold petitioner data, so reads are staff-only too.
func (s *Server) staffAPI(min auth.Role) echo.MiddlewareFunc { return s.requireRole(min) }

// apiDecode reads JSON strictly: an unknown field or wrong type is a 400 naming the field, never echoing values.
func apiDecode(c echo.Context, dst any) error {
	// limitBody's MaxBytesReader bounds the body; reading one byte past the
	// limit here too keeps a chunked oversize body a 413, never truncated JSON.
	raw, err := io.ReadAll(io.LimitReader(c.Request().Body, defaultBodyLimit+1))
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		return tooLarge(mbe.Limit)
	}
	if err != nil {
		return fault.InvalidField("body", "无法读取请求体")
	}
	if len(raw) > defaultBodyLimit {
		return tooLarge(defaultBodyLimit)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &te):
			return fault.InvalidField(te.Field, "类型错误，应为 "+apiJSONType(te.Type.Kind().String()))
		case errors.As(err, &se), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return fault.InvalidField("body", "请求体不是有效的 JSON")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			if !apiIdent(name) {
				name = "body" // a key made of user data is not echoed
			}
			return fault.InvalidField(name, "未知字段")
		}
		return fault.InvalidField(apiFieldOf(err, raw, dst), "格式无效（日期为 YYYY-MM-DD，时间为 HH:MM）")
	}
	return nil
}

// apiIdent reports whether s looks like a field name (a letter first, as no
// ID number or phone does), so it may be echoed.
func apiIdent(s string) bool {
	if s == "" || len(s) > 40 || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
			return false
		}
	}
	return s != ""
}

// apiFieldOf finds the field a text unmarshaler refused (encoding/json does not say)
// by decoding each top-level field alone.
func apiFieldOf(err error, raw []byte, dst any) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return "body"
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t := reflect.TypeOf(dst).Elem()
	for _, k := range keys {
		one, _ := json.Marshal(map[string]json.RawMessage{k: fields[k]})
		if json.Unmarshal(one, reflect.New(t).Interface()) != nil && apiIdent(k) {
			return k
		}
	}
	return "body"
}

func apiJSONType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "数字"
	case kind == "bool":
		return "true 或 false"
	case kind == "slice":
		return "数组"
	}
	return "字符串"
}

func apiPathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fault.InvalidField(name, "编号应为正整数")
	}
	return id, nil
}

func apiQueryDate(c echo.Context, name string) (roster.Date, error) {
	return optionalDate(name, c.QueryParam(name))
}

func optionalDate(name, v string) (roster.Date, error) {
	if v == "" {
		return 0, nil
	}
	d, err := roster.ParseDate(v)
	if err != nil {
		return 0, fault.InvalidField(name, "日期应为 YYYY-MM-DD")
	}
	return d, nil
}

func (s *Server) call(c echo.Context) service.Call {
	return service.Call{Actor: actor(c), Now: s.now(), Unit: unitOf(c)}
}

func (s *Server) checkTownship(ctx context.Context, st *store.Store, id string) error {
	return service.CheckTownship(ctx, st, id)
}

func apiChange[In, Out any](s *Server, c echo.Context, act func(context.Context, service.Call, int64, In) (Out, error)) (Out, error) {
	var in In
	var out Out
	id, err := apiPathID(c, "id")
	if err != nil {
		return out, err
	}
	if err := apiDecode(c, &in); err != nil {
		return out, err
	}
	return act(c.Request().Context(), s.call(c), id, in)
}
