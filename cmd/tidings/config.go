package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
	"go.yaml.in/yaml/v3"
)

// Config is the whole configuration file: server settings (each overridable
// by a TIDINGS_<KEY> environment variable) and the teams that `apply`
// syncs into the store.
type Config struct {
	Server    ServerConfig    `yaml:"server"`
	Teams     []TeamConfig    `yaml:"teams"`
	Retention RetentionConfig `yaml:"retention"` // config_retention.go

	path    string            // the file it came from, for messages
	root    *yaml.Node        // for line numbers
	fromEnv map[string]string // "server.relay" → "TIDINGS_RELAY" when the environment set it
}

// ServerConfig holds the settings of one Tidings process.
type ServerConfig struct {
	Domain     string `yaml:"domain"`      // reply and ingest addresses live here
	SMTPListen string `yaml:"smtp_listen"` // the receiver
	HTTPListen string `yaml:"http_listen"` // health, metrics, unsubscribe, the web archive
	Database   string `yaml:"database"`    // SQLite path or postgres:// URL
	Relay      string `yaml:"relay"`       // smtp://, smtps://, smtp+starttls://; empty: outbox
	From       string `yaml:"from"`
	Secret     string `yaml:"secret"`     // signs reply tokens; empty: generated once and kept in the store
	Outbox     string `yaml:"outbox"`     // where .eml files go without a relay
	Templates  string `yaml:"templates"`  // directory overriding the embedded templates
	PublicURL  string `yaml:"public_url"` // the web archive's address; base of links in emails
	// TrustedProxies are reverse proxies whose X-Forwarded-For names the
	// web client (config_web.go); empty: the connection's address.
	TrustedProxies []string `yaml:"trusted_proxies"`
	LogLevel       string   `yaml:"log_level"` // debug, info, warn, error
	Workers        int      `yaml:"workers"`   // concurrent jobs (processing replies, delivering, digests)
	DKIM           struct {
		Domain   string `yaml:"domain"`
		Selector string `yaml:"selector"`
		KeyFile  string `yaml:"key_file"`
	} `yaml:"dkim"`
	TLS struct {
		CertFile string `yaml:"cert_file"`
		KeyFile  string `yaml:"key_file"`
	} `yaml:"tls"`
	Asks AsksConfig `yaml:"asks"` // polls, feedback requests and FYIs (config_asks.go)
	SMTP struct {
		MaxMessageBytes int64    `yaml:"max_message_bytes"`
		MaxRecipients   int      `yaml:"max_recipients"`
		MaxConnections  int      `yaml:"max_connections"`
		ReadTimeout     Duration `yaml:"read_timeout"`
		WriteTimeout    Duration `yaml:"write_timeout"`
		StoreTimeout    Duration `yaml:"store_timeout"` // answer 451 when storing takes longer
		// InflightBytes caps the message bytes being received at once (452 beyond); 0: an eighth of RAM.
		InflightBytes int64 `yaml:"inflight_bytes"`
	} `yaml:"smtp"`
	Pool struct {
		Size int     `yaml:"size"` // relay connections
		Rate float64 `yaml:"rate"` // messages per second; 0: unlimited
	} `yaml:"pool"`
	Auth AuthConfig `yaml:"auth"` // sender authentication (config_auth.go)
	Jobs JobsConfig `yaml:"jobs"` // stuck-work recovery (config_jobs.go)
}

// TeamConfig is a team in the configuration file.
type TeamConfig struct {
	Slug     string `yaml:"slug"`
	Name     string `yaml:"name"`
	Timezone string `yaml:"timezone"`
	Digest   struct {
		Schedule string `yaml:"schedule"`
		Local    bool   `yaml:"local"` // deliver at each reader's local time
	} `yaml:"digest"`
	AllowedDomains []string           `yaml:"allowed_domains"` // may post meeting notes
	Receipts       string             `yaml:"receipts"`        // unsure (default), always, never: see config_receipts.go
	Language       string             `yaml:"language"`        // archive search language: config_retention.go
	Members        []MemberConfig     `yaml:"members"`
	CheckIns       []CheckInConfig    `yaml:"checkins"`
	OKRs           []OKRQuarterConfig `yaml:"okrs"`
	OneOnOnes      []OneOnOneConfig   `yaml:"one_on_ones"`
	Holidays       []string           `yaml:"holidays"`     // days without check-ins, YYYY-MM-DD
	HolidaysICS    string             `yaml:"holidays_ics"` // an iCalendar file of such days

	holidays []store.HolidaySpec // both, read by validateHolidays
}

// MemberConfig is a member of a team in the configuration file.
type MemberConfig struct {
	Email    string   `yaml:"email"`
	Name     string   `yaml:"name"`
	Timezone string   `yaml:"timezone"`
	Role     string   `yaml:"role"`
	Aliases  []string `yaml:"aliases"`
}

// CheckInConfig is a check-in in the configuration file.
type CheckInConfig struct {
	Name        string           `yaml:"name"`
	Kind        string           `yaml:"kind"` // "" or okr
	Schedule    string           `yaml:"schedule"`
	RemindAfter Duration         `yaml:"remind_after"`
	Window      Duration         `yaml:"window"`
	Questions   []store.Question `yaml:"questions"`
}

// Duration is a time.Duration written as "3h" or "90m" in YAML.
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration (use e.g. 3h or 90m)", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

func defaultServer() ServerConfig {
	var s ServerConfig
	s.Domain = "localhost"
	s.SMTPListen = "127.0.0.1:2525"
	s.HTTPListen = "127.0.0.1:8080"
	s.Database = "tidings.db"
	s.Outbox = "outbox"
	s.LogLevel = "info"
	s.SMTP.MaxMessageBytes = 25 << 20
	s.SMTP.MaxRecipients = 50
	s.SMTP.MaxConnections = 100
	s.SMTP.ReadTimeout = Duration(60 * time.Second)
	s.SMTP.WriteTimeout = Duration(60 * time.Second)
	s.SMTP.StoreTimeout = Duration(10 * time.Second)
	s.Pool.Size = 4
	s.Workers = 4
	s.Auth = defaultAuth()
	s.Jobs = defaultJobs()
	return s
}

// LoadConfig reads and validates the file at path, then applies TIDINGS_*
// overrides from lookupEnv. A missing file is an error unless path is the
// default "tidings.yaml", in which case the defaults (SQLite, outbox) are
// used with no teams. Errors name the file, the line and the problem.
func LoadConfig(path string, lookupEnv func(string) (string, bool)) (*Config, error) {
	cfg := &Config{Server: defaultServer(), path: path, fromEnv: map[string]string{}}
	data, err := os.ReadFile(path)
	missing := false
	switch {
	case errors.Is(err, fs.ErrNotExist) && path == defaultConfigPath:
		missing = true
	case err != nil:
		return nil, fmt.Errorf("config: %w", err)
	default:
		if err := cfg.parse(data); err != nil {
			return nil, err
		}
	}
	if err := applyEnv(reflect.ValueOf(&cfg.Server).Elem(), "TIDINGS_", "server.", lookupEnv, cfg.fromEnv); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if missing && len(cfg.fromEnv) == 0 {
		return nil, errNoConfig(path)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

const defaultConfigPath = "tidings.yaml"

func (c *Config) parse(data []byte) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return fmt.Errorf("%s: %s", c.path, yamlError(data, err))
	}
	if len(root.Content) == 0 {
		return nil // empty file: defaults
	}
	c.root = root.Content[0]
	if err := checkKeys(c.root, reflect.TypeOf(*c), c.path); err != nil {
		return err
	}
	if err := c.root.Decode(c); err != nil {
		return fmt.Errorf("%s: %s", c.path, strings.TrimPrefix(strings.ReplaceAll(err.Error(), "\n ", ""), "yaml: unmarshal errors:"))
	}
	return nil
}

// checkKeys reports the first mapping key with no matching yaml tag in t,
// with its line: a misspelt key must not be silently ignored.
func checkKeys(n *yaml.Node, t reflect.Type, file string) error {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		if t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode {
			for _, item := range n.Content {
				if err := checkKeys(item, t.Elem(), file); err != nil {
					return err
				}
			}
			return nil
		}
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || n.Kind != yaml.MappingNode {
		return nil
	}
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != "" && name != "-" {
			fields[name] = f.Type
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ft, ok := fields[k.Value]
		if !ok {
			return fmt.Errorf("%s:%d: unknown key %q", file, k.Line, k.Value)
		}
		if err := checkKeys(n.Content[i+1], ft, file); err != nil {
			return err
		}
	}
	return nil
}

// line returns the line of the node at path (keys and indexes) below the
// root, or of the deepest node found.
func (c *Config) line(path ...any) int {
	n := c.root
	if n == nil {
		return 0
	}
	line := n.Line
	for _, p := range path {
		var next *yaml.Node
		switch p := p.(type) {
		case string:
			for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					next, line = n.Content[i+1], n.Content[i].Line
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && p < len(n.Content) {
				next = n.Content[p]
				line = next.Line
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}

// errAt formats a validation error at the node found by path: the
// environment variable that set it, else the file and line.
func (c *Config) errAt(format string, path []any, args ...any) error {
	var keys []string
	for _, p := range path {
		if k, ok := p.(string); ok {
			keys = append(keys, k)
		}
	}
	if env, ok := c.fromEnv[strings.Join(keys, ".")]; ok {
		return fmt.Errorf("%s (environment): %s", env, fmt.Sprintf(format, args...))
	}
	if l := c.line(path...); l > 0 {
		return fmt.Errorf("%s:%d: %s", c.path, l, fmt.Sprintf(format, args...))
	}
	return fmt.Errorf("%s: %s", c.path, fmt.Sprintf(format, args...))
}

// applyEnv sets each field of v from TIDINGS_<PATH> where PATH is the
// upper-cased yaml key path joined by "_" (TIDINGS_DATABASE,
// TIDINGS_SMTP_MAX_MESSAGE_BYTES, TIDINGS_DKIM_KEY_FILE), and records in
// set which yaml paths the environment set.
func applyEnv(v reflect.Value, prefix, path string, lookup func(string) (string, bool), set map[string]string) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		key := prefix + strings.ToUpper(name)
		f := v.Field(i)
		if f.Kind() == reflect.Struct {
			if err := applyEnv(f, key+"_", path+name+".", lookup, set); err != nil {
				return err
			}
			continue
		}
		s, ok := lookup(key)
		if !ok {
			continue
		}
		if err := setFromString(f, s); err != nil {
			return fmt.Errorf("%s=%q: %w", key, s, err)
		}
		set[path+name] = key
	}
	return nil
}

// otherEnv are TIDINGS_ variables that are not server settings.
var otherEnv = map[string]bool{"TIDINGS_CONFIG": true, "TIDINGS_TEST_DATABASE_URL": true, "TIDINGS_BENCH_DATABASE_URL": true,
	"TIDINGS_SCREENSHOTS": true, "TIDINGS_CHROMIUM": true, "TIDINGS_CPU_PROFILE": true}

// unknownEnv returns the TIDINGS_* variables in environ that name no
// setting (a misspelt override would otherwise be ignored silently).
func unknownEnv(environ []string) []string {
	known := map[string]string{}
	var s ServerConfig
	applyEnv(reflect.ValueOf(&s).Elem(), "TIDINGS_", "", func(k string) (string, bool) { known[k] = ""; return "", false }, nil)
	var out []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := known[k]; strings.HasPrefix(k, "TIDINGS_") && !ok && !otherEnv[k] {
			out = append(out, k)
		}
	}
	return out
}

func setFromString(f reflect.Value, s string) error {
	switch f.Interface().(type) {
	case Duration:
		d, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(Duration(d)))
		return nil
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return err
		}
		f.SetBool(b)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return err
		}
		f.SetInt(n)
	case reflect.Float64:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return err
		}
		f.SetFloat(n)
	case reflect.Slice:
		if f.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("unsupported setting type %s", f.Type())
		}
		// A list: comma-separated ("10.0.0.5,10.0.0.6").
		var list []string
		for _, v := range strings.Split(s, ",") {
			if v = strings.TrimSpace(v); v != "" {
				list = append(list, v)
			}
		}
		f.Set(reflect.ValueOf(list))
	default:
		return fmt.Errorf("unsupported setting type %s", f.Type())
	}
	return nil
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

func (c *Config) validate() error {
	if err := c.validateServer(); err != nil {
		return err
	}
	if err := c.validateText(); err != nil {
		return err
	}
	if err := c.validateRetention(); err != nil {
		return err
	}
	slugs := map[string]bool{}
	members := map[string]MemberConfig{}
	for i := range c.Teams {
		t := &c.Teams[i]
		at := []any{"teams", i}
		if !slugRE.MatchString(t.Slug) {
			return c.errAt("team slug %q must be lowercase letters, digits and dashes", append(at, "slug"), t.Slug)
		}
		if slugs[t.Slug] {
			return c.errAt("duplicate team %q", append(at, "slug"), t.Slug)
		}
		slugs[t.Slug] = true
		if err := c.validateTeam(t, at, members); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) validateServer() error {
	s := &c.Server
	at := func(k ...any) []any { return append([]any{"server"}, k...) }
	if s.Domain == "" {
		return c.errAt("server.domain is required", at("domain"))
	}
	if s.Relay != "" {
		u, err := url.Parse(s.Relay)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps" && u.Scheme != "smtp+starttls") || u.Host == "" {
			return c.errAt("relay %q must be smtp://host:port, smtp+starttls://host:port or smtps://user:pass@host:465", at("relay"), redactURL(s.Relay))
		}
	}
	if s.From != "" {
		if _, err := mail.ParseAddress(s.From); err != nil {
			return c.errAt("from %q is not an address: %v", at("from"), s.From, err)
		}
	}
	if (s.TLS.CertFile == "") != (s.TLS.KeyFile == "") {
		return c.errAt("tls needs both cert_file and key_file", at("tls"))
	}
	if s.DKIM.KeyFile != "" && s.DKIM.Selector == "" {
		return c.errAt("dkim needs a selector with its key_file", at("dkim"))
	}
	if err := c.validateAuth(); err != nil {
		return err
	}
	if s.SMTP.MaxMessageBytes <= 0 || s.SMTP.MaxRecipients <= 0 || s.SMTP.MaxConnections <= 0 || s.Pool.Size <= 0 || s.Workers <= 0 {
		return c.errAt("smtp limits, pool size and workers must be positive", at("smtp"))
	}
	if s.SMTP.InflightBytes < 0 {
		return c.errAt("smtp.inflight_bytes must not be negative", at("smtp", "inflight_bytes"))
	}
	if err := s.Jobs.validate(); err != nil {
		return c.errAt("%v", at("jobs"), err)
	}
	if _, err := s.trustedProxies(); err != nil {
		return c.errAt("%v", at("trusted_proxies"), err)
	}
	return nil
}

func (c *Config) validateTeam(t *TeamConfig, at []any, all map[string]MemberConfig) error {
	if t.Name == "" {
		return c.errAt("team %q needs a name", append(at, "slug"), t.Slug)
	}
	if _, err := loadZone(t.Timezone); err != nil || t.Timezone == "" {
		return c.errAt("team %q: unknown time zone %q (use an IANA name such as Europe/Berlin)", append(at, "timezone"), t.Slug, t.Timezone)
	}
	if t.Digest.Schedule != "" {
		if _, err := store.ParseSchedule(t.Digest.Schedule); err != nil {
			return c.errAt("team %q digest: %v", append(at, "digest", "schedule"), t.Slug, err)
		}
	}
	if err := c.validateLanguage(t, at); err != nil {
		return err
	}
	if err := c.validateReceipts(t, at); err != nil {
		return err
	}
	seen := map[string]bool{}
	for j, m := range t.Members {
		mat := append(append([]any{}, at...), "members", j)
		if err := c.validateMember(t.Slug, m, mat, seen, all); err != nil {
			return err
		}
	}
	names := map[string]bool{}
	for j := range t.CheckIns {
		ci := &t.CheckIns[j]
		cat := append(append([]any{}, at...), "checkins", j)
		if names[ci.Name] {
			return c.errAt("team %q: duplicate check-in %q", append(cat, "name"), t.Slug, ci.Name)
		}
		names[ci.Name] = true
		if err := c.validateCheckIn(t.Slug, ci, cat); err != nil {
			return err
		}
	}
	if err := c.validateOKRs(t, at); err != nil {
		return err
	}
	if err := c.validateOneOnOnes(t, at); err != nil {
		return err
	}
	return c.validateHolidays(t, at)
}

func (c *Config) validateMember(team string, m MemberConfig, at []any, seen map[string]bool, all map[string]MemberConfig) error {
	addr, err := mail.ParseAddress(m.Email)
	if err != nil || addr.Address != m.Email {
		return c.errAt("team %q: member email %q is not a plain address", append(at, "email"), team, m.Email)
	}
	key := strings.ToLower(m.Email)
	if seen[key] {
		return c.errAt("team %q: duplicate member %s", append(at, "email"), team, m.Email)
	}
	seen[key] = true
	if m.Name == "" {
		return c.errAt("team %q: member %s needs a name", append(at, "email"), team, m.Email)
	}
	if m.Timezone != "" {
		if _, err := loadZone(m.Timezone); err != nil {
			return c.errAt("member %s: unknown time zone %q", append(at, "timezone"), m.Email, m.Timezone)
		}
	}
	switch m.Role {
	case "", store.RoleMember, store.RoleLead, store.RoleObserver:
	default:
		return c.errAt("member %s: unknown role %q (member, lead or observer)", append(at, "role"), m.Email, m.Role)
	}
	if prev, ok := all[key]; ok && (prev.Name != m.Name || prev.Timezone != m.Timezone) {
		return c.errAt("member %s is declared twice with a different name or time zone", append(at, "email"), m.Email)
	}
	all[key] = m
	return nil
}

func (c *Config) validateCheckIn(team string, ci *CheckInConfig, at []any) error {
	if ci.Name == "" {
		return c.errAt("team %q: a check-in needs a name", at, team)
	}
	if _, err := store.ParseSchedule(ci.Schedule); err != nil {
		return c.errAt("check-in %s/%s: %v", append(at, "schedule"), team, ci.Name, err)
	}
	if ci.Window == 0 {
		ci.Window = Duration(20 * time.Hour)
		if ci.Kind == store.CheckInOKR {
			ci.Window = Duration(72 * time.Hour) // a weekly check-in: answerable until Monday
		}
	}
	if ci.RemindAfter < 0 || ci.Window < 0 || (ci.RemindAfter > 0 && ci.RemindAfter >= ci.Window) {
		return c.errAt("check-in %s/%s: remind_after must be shorter than window", append(at, "remind_after"), team, ci.Name)
	}
	switch ci.Kind {
	case "":
	case store.CheckInOKR:
		return c.validateOKRCheckIn(team, ci, at)
	default:
		return c.errAt("check-in %s/%s: unknown kind %q (okr, or none for questions)", append(at, "kind"), team, ci.Name, ci.Kind)
	}
	if len(ci.Questions) == 0 {
		return c.errAt("check-in %s/%s needs at least one question", at, team, ci.Name)
	}
	keys := map[string]bool{}
	for k, q := range ci.Questions {
		qat := append(append([]any{}, at...), "questions", k)
		if q.Key == "" || q.Text == "" {
			return c.errAt("check-in %s/%s: each question needs a key and a text", qat, team, ci.Name)
		}
		if keys[q.Key] {
			return c.errAt("check-in %s/%s: duplicate question key %q", qat, team, ci.Name, q.Key)
		}
		keys[q.Key] = true
	}
	return nil
}

func loadZone(name string) (*time.Location, error) {
	if name == "" || strings.EqualFold(name, "local") {
		return nil, fmt.Errorf("time zone %q is not an IANA name", name)
	}
	return time.LoadLocation(name)
}

// Specs converts the teams into the store's sync input.
func (c *Config) Specs() []store.TeamSpec {
	out := make([]store.TeamSpec, 0, len(c.Teams))
	for _, t := range c.Teams {
		ts := store.TeamSpec{Slug: t.Slug, Name: t.Name, Timezone: t.Timezone, DigestSchedule: t.Digest.Schedule,
			DigestLocal: t.Digest.Local, AllowedDomains: t.AllowedDomains, Receipts: t.Receipts, Holidays: t.holidays,
			Language: t.Language}
		for _, m := range t.Members {
			ts.Members = append(ts.Members, store.MemberSpec{Email: m.Email, Name: m.Name, Timezone: m.Timezone, Role: m.Role, Aliases: m.Aliases})
		}
		for _, ci := range t.CheckIns {
			ts.CheckIns = append(ts.CheckIns, store.CheckInSpec{Name: ci.Name, Kind: ci.Kind, Schedule: ci.Schedule,
				RemindAfter: time.Duration(ci.RemindAfter), Window: time.Duration(ci.Window), Questions: ci.Questions})
		}
		ts.OKRs = okrSpecs(t)
		out = append(out, ts)
	}
	return out
}

// FromAddress is the From header: the configured one or checkins@domain.
func (c *Config) FromAddress() string {
	if c.Server.From != "" {
		return c.Server.From
	}
	return "Tidings <checkins@" + c.Server.Domain + ">"
}

// BaseURL is where unsubscribe links point.
func (c *Config) BaseURL() string {
	if c.Server.PublicURL != "" {
		return strings.TrimRight(c.Server.PublicURL, "/")
	}
	return "https://" + c.Server.Domain
}

func (c *Config) redactedDatabase() string { return redactURL(c.Server.Database) }

// redactURL hides a password in a URL, whether it parses or not (see
// store.Redact); other strings pass unchanged.
func redactURL(s string) string { return store.Redact(s) }
