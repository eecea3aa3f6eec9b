package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"zhiban/auth"
	"zhiban/fault"
	"zhiban/service"
	"zhiban/store"
)

// stdin is where passwords are read from; tests replace it.
var stdin io.Reader = os.Stdin

const userUsage = `用法:
  zhiban user add NAME --role admin|editor|viewer [--unit 乡镇编号]
                                                    新建用户（密码从终端输入，或从标准输入读取一行）；
                                                    --unit 限定为乡镇账号，只管理该乡镇（不填为全县）
  zhiban user unit NAME --unit 乡镇编号|""           修改管理范围（空为全县；该用户登录会话失效）
  zhiban user passwd NAME                           修改密码（该用户所有登录会话失效）
  zhiban user token NAME [--label 用途]             生成接口令牌（只显示一次）
  zhiban user list                                  列出用户`

// runUser manages staff accounts from the command line; the first admin is made here.
func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError(userUsage)
	}
	sub := args[0]
	fs, com := newFlags("user "+sub, stderr)
	role := fs.String("role", "", "角色：admin、editor 或 viewer")
	label := fs.String("label", "", "令牌用途")
	unit := fs.String("unit", "", "乡镇编号（units 中 kind: township 的 id）；不填为全县")
	pos, err := parseArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if sub != "list" && len(pos) != 1 {
		return usageError(userUsage)
	}
	cfg, st, err := com.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	// The account rules (names, roles, password strength, the last admin)
	// live in the service, shared with the users page.
	svc := service.New(st, cfg, nil)
	call := service.Call{Actor: "cli", Now: time.Now()}
	switch sub {
	case "add":
		// The role is checked before the password is asked for.
		if _, err := auth.ParseRole(*role); err != nil {
			return err
		}
		pw, err := readPassword(stderr)
		if err != nil {
			return err
		}
		u, err := svc.CreateUserIn(ctx, call, pos[0], *role, *unit, pw)
		if err != nil {
			if _, e := svc.User(ctx, pos[0]); e == nil {
				return fmt.Errorf("用户 %s 已存在", pos[0])
			}
			return userError(pos[0], err)
		}
		fmt.Fprintf(stdout, "已新建用户 %s（%s，%s）\n", u.Name, u.Role.Label(), scopeLabel(u.Unit))
	case "unit":
		u, err := svc.User(ctx, pos[0])
		if err != nil {
			return userError(pos[0], err)
		}
		if err := svc.UpdateUser(ctx, call, pos[0], service.UserUpdate{Role: string(u.Role), Unit: unit, Disabled: u.Disabled}); err != nil {
			return userError(pos[0], err)
		}
		fmt.Fprintf(stdout, "已将 %s 的管理范围改为%s\n", pos[0], scopeLabel(*unit))
	case "passwd":
		if _, err := svc.User(ctx, pos[0]); err != nil {
			return userError(pos[0], err)
		}
		pw, err := readPassword(stderr)
		if err != nil {
			return err
		}
		if err := svc.UpdateUser(ctx, call, pos[0], service.UserUpdate{Password: pw}); err != nil {
			return userError(pos[0], err)
		}
		fmt.Fprintf(stdout, "已修改 %s 的密码，其登录会话已全部注销\n", pos[0])
	case "token":
		secret, t, err := svc.IssueToken(ctx, call, pos[0], *label)
		if err != nil {
			return userError(pos[0], err)
		}
		fmt.Fprintf(stderr, "接口令牌 #%d 只显示这一次，请妥善保存（请求头 Authorization: Bearer 令牌）：\n", t.ID)
		fmt.Fprintln(stdout, secret)
	case "list":
		accounts, err := svc.Accounts(ctx)
		if err != nil {
			return err
		}
		for _, u := range accounts {
			state := ""
			if u.Disabled {
				state = "（已停用）"
			}
			fmt.Fprintf(stdout, "%-16s %-6s %s%s\n", u.Name, u.Role, scopeLabel(u.Unit), state)
		}
	default:
		return usageError(userUsage)
	}
	return nil
}

// scopeLabel names an account's scope: 全县, or 乡镇 and the unit's id.
func scopeLabel(unit string) string {
	if unit == "" {
		return "全县"
	}
	return "乡镇 " + unit
}

// userError says in Chinese what an unknown user name means, and gives a
// refusal of the service as its message alone (the field is for forms);
// anything else passes through.
func userError(name string, err error) error {
	var fe *fault.Error
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("没有名为 %s 的用户", name)
	case errors.As(err, &fe) && fe.Kind == fault.Invalid:
		return errors.New(fe.Msg)
	}
	return err
}

// readPassword prompts twice without echo on a terminal, or reads one line
// from standard input (for scripts: echo "$PW" | zhiban user add ...). The
// service checks its strength.
func readPassword(stderr io.Writer) (string, error) {
	var pw string
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "密码：")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "再次输入：")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", fmt.Errorf("两次输入的密码不一致")
		}
		pw = string(a)
	} else {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("从标准输入读取密码失败：%w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	return pw, nil
}
