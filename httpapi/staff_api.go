package httpapi

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/store"
)

// assignmentBody is the JSON body of PUT /api/v1/assignments/{roster}/{date}/{role}.
type assignmentBody struct {
	Person  string `json:"person"`
	Version int    `json:"version"` // the version last read; 0 for an empty slot
	Pinned  bool   `json:"pinned"`
}

// putAssignment sets one slot. A rule the person would break is 400 with the
// reason; a stale version is 409 with the current assignment in "current".
func (s *Server) putAssignment(c echo.Context) error {
	ctx := c.Request().Context()
	role, err := url.PathUnescape(c.Param("role"))
	if err != nil {
		return fault.InvalidField("role", "岗位无效")
	}
	d, err := roster.ParseDate(c.Param("date"))
	if err != nil {
		return fault.InvalidField("date", err.Error())
	}
	var body assignmentBody
	if err := c.Bind(&body); err != nil {
		return fault.InvalidField("body", "请求体应为 JSON：{\"person\",\"version\",\"pinned\"}")
	}
	st, err := s.loadSlot(ctx, c.Param("roster"), d, role)
	if err != nil {
		return err
	}
	ok := false
	for _, cand := range st.Candidates {
		if cand.ID == body.Person {
			if !cand.OK && !cand.Current {
				return fault.InvalidField("person", cand.Reason)
			}
			ok = true
		}
	}
	if !ok {
		return fault.InvalidField("person", "人员 "+body.Person+" 不在此岗位的值班池中")
	}
	a := roster.Assignment{Roster: st.Def.ID, Date: d, Role: role, Person: body.Person, Pinned: body.Pinned}
	out, err := s.store.SetAssignment(ctx, a, body.Version, actor(c))
	if errors.Is(err, store.ErrConflict) {
		resp := map[string]any{"error": map[string]string{"code": "conflict", "message": s.conflictMessage(ctx, a.Key())}}
		if cur, err := s.store.Assignment(ctx, a.Key()); err == nil {
			resp["current"] = cur
		}
		return c.JSON(http.StatusConflict, resp)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}
