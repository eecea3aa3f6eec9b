package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"zhiban/county"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
)

// runImport loads a county file into the database in one transaction.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, com := newFlags("import", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("用法: zhiban import FILE.yaml")
	}
	data, err := readFile(pos[0])
	if err != nil {
		return err
	}
	c, err := county.Parse(pos[0], data)
	if err != nil {
		return fmt.Errorf("导入失败，未写入任何数据:\n%w", err)
	}
	cfg, st, err := com.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	// The import and the repair it forces are one transaction: the public
	// page never shows a duty the new file makes invalid.
	today := roster.Today(time.Now(), cfg.Location)
	var res store.ImportResult
	var fix repair
	err = st.WithTx(ctx, func(tx *store.Store) error {
		var err error
		if res, err = tx.ImportCounty(ctx, c, "cli"); err != nil || res.Changed == 0 {
			return err
		}
		fix, err = repairFuture(ctx, tx, today, today.AddDays(cfg.HorizonDays), "cli")
		return err
	})
	if err != nil {
		return fmt.Errorf("导入失败，未写入任何数据: %w", err)
	}
	if res.Changed == 0 {
		fmt.Fprintf(stdout, "导入完成：%s 与数据库一致，无变更。\n", c.County)
	} else {
		fmt.Fprintf(stdout, "导入完成：%s，%d 项变更。\n", c.County, res.Changed)
	}
	if fix.ran {
		fix.write(stdout)
	}
	if c.Timezone != cfg.Timezone {
		// The service runs on the configured zone; say so rather than guess.
		fmt.Fprintf(stdout, "注意：县情文件的时区 %s 与配置的 timezone %s 不同，服务按配置的时区计算值班日与定时任务。\n", c.Timezone, cfg.Timezone)
	}
	return nil
}

// repair is what repairFuture changed in the stored future roster.
type repair struct {
	ran      bool
	replaced int // duties the change made invalid, given to someone else
	added    int // empty slots filled
	dropped  int // slots no longer needed: no longer a duty day or slot
	unfilled []roster.Unfilled
}

// repairFuture re-plans [today, to] after a bulk change with planner.Fill:
// only slots the change made invalid, or left empty, change; manual and
// pinned ones never. With no future roster stored yet there is nothing to
// repair, and generating one is left to generate or the nightly job.
func repairFuture(ctx context.Context, tx *store.Store, today, to roster.Date, actor string) (repair, error) {
	var r repair
	before, err := tx.Assignments(ctx, today, to)
	if err != nil || len(before) == 0 {
		return r, err
	}
	res, err := planner.Fill(ctx, tx, today, to, today, actor)
	if err != nil {
		return r, err
	}
	after, err := tx.Assignments(ctx, today, to)
	if err != nil {
		return r, err
	}
	r.ran, r.unfilled = true, res.Plan.Unfilled
	now := map[roster.Key]string{}
	for _, a := range after {
		now[a.Key()] = a.Person
	}
	open := map[roster.Key]bool{}
	for _, u := range r.unfilled {
		open[roster.Key{Roster: u.Roster, Date: u.Date, Role: u.Role}] = true
	}
	was := map[roster.Key]bool{}
	for _, a := range before {
		was[a.Key()] = true
		p, ok := now[a.Key()]
		switch {
		case ok && p != a.Person:
			r.replaced++
		case !ok && !open[a.Key()]:
			r.dropped++
		}
	}
	for _, a := range after {
		if !was[a.Key()] {
			r.added++
		}
	}
	return r, nil
}

// write tells what the repair did, naming each slot nobody can take.
func (r repair) write(w io.Writer) {
	fmt.Fprintf(w, "已重新安排 %d 个失效班次", r.replaced)
	if r.added > 0 {
		fmt.Fprintf(w, "，补排 %d 个空缺班次", r.added)
	}
	if r.dropped > 0 {
		fmt.Fprintf(w, "，删除 %d 个不再需要的班次", r.dropped)
	}
	fmt.Fprintln(w, "。")
	if len(r.unfilled) == 0 {
		return
	}
	fmt.Fprintf(w, "%d 个班次无人可排，请在值班表中手动安排：\n", len(r.unfilled))
	for _, u := range r.unfilled {
		fmt.Fprintf(w, "  %s %s %s %s：%s\n", u.Date, weekdayCN[u.Date.Weekday()], u.Roster, u.Role, u.Reason)
	}
}

// runExport writes the stored county in the county-file format.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, com := newFlags("export", stderr)
	out := fs.String("out", "", "写入文件（默认标准输出）")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	cfg, st, err := com.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := st.ExportCounty(ctx)
	if err != nil {
		return err
	}
	if c.County == "" {
		return fmt.Errorf("数据库 %s 中还没有县情数据，请先运行 zhiban import FILE.yaml", cfg.Database)
	}
	data, err := c.Marshal()
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = stdout.Write(data)
		return err
	}
	return os.WriteFile(*out, data, 0o644)
}
