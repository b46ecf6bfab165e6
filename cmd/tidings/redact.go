package main

import (
	"log/slog"
	"os"

	"github.com/tidings-app/tidings/store"
)

// urlEnv hold connection strings with credentials; TIDINGS_SECRET is one.
var urlEnv = []string{"TIDINGS_DATABASE", "TIDINGS_RELAY"}

// secrets returns the credentials in the environment and in cfg (nil
// before it loads): URL passwords and the token secret.
func secrets(cfg *Config) []string {
	var out []string
	for _, k := range urlEnv {
		out = append(out, store.URLPassword(os.Getenv(k)))
	}
	out = append(out, os.Getenv("TIDINGS_SECRET"))
	if cfg != nil {
		out = append(out, store.URLPassword(cfg.Server.Database), store.URLPassword(cfg.Server.Relay), cfg.Server.Secret)
	}
	return out
}

// redact hides credentials in s: every URL password and password= pair
// (store.Redact), and the configured secrets once known (knowSecrets),
// taken from the environment even before the configuration loads.
func (a *app) redact(s string) string {
	if a == nil {
		return store.Redact(s)
	}
	if a.red == nil {
		a.red = store.NewRedactor(secrets(nil)...)
	}
	return a.red.String(s)
}

// knowSecrets adds cfg's database and relay passwords and token secret to
// what redact hides.
func (a *app) knowSecrets(cfg *Config) { a.red = store.NewRedactor(secrets(cfg)...) }

// redactAttr is the log handlers' ReplaceAttr: every string, error and
// other value, the message included, is printed through redact.
func (a *app) redactAttr(_ []string, at slog.Attr) slog.Attr {
	switch at.Value.Kind() {
	case slog.KindString:
		at.Value = slog.StringValue(a.redact(at.Value.String()))
	case slog.KindAny:
		if err, ok := at.Value.Any().(error); ok {
			at.Value = slog.StringValue(a.redact(err.Error()))
		} else {
			at.Value = slog.StringValue(a.redact(at.Value.String()))
		}
	}
	return at
}
