// Package configtest builds the configuration tests start services with.
package configtest

import (
	"testing"

	"zhiban/config"
)

// Valid is the default configuration, changed by edit (when not nil) and
// validated, as a server is started with it.
func Valid(tb testing.TB, edit func(*config.Config)) config.Config {
	tb.Helper()
	cfg := config.Default()
	if edit != nil {
		edit(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		tb.Fatal(err)
	}
	return cfg
}
