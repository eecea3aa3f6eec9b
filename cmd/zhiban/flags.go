package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"

	"zhiban/config"
	"zhiban/scheduler"
	"zhiban/secret"
	"zhiban/store"
)

// common holds the flags every subcommand takes.
type common struct {
	configPath string
	db         string
	stderr     io.Writer
}

// newFlags returns a flag set with --config and --db already defined. Its
// errors and usage text are Chinese (see parseArgs and usageOf).
func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *common) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parseArgs reports errors itself, in Chinese
	fs.Usage = func() {}
	c := &common{stderr: stderr}
	fs.StringVar(&c.configPath, "config", "", "配置文件（环境变量 ZHIBAN_CONFIG）")
	fs.StringVar(&c.db, "db", "", "数据库：SQLite 文件路径，或 postgres:// 地址（环境变量 ZHIBAN_DB）")
	return fs, c
}

// load reads the configuration: file, then ZHIBAN_* environment, then flags.
func (c *common) load() (config.Config, error) {
	path := c.configPath
	if path == "" {
		path = os.Getenv("ZHIBAN_CONFIG")
	}
	cfg, err := config.Load(path, os.Getenv)
	if err != nil {
		return cfg, err
	}
	// Cron specs are checked by every subcommand, not only serve, so a bad
	// one is found when the file is written, not at the next restart.
	for _, key := range slices.Sorted(maps.Keys(cfg.JobSpecs())) {
		if _, err := scheduler.ParseSpec(key, cfg.JobSpecs()[key]); err != nil {
			return cfg, err
		}
	}
	if c.db != "" {
		cfg.Database = c.db
	}
	if !store.IsPostgres(cfg.Database) && strings.ContainsAny(cfg.Database, "?#") {
		return cfg, fmt.Errorf("数据库路径 %q 不能包含 ? 或 #", cfg.Database)
	}
	return cfg, nil
}

// open loads the configuration and opens the database.
func (c *common) open(ctx context.Context) (config.Config, *store.Store, error) {
	cfg, err := c.load()
	if err != nil {
		return cfg, nil, err
	}
	ring, err := c.privacyKeys(cfg, cfg.Database)
	if err != nil {
		return cfg, nil, err
	}
	st, err := store.OpenKeys(ctx, cfg.Database, ring)
	if err != nil {
		return cfg, nil, err
	}
	return cfg, st, nil
}

// privacyKeys resolves the keys sealing personal data in the database at
// path, saying loudly when a SQLite key file was just made.
func (c *common) privacyKeys(cfg config.Config, path string) (*secret.Keyring, error) {
	keys, err := cfg.PrivacyKeys()
	if err != nil {
		return nil, err
	}
	ring, keyFile, err := store.PrivacyKeys(path, keys, os.Getenv)
	if err != nil {
		return nil, err
	}
	if keyFile != "" && c.stderr != nil {
		fmt.Fprintf(c.stderr, "已生成个人信息加密密钥文件 %s（仅本机可读）。它必须与数据库一起妥善保存，但要分开备份："+
			"没有它，数据库中的联系电话无法解密；也可改为在配置 privacy.keys 或环境变量 ZHIBAN_PRIVACY_KEY 中设置密钥（见 docs/deploy.md「个人信息加密」）。\n", keyFile)
	}
	return ring, nil
}

// parseOpen parses a subcommand's arguments (it takes no positional ones),
// then loads the configuration and opens the database. The caller closes it.
func (c *common) parseOpen(ctx context.Context, fs *flag.FlagSet, args []string) (config.Config, *store.Store, error) {
	if _, err := parseArgs(fs, args); err != nil {
		return config.Config{}, nil, err
	}
	return c.open(ctx)
}

// errHelp asks run to print a subcommand's usage and exit 0.
type errHelp struct{ usage string }

func (e errHelp) Error() string { return e.usage }

// parseArgs parses flags that may come before or after positional arguments
// (Go's flag package stops at the first positional one).
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, flagError(fs, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// newLogger logs to w as text or JSON (config log.format).
func newLogger(w io.Writer, format string) *slog.Logger {
	opts := &slog.HandlerOptions{
		Level: slog.LevelInfo,
		// Log times in UTC, never in the machine's zone.
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				a.Value = slog.TimeValue(a.Value.Time().UTC())
			}
			return a
		},
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// usageError is a wrong command line: the message says what was expected.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%s", strings.TrimSpace(fmt.Sprintf(format, args...)))
}

var (
	unknownFlag = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	badValue    = regexp.MustCompile(`^invalid (?:value|boolean value) "(.*)" for flag -+([^:]*)`)
	needsValue  = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
)

// flagError turns the flag package's English errors into Chinese ones.
func flagError(fs *flag.FlagSet, err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return errHelp{usageOf(fs)}
	}
	msg := err.Error()
	switch {
	case unknownFlag.MatchString(msg):
		msg = fmt.Sprintf("未知参数 --%s", unknownFlag.FindStringSubmatch(msg)[1])
	case badValue.MatchString(msg):
		m := badValue.FindStringSubmatch(msg)
		msg = fmt.Sprintf("参数 --%s 的值 %q 无效", m[2], m[1])
	case needsValue.MatchString(msg):
		msg = fmt.Sprintf("参数 --%s 缺少值", needsValue.FindStringSubmatch(msg)[1])
	}
	return fmt.Errorf("%s\n%s", msg, usageOf(fs))
}

// usageOf lists a subcommand's flags in Chinese.
func usageOf(fs *flag.FlagSet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "zhiban %s 的参数：\n", fs.Name())
	fs.VisitAll(func(f *flag.Flag) {
		fmt.Fprintf(&b, "  --%-14s %s", f.Name, f.Usage)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(&b, "（默认 %s）", f.DefValue)
		}
		b.WriteString("\n")
	})
	return strings.TrimRight(b.String(), "\n")
}

// readFile reads a user-named file with a Chinese error that names it.
func readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		return data, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("文件 %s 不存在", path)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("没有权限读取文件 %s", path)
	}
	if info, serr := os.Stat(path); serr == nil && info.IsDir() {
		return nil, fmt.Errorf("%s 是目录，不是文件", path)
	}
	return nil, fmt.Errorf("读取文件 %s 失败：%v", path, err)
}
