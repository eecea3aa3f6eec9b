package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// runPrivacy manages the encryption of personal data: "rotate" reseals every
// value under the first configured key.
func runPrivacy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	usage := "用法：zhiban privacy rotate（用第一个密钥重新加密全部联系电话；旧密钥在完成前须保留在配置中）"
	fs, c := newFlags("privacy", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "rotate" {
		return errors.New(usage)
	}
	_, st, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ring := st.Privacy()
	resealed, kept, err := st.RotatePrivacy(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已用密钥 %s 重新加密 %d 个联系电话，%d 个原已使用该密钥。\n", ring.Current(), resealed, kept)
	if ids := ring.IDs(); len(ids) > 1 {
		fmt.Fprintf(stdout, "现在可以从配置中删除旧密钥（%s），但请先确认所有副本都已使用新配置，并保留旧密钥的离线备份直到旧的数据库备份过期。\n",
			strings.Join(ids[1:], "、"))
	}
	return nil
}
