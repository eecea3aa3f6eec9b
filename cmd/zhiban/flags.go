package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"zhiban/config"
	"zhiban/store"
)

// common holds the flags every subcommand takes.
type common struct {
	configPath string
	db         string
}

// newFlags returns a flag set with --config and --db already defined.
func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *common) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &common{}
	fs.StringVar(&c.configPath, "config", "", "配置文件（环境变量 ZHIBAN_CONFIG）")
	fs.StringVar(&c.db, "db", "", "SQLite 数据库文件（环境变量 ZHIBAN_DB）")
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
	if c.db != "" {
		cfg.Database = c.db
	}
	return cfg, nil
}

// open loads the configuration and opens the database.
func (c *common) open(ctx context.Context) (config.Config, *store.Store, error) {
	cfg, err := c.load()
	if err != nil {
		return cfg, nil, err
	}
	st, err := store.Open(ctx, cfg.Database)
	if err != nil {
		return cfg, nil, err
	}
	return cfg, st, nil
}

// parseArgs parses flags that may come before or after positional arguments
// (Go's flag package stops at the first positional one).
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
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

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		Level: slog.LevelInfo,
		// Log times in UTC, never in the machine's zone.
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				a.Value = slog.TimeValue(a.Value.Time().UTC())
			}
			return a
		},
	}))
}

// usageError is a wrong command line: the message says what was expected.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%s", strings.TrimSpace(fmt.Sprintf(format, args...)))
}
