package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
)

type leaderRow struct {
	roster.Person
	TownName  string
	OpenCases int
}

func (s *Server) showLeaders(c echo.Context) error {
	return s.renderLeaders(c, http.StatusOK, &leadersPage{})
}

// leadersPage lists leaders, the one being edited with typed values, and a new feed URL (shown once).
type leadersPage struct {
	staffLayout
	Leaders          []leaderRow
	Names            workNames
	Edit             string            // the leader whose form is open
	Form             map[string]string // what was typed there
	FeedFor, FeedURL string
}

func (s *Server) renderLeaders(c echo.Context, status int, p *leadersPage) error {
	ctx := c.Request().Context()
	n, err := s.workNames(ctx)
	if err != nil {
		return err
	}
	ps, err := s.store.People(ctx)
	if err != nil {
		return err
	}
	load, err := s.store.OpenCaseLoad(ctx)
	if err != nil {
		return err
	}
	p.Names = n
	for _, x := range ps {
		r := leaderRow{Person: x, OpenCases: load[x.ID]}
		if x.Links.Township != "" {
			r.TownName = n.Town(x.Links.Township)
		}
		p.Leaders = append(p.Leaders, r)
	}
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	if d := c.QueryParam("done"); d != "" && p.Notice == "" {
		p.Notice = d
	}
	return s.renderStaff(c, status, "staff/leaders.html", "leaders", "领导与四个一", p)
}

// saveLeaderLinks saves a leader's 四个一 links unless someone changed them since
// the page was shown; then it shows the current links beside the typed ones.
func (s *Server) saveLeaderLinks(c echo.Context) error {
	ctx := c.Request().Context()
	id := c.Param("id")
	p, err := s.store.Person(ctx, id)
	if err != nil {
		return err
	}
	f := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	typed := map[string]string{"township": f("township"), "enterprise": f("enterprise"), "project": f("project"), "village": f("village")}
	old := roster.Links{Township: f("old_township"), Enterprise: f("old_enterprise"), Project: f("old_project"), Village: f("old_village")}
	fail := func(status int, msg string) error {
		p := &leadersPage{Edit: id, Form: typed}
		p.Error = msg
		return s.renderLeaders(c, status, p)
	}
	if t := typed["township"]; t != "" {
		if err := s.checkTownship(ctx, s.store, t); err != nil {
			return fail(http.StatusBadRequest, "乡镇不存在")
		}
	}
	links := roster.Links{Township: typed["township"], Enterprise: typed["enterprise"], Project: typed["project"], Village: typed["village"]}
	p, err = planner.SetLinks(ctx, s.store, id, old, links, actor(c))
	var changed *planner.LinksChanged
	if errors.As(err, &changed) {
		p := changed.Person
		n, _ := s.workNames(ctx)
		return fail(http.StatusConflict, fmt.Sprintf("%s 的四个一已被他人修改，当前为：乡镇 %s，企业 %s，项目 %s，村 %s。未保存，请核对后重新提交。",
			p.Name, dash(n.Town(p.Links.Township)), dash(p.Links.Enterprise), dash(p.Links.Project), dash(p.Links.Village)))
	}
	if fe := fault.Classify(err); fe != nil && fe.Kind == fault.Invalid {
		return fail(http.StatusBadRequest, fe.Msg)
	}
	if err != nil {
		return err
	}
	return s.redirectDone(c, "/staff/leaders", "已更新 "+p.Name+" 的四个一")
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// rotateLeaderFeed shows a new feed URL once (only its hash is stored); the old one stops.
func (s *Server) rotateLeaderFeed(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.store.Person(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	token, err := s.store.RotateFeedToken(ctx, p.ID, actor(c))
	if err != nil {
		return err
	}
	url := s.publicBase(c) + "/feeds/leader/" + token + ".ics"
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	page := &leadersPage{FeedFor: p.Name, FeedURL: url}
	page.Notice = "已为 " + p.Name + " 生成新的私人日历地址，旧地址已失效。"
	return s.renderLeaders(c, http.StatusOK, page)
}

func (s *Server) revokeLeaderFeed(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.store.Person(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	n, err := s.store.RevokeFeedTokens(ctx, p.ID, actor(c))
	if err != nil {
		return err
	}
	return s.redirectDone(c, "/staff/leaders", fmt.Sprintf("已停用 %s 的私人日历地址（%d 个）", p.Name, n))
}
