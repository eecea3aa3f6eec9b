package main

import (
	"context"
	"fmt"
	"io"
)

// runFeeds manages private feed tokens: `feeds token LEADER_ID [--revoke]`.
func runFeeds(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, com := newFlags("feeds", stderr)
	revoke := fs.Bool("revoke", false, "吊销该领导的订阅地址，不发新地址")
	actor := fs.String("actor", "cli", "操作人（写入审计日志）")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "token" {
		return usageError("用法: zhiban feeds token LEADER_ID [--revoke]")
	}
	cfg, st, err := com.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	leader := pos[1]
	if *revoke {
		n, err := st.RevokeFeedTokens(ctx, leader, *actor)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已吊销 %s 的 %d 个订阅地址，旧地址立即失效。\n", leader, n)
		return nil
	}
	token, err := st.RotateFeedToken(ctx, leader, *actor)
	if err != nil {
		return err
	}
	// The token is shown this once; only its hash is stored.
	fmt.Fprintf(stdout, "%s/feeds/leader/%s.ics\n", cfg.PublicURL, token)
	fmt.Fprintln(stderr, "这是该领导的私人订阅地址，只显示这一次；旧地址（如有）已失效。请勿转发。")
	return nil
}
