package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"zhiban/store"
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
			return leaderError(leader, err)
		}
		fmt.Fprintf(stdout, "已吊销 %s 的 %d 个订阅地址，旧地址立即失效。\n", leader, n)
		return nil
	}
	token, err := st.RotateFeedToken(ctx, leader, *actor)
	if err != nil {
		return leaderError(leader, err)
	}
	// The token is shown this once; only its hash is stored.
	fmt.Fprintf(stdout, "%s/feeds/leader/%s.ics\n", publicBase(cfg.PublicURL, cfg.Listen), token)
	fmt.Fprintln(stderr, "这是该领导的私人订阅地址，只显示这一次；旧地址（如有）已失效。请勿转发。")
	if cfg.PublicURL == "" {
		fmt.Fprintln(stderr, "未设置 public_url，地址按 listen 推断；对外地址不同时请替换其中的主机部分。")
	}
	return nil
}

// leaderError names an unknown leader in Chinese; anything else passes through.
func leaderError(id string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("没有编号为 %s 的领导", id)
	}
	return err
}

// publicBase is public_url, or without one the listen address: the CLI has
// no request to take the address from, as the server does.
func publicBase(publicURL, listen string) string {
	if publicURL != "" {
		return publicURL
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
