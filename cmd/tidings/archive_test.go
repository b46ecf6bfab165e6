package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/store"
)

const archiveConfig = `server:
  domain: t.example.com
teams:
  - slug: platform
    name: Platform
    timezone: Europe/Berlin
    language: english
    members:
      - { email: ana@example.com, name: Ana }
      - { email: ben@example.com, name: Ben }
    checkins:
      - name: daily
        schedule: "mon-fri 09:00"
        questions:
          - { key: done, text: "Done?" }
          - { key: next, text: "Next?" }
`

// seedArchive applies archiveConfig and files one update per member, each
// carried by a raw message whose body has a line starting with "From ".
func seedArchive(t *testing.T, dir, cfg string) {
	t.Helper()
	ctx := context.Background()
	if _, errs, code := run(t, ctx, "", "--config", cfg, "apply", "-f", cfg); code != 0 {
		t.Fatalf("apply: %d %s", code, errs)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "tidings.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t0 := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	for i, email := range []string{"ana@example.com", "ben@example.com"} {
		raw := "From: " + email + "\r\nSubject: Re: daily\r\n\r\nDone: =cmd|' /C calc'!A0, \"quoted\", done\r\nFrom the top: next\r\n>From here\r\n"
		in := &store.InboundMessage{DedupKey: "<" + email + ">", MailFrom: email, Raw: []byte(raw), Status: store.InboundApplied, ReceivedAt: t0}
		if _, err := db.CreateInbound(ctx, in); err != nil {
			t.Fatal(err)
		}
		seedUpdate(t, db, "platform", email, store.UpdateInput{InboundID: in.ID, AnsweredAt: t0.Add(time.Duration(i) * 24 * time.Hour),
			Answers: []store.Answer{{Key: "done", Question: "Done?", Text: "=cmd|' /C calc'!A0, \"quoted\", done"}, {Key: "next", Question: "Next?", Text: "line one\nline two"}}})
	}
}

// TestExportCommand proves the three formats are well formed and complete,
// the filters apply, and bad input gets a usage error naming it.
func TestExportCommand(t *testing.T) {
	dir := tempEnv(t)
	ctx := context.Background()
	cfg := writeConfig(t, archiveConfig)
	seedArchive(t, dir, cfg)
	export := func(args ...string) (string, string, int) {
		return run(t, ctx, "", append([]string{"--config", cfg, "export", "--team", "platform"}, args...)...)
	}

	out, errs, code := export("--format", "csv")
	if code != 0 {
		t.Fatalf("csv: %d %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("csv does not parse: %v\n%s", err, out)
	}
	if len(rows) != 5 || strings.Join(rows[0], ",") != "update_id,team,member,member_email,check_in,period,answered_at,version,has_blocker,question_key,question,answer" {
		t.Fatalf("csv rows = %q", rows)
	}
	if rows[1][3] != "ana@example.com" || rows[1][11] != `'=cmd|' /C calc'!A0, "quoted", done` || rows[2][11] != "line one\nline two" {
		t.Errorf("csv ana rows = %q, %q", rows[1], rows[2])
	}
	if !strings.Contains(out, "\r\n") || !strings.Contains(errs, "exported 2 records") {
		t.Errorf("csv: CRLF records and a count on stderr expected; stderr %q", errs)
	}

	out, _, code = export("--format", "json", "--member", "ben@example.com")
	var doc struct {
		Team    string `json:"team"`
		Updates []struct {
			MemberEmail string         `json:"member_email"`
			Answers     []store.Answer `json:"answers"`
		} `json:"updates"`
	}
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil {
		t.Fatalf("json: %d %v\n%s", code, err, out)
	}
	if doc.Team != "platform" || len(doc.Updates) != 1 || doc.Updates[0].MemberEmail != "ben@example.com" || len(doc.Updates[0].Answers) != 2 {
		t.Errorf("json = %+v", doc)
	}

	// Dates are inclusive: --until 2026-11-24 keeps Ana's (answered that day), not Ben's.
	file := filepath.Join(dir, "out.mbox")
	if _, errs, code := export("--format", "mbox", "--until", "2026-11-24", "--output", file); code != 0 || !strings.Contains(errs, "exported 1 messages to "+file) {
		t.Fatalf("mbox: %d %s", code, errs)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	mbox := string(b)
	if !strings.HasPrefix(mbox, "From ana@example.com Tue Nov 24 12:00:00 2026\n") || strings.Count(mbox, "\nFrom ") != 0 ||
		!strings.Contains(mbox, "\n>From the top: next\n>>From here\n") || strings.Contains(mbox, "\r") || !strings.HasSuffix(mbox, "\n\n") {
		t.Errorf("mbox:\n%s", mbox)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mbox file mode: %v %v", fi.Mode(), err)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "xml"}, "--format must be json, csv or mbox"},
		{[]string{"--format", "csv", "--since", "24/11/2026"}, `--since "24/11/2026": want a date YYYY-MM-DD`},
		{[]string{"--format", "csv", "--since", "2026-12-01", "--until", "2026-11-01"}, "--since must not be after --until"},
		{[]string{"--format", "csv", "--member", "nobody@example.com"}, `member "nobody@example.com"`},
	} {
		if _, errs, code := export(c.args...); code != exUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: %d %q, want %q", c.args, code, errs, c.want)
		}
	}
	if _, errs, code := run(t, ctx, "", "--config", cfg, "export", "--team", "nope", "--format", "csv"); code != exUsage || !strings.Contains(errs, `team "nope"`) {
		t.Errorf("unknown team: %d %q", code, errs)
	}
}

// TestMembersForgetCommand proves forget refuses a member still in the
// configuration, that --dry-run reports and keeps everything, and that
// forget then erases the member's updates and messages but not others'.
func TestMembersForgetCommand(t *testing.T) {
	dir := tempEnv(t)
	ctx := context.Background()
	cfg := writeConfig(t, archiveConfig)
	seedArchive(t, dir, cfg)
	if _, errs, code := run(t, ctx, "", "--config", cfg, "members", "forget", "ben@example.com"); code != exUsage ||
		!strings.Contains(errs, "still a member of platform") || !strings.Contains(errs, "nothing was deleted") {
		t.Fatalf("in config: %d %q", code, errs)
	}
	without := writeConfig(t, strings.Replace(archiveConfig, "      - { email: ben@example.com, name: Ben }\n", "", 1))
	if _, errs, code := run(t, ctx, "", "--config", without, "apply", "-f", without); code != 0 {
		t.Fatalf("apply: %d %s", code, errs)
	}
	out, errs, code := run(t, ctx, "", "--config", without, "members", "forget", "Ben@Example.com", "--dry-run")
	if code != 0 || !strings.Contains(out, "dry run: nothing changed") || !strings.Contains(out, "would delete ben@example.com") ||
		!regexpLine(out, "updates", "1") || !regexpLine(out, "inbound_messages", "1") {
		t.Fatalf("dry run: %d %s %s", code, out, errs)
	}
	export := func() string {
		out, _, _ := run(t, ctx, "", "--config", without, "export", "--team", "platform", "--format", "csv")
		return out
	}
	if got := export(); !strings.Contains(got, "ben@example.com") {
		t.Fatalf("dry run erased: %s", got)
	}
	out, errs, code = run(t, ctx, "", "--config", without, "members", "forget", "ben@example.com")
	if code != 0 || !strings.Contains(out, "deleted ben@example.com") || !regexpLine(out, "members", "1") {
		t.Fatalf("forget: %d %s %s", code, out, errs)
	}
	if got := export(); strings.Contains(got, "ben@example.com") || !strings.Contains(got, "ana@example.com") {
		t.Errorf("after forget: %s", got)
	}
	if _, errs, code := run(t, ctx, "", "--config", without, "members", "forget", "ben@example.com"); code != exUsage || !strings.Contains(errs, "no member") {
		t.Errorf("forget twice: %d %q", code, errs)
	}
}

// regexpLine reports whether out has a line "  NAME   N".
func regexpLine(out, name, n string) bool {
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[0] == name && f[1] == n {
			return true
		}
	}
	return false
}

// TestRetentionConfigAndWorker proves retention.raw accepts days and
// durations, refuses nonsense with the line, and that the worker empties
// old raw messages and keeps the rest.
func TestRetentionConfigAndWorker(t *testing.T) {
	for _, c := range []struct {
		v    string
		want time.Duration
		err  string
	}{
		{"90d", 90 * 24 * time.Hour, ""}, {"2160h", 90 * 24 * time.Hour, ""}, {"0", 0, ""},
		{"12h", 0, "retention.raw must be 0 (keep forever) or at least 1d"}, {"ninety", 0, `"ninety" is not a duration`},
		{"-3d", 0, `"-3d" is not a number of days`},
	} {
		cfg, err := LoadConfig(writeConfig(t, validTeam+"retention:\n  raw: "+c.v+"\n"), noEnv)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("raw %s: err %v, want %q", c.v, err, c.err)
			}
			continue
		}
		if err != nil || time.Duration(cfg.Retention.Raw) != c.want {
			t.Errorf("raw %s: %v %v", c.v, cfg, err)
		}
	}
	if _, err := LoadConfig(writeConfig(t, strings.Replace(validTeam, "name: Platform", "name: Platform\n    language: klingon", 1)), noEnv); err == nil ||
		!strings.Contains(err.Error(), `language "klingon" must be one of simple,`) {
		t.Errorf("bad language: %v", err)
	}

	dir := tempEnv(t)
	ctx := context.Background()
	cfg := writeConfig(t, archiveConfig)
	seedArchive(t, dir, cfg)
	db, err := store.Open(ctx, filepath.Join(dir, "tidings.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC).Add(90*24*time.Hour + time.Minute)
	// A sign-in link that ended two days ago goes; one still valid stays.
	ana, err := db.MemberByAddress(ctx, "ana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	for i, exp := range []time.Time{now.Add(-48 * time.Hour), now.Add(time.Hour)} {
		if err := db.CreateSignInLink(ctx, &store.SignInLink{TokenHash: fmt.Sprintf("%064d", i), MemberID: ana.ID, ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
	}
	var logs bytes.Buffer
	w := &retentionWorker{db: db, keep: 90 * 24 * time.Hour, now: func() time.Time { return now }, log: slog.New(slog.NewTextHandler(&logs, nil))}
	if err := w.Work(ctx, nil); err != nil {
		t.Fatal(err)
	}
	msgs, err := db.FindInbound(ctx, store.InboundFilter{})
	if err != nil || len(msgs) != 2 {
		t.Fatalf("inbound: %v %v", msgs, err)
	}
	for _, m := range msgs {
		// Both were received at the same instant, 90 days and a minute ago.
		got, err := db.InboundByID(ctx, m.ID)
		if err != nil || len(got.Raw) != 0 || got.MailFrom == "" {
			t.Errorf("message %d: %+v, %v", m.ID, got, err)
		}
	}
	if !strings.Contains(logs.String(), "messages=2") {
		t.Errorf("log: %s", logs.String())
	}
	for i, want := range []bool{false, true} {
		if ok, err := db.SignInLinkUsable(ctx, fmt.Sprintf("%064d", i), now); err != nil || ok != want {
			t.Errorf("sign-in link %d usable %v (%v), want %v", i, ok, err, want)
		}
	}
	if !strings.Contains(logs.String(), "expired sign-in links") {
		t.Errorf("log: %s", logs.String())
	}
	if len(w.periodicJobs()) != 1 {
		t.Error("no periodic job")
	}
}

// TestTrustedProxiesConfig: addresses and prefixes are accepted (an
// address is its own /32 or /128); anything else is refused with the key.
func TestTrustedProxiesConfig(t *testing.T) {
	withProxies := func(list string) string {
		return strings.Replace(validTeam, "  domain: t.example.com\n", "  domain: t.example.com\n  trusted_proxies: "+list+"\n", 1)
	}
	cfg, err := LoadConfig(writeConfig(t, withProxies(`["10.0.0.0/8", "127.0.0.1", "::1"]`)), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cfg.Server.trustedProxies()
	if err != nil || len(got) != 3 || got[0].String() != "10.0.0.0/8" || got[1].String() != "127.0.0.1/32" || got[2].String() != "::1/128" {
		t.Errorf("trusted proxies = %v, %v", got, err)
	}
	mapped, err := LoadConfig(writeConfig(t, withProxies(`["::ffff:10.0.0.0/104"]`)), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := mapped.Server.trustedProxies(); len(got) != 1 || got[0].String() != "10.0.0.0/8" {
		t.Errorf("IPv4-mapped prefix = %v, want 10.0.0.0/8", got)
	}
	env := func(k string) (string, bool) {
		if k == "TIDINGS_TRUSTED_PROXIES" {
			return "10.0.0.5, 10.0.0.6", true
		}
		return "", false
	}
	fromEnv, err := LoadConfig(writeConfig(t, validTeam), env)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := fromEnv.Server.trustedProxies(); len(got) != 2 || got[1].String() != "10.0.0.6/32" {
		t.Errorf("TIDINGS_TRUSTED_PROXIES = %v", got)
	}
	if _, err := LoadConfig(writeConfig(t, withProxies(`["proxy.internal"]`)), noEnv); err == nil ||
		!strings.Contains(err.Error(), `trusted_proxies: "proxy.internal" is not an address or a prefix`) {
		t.Errorf("bad proxy: %v", err)
	}
}
