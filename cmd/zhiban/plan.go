package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"zhiban/county"
	"zhiban/holiday"
	"zhiban/planner"
	"zhiban/roster"
)

// runPlan is a dry run of the roster engine on a county file: no database.
func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, _ := newFlags("plan", stderr)
	data := fs.String("data", "", "县情文件（YAML）")
	fromS := fs.String("from", "", "开始日期 YYYY-MM-DD")
	toS := fs.String("to", "", "结束日期 YYYY-MM-DD")
	previous := fs.String("previous", "", "此前的排班（plan 输出的 JSON），用于稳定性与历史计数")
	freezeS := fs.String("freeze-before", "", "此日期之前的既有排班固定不动")
	format := fs.String("format", "json", "输出格式：json 或 table")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if *data == "" || *fromS == "" || *toS == "" {
		return usageError("用法: zhiban plan --data county.yaml --from 2027-01-01 --to 2027-12-31 [--previous plan.json] [--freeze-before DATE] [--format json|table]")
	}
	from, to, err := parseRange(*fromS, *toS)
	if err != nil {
		return err
	}
	if *format != "json" && *format != "table" {
		return usageError("--format 应为 json 或 table")
	}
	raw, err := os.ReadFile(*data)
	if err != nil {
		return err
	}
	c, err := county.Parse(*data, raw)
	if err != nil {
		return err
	}
	d, err := c.Domain()
	if err != nil {
		return err
	}
	known := map[int]bool{}
	for _, h := range d.Holidays {
		known[h.Date.Year()] = true
	}
	in := roster.Input{
		From: from, To: to,
		People: d.People, Pools: d.Pools, Rosters: d.Rosters, Absences: d.Absences, CrossGapDays: d.CrossGapDays,
		Calendar: fileCalendar(from.AddDays(-400), to, d.Holidays, known),
	}
	if *freezeS != "" && *previous == "" {
		return usageError("--freeze-before 需要与 --previous 一起使用")
	}
	if *previous != "" {
		prev, err := readPlan(*previous)
		if err != nil {
			return err
		}
		if err := checkPrevious(*previous, prev.Assignments, d.People, d.Rosters); err != nil {
			return err
		}
		freeze := from
		if *freezeS != "" {
			if freeze, err = roster.ParseDate(*freezeS); err != nil {
				return fmt.Errorf("--freeze-before: %w", err)
			}
		}
		for _, a := range prev.Assignments {
			switch {
			case a.Date < from:
				in.History = append(in.History, a)
			case a.Date < freeze || a.Pinned:
				in.Fixed = append(in.Fixed, a)
			case a.Date <= to:
				in.Previous = append(in.Previous, a)
			}
		}
	}
	plan, err := roster.Generate(in)
	if err != nil {
		return err
	}
	warns := planner.CalendarWarnings(from, to, known)
	if *format == "json" { // the table says it below its rows
		warns = append(warns, provisionalWarnings(in.Calendar, from, to)...)
	}
	for _, w := range warns {
		fmt.Fprintf(stderr, "注意：%s\n", w)
	}
	return writePlan(stdout, plan, *format, d.People, in.Calendar)
}

// fileCalendar is the built-in calendar overridden by a county file's holidays;
// built-in entries of an unconfirmed year the file does not cover are 暂定.
func fileCalendar(from, to roster.Date, file []roster.HolidayDay, known map[int]bool) roster.Calendar {
	builtin := holiday.BuiltinBetween(from, to)
	var provisional []roster.HolidayDay
	for _, h := range builtin {
		if y := h.Date.Year(); holiday.Provisional(y) && !known[y] {
			provisional = append(provisional, h)
		}
	}
	return roster.NewCalendar(builtin, file).WithProvisional(provisional)
}

// provisionalWarnings names each year of [from, to] planned on a provisional calendar.
func provisionalWarnings(cal roster.Calendar, from, to roster.Date) []string {
	var out []string
	for _, y := range cal.ProvisionalYears(from, to) {
		out = append(out, fmt.Sprintf("%d 年节假日和调休安排为系统内置的暂定版本，尚未按国务院办公厅通知确认；标“暂定”的日期可能变动（确认：zhiban holidays import）", y))
	}
	return out
}

// dayRemark is a table's remark for d: a holiday's name or 调休上班, with 暂定
// when it comes from an unconfirmed calendar.
func dayRemark(cal roster.Calendar, d roster.Date) string {
	h, ok := cal.Entry(d)
	if !ok {
		return ""
	}
	s := h.Name
	if h.Kind == roster.Work {
		s = "调休上班"
	}
	if cal.Provisional(d) {
		s += "（暂定）"
	}
	return s
}

func parseRange(fromS, toS string) (roster.Date, roster.Date, error) {
	from, err := roster.ParseDate(fromS)
	if err != nil {
		return 0, 0, fmt.Errorf("--from: %w", err)
	}
	to, err := roster.ParseDate(toS)
	if err != nil {
		return 0, 0, fmt.Errorf("--to: %w", err)
	}
	if to < from {
		return 0, 0, fmt.Errorf("--to %s 早于 --from %s", to, from)
	}
	if to.DaysSince(from) > 3*366 {
		return 0, 0, fmt.Errorf("日期范围过长（最多三年）")
	}
	return from, to, nil
}

func readPlan(path string) (roster.Plan, error) {
	var p roster.Plan
	raw, err := os.ReadFile(path)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return p, fmt.Errorf("%s: 不是 plan 输出的 JSON: %w", path, err)
	}
	return p, nil
}

// checkPrevious refuses a --previous file whose entries the county does not
// know: the engine would otherwise keep or count duties of nobody.
func checkPrevious(path string, as []roster.Assignment, people []roster.Person, rosters []roster.Definition) error {
	known := map[string]bool{}
	for _, ps := range people {
		known[ps.ID] = true
	}
	roles := map[string]map[string]bool{}
	for _, r := range rosters {
		roles[r.ID] = map[string]bool{}
		for _, sl := range r.Slots {
			roles[r.ID][sl.Role] = true
		}
	}
	first := map[roster.Key]int{}
	for i, a := range as {
		at := fmt.Sprintf("%s: assignments[%d]", path, i)
		switch {
		case a.Roster == "":
			return fmt.Errorf("%s.roster: 缺少值班表", at)
		case roles[a.Roster] == nil:
			return fmt.Errorf("%s.roster: 未知值班表 %q", at, a.Roster)
		case a.Date == 0:
			return fmt.Errorf("%s.date: 缺少日期", at)
		case a.Role == "":
			return fmt.Errorf("%s.role: 缺少岗位", at)
		case !roles[a.Roster][a.Role]:
			return fmt.Errorf("%s.role: 值班表 %q 没有岗位 %q", at, a.Roster, a.Role)
		case a.Person == "":
			return fmt.Errorf("%s.person: 缺少人员", at)
		case !known[a.Person]:
			return fmt.Errorf("%s.person: 未知人员 %q", at, a.Person)
		}
		if j, dup := first[a.Key()]; dup {
			return fmt.Errorf("%s: 与 assignments[%d] 是同一班次（%s %s %s）", at, j, a.Date, a.Roster, a.Role)
		}
		first[a.Key()] = i
	}
	return nil
}

// writePlan prints plan as JSON, or as a table naming people (the id only
// when the name is unknown) and marking manual and pinned slots.
func writePlan(w io.Writer, plan roster.Plan, format string, people []roster.Person, cal roster.Calendar) error {
	if plan.Assignments == nil {
		plan.Assignments = []roster.Assignment{}
	}
	if plan.Unfilled == nil {
		plan.Unfilled = []roster.Unfilled{}
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(plan)
	}
	names := map[string]string{}
	for _, p := range people {
		names[p.ID] = p.Name
	}
	rows := [][]string{{"日期", "星期", "值班表", "岗位", "人员", "备注"}}
	for _, a := range plan.Assignments {
		who := names[a.Person]
		if who == "" {
			who = a.Person
		}
		var marks []string
		if r := dayRemark(cal, a.Date); r != "" {
			marks = append(marks, r)
		}
		if a.Source == roster.Manual {
			marks = append(marks, "手动")
		}
		if a.Pinned {
			marks = append(marks, "📌 固定")
		}
		rows = append(rows, []string{a.Date.String(), "周" + roster.WeekdayCN(a.Date.Weekday()), a.Roster, a.Role, who, strings.Join(marks, "　")})
	}
	for _, u := range plan.Unfilled {
		rows = append(rows, []string{u.Date.String(), "周" + roster.WeekdayCN(u.Date.Weekday()), u.Roster, u.Role, "—", "未排：" + u.Reason})
	}
	roster.WriteRows(w, rows)
	if len(plan.Assignments) > 0 {
		for _, warn := range provisionalWarnings(cal, plan.Assignments[0].Date, plan.Assignments[len(plan.Assignments)-1].Date) {
			fmt.Fprintf(w, "注意：%s\n", warn)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, plan.Metrics.Table())
	if plan.Changed > 0 {
		fmt.Fprintf(w, "与原排班相比变更 %d 个班次\n", plan.Changed)
	}
	return nil
}

// runGenerate fills the stored rosters: only missing or invalidated future
// slots are written, in one transaction; manual and pinned ones stay.
func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, com := newFlags("generate", stderr)
	fromS := fs.String("from", "", "开始日期（默认今天）")
	toS := fs.String("to", "", "结束日期（默认今天起 horizon_days 天）")
	format := fs.String("format", "table", "输出格式：json 或 table")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if *format != "json" && *format != "table" {
		return usageError("--format 应为 json 或 table")
	}
	cfg, st, err := com.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	today := roster.Today(time.Now(), cfg.Location)
	if *fromS == "" {
		*fromS = today.String()
	}
	if *toS == "" {
		*toS = today.AddDays(cfg.HorizonDays).String()
	}
	from, to, err := parseRange(*fromS, *toS)
	if err != nil {
		return err
	}
	if to < today {
		return fmt.Errorf("--to %s 早于今天 %s：过去的日期不补排", to, today)
	}
	if from < today {
		fmt.Fprintf(stderr, "已从今天（%s）开始排班；过去的日期不补排。\n", today)
		from = today
	}
	res, err := planner.Fill(ctx, st, from, to, today, "cli")
	if err != nil {
		return err
	}
	warn := stdout
	if *format == "json" {
		warn = stderr // keep the JSON clean
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(warn, "注意：%s\n", w)
	}
	if *format == "json" {
		return writePlan(stdout, res.Plan, "json", nil, roster.Calendar{})
	}
	people, err := st.People(ctx)
	if err != nil {
		return err
	}
	cal, err := planner.Calendar(ctx, st, from, to)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s 至 %s：写入 %d 个班次，删除 %d 个不再需要的班次，未排 %d 个。\n\n", from, to, res.Written, res.Removed, len(res.Plan.Unfilled))
	return writePlan(stdout, res.Plan, "table", people, cal)
}

// runRoster prints what is stored.
func runRoster(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "show" {
		return usageError("用法: zhiban roster show --from DATE --to DATE [--format json|table]")
	}
	fs, com := newFlags("roster show", stderr)
	fromS := fs.String("from", "", "开始日期")
	toS := fs.String("to", "", "结束日期")
	format := fs.String("format", "table", "输出格式：json 或 table")
	if _, err := parseArgs(fs, args[1:]); err != nil {
		return err
	}
	if *fromS == "" || *toS == "" {
		return usageError("用法: zhiban roster show --from DATE --to DATE [--format json|table]")
	}
	if *format != "json" && *format != "table" {
		return usageError("--format 应为 json 或 table")
	}
	from, to, err := parseRange(*fromS, *toS)
	if err != nil {
		return err
	}
	_, st, err := com.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	in, stored, err := planner.Input(ctx, st, from, to)
	if err != nil {
		return err
	}
	var plan roster.Plan
	for _, a := range stored {
		if a.Date >= from {
			plan.Assignments = append(plan.Assignments, a.Assignment)
		}
	}
	plan.Unfilled = planner.Unfilled(in, stored)
	plan.Metrics = roster.ComputeMetrics(in, plan.Assignments)
	return writePlan(stdout, plan, *format, in.People, in.Calendar)
}
