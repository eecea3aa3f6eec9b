package httpapi

import (
	"fmt"
	"strconv"
	"strings"
)

// Office staff read Chinese labels, not "sweep_task" or cron specs.

var auditActionLabels = map[string]string{
	"create": "新建", "update": "修改", "delete": "删除", "login": "登录", "password": "改密码",
	"revoke": "停用", "rotate": "重新生成", "pin": "固定", "unpin": "取消固定", "import": "导入",
	"generate": "自动排班", "publish": "公布", "open": "开启", "file": "报送", "flag": "提醒",
	"escalate": "转为案件", "resolve": "已化解", "run": "运行", "confirm": "确认", "cancel": "取消",
	"reschedule": "改期", "outcome": "记录结果", "transition": "办理", "milestone": "记录职责",
	"extend": "延期", "assign": "更换领导", "swap": "交换", "replace": "替换", "regenerate": "重新排班",
}

var auditEntityLabels = map[string]string{
	"assignment": "班次", "absence": "请假/出差", "person": "人员", "user": "用户", "api_token": "接口令牌",
	"feed_token": "私人日历", "session": "登录会话", "roster": "值班表", "roster_month": "月值班表",
	"county": "县情", "holidays": "节假日", "case": "案件", "visit": "走访", "sweep": "排查",
	"sweep_task": "排查任务", "finding": "排查发现", "job": "定时任务", "pool_member": "值班池",
}

// auditEntities is the entity filter on the audit page, in menu order.
var auditEntities = []string{"assignment", "roster", "roster_month", "absence", "person", "pool_member", "case", "visit",
	"sweep", "sweep_task", "finding", "holidays", "county", "job", "user", "api_token", "feed_token", "session"}

func labelOr(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}

// cronLabel reads a cron spec as 每天 07:30, 每月 1 日 08:00 or 每周一 17:00, else as written.
func cronLabel(spec string) string {
	f := strings.Fields(spec)
	if len(f) != 5 {
		return spec
	}
	m, err1 := strconv.Atoi(f[0])
	h, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || f[3] != "*" {
		return spec
	}
	at := fmt.Sprintf("%02d:%02d", h, m)
	dom, dow := f[2], f[4]
	switch {
	case dom == "*" && dow == "*":
		return "每天 " + at
	case dow == "*":
		if d, err := strconv.Atoi(dom); err == nil {
			return fmt.Sprintf("每月 %d 日 %s", d, at)
		}
	case dom == "*":
		if d, err := strconv.Atoi(dow); err == nil && d >= 0 && d <= 7 {
			return "每周" + strings.TrimPrefix(weekdayLabels[d%7], "星期") + " " + at
		}
	}
	return spec
}

func init() {
	staffFuncs["auditAction"] = func(s string) string { return labelOr(auditActionLabels, s) }
	staffFuncs["auditEntity"] = func(s string) string { return labelOr(auditEntityLabels, s) }
	staffFuncs["cronLabel"] = cronLabel
}
