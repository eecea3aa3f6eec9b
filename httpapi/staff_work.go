package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/visits"
)

// option is one entry of a <select>.
type option struct {
	Value, Label string
}

// workNames maps township and leader ids to names for the staff pages.
type workNames = service.Names

func (s *Server) workNames(ctx context.Context) (workNames, error) { return s.svc.Names(ctx) }

// formFailure is a refused write shown on the form, not as an error page.
type formFailure struct {
	Status int
	Msg    string
	Items  []string // conflicting items, one line each
	Visits []int64  // visits among them, for links
}

// asFormFailure recognises refusals; other errors go to the error handler unchanged.
func asFormFailure(err error) (*formFailure, error) {
	fe := fault.Classify(err)
	if fe == nil {
		return nil, err
	}
	if fe.Kind == fault.Forbidden {
		// Another township's thing: the error page, not the thing's page re-rendered.
		return nil, err
	}
	f := &formFailure{Status: kindStatus[fe.Kind], Msg: fe.Msg}
	if fe.Kind == fault.Invalid || fe.Kind == fault.TooLarge {
		f.Msg = fieldLabel(fe.Field) + fe.Msg
	}
	if cs, ok := fe.Items.([]visits.Conflict); ok {
		for _, c := range cs {
			f.Items = append(f.Items, conflictKindLabel(c.Kind)+"："+c.Message)
			if c.VisitID != 0 {
				f.Visits = append(f.Visits, c.VisitID)
			}
		}
	}
	return f, nil
}

// refusal is a refused write and what was typed in the form named FormName.
type refusal struct {
	*formFailure
	Form     url.Values
	FormName string
}

// refusedForm re-renders a page after a refusal with the message and typed values;
// other errors go to the error handler.
func refusedForm(c echo.Context, err error, form string, render func(echo.Context, int, *refusal) error) error {
	ff, err := asFormFailure(err)
	if err != nil {
		return err
	}
	params, _ := c.FormParams()
	return render(c, ff.Status, &refusal{formFailure: ff, Form: params, FormName: form})
}

func conflictKindLabel(k string) string {
	switch k {
	case "duty":
		return "值班"
	case "absence":
		return "请假/出差"
	case "visit":
		return "走访"
	}
	return k
}

var fieldLabels = map[string]string{
	"date": "日期", "start": "开始时间", "end": "结束时间", "place": "地点", "leader": "领导", "township": "乡镇",
	"cases": "关联案件", "kind": "类型", "reason": "原因", "days": "延长天数", "on": "日期", "duty": "职责",
	"action": "操作", "summary": "摘要", "category": "类别", "parties": "当事人数", "risk": "风险等级",
	"satisfaction": "满意度", "walk_ins": "接待人数", "findings": "排查发现", "file": "文件", "version": "版本",
	"code": "案件编号", "title": "标题", "received": "收到日期", "channel": "渠道", "petitioner.name": "信访人姓名",
	"petitioner.phone": "联系电话", "petitioner.address": "住址", "group_size": "来访人数", "representatives": "代表人数",
	"unit": "责任单位", "person": "人员", "from": "开始日期", "to": "结束日期", "note": "备注", "notes": "备注",
	"content": "主要诉求", "village": "村", "due": "办结期限", "report": "办结报告", "handover": "交办单",
	"stage": "评价阶段", "answer": "评价结果",
}

// fieldLabel prefixes a message with the field's Chinese name ("日期：").
func fieldLabel(field string) string {
	if field == "" {
		return ""
	}
	if l, ok := fieldLabels[field]; ok {
		return l + "："
	}
	base := field
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		base = base[i+1:]
	}
	if l, ok := fieldLabels[base]; ok {
		return l + "："
	}
	return ""
}

func formDate(c echo.Context, name string) (roster.Date, error) {
	return optionalDate(name, strings.TrimSpace(c.FormValue(name)))
}

func formClock(c echo.Context, name string) (roster.Clock, error) {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return 0, fault.InvalidField(name, "请填写时间")
	}
	k, err := roster.ParseClock(v)
	if err != nil {
		return 0, fault.InvalidField(name, "时间应为 HH:MM")
	}
	return k, nil
}

func formInt(c echo.Context, name string) (int, error) {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fault.InvalidField(name, "应为整数")
	}
	return n, nil
}

// formVersion reads the page's version; 0 when missing, which the use case refuses.
func formVersion(c echo.Context) int {
	n, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("version")))
	return n
}

// formCaseRefs reads case ids or codes, multi-valued or separated by commas, spaces or 、.
func formCaseRefs(c echo.Context, name string) (ids []int64, codes []string) {
	form, _ := c.FormParams()
	for _, raw := range form[name] {
		for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' }) {
			if id, err := strconv.ParseInt(part, 10, 64); err == nil && id > 0 {
				ids = append(ids, id)
			} else {
				codes = append(codes, part)
			}
		}
	}
	return ids, codes
}

func (s *Server) redirectDone(c echo.Context, path, notice string) error {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return c.Redirect(http.StatusSeeOther, path+sep+s.doneQuery(notice))
}
