package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"zhiban/store"
)

// runCopy moves an installation from a SQLite file to a new PostgreSQL
// database, then sums every table on both sides and prints the comparison.
func runCopy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("copy", stderr)
	from := fs.String("from", "", "源数据库：SQLite 文件（默认为配置的 database，即 --db；先停止使用它的 zhiban serve）")
	to := fs.String("to", "", "目标数据库：新建的空 PostgreSQL 数据库，postgres://用户:密码@主机/库名")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *to == "" {
		return errors.New("用法：zhiban copy --from 文件.db --to postgres://用户:密码@主机/库名")
	}
	if !store.IsPostgres(*to) {
		return fmt.Errorf("--to 必须是 PostgreSQL 地址（postgres://…），不是 %s", *to)
	}
	cfg, err := c.load()
	if err != nil {
		return err
	}
	if *from == "" {
		*from = cfg.Database
	}
	if *from == *to {
		return errors.New("--from 与 --to 是同一个数据库")
	}
	if !store.IsPostgres(*from) {
		// Open would make a new, empty database of a mistyped name.
		if _, err := os.Stat(*from); err != nil {
			return fmt.Errorf("找不到源数据库文件 %s", *from)
		}
	}
	// Sealed personal data is copied as it is: the new database is opened
	// with the source's keys, and must be configured with them afterwards.
	ring, err := c.privacyKeys(cfg, *from)
	if err != nil {
		return err
	}
	src, err := store.OpenKeys(ctx, *from, ring)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.OpenKeys(ctx, *to, ring)
	if err != nil {
		return err
	}
	defer dst.Close()
	start := time.Now()
	if err := src.CopyTo(ctx, dst); err != nil {
		return err
	}
	took := time.Since(start)
	want, err := src.Checksums(ctx)
	if err != nil {
		return err
	}
	got, err := dst.Checksums(ctx)
	if err != nil {
		return err
	}
	bad, rows := printComparison(stdout, want, got)
	if bad > 0 {
		return fmt.Errorf("有 %d 张表不一致，复制不完整：请保留源文件，不要改用 %s（源数据库在复制时被改动了？先停止 zhiban serve 再复制）",
			bad, store.Shown(*to))
	}
	fmt.Fprintf(stdout, "已复制 %d 张表、%d 行到 %s，用时 %.1f 秒，全部一致。\n", len(want), rows, store.Shown(*to), took.Seconds())
	fmt.Fprintln(stdout, "下一步：把配置中的 database 改为这个 PostgreSQL 地址（或设置 ZHIBAN_DB），再启动 zhiban serve。")
	if _, err := os.Stat(*from + ".key"); err == nil && len(cfg.Privacy.Keys) == 0 && os.Getenv("ZHIBAN_PRIVACY_KEY") == "" {
		fmt.Fprintf(stdout, "联系电话已用密钥文件 %s 中的密钥加密：请把该文件的内容配置为 privacy.keys 的第一个 key（或环境变量 ZHIBAN_PRIVACY_KEY），各副本使用同一密钥。\n", *from+".key")
	}
	return nil
}

// printComparison prints each table's rows and checksum on both sides and
// returns how many tables differ and how many rows the source holds.
func printComparison(w io.Writer, want, got []store.TableSum) (bad, rows int) {
	target := map[string]store.TableSum{}
	for _, s := range got {
		target[s.Table] = s
	}
	// Widths in runes: a Chinese header takes two columns a character.
	fmt.Fprintf(w, "%-27s %5s %4s  %-13s  %s\n", "表", "源行数", "目标行数", "校验和", "结果")
	for _, s := range want {
		t, ok := target[s.Table]
		delete(target, s.Table)
		result := "一致"
		switch {
		case !ok:
			result, bad = "不一致（目标数据库没有这张表）", bad+1
		case t.Rows != s.Rows || t.Sum != s.Sum:
			result, bad = "不一致（目标校验和 "+t.Sum[:16]+"）", bad+1
		}
		rows += s.Rows
		fmt.Fprintf(w, "%-28s %8d %8d  %-16s  %s\n", s.Table, s.Rows, t.Rows, s.Sum[:16], result)
	}
	for _, t := range got {
		if _, extra := target[t.Table]; extra && t.Rows > 0 {
			bad++
			fmt.Fprintf(w, "%-28s %8s %8d  %-16s  %s\n", t.Table, "-", t.Rows, t.Sum[:16], "不一致（源数据库没有这张表）")
		}
	}
	return bad, rows
}
