package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/tidings-app/tidings/store"
)

// app is what every command shares: the --config flag, output streams and
// the way to load configuration and open the store.
type app struct {
	configPath string
	stdin      io.Reader
	stdout     io.Writer
	stderr     io.Writer
	logLevel   string
	// now is the clock of the services; nil means time.Now (tests pin it).
	now func() time.Time
	// red hides credentials in everything printed (redact.go).
	red *store.Redactor
}

// clock returns the services' clock.
func (a *app) clock() func() time.Time {
	if a.now != nil {
		return a.now
	}
	return time.Now
}

// logger returns a text logger on stderr at the configured level.
func (a *app) logger() *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(a.logLevel)); err != nil {
		lvl = slog.LevelInfo
	}
	w := a.stderr
	if w == nil {
		w = os.Stderr
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lvl, ReplaceAttr: a.redactAttr}))
}

// loadConfig reads the --config file (TIDINGS_CONFIG, default tidings.yaml)
// with TIDINGS_* environment overrides, and validates it. Errors are
// exitError with EX_CONFIG and name the file and line.
func (a *app) loadConfig() (*Config, error) {
	cfg, err := LoadConfig(a.configPath, os.LookupEnv)
	if err != nil {
		return nil, &exitError{code: exConfig, msg: a.redact(err.Error())}
	}
	a.knowSecrets(cfg)
	if a.logLevel == "" {
		a.logLevel = cfg.Server.LogLevel
	}
	for _, name := range unknownEnv(os.Environ()) {
		a.logger().Warn("unknown environment variable ignored", "name", name)
	}
	return cfg, nil
}

// openStore opens the configured database. An unreachable database is an
// exitError with EX_TEMPFAIL.
func (a *app) openStore(ctx context.Context, cfg *Config) (*store.DB, error) {
	return a.openStoreWith(ctx, cfg, store.Options{})
}

// openStoreWith is openStore with store options (`tidings migrate`). The
// store's timestamps (a membership's creation, which decides the first
// prompt a member gets, among others) follow the services' clock unless
// opts sets another.
func (a *app) openStoreWith(ctx context.Context, cfg *Config, opts store.Options) (*store.DB, error) {
	if opts.Now == nil {
		opts.Now = a.clock()
	}
	db, err := store.Open(ctx, cfg.Server.Database, opts)
	if err != nil {
		return nil, &exitError{code: exTempFail, msg: a.redact(fmt.Sprintf("database %s: %v", cfg.redactedDatabase(), err))}
	}
	return db, nil
}

// load is loadConfig then openStore; the caller closes the DB.
func (a *app) load(ctx context.Context) (*Config, *store.DB, error) {
	cfg, err := a.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	db, err := a.openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	return cfg, db, nil
}
