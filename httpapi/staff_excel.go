package httpapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/xlsx"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sendXLSX sends a workbook as a download with a Chinese file name (RFC 5987).
func sendXLSX(c echo.Context, name string, b []byte) error {
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="zhiban.xlsx"; filename*=UTF-8''%s`, url.PathEscape(name)))
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, xlsxType, b)
}

// exportRosterMonth sends one roster's month as a printable workbook.
func (s *Server) exportRosterMonth(c echo.Context, rosterID, monthS string) error {
	ctx := c.Request().Context()
	month, err := parseStaffMonth(monthS)
	if err != nil {
		return err
	}
	def, err := planner.RosterDef(ctx, s.store, rosterID)
	if err != nil {
		return err
	}
	days, err := s.monthGrid(ctx, def, month)
	if err != nil {
		return err
	}
	countyName, err := s.store.Setting(ctx, "county")
	if err != nil {
		return err
	}
	m := xlsx.Month{
		Title:    fmt.Sprintf("%s%s %d年%d月值班表", countyName, def.Name, month.Year(), int(month.Month())),
		Subtitle: fmt.Sprintf("地点：%s　时间：%s–%s", def.Place, def.Start, def.End),
	}
	for _, sl := range def.Slots {
		m.Roles = append(m.Roles, sl.Role)
	}
	for _, d := range days {
		md := xlsx.MonthDay{Date: d.Date, Class: d.Class, Names: make([]string, len(def.Slots))}
		var notes []string
		if d.Holiday != "" {
			notes = append(notes, d.Holiday)
		}
		if !d.Duty && len(d.Cells) == 0 {
			notes = append(notes, "不值班")
		}
		for _, cell := range d.Cells {
			for j, sl := range def.Slots {
				if sl.Role == cell.Role {
					md.Names[j] = cell.Name
				}
			}
			if cell.Manual {
				notes = append(notes, cell.Role+"已调整")
			}
		}
		md.Note = strings.Join(notes, "；")
		m.Days = append(m.Days, md)
	}
	b, err := xlsx.RosterMonth(m)
	if err != nil {
		return err
	}
	return sendXLSX(c, fmt.Sprintf("%s-%s.xlsx", def.Name, monthS), b)
}

// exportLeaders sends the leaders sheet, which is also the import template.
func (s *Server) exportLeaders(c echo.Context) error {
	ctx := c.Request().Context()
	people, err := s.store.People(ctx)
	if err != nil {
		return err
	}
	pools, err := s.store.Pools(ctx)
	if err != nil {
		return err
	}
	in := map[string][]string{}
	for _, p := range pools {
		for _, m := range p.Members {
			in[m] = append(in[m], p.ID)
		}
	}
	var ls []xlsx.Leader
	for _, p := range people {
		ls = append(ls, xlsx.Leader{Person: p, Pools: in[p.ID]})
	}
	b, err := xlsx.Leaders(ls)
	if err != nil {
		return err
	}
	return sendXLSX(c, "领导名单.xlsx", b)
}

// exportAbsencesTemplate sends an empty absences sheet.
func (s *Server) exportAbsencesTemplate(c echo.Context) error {
	b, err := xlsx.AbsencesTemplate()
	if err != nil {
		return err
	}
	return sendXLSX(c, "请假出差导入模板.xlsx", b)
}

// showImport shows the two upload forms.
func (s *Server) showImport(c echo.Context) error {
	data := map[string]any{}
	if n := c.QueryParam("done"); n != "" {
		data["Notice"] = n
	}
	return s.renderStaff(c, http.StatusOK, "staff/import.html", "import", "Excel 导入", data)
}

// importRow is one previewed row: what it will do, or why it cannot.
type importRow struct {
	Row    int
	Text   string
	Action string // 新增 / 更新 / 无变化 / 已登记
	Note   string
}

// importPlan is a checked upload, ready to apply when Errors is empty.
type importPlan struct {
	Kind    string // leaders | absences
	Rows    []importRow
	Errors  []xlsx.RowError
	leaders []xlsx.Leader
	absents []roster.Absence
}

// planImport parses an upload and checks every row against the database.
func (s *Server) planImport(ctx context.Context, kind string, data []byte) (*importPlan, error) {
	p := &importPlan{Kind: kind}
	people, err := s.store.People(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]roster.Person{}
	byName := map[string][]string{}
	for _, x := range people {
		byID[x.ID] = x
		byName[x.Name] = append(byName[x.Name], x.ID)
	}
	switch kind {
	case "leaders":
		pools, err := s.store.Pools(ctx)
		if err != nil {
			return nil, err
		}
		member := map[string]map[string]bool{}
		for _, pl := range pools {
			member[pl.ID] = map[string]bool{}
			for _, m := range pl.Members {
				member[pl.ID][m] = true
			}
		}
		ls, errs := xlsx.ParseLeaders(bytes.NewReader(data))
		p.Errors = errs
		for _, l := range ls {
			row := importRow{Row: l.Row, Text: fmt.Sprintf("%s %s %s", l.Person.ID, l.Person.Name, l.Person.Title)}
			old, exists := byID[l.Person.ID]
			if l.KeepEmail {
				l.Person.Email = old.Email
			}
			switch {
			case !exists:
				row.Action = "新增"
			case old.Name != l.Person.Name || old.Title != l.Person.Title || old.Rank != l.Person.Rank || old.Portfolio != l.Person.Portfolio ||
				old.Phone != l.Person.Phone || old.Email != l.Person.Email || old.Active != l.Person.Active || old.Links != l.Person.Links:
				row.Action = "更新"
			default:
				row.Action = "无变化"
			}
			ok := true
			for _, pl := range l.Pools {
				if member[pl] == nil {
					p.Errors = append(p.Errors, xlsx.RowError{Row: l.Row, Msg: "值班池“" + pl + "”不存在"})
					ok = false
				} else if !member[pl][l.Person.ID] {
					row.Note += "加入值班池 " + pl + "；"
					if row.Action == "无变化" {
						row.Action = "更新"
					}
				}
			}
			if ok {
				p.Rows = append(p.Rows, row)
				p.leaders = append(p.leaders, l)
			}
		}
	case "absences":
		existing, err := s.store.Absences(ctx, 0, 0)
		if err != nil {
			return nil, err
		}
		have := map[roster.Absence]bool{}
		for _, a := range existing {
			a.ID, a.Reason = 0, ""
			have[a] = true
		}
		as, errs := xlsx.ParseAbsences(bytes.NewReader(data))
		p.Errors = errs
		for _, a := range as {
			id := a.Person
			if _, ok := byID[id]; !ok {
				switch ids := byName[a.Person]; len(ids) {
				case 0:
					p.Errors = append(p.Errors, xlsx.RowError{Row: a.Row, Msg: "找不到人员“" + a.Person + "”"})
					continue
				case 1:
					id = ids[0]
				default:
					p.Errors = append(p.Errors, xlsx.RowError{Row: a.Row, Msg: "姓名“" + a.Person + "”对应多人，请填写编号"})
					continue
				}
			}
			ab := roster.Absence{Person: id, Kind: a.Kind, From: a.From, To: a.To, Reason: a.Reason}
			key := ab
			key.Reason = ""
			row := importRow{Row: a.Row, Text: fmt.Sprintf("%s %s %s 至 %s", byID[id].Name, planner.AbsenceKindLabel(a.Kind), a.From, a.To), Action: "新增"}
			if have[key] {
				row.Action = "已登记"
			} else {
				have[key] = true
				p.absents = append(p.absents, ab)
				broken, err := s.store.Assignments(ctx, a.From, a.To)
				if err != nil {
					return nil, err
				}
				auto, manual := 0, 0
				for _, x := range broken {
					switch {
					case x.Person != id || x.Date < s.today():
					case x.Source == roster.Manual || x.Pinned:
						manual++
					default:
						auto++
					}
				}
				var notes []string
				if auto > 0 {
					notes = append(notes, fmt.Sprintf("此期间有 %d 个值班，导入时自动重新安排", auto))
				}
				if manual > 0 {
					notes = append(notes, fmt.Sprintf("%d 个手动安排或固定的值班需手动调整", manual))
				}
				row.Note = strings.Join(notes, "；")
			}
			p.Rows = append(p.Rows, row)
		}
	default:
		return nil, fault.InvalidField("kind", "导入类型无效")
	}
	// Parse errors and lookup errors arrive separately; staff read them by row.
	sort.SliceStable(p.Errors, func(i, j int) bool { return p.Errors[i].Row < p.Errors[j].Row })
	return p, nil
}

func readUpload(c echo.Context) ([]byte, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, errors.New("请选择要上传的 .xlsx 文件")
	}
	if fh.Size > xlsx.MaxUpload {
		return nil, fmt.Errorf("文件过大（最多 %d MB）", xlsx.MaxUpload>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, xlsx.MaxUpload+1))
}

// previewImport checks an uploaded sheet and shows what applying would do.
func (s *Server) previewImport(c echo.Context) error {
	kind := c.FormValue("kind")
	data, err := readUpload(c)
	if err != nil {
		return s.renderStaff(c, http.StatusBadRequest, "staff/import.html", "import", "Excel 导入", map[string]any{"Error": err.Error()})
	}
	p, err := s.planImport(c.Request().Context(), kind, data)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(p.Errors) > 0 {
		status = http.StatusBadRequest
	}
	return s.renderStaff(c, status, "staff/import.html", "import", "Excel 导入：预览", map[string]any{
		"Plan": p, "Data": base64.StdEncoding.EncodeToString(data), "FileName": fileName(c),
	})
}

func fileName(c echo.Context) string {
	if fh, err := c.FormFile("file"); err == nil {
		return fh.Filename
	}
	return ""
}

// applyImport re-checks the previewed file and writes it in one transaction.
func (s *Server) applyImport(c echo.Context) error {
	ctx := c.Request().Context()
	data, err := base64.StdEncoding.DecodeString(c.FormValue("data"))
	if err != nil || len(data) > xlsx.MaxUpload {
		return fault.InvalidField("data", "上传内容无效，请重新上传")
	}
	p, err := s.planImport(ctx, c.FormValue("kind"), data)
	if err != nil {
		return err
	}
	if len(p.Errors) > 0 {
		return s.renderStaff(c, http.StatusBadRequest, "staff/import.html", "import", "Excel 导入：预览", map[string]any{
			"Plan": p, "Data": c.FormValue("data"), "Error": "文件有错误，未导入。",
		})
	}
	leaders := make([]planner.Leader, len(p.leaders))
	for i, l := range p.leaders {
		leaders[i] = planner.Leader{Person: l.Person, Pools: l.Pools}
	}
	today := s.today()
	n, fix, err := planner.ImportPeople(ctx, s.store, leaders, p.absents, today, today.AddDays(s.cfg.HorizonDays), actor(c))
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("已导入 %d 条", n)
	if fix.Ran {
		msg += "，" + fix.Summary()
	}
	return c.Redirect(http.StatusSeeOther, "/staff/import?"+doneQuery(msg+"。"))
}
