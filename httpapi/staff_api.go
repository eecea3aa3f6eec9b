package httpapi

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
)

// assignmentBody is the JSON body of PUT /api/v1/assignments/{roster}/{date}/{role}.
type assignmentBody struct {
	Person  string `json:"person"`
	Version int    `json:"version"` // the version last read; 0 for an empty slot
	Pinned  bool   `json:"pinned"`
}

// putAssignment sets one slot: outside the pool is 400; a rule break is 409 with
// "conflicts", a stale version 409 with "current".
func (s *Server) putAssignment(c echo.Context) error {
	ctx := c.Request().Context()
	role, err := url.PathUnescape(c.Param("role"))
	if err != nil {
		return fault.InvalidField("role", "岗位无效")
	}
	d, err := slotDate(c.Param("date"), s.today())
	if err != nil {
		return err
	}
	var body assignmentBody
	if err := apiDecode(c, &body); err != nil {
		return err
	}
	k := roster.Key{Roster: c.Param("roster"), Date: d, Role: role}
	out, err := planner.Assign(ctx, s.store, planner.Assignment{Key: k, Person: body.Person, Version: body.Version, Pinned: &body.Pinned, Today: s.today(), Unit: unitOf(c)}, actor(c))
	var stale *planner.Stale
	if errors.As(err, &stale) {
		resp := map[string]any{"error": map[string]string{"code": "conflict", "message": s.staleMessage(stale)}}
		if stale.Current != nil {
			resp["current"] = stale.Current
		}
		return c.JSON(http.StatusConflict, resp)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}
