package httpapi

import (
	"fmt"
	"strconv"
	"strings"

	"zhiban/service"
)

// Office staff read Chinese labels, not "sweep_task" or cron specs.

// auditEntities is the entity filter on the audit page, in menu order.
var auditEntities = []string{"assignment", "roster", "roster_month", "absence", "person", "pool_member", "case", "visit",
	"sweep", "sweep_task", "finding", "holidays", "county", "job", "user", "api_token", "feed_token", "session"}

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
	staffFuncs["auditEntity"] = service.AuditEntityLabel
	staffFuncs["cronLabel"] = cronLabel
}
