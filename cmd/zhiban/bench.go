package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"time"

	"zhiban/roster"
)

// runBench measures the roster engine on synthetic counties: one county-year
// and a province of counties planned in parallel.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "roster" {
		return errors.New("用法: zhiban bench roster [--seed N] [--counties N] [--workers N] [--from DATE] [--to DATE]")
	}
	fs := flag.NewFlagSet("bench roster", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Int64("seed", 1, "随机种子")
	counties := fs.Int("counties", 100, "省级基准的县数")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "并行排班的协程数")
	fromS := fs.String("from", "2027-01-01", "开始日期")
	toS := fs.String("to", "2027-12-31", "结束日期")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	from, err := roster.ParseDate(*fromS)
	if err != nil {
		return err
	}
	to, err := roster.ParseDate(*toS)
	if err != nil {
		return err
	}

	in := roster.SyntheticCounty(*seed, 30, 10, from, to)
	start := time.Now()
	plan, err := roster.Generate(in)
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "一县一年（县领导 30 人、部领导 10 人、每天 2 个岗位、随机请假）：%d 个班次，用时 %s\n\n",
		len(plan.Assignments)+len(plan.Unfilled), took.Round(time.Microsecond))
	plan.Metrics.WriteTable(stdout)
	if err := ctx.Err(); err != nil {
		return err
	}

	mid := from + (to-from)/2
	mid -= roster.Date((int(mid.Weekday()) + 6) % 7) // the Monday of the middle week
	r, err := roster.RegenerateAfterAbsence(in, plan, mid, 7)
	if err != nil {
		return err
	}
	verdict := "达标"
	if r.Extra > 3 || r.MaxOver > 1 || r.Plan.Metrics.HardViolations > 0 {
		verdict = "未达标"
	}
	fmt.Fprintf(stdout, "\n年中新增一次 7 天出差后重排（%s %s 至 %s，该周有值班）：用时 %s\n",
		r.Absence.Person, r.Absence.From, r.Absence.To, time.Duration(r.Took*float64(time.Second)).Round(time.Microsecond))
	fmt.Fprintf(stdout, "失效班次 %d　变动班次 %d　超出失效的变动 %d（要求 ≤ 3）　差距最多超出下界 %d（要求 ≤ 1）　硬约束违反 %d　%s\n",
		r.Invalidated, r.Changed, r.Extra, r.MaxOver, r.Plan.Metrics.HardViolations, verdict)
	if err := ctx.Err(); err != nil {
		return err
	}

	ins := roster.SyntheticProvince(*seed, *counties, from, to)
	start = time.Now()
	plans, err := roster.GenerateAll(ins, *workers)
	if err != nil {
		return err
	}
	took = time.Since(start)
	var slots, unfilled, viol, over, atBound, unused int
	for _, p := range plans {
		m := p.Metrics
		slots += len(p.Assignments) + len(p.Unfilled)
		unfilled += m.Unfilled
		viol += m.HardViolations
		if m.AllAtBound {
			atBound++
		}
		for _, c := range m.Classes {
			over += max(c.Spread-c.Bound, 0)
		}
		for _, ps := range m.Pairs {
			unused += ps.Possible - ps.Used
		}
	}
	fmt.Fprintf(stdout, "\n全省 %d 个县（县领导 8–30 人、部领导 4–10 人，各排一年，%d 个协程并行）：用时 %s\n",
		len(ins), *workers, took.Round(time.Millisecond))
	fmt.Fprintf(stdout, "班次 %d　未排 %d　硬约束违反 %d　全部达到下界的县 %d/%d　超出下界合计 %d　未用搭配 %d\n",
		slots, unfilled, viol, atBound, len(ins), over, unused)
	return nil
}
