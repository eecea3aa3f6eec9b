package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"zhiban/holiday"
	"zhiban/planner"
	"zhiban/roster"
)

// runHolidays lists or imports the official calendar.
func runHolidays(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError("用法: zhiban holidays list --year 2027 | zhiban holidays import FILE [--dry-run]")
	}
	switch args[0] {
	case "list":
		return holidaysList(ctx, args[1:], stdout, stderr)
	case "import":
		return holidaysImport(ctx, args[1:], stdout, stderr)
	}
	return usageError("未知子命令 %q：应为 list 或 import", args[0])
}

func holidaysList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, com := newFlags("holidays list", stderr)
	year := fs.Int("year", 0, "年份（默认今年）")
	cfg, st, err := com.parseOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer st.Close()
	if *year == 0 {
		*year = time.Now().In(cfg.Location).Year()
	}
	if *year < 1949 || *year > 2100 {
		return fmt.Errorf("年份 %d 无效（1949–2100）", *year)
	}
	from, to := roster.NewDate(*year, 1, 1), roster.NewDate(*year, 12, 31)
	cal, err := planner.Calendar(ctx, st, from, to)
	if err != nil {
		return err
	}
	confirmed, err := st.HolidayYearConfirmed(ctx, *year)
	if err != nil {
		return err
	}
	entries := cal.Entries(from, to)
	switch {
	case len(entries) == 0:
		fmt.Fprintf(stdout, "%d 年：没有官方节假日数据，请用 zhiban holidays import 导入国务院办公厅通知。\n", *year)
	case holiday.Provisional(*year) && !confirmed:
		fmt.Fprintf(stdout, "%d 年：内置安排为暂定，待办公室按国务院办公厅通知确认（zhiban holidays import）。\n", *year)
	default:
		fmt.Fprintf(stdout, "%d 年：\n", *year)
	}
	for _, h := range entries {
		kind := "放假"
		if h.Kind == roster.Work {
			kind = "补班"
		}
		fmt.Fprintf(stdout, "%s 周%s %s %s\n", h.Date, roster.WeekdayCN(h.Date.Weekday()), kind, h.Name)
	}
	return nil
}

func holidaysImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, com := newFlags("holidays import", stderr)
	dry := fs.Bool("dry-run", false, "只显示变更，不保存")
	path, data, err := fileArg(fs, args, "用法: zhiban holidays import FILE [--dry-run]", holiday.MaxFileSize)
	if err != nil {
		return err
	}
	y, err := holiday.Detect(path, data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	_, st, err := com.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	// Compare over the span the file covers: holiday-cn files carry the
	// previous December's make-up days too.
	from, to := planner.HolidaySpan(y.Year, y.Days)
	cur, err := planner.HolidayEntries(ctx, st, from, to)
	if err != nil {
		return err
	}
	changes := holiday.Diff(cur, y.Days)
	fmt.Fprintf(stdout, "%d 年节假日：%d 天，变更 %d 处\n", y.Year, len(y.Days), len(changes))
	for _, c := range changes {
		fmt.Fprintln(stdout, c)
	}
	if *dry {
		fmt.Fprintln(stdout, "（--dry-run：未保存）")
		return nil
	}
	if err := planner.SaveHolidays(ctx, st, y.Year, y.Days, "", "cli"); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "已保存。下次排班任务运行时将按新日历修正受影响的值班。")
	return nil
}
