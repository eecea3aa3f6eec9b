package main

import (
	"context"
	"flag"
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
	path, data, err := fileArg(fs, args, "用法: zhiban import FILE.yaml", county.MaxFileSize)
	if err != nil {
		return err
	}
	c, err := county.Parse(path, data)
	if err != nil {
		return fmt.Errorf("导入失败，未写入任何数据:\n%w", err)
	}
	cfg, st, err := com.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	// The import and the repair it forces are one transaction (planner).
	today := roster.Today(time.Now(), cfg.Location)
	res, fix, err := planner.ImportCounty(ctx, st, c, today, today.AddDays(cfg.HorizonDays), "cli")
	if err != nil {
		return fmt.Errorf("导入失败，未写入任何数据: %w", err)
	}
	if res.Changed == 0 {
		fmt.Fprintf(stdout, "导入完成：%s 与数据库一致，无变更。\n", c.County)
	} else {
		fmt.Fprintf(stdout, "导入完成：%s，%d 项变更。\n", c.County, res.Changed)
	}
	if fix.Ran {
		writeRepair(stdout, fix)
	}
	if c.Timezone != cfg.Timezone {
		// The service runs on the configured zone; say so rather than guess.
		fmt.Fprintf(stdout, "注意：县情文件的时区 %s 与配置的 timezone %s 不同，服务按配置的时区计算值班日与定时任务。\n", c.Timezone, cfg.Timezone)
	}
	return nil
}

// fileArg parses args, which must name exactly one file of at most max
// bytes, and reads it.
func fileArg(fs *flag.FlagSet, args []string, usage string, max int64) (string, []byte, error) {
	pos, err := parseArgs(fs, args)
	if err != nil {
		return "", nil, err
	}
	if len(pos) != 1 {
		return "", nil, usageError("%s", usage)
	}
	// Checked before reading: a wrong path to a disk image must not fill memory.
	if info, err := os.Stat(pos[0]); err == nil && info.Mode().IsRegular() && info.Size() > max {
		return "", nil, fmt.Errorf("文件 %s 过大：%.1f MB，最多 %d MB", pos[0], float64(info.Size())/(1<<20), max>>20)
	}
	data, err := readFile(pos[0])
	return pos[0], data, err
}

// writeRepair tells what a repair did, naming each slot nobody can take.
func writeRepair(w io.Writer, c planner.Change) {
	fmt.Fprintf(w, "已%s。\n", c.Summary())
	for _, u := range c.Unfilled {
		fmt.Fprintf(w, "  %s 周%s %s %s：%s\n", u.Date, roster.WeekdayCN(u.Date.Weekday()), u.Roster, u.Role, u.Reason)
	}
}

// runExport writes the stored county in the county-file format.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, com := newFlags("export", stderr)
	out := fs.String("out", "", "写入文件（默认标准输出）")
	cfg, st, err := com.parseOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := st.ExportCounty(ctx)
	if err != nil {
		return err
	}
	if c.County == "" {
		return fmt.Errorf("数据库 %s 中还没有县情数据，请先运行 zhiban import FILE.yaml", store.Shown(cfg.Database))
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
