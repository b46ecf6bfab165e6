package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/store"
)

// TestEndToEndDigestSettings plays issue 12's `digest daily|weekly|off`
// against the served app: members set it by email in a reply to their
// check-in (complete messages over SMTP), and the digest scheduler then
// mails each one what their setting asks for, from a weekly team
// (platform, "fri 17:00") and a daily one (ops, "mon-fri 17:00"), through
// the real SMTP sink. `members show` says which setting is in force.
func TestEndToEndDigestSettings(t *testing.T) {
	eachBackend(t, func(t *testing.T, dir string) {
		digestSettingsE2E(t, dir)
	})
}

func digestSettingsE2E(t *testing.T, dir string) {
	sink := mailtest.NewSink(t)
	t.Setenv("TIDINGS_RELAY", sink.URL())
	ny, _ := time.LoadLocation("America/New_York")
	mon := time.Now().In(ny)
	for mon = time.Date(mon.Year(), mon.Month(), mon.Day()+1, 0, 0, 0, 0, ny); mon.Weekday() != time.Monday; mon = mon.AddDate(0, 0, 1) {
	}
	day := func(n, h int) time.Time {
		d := mon.AddDate(0, 0, n)
		return time.Date(d.Year(), d.Month(), d.Day(), h, 0, 0, 0, ny)
	}
	example, _ := os.ReadFile("../../examples/tidings.yaml")
	people := "      - { email: cy@example.com, name: Cy Park }\n      - { email: dee@example.com, name: Dee Roy }\n"
	cfg := strings.Replace(string(example), "      - { email: ben@example.com, name: Ben Okafor, timezone: Europe/Berlin, role: lead }\n",
		"      - { email: ben@example.com, name: Ben Okafor, timezone: Europe/Berlin, role: lead }\n"+people, 1)
	cfg = strings.Replace(cfg, "teams:\n", "teams:\n  - slug: ops\n    name: Ops team\n    timezone: America/New_York\n"+
		"    digest: { schedule: \"mon-fri 17:00\" }\n    members:\n"+
		"      - { email: ana@example.com, name: Ana Lima, timezone: America/Sao_Paulo }\n"+
		"      - { email: ben@example.com, name: Ben Okafor, timezone: Europe/Berlin, role: lead }\n"+people, 1)
	if !strings.Contains(cfg, "cy@example.com, name: Cy Park }\n      - { email: dee@example.com, name: Dee Roy }\n    checkins:") {
		t.Fatalf("the example configuration changed shape:\n%s", cfg)
	}
	path := filepath.Join(dir, "tidings.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	var clock atomic.Int64
	e := &e2e{t: t, sink: sink, cfg: path, clock: &clock, used: map[int]bool{}}
	e.at(day(0, 1))
	e.s, _ = serveForTest(t, &app{configPath: path, stdout: &strings.Builder{}, stderr: testLog{t}, logLevel: "warn", now: e.now})

	for _, addr := range []string{"ana@example.com", "ben@example.com", "cy@example.com", "dee@example.com"} {
		e.next(addr, "Platform team") // the welcomes
		e.next(addr, "Ops team")
	}
	// Monday noon in New York: everyone has their prompt; three of them
	// set their digest in a reply to it.
	e.at(day(0, 12))
	e.sendDue()
	for addr, set := range map[string]string{"ana@example.com": "daily", "cy@example.com": "weekly", "dee@example.com": "off"} {
		p := e.next(addr, "What did you get done yesterday?")
		e.reply("<"+addr+">", replyTo(p), "Yesterday: report for "+addr+"\r\nToday: more\r\nBlockers: none")
		in := e.reply("<"+addr+">", replyTo(p), "digest "+set)
		if in.Status != store.InboundApplied {
			t.Fatalf("digest %s from %s: %s %s", set, addr, in.Status, in.Reason)
		}
		want := "Digest: now " + set
		if set == "off" {
			want = "Digest: off."
		}
		e.next(addr, want)
	}
	show := e.cli("members", "show", "ana@example.com")
	for _, w := range []string{"platform (member): digest: gets digests: weekly (fri 17:00) and daily on the other days (mon-fri 17:00, member setting)",
		"ops (member): digest: gets digests (mon-fri 17:00; the member's daily is the team's)", "digest", "daily", "[member (by email)]"} {
		if !strings.Contains(show, w) {
			t.Errorf("members show ana lacks %q:\n%s", w, show)
		}
	}
	if show := e.cli("members", "show", "cy@example.com"); !strings.Contains(show, "ops (member): digest: gets digests: weekly summary (fri 17:00, member setting) instead of the team's mon-fri 17:00") {
		t.Errorf("members show cy:\n%s", show)
	}
	if show := e.cli("members", "show", "dee@example.com"); strings.Count(show, "digest: off (member setting)") != 2 ||
		!strings.Contains(show, "State:        ops digest off (member setting); platform digest off (member setting)") {
		t.Errorf("members show dee:\n%s", show)
	}

	sched := digest.NewScheduler(e.s.svc.db, digest.SchedulerOptions{})
	seen := map[string]bool{}
	// digests runs the digest scheduler at the clock, waits until every
	// send it enqueued is done, and returns the new digest copies as
	// "recipient team-key" lines, after checking each arrived over SMTP.
	digests := func(h time.Time) []string {
		t.Helper()
		e.at(h)
		due, err := sched.SendDue(context.Background(), h)
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(60 * time.Second)
		for _, a := range due {
			key := a.Period
			if a.Cadence != "" {
				key = a.Cadence + "-" + a.Period
			}
			for {
				row, err := e.s.svc.db.DigestFor(context.Background(), a.TeamID, key)
				if err == nil && row.Status == store.DigestSent {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("digest %+v not sent", a)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		var got []string
		re := regexp.MustCompile(`^digest\.([a-z]+)\.([^.]+)\.\d+@`)
		for _, r := range digestRows(t, e.s.svc.db) {
			if seen[r.MessageID] {
				continue
			}
			seen[r.MessageID] = true
			m := re.FindStringSubmatch(r.MessageID)
			if m == nil {
				t.Fatalf("digest Message-ID %q", r.MessageID)
			}
			e.next(r.Recipient, r.MessageID)
			got = append(got, r.Recipient+" "+m[1]+" "+m[2])
		}
		slices.Sort(got)
		return got
	}
	week := func(d time.Time) string { y, w := d.ISOWeek(); return fmt.Sprintf("%d-W%02d", y, w) }
	monKey, thuKey, friKey := day(0, 0).Format("2006-01-02"), day(3, 0).Format("2006-01-02"), day(4, 0).Format("2006-01-02")
	// Monday 17:00: ops' daily digest to Ana and Ben (Cy wants weekly, Dee
	// none); Ana's own daily one from platform.
	want := []string{"ana@example.com ops " + monKey, "ana@example.com platform daily-" + monKey, "ben@example.com ops " + monKey}
	if diff := cmp.Diff(want, digests(day(0, 17))); diff != "" {
		t.Errorf("Monday 17:00 (-want +got):\n%s", diff)
	}
	e.at(day(3, 17))
	want = []string{"ana@example.com ops " + thuKey, "ana@example.com platform daily-" + thuKey, "ben@example.com ops " + thuKey}
	if diff := cmp.Diff(want, digests(day(3, 17))); diff != "" {
		t.Errorf("Thursday 17:00 (-want +got):\n%s", diff)
	}
	// Friday 17:00: platform's weekly to all but Dee, no daily one for Ana
	// (the weekly covers the day); ops' daily to Ana and Ben, and Cy's
	// weekly summary of ops.
	want = []string{"ana@example.com ops " + friKey, "ana@example.com platform " + week(mon),
		"ben@example.com ops " + friKey, "ben@example.com platform " + week(mon),
		"cy@example.com ops weekly-" + week(mon), "cy@example.com platform " + week(mon)}
	if diff := cmp.Diff(want, digests(day(4, 17))); diff != "" {
		t.Errorf("Friday 17:00 (-want +got):\n%s", diff)
	}
	for _, m := range sink.Messages() {
		if m.To[0] == "dee@example.com" && strings.Contains(m.Header("Message-Id")+m.Header("Message-ID"), "digest.") {
			t.Errorf("Dee (digest off) got a digest: %s", m.Header("Subject"))
		}
	}
	// Cy's roll-up covers Monday's answers.
	var roll store.OutboundMessage
	for _, r := range digestRows(t, e.s.svc.db) {
		if strings.Contains(r.MessageID, "ops.weekly-") {
			roll = r
		}
	}
	if !strings.Contains(strings.ReplaceAll(string(roll.Raw), "=\r\n", ""), "Ops team") {
		t.Errorf("Cy's weekly summary of ops:\n%s", roll.Raw)
	}
}
