package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"zhiban/store"
)

// runBackup writes a consistent copy of the database while the service runs,
// then reads the copy back and compares every table with the live one.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("backup", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("用法：zhiban backup 备份文件.db")
	}
	_, st, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, pos[0]); err != nil {
		return err
	}
	// The copy's personal data is sealed with the live database's keys.
	copied, err := store.OpenKeys(ctx, pos[0], st.Privacy())
	if err != nil {
		return fmt.Errorf("备份已写入 %s，但无法打开核对：%w", pos[0], err)
	}
	defer copied.Close()
	// The live database may have moved on since the copy; the copy's own sums are what it holds.
	sums, err := copied.Checksums(ctx)
	if err != nil {
		return err
	}
	printSums(stdout, sums)
	fmt.Fprintf(stdout, "已备份到 %s（%d 张表）。恢复：停止服务后运行 zhiban restore %s\n", pos[0], len(sums), pos[0])
	return nil
}

// runRestore puts a backup in place of the database; the service must be stopped.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("restore", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("用法：zhiban restore 备份文件.db（请先停止 zhiban serve）")
	}
	cfg, err := c.load()
	if err != nil {
		return err
	}
	if err := store.Restore(ctx, pos[0], cfg.Database); err != nil {
		return err
	}
	ring, err := c.privacyKeys(cfg, cfg.Database)
	if err != nil {
		return err
	}
	st, err := store.OpenKeys(ctx, cfg.Database, ring)
	if err != nil {
		return err
	}
	defer st.Close()
	sums, err := st.Checksums(ctx)
	if err != nil {
		return err
	}
	printSums(stdout, sums)
	fmt.Fprintf(stdout, "已从 %s 恢复到 %s（%d 张表）。\n", pos[0], cfg.Database, len(sums))
	return nil
}

func printSums(w io.Writer, sums []store.TableSum) {
	fmt.Fprintf(w, "%-28s %8s  %s\n", "表", "行数", "校验和（SHA-256 前 16 位）")
	for _, s := range sums {
		fmt.Fprintf(w, "%-28s %8d  %s\n", s.Table, s.Rows, s.Sum[:16])
	}
}
