package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
	"go.yaml.in/yaml/v3"
)

// RetentionConfig is the top-level retention block: how long data is
// kept. See docs/archive-data.md.
type RetentionConfig struct {
	// Raw is how long the raw bytes of processed inbound messages are
	// kept ("90d", "2160h"); zero or absent keeps them forever. The row
	// (sender, dates, status) stays; only the bytes go.
	Raw Age `yaml:"raw"`
}

// Age is a duration that also accepts whole days ("90d"); "0" or empty
// is zero.
type Age time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (a *Age) UnmarshalYAML(n *yaml.Node) error {
	d, err := parseAge(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*a = Age(d)
	return nil
}

func parseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100*366 {
			return 0, fmt.Errorf("%q is not a number of days (use e.g. 90d)", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (use e.g. 90d or 2160h)", s)
	}
	return d, nil
}

// validateRetention refuses a negative age, and one under a day: a raw
// message is what a reprocess or an export reads, dropping it within
// hours is surely a mistake.
func (c *Config) validateRetention() error {
	d := time.Duration(c.Retention.Raw)
	if d != 0 && d < 24*time.Hour {
		return c.errAt("retention.raw must be 0 (keep forever) or at least 1d, not %s", []any{"retention", "raw"}, d)
	}
	return nil
}

// validateLanguage checks a team's language key: the text-search
// configuration its archive is indexed with (stemming on PostgreSQL).
func (c *Config) validateLanguage(t *TeamConfig, at []any) error {
	if store.ValidSearchLanguage(t.Language) {
		return nil
	}
	return c.errAt("team %q: language %q must be one of %s", append(append([]any{}, at...), "language"), t.Slug,
		t.Language, strings.Join(store.SearchLanguages(), ", "))
}
