package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/auth"
	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/scheduler"
	"zhiban/store"
	"zhiban/visits"
)

// staffAPI guards the cases, visits and sweeps API: staff API tokens
// (Authorization: Bearer, made with "zhiban user token") or a session with
// its CSRF token, at least role min. Cases, visits and sweeps hold
// petitioner data, so their reads are staff-only too.
func (s *Server) staffAPI(min auth.Role) echo.MiddlewareFunc { return s.requireRole(min) }

// apiDecode reads a JSON body strictly: an unknown field or a wrong type is a
// 400 naming the field. Values are never echoed back.
func apiDecode(c echo.Context, dst any) error {
	raw, err := io.ReadAll(io.LimitReader(c.Request().Body, 1<<20))
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		return tooLarge(mbe.Limit)
	}
	if err != nil {
		return fault.InvalidField("body", "无法读取请求体")
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

func apiIdent(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
			return false
		}
	}
	return s != ""
}

// apiFieldOf finds the field whose value a text unmarshaler (a date, a
// time) refused: encoding/json does not say, so each top-level field is
// decoded alone into a fresh value of dst's type.
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
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	d, err := roster.ParseDate(v)
	if err != nil {
		return 0, fault.InvalidField(name, "日期应为 YYYY-MM-DD")
	}
	return d, nil
}

func (s *Server) apiToday() roster.Date { return roster.Today(s.now(), s.cfg.Location) }

// calendar is the official calendar wide enough for every clock of a case.
func (s *Server) caseCalendar(ctx context.Context, st *store.Store) (roster.Calendar, error) {
	t := s.apiToday()
	return planner.Calendar(ctx, st, t.AddDays(-3*366), t.AddDays(366))
}

// caseView is a case with its clocks, for staff.
type caseView struct {
	visits.Case
	Clock     visits.Clock      `json:"clock"`
	Deadlines []visits.Deadline `json:"deadlines"`
}

func viewCase(c visits.Case, today roster.Date, cal roster.Calendar) caseView {
	return caseView{Case: c, Clock: c.ClockOn(today, cal), Deadlines: c.Deadlines(cal)}
}

// listCases lists cases, filtered by township, leader, state, and overdue=1.
func (s *Server) listCases(c echo.Context) error {
	ctx := c.Request().Context()
	f := store.CaseFilter{Township: c.QueryParam("township"), Leader: c.QueryParam("leader")}
	if st := c.QueryParam("state"); st != "" {
		if visits.CaseState(st).Label() == "" {
			return fault.InvalidField("state", "状态无效")
		}
		f.States = []visits.CaseState{visits.CaseState(st)}
	}
	overdue := c.QueryParam("overdue")
	if overdue != "" && overdue != "1" && overdue != "true" && overdue != "0" && overdue != "false" {
		return fault.InvalidField("overdue", "应为 1 或 0")
	}
	cases, err := s.store.Cases(ctx, f)
	if err != nil {
		return err
	}
	cal, err := s.caseCalendar(ctx, s.store)
	if err != nil {
		return err
	}
	today := s.apiToday()
	out := []caseView{}
	for _, k := range cases {
		v := viewCase(k, today, cal)
		if (overdue == "1" || overdue == "true") && !v.Clock.Overdue {
			continue
		}
		out = append(out, v)
	}
	return c.JSON(http.StatusOK, map[string]any{"cases": out})
}

func (s *Server) showCase(c echo.Context) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	k, err := s.store.Case(ctx, id)
	if err != nil {
		return err
	}
	cal, err := s.caseCalendar(ctx, s.store)
	if err != nil {
		return err
	}
	vs, err := s.store.Visits(ctx, store.VisitFilter{Case: id})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"case": viewCase(k, s.apiToday(), cal), "visits": vs})
}

type caseInput struct {
	Code            string            `json:"code"`
	Title           string            `json:"title"`
	Category        visits.Category   `json:"category"`
	Township        string            `json:"township"`
	Received        roster.Date       `json:"received"`
	Channel         visits.Channel    `json:"channel"`
	Petitioner      visits.Petitioner `json:"petitioner"`
	Content         string            `json:"content"`
	GroupSize       int               `json:"group_size"`
	Representatives int               `json:"representatives"`
	Leader          string            `json:"leader"`
	Unit            string            `json:"unit"`
	Key             bool              `json:"key"`
}

// createCase registers a case; without a code it gets the year's next one.
func (s *Server) createCase(c echo.Context) error {
	var in caseInput
	if err := apiDecode(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	created, err := s.registerCase(ctx, in, actor(c))
	if err != nil {
		return err
	}
	cal, err := s.caseCalendar(ctx, s.store)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"case": viewCase(created, s.apiToday(), cal)})
}

// registerCase checks and stores a new case in one transaction: the domain
// rules (visits.Case.Validate), a known township and leader, a free code.
// Without a code the case gets its received year's next one. The JSON API
// and the staff form (/staff/cases/new) both register through here.
func (s *Server) registerCase(ctx context.Context, in caseInput, who string) (visits.Case, error) {
	var created visits.Case
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		if in.Code == "" {
			if in.Received == 0 {
				return &visits.Refusal{Field: "received", Msg: "请填写收到日期"}
			}
			code, err := tx.NextCaseCode(ctx, in.Received.Year())
			if err != nil {
				return err
			}
			in.Code = code
		}
		k := visits.Case{Code: in.Code, Title: in.Title, Category: in.Category, Township: in.Township, Received: in.Received,
			Channel: in.Channel, Petitioner: in.Petitioner, Content: in.Content, GroupSize: in.GroupSize,
			Representatives: in.Representatives, Leader: in.Leader, Unit: in.Unit, Key: in.Key, State: visits.StateReceived}
		if k.GroupSize == 0 {
			k.GroupSize = 1
		}
		if err := k.Validate(s.apiToday()); err != nil {
			return err
		}
		if err := s.checkTownship(ctx, tx, k.Township); err != nil {
			return err
		}
		if err := apiCheckLeader(ctx, tx, k.Leader); err != nil {
			return err
		}
		if existing, err := tx.CaseByCode(ctx, k.Code); err == nil {
			return &fault.Error{Kind: fault.Conflict, Code: "conflict", Msg: "案件编号 " + k.Code + " 已存在", Items: []any{existing.Public()}}
		}
		var err error
		created, err = tx.CreateCase(ctx, k, who)
		return err
	})
	return created, err
}

func (s *Server) checkTownship(ctx context.Context, st *store.Store, id string) error {
	units, err := st.Units(ctx)
	if err != nil {
		return err
	}
	for _, u := range units {
		if u.ID == id && u.Kind == "township" {
			return nil
		}
	}
	return fault.InvalidField("township", "乡镇不存在")
}

func apiCheckLeader(ctx context.Context, st *store.Store, id string) error {
	if id == "" {
		return nil
	}
	if _, err := st.Person(ctx, id); errors.Is(err, store.ErrNotFound) {
		return fault.InvalidField("leader", "领导不存在")
	} else if err != nil {
		return err
	}
	return nil
}

type caseActInput struct {
	Version int         `json:"version"`
	On      roster.Date `json:"on"`
	// transition
	Action visits.Transition `json:"action"`
	// milestone
	Duty visits.Duty `json:"duty"`
	Note string      `json:"note"`
	// extension
	Days   int    `json:"days"`
	Reason string `json:"reason"`
	// leader
	Leader string `json:"leader"`
}

// changeCase loads a case, applies fn and saves it under the version the caller read.
func (s *Server) changeCase(c echo.Context, action string, fn func(ctx context.Context, tx *store.Store, k *visits.Case, in caseActInput, cal roster.Calendar) (any, error)) error {
	id, err := apiPathID(c, "id")
	if err != nil {
		return err
	}
	var in caseActInput
	if err := apiDecode(c, &in); err != nil {
		return err
	}
	if in.Version <= 0 {
		return fault.InvalidField("version", "请提供读取时的版本号")
	}
	if in.On == 0 {
		in.On = s.apiToday()
	}
	ctx := c.Request().Context()
	resp := map[string]any{}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		k, err := tx.Case(ctx, id)
		if err != nil {
			return err
		}
		if k.Version != in.Version {
			return &fault.Error{Kind: fault.Conflict, Code: "conflict", Msg: fmt.Sprintf("案件 %s 已被他人修改（当前版本 %d），请刷新后重试", k.Code, k.Version),
				Items: []any{map[string]any{"code": k.Code, "version": k.Version, "state": k.State}}}
		}
		cal, err := s.caseCalendar(ctx, tx)
		if err != nil {
			return err
		}
		extra, err := fn(ctx, tx, &k, in, cal)
		if err != nil {
			return err
		}
		saved, err := tx.SaveCase(ctx, k, in.Version, action, actor(c))
		if err != nil {
			return err
		}
		resp["case"] = viewCase(saved, s.apiToday(), cal)
		if extra != nil {
			resp["return_visit"] = extra
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, resp)
}

// transitionCase applies a state change. Serving the handling opinion
// (reply) also plans the return visit within the review window.
func (s *Server) transitionCase(c echo.Context) error {
	return s.changeCase(c, "transition", func(ctx context.Context, tx *store.Store, k *visits.Case, in caseActInput, cal roster.Calendar) (any, error) {
		if in.Action == "" {
			return nil, fault.InvalidField("action", "请指定操作")
		}
		if err := k.Apply(in.Action, in.On, s.apiToday(), cal); err != nil {
			return nil, err
		}
		if in.Action != visits.ActReply {
			return nil, nil
		}
		return scheduler.ScheduleReturnVisit(ctx, tx, *k, cal, s.cfg.Visits.ReturnVisitWithinDays, s.apiToday(), actor(c))
	})
}

func (s *Server) addMilestone(c echo.Context) error {
	return s.changeCase(c, "milestone", func(_ context.Context, _ *store.Store, k *visits.Case, in caseActInput, _ roster.Calendar) (any, error) {
		return nil, k.Milestone(in.Duty, in.On, s.apiToday(), in.Note)
	})
}

func (s *Server) extendCase(c echo.Context) error {
	return s.changeCase(c, "extend", func(_ context.Context, _ *store.Store, k *visits.Case, in caseActInput, cal roster.Calendar) (any, error) {
		return nil, k.Extend(in.Days, in.Reason, in.On, cal)
	})
}

func (s *Server) setCaseLeader(c echo.Context) error {
	return s.changeCase(c, "assign", func(ctx context.Context, tx *store.Store, k *visits.Case, in caseActInput, _ roster.Calendar) (any, error) {
		if in.Leader == "" {
			return nil, fault.InvalidField("leader", "请选择领导")
		}
		if err := apiCheckLeader(ctx, tx, in.Leader); err != nil {
			return nil, err
		}
		k.Leader, k.LeaderReason = in.Leader, strings.TrimSpace(in.Reason)
		return nil, nil
	})
}
