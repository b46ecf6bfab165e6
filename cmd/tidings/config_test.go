package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tidings.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func noEnv(string) (string, bool) { return "", false }

func TestExampleConfigLoads(t *testing.T) {
	cfg, err := LoadConfig("../../examples/tidings.yaml", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Domain != "tidings.example.com" || len(cfg.Teams) != 1 {
		t.Fatalf("unexpected config: %+v", cfg.Server)
	}
	specs := cfg.Specs()
	ci := specs[0].CheckIns[0]
	if ci.RemindAfter != 3*time.Hour || ci.Window != 20*time.Hour || len(ci.Questions) != 3 || ci.Questions[2].Aliases[1] != "blocked" {
		t.Errorf("check-in = %+v", ci)
	}
	if specs[0].Members[1].Role != "lead" {
		t.Errorf("members = %+v", specs[0].Members)
	}
}

func TestEnvOverridesServerSettings(t *testing.T) {
	env := map[string]string{
		"TIDINGS_DATABASE":               "postgres://u@db/tidings",
		"TIDINGS_RELAY":                  "smtp://mailpit:1025",
		"TIDINGS_SECRET":                 "s3cret",
		"TIDINGS_SMTP_MAX_MESSAGE_BYTES": "1048576",
		"TIDINGS_SMTP_READ_TIMEOUT":      "5s",
		"TIDINGS_AUTH_REQUIRE_DMARC":     "true",
		"TIDINGS_POOL_RATE":              "2.5",
	}
	cfg, err := LoadConfig("../../examples/tidings.yaml", func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Server
	if s.Database != env["TIDINGS_DATABASE"] || s.Relay != env["TIDINGS_RELAY"] || s.Secret != "s3cret" ||
		s.SMTP.MaxMessageBytes != 1<<20 || s.SMTP.ReadTimeout != Duration(5*time.Second) || !s.Auth.RequireDMARC || s.Pool.Rate != 2.5 {
		t.Errorf("overrides not applied: %+v", s)
	}
	if _, err := LoadConfig("../../examples/tidings.yaml", func(k string) (string, bool) {
		return "many", k == "TIDINGS_SMTP_MAX_RECIPIENTS"
	}); err == nil || !strings.Contains(err.Error(), "TIDINGS_SMTP_MAX_RECIPIENTS") {
		t.Errorf("bad env value: %v", err)
	}
}

// A missing default file is an error (no silent empty tidings.db)
// unless TIDINGS_* variables configure the server; then the defaults
// fill the rest.
func TestMissingDefaultConfigUsesDefaults(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	os.Chdir(dir)
	if _, err := LoadConfig(defaultConfigPath, noEnv); err == nil || !strings.Contains(err.Error(), "no configuration file") {
		t.Fatalf("missing config without environment: %v", err)
	}
	cfg, err := LoadConfig(defaultConfigPath, func(k string) (string, bool) {
		return "t.example.com", k == "TIDINGS_DOMAIN"
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Database != "tidings.db" || cfg.Server.Outbox != "outbox" {
		t.Errorf("defaults = %+v", cfg.Server)
	}
	if _, err := LoadConfig("absent.yaml", noEnv); err == nil {
		t.Error("an explicit missing file must be an error")
	}
}

const validTeam = `server:
  domain: t.example.com
teams:
  - slug: platform
    name: Platform
    timezone: Europe/Berlin
    members:
      - { email: ana@example.com, name: Ana }
    checkins:
      - name: daily
        schedule: "mon-fri 09:00"
        questions:
          - { key: done, text: "Done?" }
`

func TestBadConfigNamesFileLineAndProblem(t *testing.T) {
	cases := []struct {
		name, from, to, want string
	}{
		{"unknown zone", "timezone: Europe/Berlin", "timezone: Mars/Olympus", `:6: team "platform": unknown time zone "Mars/Olympus"`},
		{"bad schedule", `"mon-fri 09:00"`, `"someday 9am"`, `:11: check-in platform/daily: schedule "someday 9am"`},
		{"duplicate member", "- { email: ana@example.com, name: Ana }", "- { email: ana@example.com, name: Ana }\n      - { email: Ana@example.com, name: Ana }", ":9: team \"platform\": duplicate member Ana@example.com"},
		{"unknown key", "name: Platform", "name: Platform\n    colour: blue", `:6: unknown key "colour"`},
		{"malformed yaml", "members:", "members: [", "line"},
		{"bad role", "name: Ana }", "name: Ana, role: boss }", `unknown role "boss"`},
		{"bad duration", "schedule: \"mon-fri 09:00\"", "schedule: \"mon-fri 09:00\"\n        window: soon", `"soon" is not a duration`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := strings.Replace(validTeam, c.from, c.to, 1)
			if body == validTeam {
				t.Fatal("replacement did not apply")
			}
			p := writeConfig(t, body)
			_, err := LoadConfig(p, noEnv)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.HasPrefix(err.Error(), p) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %q, want it to start with the file and contain %q", err, c.want)
			}
		})
	}
	if _, err := LoadConfig(writeConfig(t, validTeam), noEnv); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
}

func TestEnvErrorsNameTheVariable(t *testing.T) {
	_, err := LoadConfig("../../examples/tidings.yaml", func(k string) (string, bool) {
		return "http://x", k == "TIDINGS_RELAY"
	})
	if err == nil || !strings.HasPrefix(err.Error(), "TIDINGS_RELAY (environment): relay") {
		t.Errorf("error = %v, want it to name TIDINGS_RELAY", err)
	}
}

func TestUnknownEnvIsReported(t *testing.T) {
	got := unknownEnv([]string{"TIDINGS_DATABASE=x", "TIDINGS_SMTP_MAX_MESAGE_BYTES=1", "TIDINGS_CONFIG=a.yaml",
		"TIDINGS_DKIM_KEY_FILE=k", "PATH=/bin", "TIDINGS_TEST_DATABASE_URL=postgres://"})
	if len(got) != 1 || got[0] != "TIDINGS_SMTP_MAX_MESAGE_BYTES" {
		t.Errorf("unknownEnv = %v, want only the misspelt one", got)
	}
}
