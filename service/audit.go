package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"zhiban/auth"
	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// The audit log keeps each write's before and after in the compact form the
// store wrote ("carry L05 2026-11-26 09:00–11:30 t05 planned", "case=10
// resolved=false"): stable for scripts and for entries written years ago.
// Staff read it as Chinese sentences, made here at read time with today's
// names.

var auditActionLabels = map[string]string{
	"create": "新建", "update": "修改", "delete": "删除", "login": "登录", "password": "改密码",
	"revoke": "停用", "rotate": "重新生成", "pin": "固定", "unpin": "取消固定", "import": "导入",
	"generate": "自动排班", "publish": "公布", "open": "开启", "file": "报送", "flag": "提醒",
	"escalate": "转为案件", "resolve": "已化解", "run": "运行", "confirm": "确认", "cancel": "取消",
	"reschedule": "改期", "outcome": "记录结果", "transition": "办理", "milestone": "记录职责",
	"extend": "延期", "assign": "更换领导", "reveal": "查看", "swap": "交换", "replace": "替换", "regenerate": "重新排班",
	"signin": "到岗签到", "undo": "撤销", "issue": "出具",
	"handover": "交办", "handover_decline": "交办单位退回", "handover_withdraw": "撤回交办",
	"decline": "退回", "report": "报送办结报告", "withdraw": "撤回",
}

var auditEntityLabels = map[string]string{
	"assignment": "班次", "absence": "请假/出差", "person": "人员", "user": "用户", "api_token": "接口令牌",
	"feed_token": "私人日历", "session": "登录会话", "roster": "值班表", "roster_month": "月值班表",
	"county": "县情", "holidays": "节假日", "case": "案件", "visit": "走访", "sweep": "排查",
	"sweep_task": "排查任务", "finding": "排查发现", "job": "定时任务", "pool_member": "值班池",
	"attendance": "到岗签到", "handover": "交办单", "document": "公文",
}

// AuditActionLabel is an audit action in Chinese, or as recorded when unknown.
func AuditActionLabel(a string) string { return labelOr(auditActionLabels, a) }

// AuditEntityLabel is an audit entity in Chinese, or as recorded when unknown.
func AuditEntityLabel(e string) string { return labelOr(auditEntityLabels, e) }

func labelOr(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}

// AuditLine is an audit entry with what it records said in Chinese.
type AuditLine struct {
	store.AuditEntry
	Sentence string
}

// AuditLog reads the entries f selects, newest first, each as a sentence.
func (s *Service) AuditLog(ctx context.Context, f store.AuditFilter) ([]AuditLine, error) {
	es, err := s.st.AuditLog(ctx, f)
	if err != nil {
		return nil, err
	}
	n, err := s.Names(ctx)
	if err != nil {
		return nil, err
	}
	w := auditWords{Names: n, rosters: map[string]string{}, pools: map[string]string{}, cases: map[int64]string{}, units: map[string]string{}}
	units, err := s.st.Units(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		w.units[u.ID] = u.Name
	}
	defs, err := s.st.Rosters(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range defs {
		w.rosters[d.ID] = d.Name
	}
	pools, err := s.st.Pools(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range pools {
		w.pools[p.ID] = p.Name
	}
	w.caseCode = func(id int64) string {
		if c, ok := w.cases[id]; ok {
			return c
		}
		code := "#" + strconv.FormatInt(id, 10)
		if k, err := s.st.Case(ctx, id); err == nil {
			code = k.Code
		}
		w.cases[id] = code
		return code
	}
	out := make([]AuditLine, len(es))
	for i, e := range es {
		// Recorded details may end in their own full stop.
		out[i] = AuditLine{AuditEntry: e, Sentence: strings.ReplaceAll(w.sentence(e), "。。", "。")}
	}
	return out, nil
}

// auditWords are the names an audit sentence uses for ids.
type auditWords struct {
	Names
	rosters, pools map[string]string
	units          map[string]string
	cases          map[int64]string
	caseCode       func(id int64) string
}

// sentence says e in Chinese. A detail it cannot read (a form it does not
// know) is quoted as recorded rather than lost.
func (w auditWords) sentence(e store.AuditEntry) string {
	act := AuditActionLabel(e.Action)
	id, before, after := e.EntityID, e.Before, e.After
	switch e.Entity {
	case "session":
		if e.Action == "login" {
			return "登录系统" + paren("地址 ", after) + "。"
		}
	case "assignment":
		k, ok := w.slot(id)
		if !ok {
			break
		}
		switch e.Action {
		case "pin", "unpin":
			person, _, _ := strings.Cut(after, " ")
			return fmt.Sprintf("%s%s：%s。", act, k, w.leaderOrEmpty(person))
		default:
			s := fmt.Sprintf("%s由 %s 改为 %s", k, w.leaderOrEmpty(before), w.leaderOrEmpty(after))
			if e.Action != "update" {
				s += "（" + act + "）"
			}
			return s + "。"
		}
	case "attendance":
		if k, ok := w.slot(id); ok {
			return attendanceWords(w, e.Action, k, before, after)
		}
	case "roster":
		if e.Action == "generate" {
			return "自动排班：" + after + "。"
		}
	case "roster_month":
		rid, month, _ := strings.Cut(id, "/")
		if m, err := roster.ParseMonth(month); err == nil {
			return fmt.Sprintf("%s%s %s：%s。", act, w.rosterName(rid), m.Label(), after)
		}
	case "person":
		name := w.Leader(id)
		if e.Action == "create" || before == "" {
			return fmt.Sprintf("新建人员 %s：%s。", name, personWords(after))
		}
		return fmt.Sprintf("修改人员 %s：%s → %s。", name, personWords(before), personWords(after))
	case "pool_member":
		return fmt.Sprintf("把 %s 加入值班池“%s”。", w.Leader(after), labelOr(w.pools, id))
	case "absence":
		if a, ok := absenceWords(w, after); ok && e.Action == "create" {
			return "登记 " + a + "。"
		}
		if a, ok := absenceWords(w, before); ok && e.Action == "delete" {
			return "删除 " + a + " 的登记。"
		}
	case "holidays":
		return fmt.Sprintf("%s %s 年节假日：%s。", act, id, after)
	case "county":
		return fmt.Sprintf("%s县情（%s）：%s。", act, id, after)
	case "user":
		switch e.Action {
		case "create":
			return fmt.Sprintf("新建用户 %s，%s。", id, roleWords(after))
		case "update":
			return fmt.Sprintf("修改用户 %s：%s → %s。", id, roleWords(before), roleWords(after))
		case "password":
			return fmt.Sprintf("修改用户 %s 的密码%s。", id, prefixed("，", after))
		}
	case "api_token":
		if e.Action == "create" {
			return fmt.Sprintf("新建接口令牌 %s：%s。", id, after)
		}
		return fmt.Sprintf("%s接口令牌 %s%s。", act, id, paren("", before))
	case "feed_token":
		return fmt.Sprintf("%s %s 的私人日历链接。", act, w.Leader(id))
	case "case":
		code := w.caseCode(atoi64(id))
		if e.Action == "reveal" {
			return fmt.Sprintf("查看了案件 %s 的联系电话。", code)
		}
		a, okA := caseWords(w, after)
		if e.Action == "create" && okA {
			return fmt.Sprintf("新建案件 %s：%s。", code, strings.Join(a, "，"))
		}
		if b, okB := caseWords(w, before); okA && okB {
			var diff []string
			for i := range a {
				if a[i] != b[i] {
					diff = append(diff, b[i]+" → "+a[i])
				}
			}
			if len(diff) == 0 {
				return fmt.Sprintf("案件 %s：%s，无其他变化。", code, act)
			}
			return fmt.Sprintf("案件 %s：%s，%s。", code, act, strings.Join(diff, "；"))
		}
	case "visit":
		a, okA := visitWords(w, after)
		if e.Action == "create" && okA {
			return "新建走访：" + a + "。"
		}
		if b, okB := visitWords(w, before); okA && okB {
			if a == b {
				return fmt.Sprintf("走访 #%s %s：%s。", id, act, a)
			}
			return fmt.Sprintf("走访 #%s %s：%s（原为 %s）。", id, act, a, b)
		}
	case "sweep":
		if m, err := roster.ParseMonth(id); err == nil {
			return fmt.Sprintf("%s %s矛盾纠纷大排查：%s。", act, m.Label(), after)
		}
	case "sweep_task":
		f := strings.Split(after, " ")
		if len(f) == 3 {
			if m, err := roster.ParseMonth(f[0]); err == nil {
				task := w.Town(f[1]) + " " + m.Label() + "排查任务"
				switch {
				case e.Action == "flag":
					return fmt.Sprintf("提醒%s尽快报送（%s）。", task, taskWords(f[2]))
				case before == f[2]:
					return fmt.Sprintf("%s：%s，仍为%s。", task, act, taskWords(f[2]))
				}
				return fmt.Sprintf("%s：%s，%s → %s。", task, act, taskWords(before), taskWords(f[2]))
			}
		}
	case "finding":
		if e.Action == "create" {
			return fmt.Sprintf("新增排查发现 #%s：%s。", id, findingWords(after))
		}
		var caseID int64
		var resolved bool
		if _, err := fmt.Sscanf(after, "case=%d resolved=%t", &caseID, &resolved); err == nil {
			switch {
			case caseID != 0:
				return fmt.Sprintf("排查发现 #%s 转为案件 %s。", id, w.caseCode(caseID))
			case resolved:
				return fmt.Sprintf("排查发现 #%s 标为已化解。", id)
			default:
				return fmt.Sprintf("排查发现 #%s 改为未处置。", id)
			}
		}
	case "handover":
		if a, ok := handoverFields(after); ok {
			head := fmt.Sprintf("交办单 #%s（案件 %s，%s）", id, w.caseCode(atoi64(a["case"])), labelOr(w.units, a["unit"]))
			if e.Action == "create" {
				return fmt.Sprintf("%s：%s 交办，办结期限 %s。", head, dayWords(a["handed"]), dayWords(a["due"]))
			}
			b, _ := handoverFields(before)
			s := fmt.Sprintf("%s：%s，%s → %s", head, act, visits.HandoverState(b["state"]).Label(), visits.HandoverState(a["state"]).Label())
			switch {
			case a["declined"] != "":
				s += "（" + dayWords(a["declined"]) + "）"
			case a["reported"] != "":
				s += "（" + dayWords(a["reported"]) + "）"
			}
			return s + "。"
		}
	case "job":
		if strings.HasPrefix(after, id+" ") { // the result names the job itself
			return fmt.Sprintf("%s定时任务 %s。", act, strings.TrimSuffix(after, "。"))
		}
		return fmt.Sprintf("%s定时任务 %s：%s。", act, id, strings.TrimSuffix(after, "。"))
	}
	// A form this code does not know: label what it can, quote the rest.
	s := act + AuditEntityLabel(e.Entity) + prefixed(" ", id)
	switch {
	case before != "" && after != "":
		s += "：" + before + " → " + after
	case after != "":
		s += "：" + after
	case before != "":
		s += "（原为 " + before + "）"
	}
	return s + "。"
}

// slot reads an assignment id, "county-duty/2026-12-03/值班领导", as
// "县领导值班 12月3日 值班领导".
func (w auditWords) slot(id string) (string, bool) {
	parts := strings.SplitN(id, "/", 3)
	if len(parts) != 3 {
		return "", false
	}
	d, err := roster.ParseDate(parts[1])
	if err != nil {
		return "", false
	}
	return fmt.Sprintf("%s %s %s", w.rosterName(parts[0]), monthDay(d), parts[2]), true
}

// attendanceWords reads a sign-in, "PERSON link|staff", as a sentence.
func attendanceWords(w auditWords, action, slot, before, after string) string {
	how := map[string]string{SignedByLink: "本人签到链接", SignedByStaff: "办公室登记"}
	if action == "undo" {
		person, by, _ := strings.Cut(before, " ")
		return fmt.Sprintf("撤销%s %s 的到岗记录（原为%s）。", slot, w.Leader(person), labelOr(how, by))
	}
	person, by, _ := strings.Cut(after, " ")
	return fmt.Sprintf("%s：%s 已到岗（%s）。", slot, w.Leader(person), labelOr(how, by))
}

func (w auditWords) rosterName(id string) string { return labelOr(w.rosters, id) }

func (w auditWords) leaderOrEmpty(id string) string {
	if id == "" {
		return "空缺"
	}
	return w.Leader(id)
}

// visitWords reads a visit summary, "kind leader date start–end township
// state", as "李四 12月14日 09:00–16:30 上门回访，城关镇，已确认".
func visitWords(w auditWords, s string) (string, bool) {
	f := strings.Split(s, " ")
	if len(f) != 6 {
		return "", false
	}
	d, err := roster.ParseDate(f[2])
	if err != nil {
		return "", false
	}
	out := fmt.Sprintf("%s %s %s %s", w.Leader(f[1]), monthDay(d), f[3], visits.Kind(f[0]).Label())
	if f[4] != "" {
		out += "，" + w.Town(f[4])
	}
	return out + "，" + visits.VisitState(f[5]).Label(), true
}

// caseWords reads a case summary, "code state township 包案领导=L04 延期=0
// 节点=0", as its parts in words, in a fixed order so two can be compared.
func caseWords(w auditWords, s string) ([]string, bool) {
	f := strings.Split(s, " ")
	if len(f) != 6 {
		return nil, false
	}
	leader, ok1 := strings.CutPrefix(f[3], "包案领导=")
	ext, ok2 := strings.CutPrefix(f[4], "延期=")
	ms, ok3 := strings.CutPrefix(f[5], "节点=")
	if !ok1 || !ok2 || !ok3 {
		return nil, false
	}
	return []string{"状态 " + visits.CaseState(f[1]).Label(), w.Town(f[2]), "包案领导 " + w.Leader(leader),
		"延期 " + ext + " 天", "职责记录 " + ms + " 条"}, true
}

// handoverFields reads a hand-over summary, "case=7 unit=d03 handed=… due=…
// state=handed declined= reported= report=no", as its fields.
func handoverFields(s string) (map[string]string, bool) {
	out := map[string]string{}
	for _, f := range strings.Fields(s) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, false
		}
		out[k] = v
	}
	return out, out["case"] != "" && out["state"] != ""
}

// dayWords reads a stored date as "12月8日", or as stored when it is not one.
func dayWords(s string) string {
	if d, err := roster.ParseDate(s); err == nil {
		return monthDay(d)
	}
	return s
}

// absenceWords reads "L01 2026-12-01～2026-12-03 leave" as "张三 请假 12月1日至12月3日".
func absenceWords(w auditWords, s string) (string, bool) {
	f := strings.Split(s, " ")
	if len(f) != 3 {
		return "", false
	}
	a, b, ok := strings.Cut(f[1], "～")
	from, err1 := roster.ParseDate(a)
	to, err2 := roster.ParseDate(b)
	if !ok || err1 != nil || err2 != nil {
		return "", false
	}
	kind := map[string]string{"leave": "请假", "trip": "出差", "meeting": "开会"}[f[2]]
	if kind == "" {
		kind = f[2]
	}
	return fmt.Sprintf("%s %s %s至%s", w.Leader(f[0]), kind, monthDay(from), monthDay(to)), true
}

// personWords puts a person summary's rank in Chinese.
func personWords(s string) string {
	return strings.NewReplacer(" "+string(roster.RankCounty)+" ", " 县级 ", " "+string(roster.RankDepartment)+" ", " 部门 ").Replace(s)
}

// roleWords reads "角色 editor（已停用）" as "角色 编辑（已停用）".
func roleWords(s string) string {
	rest, ok := strings.CutPrefix(s, "角色 ")
	if !ok {
		return s
	}
	role, tail, _ := strings.Cut(rest, "（")
	if tail != "" {
		tail = "（" + tail
	}
	return "角色 " + auth.Role(role).Label() + tail
}

func taskWords(status string) string {
	switch visits.TaskStatus(status) {
	case visits.TaskOpen:
		return "待报送"
	case visits.TaskFiled:
		return "已报送"
	case visits.TaskNil:
		return "零报告"
	}
	return status
}

// findingWords reads "任务 17 劳资 中风险" as "排查任务 17，劳资类，中风险".
func findingWords(s string) string {
	f := strings.Split(s, " ")
	if len(f) != 4 || f[0] != "任务" {
		return s
	}
	return fmt.Sprintf("排查任务 %s，%s类，%s", f[1], f[2], f[3])
}

func paren(label, s string) string {
	if s == "" {
		return ""
	}
	return "（" + label + s + "）"
}

func prefixed(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
