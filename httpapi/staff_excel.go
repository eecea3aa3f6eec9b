package httpapi

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/planner"
	"zhiban/xlsx"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sendXLSX sends a workbook as a download with a Chinese file name (RFC 5987).
func sendXLSX(c echo.Context, name string, b []byte) error {
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="zhiban.xlsx"; filename*=UTF-8''%s`, url.PathEscape(name)))
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, xlsxType, b)
}

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

func (s *Server) exportAbsencesTemplate(c echo.Context) error {
	b, err := xlsx.AbsencesTemplate()
	if err != nil {
		return err
	}
	return sendXLSX(c, "请假出差导入模板.xlsx", b)
}

type importPage struct {
	staffLayout
	Plan           *planner.ImportPlan
	Data, FileName string // the upload, carried to the confirmation
	Effect         string // what confirming would do, in the words of the notice after it
}

// importEffect says what an import did or would do: "导入 n 条，重新安排 …。"
func importEffect(n int, fix planner.Change) string {
	msg := fmt.Sprintf("导入 %d 条", n)
	if fix.Ran {
		msg += "，" + fix.Summary()
	}
	return msg + "。"
}

func (s *Server) showImport(c echo.Context) error {
	p := &importPage{}
	p.Notice = c.QueryParam("done")
	return s.renderStaff(c, http.StatusOK, "staff/import.html", "import", "Excel 导入", p)
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
		p := &importPage{}
		p.Error = err.Error()
		return s.renderStaff(c, http.StatusBadRequest, "staff/import.html", "import", "Excel 导入", p)
	}
	ctx := c.Request().Context()
	plan, err := planner.CheckImport(ctx, s.store, kind, data, s.today())
	if err != nil {
		return err
	}
	p := &importPage{Plan: plan, Data: base64.StdEncoding.EncodeToString(data), FileName: fileName(c)}
	if len(plan.Errors) > 0 {
		return s.renderStaff(c, http.StatusBadRequest, "staff/import.html", "import", "Excel 导入：预览", p)
	}
	today := s.today()
	n, fix, err := planner.PreviewImport(ctx, s.store, plan, today, today.AddDays(s.cfg.HorizonDays), actor(c))
	if err != nil {
		return err
	}
	p.Effect = "确认后将" + importEffect(n, fix)
	return s.renderStaff(c, http.StatusOK, "staff/import.html", "import", "Excel 导入：预览", p)
}

func fileName(c echo.Context) string {
	if fh, err := c.FormFile("file"); err == nil {
		return fh.Filename
	}
	return ""
}

func (s *Server) applyImport(c echo.Context) error {
	ctx := c.Request().Context()
	data, err := base64.StdEncoding.DecodeString(c.FormValue("data"))
	if err != nil || len(data) > xlsx.MaxUpload {
		return fault.InvalidField("data", "上传内容无效，请重新上传")
	}
	plan, err := planner.CheckImport(ctx, s.store, c.FormValue("kind"), data, s.today())
	if err != nil {
		return err
	}
	if len(plan.Errors) > 0 {
		p := &importPage{Plan: plan, Data: c.FormValue("data")}
		p.Error = "文件有错误，未导入。"
		return s.renderStaff(c, http.StatusBadRequest, "staff/import.html", "import", "Excel 导入：预览", p)
	}
	today := s.today()
	n, fix, err := planner.ImportPeople(ctx, s.store, plan.Leaders, plan.Absences, today, today.AddDays(s.cfg.HorizonDays), actor(c))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/import?"+s.doneQuery("已"+importEffect(n, fix)))
}
