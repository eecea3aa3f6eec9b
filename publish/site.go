package publish

import (
	"fmt"
	"strings"

	"zhiban/roster"
)

// Site is what every public page says about the office, on screen and on
// paper alike: the 来访须知 and the 主办单位.
type Site struct {
	Organizer string
	Notice    []string
}

func (p *Publisher) site(countyName string) Site {
	org := p.cfg.Publish.Organizer
	if org == "" {
		org = countyName + "群众工作部"
	}
	return Site{Organizer: org, Notice: p.cfg.Publish.VisitorNotice}
}

// dayClass names d as the public reads it: a holiday by its name, 调休上班,
// 周末 or 工作日; off is true on a day without ordinary office hours.
func dayClass(cal roster.Calendar, d roster.Date) (class string, off bool) {
	off = !cal.IsWorkday(d)
	switch h, ok := cal.Entry(d); {
	case ok && h.Kind == roster.Off:
		if h.Name != "" {
			return h.Name, off
		}
		return "节假日", off
	case cal.IsMakeupWorkday(d):
		return "调休上班", off
	case off:
		return "周末", off
	}
	return "工作日", off
}

// provisionalNote explains 暂定 for the years whose built-in holidays are not
// yet confirmed, or is "" when none is shown.
func provisionalNote(years []int) string {
	if len(years) == 0 {
		return ""
	}
	ys := make([]string, len(years))
	for i, y := range years {
		ys[i] = fmt.Sprint(y)
	}
	return fmt.Sprintf("标“暂定”的节假日和调休上班日是按惯例推算的，%s 年放假安排以国务院办公厅通知为准，相关值班日期可能随之调整。",
		strings.Join(ys, "、"))
}
