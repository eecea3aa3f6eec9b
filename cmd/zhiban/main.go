// Command zhiban schedules and publishes a county's duty roster, visits and sweeps.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"

	_ "time/tzdata" // zones resolve on minimal hosts
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// command is one subcommand: a one-line Chinese summary and its body.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands is the whole CLI surface, one line per subcommand.
var commands = map[string]command{
	"serve":    {"启动服务（公开页面、订阅、接口与定时任务）", runServe},
	"import":   {"导入县情文件（YAML）", runImport},
	"export":   {"导出县情文件（YAML）", runExport},
	"holidays": {"节假日日历：list 查看、import 导入", runHolidays},
	"jobs":     {"定时任务：jobs list 查看、jobs run 任务名 [--now 时刻] 立即运行", runJobs},
	"plan":     {"试排值班（不写数据库）：plan --data county.yaml --from --to", runPlan},
	"generate": {"按数据库排班：补齐缺失或失效的未来班次", runGenerate},
	"roster":   {"查看已排值班：roster show --from --to", runRoster},
	"feeds":    {"领导私人订阅：feeds token LEADER_ID 发新地址（旧地址失效），--revoke 吊销", runFeeds},
	"version":  {"显示版本（也可用 --version）", runVersion},
	"backup":   {"在线备份数据库：backup 备份文件.db（服务运行时也可以）", runBackup},
	"restore":  {"从备份恢复数据库：restore 备份文件.db（先停止服务）", runRestore},
	"copy":     {"把 SQLite 数据库整体复制到新建的 PostgreSQL：copy --from 文件.db --to postgres://…（先停止服务）", runCopy},
	"bench":    {"性能基准：bench roster", runBench},
	"user":     {"工作人员账号：user add、passwd、token、list", runUser},
	"privacy":  {"个人信息加密：privacy rotate 用新密钥重新加密", runPrivacy},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	args = globalFlagsLast(args)
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args[0] = "version"
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "未知命令 %q\n", args[0])
		usage(stderr)
		return 2
	}
	if err := cmd.run(ctx, args[1:], stdout, stderr); err != nil {
		var help errHelp
		if errors.As(err, &help) {
			fmt.Fprintln(stdout, help.usage)
			return 0
		}
		fmt.Fprintf(stderr, "zhiban %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// globalFlagsLast lets --config and --db come before the subcommand
// ("zhiban --config c.yaml holidays list") by moving them to the end.
func globalFlagsLast(args []string) []string {
	var global []string
	for len(args) > 0 {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		if !strings.HasPrefix(args[0], "-") || (name != "config" && name != "db") {
			break
		}
		n := 1
		if !hasValue && len(args) > 1 {
			n = 2
		}
		global, args = append(global, args[:n]...), args[n:]
	}
	return append(args, global...) // every subcommand reads flags after its positional arguments too
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "用法: zhiban <命令> [参数]")
	fmt.Fprintln(w, "命令:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "每个命令都接受 --config FILE 与 --db PATH（环境变量 ZHIBAN_CONFIG、ZHIBAN_DB）。")
}

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fmt.Fprintln(stdout, "zhiban", buildVersion())
	return nil
}

// buildVersion is the -ldflags version, or else what the Go toolchain
// recorded: the module version, or the commit, its time and whether the
// tree had uncommitted changes.
func buildVersion() string {
	if version != "dev" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	vcs := map[string]string{}
	for _, s := range info.Settings {
		vcs[s.Key] = s.Value
	}
	rev := vcs["vcs.revision"]
	if rev == "" {
		return version + " (" + info.GoVersion + ")"
	}
	out := "dev-" + rev[:min(12, len(rev))]
	if vcs["vcs.modified"] == "true" {
		out += "-modified"
	}
	if t := vcs["vcs.time"]; t != "" {
		out += " (" + t + ", " + info.GoVersion + ")"
	}
	return out
}
