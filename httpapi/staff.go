package httpapi

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/auth"
	"zhiban/roster"
	"zhiban/store"
)

//go:embed templates/staff/*.html
var staffTemplateFiles embed.FS

type navLink struct {
	Key, Label, Href string
	Min              auth.Role // the least role that sees the link
}

// staffNav is the staff navigation in display order; a new staff page adds its link here.
var staffNav = []navLink{
	{"desk", "接访台", "/staff/desk", auth.RoleViewer},
	{"roster", "值班表", "/staff/roster", auth.RoleViewer},
	{"absences", "请假/出差", "/staff/absences", auth.RoleViewer},
	{"fairness", "公平统计", "/staff/fairness", auth.RoleViewer},
	{"stats", "统计", "/staff/stats", auth.RoleViewer},
	{"cases", "案件", "/staff/cases", auth.RoleViewer},
	{"handovers", "交办", "/staff/handovers", auth.RoleViewer},
	{"visits", "走访", "/staff/visits", auth.RoleViewer},
	{"sweeps", "排查", "/staff/sweeps", auth.RoleViewer},
	{"flags", "提醒", "/staff/flags", auth.RoleViewer},
	{"jobs", "任务", "/staff/jobs", auth.RoleViewer},
	{"holidays", "节假日", "/staff/holidays", auth.RoleViewer},
	{"leaders", "领导", "/staff/leaders", auth.RoleViewer},
	{"import", "Excel 导入", "/staff/import", auth.RoleEditor},
	{"audit", "审计日志", "/staff/audit", auth.RoleViewer},
	{"users", "用户", "/staff/users", auth.RoleAdmin},
}

// townshipNav are the nav keys a township account (乡镇账号) may open (routes.go's u* routes).
var townshipNav = map[string]bool{"roster": true, "absences": true, "fairness": true, "visits": true, "sweeps": true}

type navItem struct {
	Label, Href string
	Active      bool
}

// parseStaffTemplates parses each staff page with the layout, keyed "staff/NAME.html".
func parseStaffTemplates(out map[string]*template.Template) error {
	pages, err := fs.Glob(staffTemplateFiles, "templates/staff/*.html")
	if err != nil {
		return err
	}
	for _, p := range pages {
		name := strings.TrimPrefix(p, "templates/")
		if name == "staff/layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(templateFuncs).Funcs(staffFuncs).
			ParseFS(staffTemplateFiles, "templates/staff/layout.html", p)
		if err != nil {
			return err
		}
		out[name] = t
	}
	return nil
}

var staffFuncs = template.FuncMap{
	"roleLabel": func(r auth.Role) string { return r.Label() },
	"atLeast":   func(r auth.Role, min string) bool { return r.Rank() >= auth.Role(min).Rank() },
	"add":       func(a, b int) int { return a + b },
	"pct":       func(x float64) string { return fmt.Sprintf("%.1f%%", x*100) },
	"neg":       func(n int) int { return -n },
	"classLabel": func(c string) string {
		for _, k := range roster.Classes {
			if k.String() == c {
				return k.Label()
			}
		}
		return c
	},
}

// staffLayout is what the staff layout reads; renderStaff fills it in.
type staffLayout struct {
	Title         string
	User          *store.User
	CSRF          string
	NavItems      []navItem
	Error, Notice string
}

func (l *staffLayout) layout() *staffLayout { return l }

// renderStaff renders a page in the staff layout; data embeds staffLayout or is a
// map (may be nil). nav is the staffNav key to highlight.
func (s *Server) renderStaff(c echo.Context, status int, page, nav, title string, data any) error {
	var items []navItem
	a := authOf(c)
	if a != nil {
		for _, l := range staffNav {
			if a.User.Role.Rank() >= l.Min.Rank() && (a.User.Unit == "" || townshipNav[l.Key]) {
				items = append(items, navItem{l.Label, l.Href, l.Key == nav})
			}
		}
	}
	if p, ok := data.(interface{ layout() *staffLayout }); ok {
		l := p.layout()
		l.Title = title
		if a != nil {
			l.User, l.CSRF, l.NavItems = &a.User, a.CSRF, items
		}
	} else {
		m, _ := data.(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		m["Title"] = title
		if a != nil {
			m["User"], m["CSRF"], m["NavItems"] = a.User, a.CSRF, items
		}
		data = m
	}
	t, ok := s.tpl[page]
	if !ok {
		return fmt.Errorf("httpapi: no template %s", page)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("httpapi: render %s: %w", page, err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

func (s *Server) showStaffHome(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, "/staff/roster")
}

// Routes lists the registered routes; tests walk it to check every write route.
func (s *Server) Routes() []*echo.Route { return s.echo.Routes() }
