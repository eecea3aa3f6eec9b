package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"zhiban/fault"
	"zhiban/store"
)

// flagKinds are the follow-up flags the follow-ups job raises, in filter order.
var flagKinds = []option{
	{"deadline", "期限提醒"},
	{"missing_report", "逾期未报"},
	{"escalated", "高风险转案"},
	{"unassigned_finding", "待指定包保领导"},
}

func flagKindLabel(kind string) string {
	for _, k := range flagKinds {
		if k.Value == kind {
			return k.Label
		}
	}
	return kind
}

// flagShown caps the page; older flags stay in the API (GET /api/v1/flags).
const flagShown = 300

type flagRow struct {
	store.Flag
	KindLabel  string
	LeaderName string
	Href, Link string
}

// showFlags lists the follow-up flags, newest first, optionally of one kind,
// each linked to its case or sweep.
func (s *Server) showFlags(c echo.Context) error {
	ctx := c.Request().Context()
	kind := c.QueryParam("kind")
	if kind != "" && flagKindLabel(kind) == kind {
		labels := make([]string, len(flagKinds))
		for i, k := range flagKinds {
			labels[i] = k.Label
		}
		return fault.InvalidField("kind", "类型无效，应为 "+strings.Join(labels, "、"))
	}
	all, err := s.store.Flags(ctx, 0)
	if err != nil {
		return err
	}
	n, err := s.workNames(ctx)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	links := flagLinker{s: s, seen: map[string][2]string{}}
	var rows []flagRow
	for _, f := range all {
		counts[f.Kind]++
		if kind != "" && f.Kind != kind || len(rows) == flagShown {
			continue
		}
		r := flagRow{Flag: f, KindLabel: flagKindLabel(f.Kind)}
		if f.Leader != "" {
			r.LeaderName = n.Leader(f.Leader)
		}
		if r.Href, r.Link, err = links.link(ctx, f); err != nil {
			return err
		}
		rows = append(rows, r)
	}
	var kinds []option
	for _, k := range flagKinds {
		kinds = append(kinds, option{k.Value, fmt.Sprintf("%s（%d）", k.Label, counts[k.Value])})
	}
	shown := len(all)
	if kind != "" {
		shown = counts[kind]
	}
	return s.renderStaff(c, http.StatusOK, "staff/flags.html", "flags", "跟进提醒", map[string]any{
		"Rows": rows, "Kind": kind, "Kinds": kinds, "Total": shown, "Capped": shown > len(rows), "Max": flagShown,
	})
}

// flagLinker finds the page a flag is about, remembering what it looked up.
type flagLinker struct {
	s    *Server
	seen map[string][2]string
}

func (l flagLinker) link(ctx context.Context, f store.Flag) (href, label string, err error) {
	key := f.Entity + "/" + f.EntityID
	if v, ok := l.seen[key]; ok {
		return v[0], v[1], nil
	}
	id, _ := strconv.ParseInt(f.EntityID, 10, 64)
	switch f.Entity {
	case "case":
		href, label = fmt.Sprintf("/staff/cases/%d", id), "查看案件"
	case "sweep_task":
		t, err := l.s.store.SweepTask(ctx, id)
		if err == nil {
			href, label = "/staff/sweeps/"+string(t.Month), "查看排查 "+string(t.Month)
		} else if !errors.Is(err, store.ErrNotFound) {
			return "", "", err
		}
	case "finding":
		fd, err := l.s.store.Finding(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			return "", "", err
		}
		if fd.Case != 0 {
			href, label = fmt.Sprintf("/staff/cases/%d", fd.Case), "查看案件"
			break
		}
		t, err := l.s.store.SweepTask(ctx, fd.Task)
		if err == nil {
			href, label = "/staff/sweeps/"+string(t.Month), "查看排查 "+string(t.Month)
		} else if !errors.Is(err, store.ErrNotFound) {
			return "", "", err
		}
	}
	l.seen[key] = [2]string{href, label}
	return href, label, nil
}
