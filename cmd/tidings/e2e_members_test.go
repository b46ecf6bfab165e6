package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/store"
)

// TestEndToEndMembership walks issue 12 as a lead and a member would,
// against the served app (real SMTP in and out, the HTTP links, River
// processing): unsubscribe by link, resubscribe by email and by command,
// pause and resume, a zone change by email that moves the next prompt, a
// reply from a second address confirmed by link whose update then
// appears, a holiday skipped and not counted as a miss, and `members
// list` right at each step.
func TestEndToEndMembership(t *testing.T) {
	eachBackend(t, func(t *testing.T, dir string) {
		membershipE2E(t, dir)
	})
}

type e2e struct {
	t     *testing.T
	s     *server
	sink  *mailtest.Sink
	cfg   string
	clock *atomic.Int64
	used  map[int]bool // sink messages already matched by next
}

func (e *e2e) now() time.Time { return time.Unix(0, e.clock.Load()) }

func (e *e2e) at(t time.Time) { e.clock.Store(t.UnixNano()) }

// cli runs a tidings command against the same database and returns stdout.
func (e *e2e) cli(args ...string) string {
	e.t.Helper()
	out, errs, code := run(e.t, context.Background(), "", append([]string{"--config", e.cfg}, args...)...)
	if code != 0 {
		e.t.Fatalf("tidings %v: exit %d: %s", args, code, errs)
	}
	return out
}

// roster is the `members list` line of a member, rendered by the
// command's code on the served database (each CLI run opens the store and
// migrates it, slow on a busy PostgreSQL; TestMembersCommands runs the
// command itself).
func (e *e2e) roster(email string) string {
	e.t.Helper()
	r, err := e.s.svc.db.Roster(context.Background(), "", time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	var b strings.Builder
	views := make([]memberView, len(r))
	for i := range r {
		views[i] = newMemberView(&r[i], time.Now())
	}
	writeRoster(&b, views)
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(l, email) {
			return l
		}
	}
	e.t.Fatalf("%s not in members list", email)
	return ""
}

func (e *e2e) wantRoster(email string, wants ...string) {
	e.t.Helper()
	l := e.roster(email)
	for _, w := range wants {
		if !strings.Contains(l, w) {
			e.t.Errorf("members list: %s lacks %q:\n%s", email, w, l)
		}
	}
}

// next waits for the next message to rcpt whose text contains want.
func (e *e2e) next(rcpt, want string) mailtest.Received {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		msgs := e.sink.Messages()
		for i := range msgs {
			if !e.used[i] && msgs[i].To[0] == rcpt && strings.Contains(strings.ReplaceAll(string(msgs[i].Data), "=\r\n", ""), want) {
				e.used[i] = true
				return msgs[i]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.t.Fatalf("no message to %s containing %q", rcpt, want)
	return mailtest.Received{}
}

// sendDue runs the prompt scheduler at the current clock and waits for
// delivery of what it queued.
func (e *e2e) sendDue() {
	e.t.Helper()
	if _, err := e.s.svc.prompter.SendDue(context.Background(), e.now()); err != nil {
		e.t.Fatal(err)
	}
}

// reply sends a reply over SMTP and waits until it is processed.
func (e *e2e) reply(from, to, body string, extra ...string) store.InboundMessage {
	e.t.Helper()
	id := fmt.Sprintf("e2e-%d@client.example", time.Now().UnixNano())
	msg := strings.Join(extra, "") + "From: " + from + "\r\nTo: " + to + "\r\nSubject: Re: check-in\r\nMessage-ID: <" + id +
		">\r\nDate: " + e.now().Format(time.RFC1123Z) + "\r\n\r\n" + body + "\r\n"
	sendSMTP(e.t, e.s, strings.Trim(from[strings.LastIndexByte(from, '<')+1:], ">"), to, msg)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		ms, err := e.s.svc.db.FindInbound(context.Background(), store.InboundFilter{Limit: 20})
		if err == nil {
			for _, m := range ms {
				if m.MessageID == id && m.Status != store.InboundReceived {
					return m
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.t.Fatalf("message %s not processed", id)
	return store.InboundMessage{}
}

// link posts (or gets) a link from our mail against the served HTTP
// handler.
func (e *e2e) link(method, link, form string) string {
	e.t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		e.t.Fatal(err)
	}
	req, _ := http.NewRequest(method, "http://"+e.s.httpLn.Addr().String()+u.Path, strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		e.t.Fatalf("%s %s: %d %s", method, u.Path, resp.StatusCode, b)
	}
	return string(b)
}

var reHTTPLink = regexp.MustCompile(`https://tidings\.example\.com/[uc]/[^\s>"]+`)

func replyTo(m mailtest.Received) string { return strings.Trim(m.Header("Reply-To"), "<>") }

func membershipE2E(t *testing.T, dir string) {
	sink := mailtest.NewSink(t)
	t.Setenv("TIDINGS_RELAY", sink.URL())
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	// Next Monday in São Paulo: Mon..Thu of that week are the scenario;
	// Thursday is a team holiday.
	mon := time.Now().In(sp)
	for mon = time.Date(mon.Year(), mon.Month(), mon.Day()+1, 0, 0, 0, 0, sp); mon.Weekday() != time.Monday; mon = mon.AddDate(0, 0, 1) {
	}
	day := func(n, h, m int, loc *time.Location) time.Time {
		d := mon.AddDate(0, 0, n)
		return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc)
	}
	thu := mon.AddDate(0, 0, 3).Format("2006-01-02")
	example, _ := os.ReadFile("../../examples/tidings.yaml")
	cfg := strings.Replace(string(example), `    digest: { schedule: "fri 17:00" }`,
		"    digest: { schedule: \"fri 17:00\" }\n    holidays: ["+thu+"]", 1)
	cfg = regexp.MustCompile(`(?m)^  # auth: \{.*$`).ReplaceAllString(cfg, "  auth: { trusted_authserv_id: mx.example.com }")
	if !strings.Contains(cfg, "  auth: { trusted_authserv_id") {
		t.Fatal("the example configuration has no commented auth line to enable")
	}
	path := filepath.Join(dir, "tidings.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	var clock atomic.Int64
	e := &e2e{t: t, sink: sink, cfg: path, clock: &clock, used: map[int]bool{}}
	e.at(day(0, 4, 0, sp)) // Monday 04:00 São Paulo (08:00 Berlin): nothing due
	e.s, _ = serveForTest(t, &app{configPath: path, stdout: &strings.Builder{}, stderr: testLog{t}, logLevel: "warn", now: e.now})
	e.next("ana@example.com", "Platform team")
	e.next("ben@example.com", "Platform team")
	e.wantRoster("ana@example.com", "platform (member)", "America/Sao_Paulo", "  active  ")

	// Monday: both prompted; Ana answers.
	e.at(day(0, 10, 0, sp))
	e.sendDue()
	anaMon := e.next("ana@example.com", "What did you get done yesterday?")
	in := e.reply("Ana Lima <ana@example.com>", replyTo(anaMon), "Yesterday: shipped the export\r\nToday: VPN\r\nBlockers: none")
	if in.Status != store.InboundApplied {
		t.Fatalf("Monday's answer: %s %s", in.Status, in.Reason)
	}

	// 1. Unsubscribe by link: the prompt's one-click link stops the daily
	// check-in only; the landing page offers "stop everything", used too.
	unsub := reHTTPLink.FindString(anaMon.Header("List-Unsubscribe"))
	if !strings.Contains(unsub, "/u/c/") {
		t.Fatalf("prompt List-Unsubscribe = %q", anaMon.Header("List-Unsubscribe"))
	}
	if page := e.link(http.MethodGet, unsub, ""); !strings.Contains(page, "Stop the Platform team daily prompts") {
		t.Errorf("landing page: %s", page)
	}
	page := e.link(http.MethodPost, unsub, "List-Unsubscribe=One-Click")
	if !strings.Contains(page, "Stop everything from Tidings") || !strings.Contains(page, "Resubscribe") {
		t.Errorf("after one-click: %s", page)
	}
	e.wantRoster("ana@example.com", "platform/daily unsubscribed on", "by link")
	e.link(http.MethodPost, unsub, "action=all")
	e.wantRoster("ana@example.com", "unsubscribed from all email on", "by link")

	// Tuesday: Ana is skipped.
	e.at(day(1, 10, 0, sp))
	e.sendDue()
	e.next("ben@example.com", "What did you get done yesterday?")
	skipped := e.cli("prompts", "list", "--status", "skipped")
	if !strings.Contains(skipped, "ana@example.com") {
		t.Errorf("Ana's Tuesday prompt not skipped:\n%s", skipped)
	}

	// 2. Resubscribe by email: "subscribe" in a reply, confirmed by one reply.
	in = e.reply("Ana Lima <ana@example.com>", replyTo(anaMon), "subscribe")
	if in.Status != store.InboundApplied {
		t.Fatalf("subscribe: %s %s", in.Status, in.Reason)
	}
	e.next("ana@example.com", "subscribed again to: all email")
	e.wantRoster("ana@example.com", "  active  ")

	// 3. Unsubscribe by link again, resubscribe by the lead's command.
	e.link(http.MethodPost, unsub, "")
	e.wantRoster("ana@example.com", "platform/daily unsubscribed")
	if out := e.cli("members", "resubscribe", "ana@example.com"); !strings.Contains(out, "resubscribed to platform/daily prompts") {
		t.Errorf("resubscribe command: %q", out)
	}
	e.wantRoster("ana@example.com", "  active  ")
	if _, errs, code := run(t, context.Background(), "", "--config", path, "members", "resubscribe", "ana@example.com"); code != exDataErr ||
		!strings.Contains(errs, "not unsubscribed") {
		t.Errorf("second resubscribe: %d %q", code, errs)
	}

	// 4. Pause by email, resume by email.
	e.reply("Ana Lima <ana@example.com>", replyTo(anaMon), "pause 2 weeks")
	e.wantRoster("ana@example.com", "paused until", "by email command")
	e.reply("Ana Lima <ana@example.com>", replyTo(anaMon), "resume")
	e.next("ana@example.com", "Check-ins are back on")
	e.wantRoster("ana@example.com", "  active  ")

	// 5. Zone change by email moves the next prompt: Wednesday's comes at
	// 09:00 Berlin (04:00/05:00 São Paulo), not at 09:00 São Paulo.
	e.reply("Ana Lima <ana@example.com>", replyTo(anaMon), "timezone Berlin")
	e.next("ana@example.com", "Time zone: now Europe/Berlin")
	e.wantRoster("ana@example.com", "Europe/Berlin (own)")
	e.at(day(2, 8, 59, berlin))
	e.sendDue()
	if n := e.unused("ana@example.com", "What did you get done yesterday?"); n != 0 {
		t.Errorf("a prompt to Ana before 09:00 Berlin")
	}
	e.at(day(2, 9, 0, berlin))
	e.sendDue()
	anaWed := e.next("ana@example.com", "What did you get done yesterday?")
	if d := anaWed.Header("Date"); !strings.Contains(d, "09:00:00 +0100") && !strings.Contains(d, "08:00:00 +0000") {
		t.Logf("Wednesday prompt Date: %s", d) // the composer's clock is the pinned one
	}

	// 6. A reply from a second address, DMARC passing: the address is asked
	// once, the link goes to the known address; confirming applies it.
	ar := "Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=gmail.com; dmarc=pass header.from=gmail.com\r\n"
	in = e.reply("Ana Lima <ana.lima@gmail.com>", replyTo(anaWed), "Yesterday: fixed the VPN\r\nToday: docs\r\nBlockers: none", ar)
	if in.Status != store.InboundQuarantined {
		t.Fatalf("second address: %s %s", in.Status, in.Reason)
	}
	e.next("ana.lima@gmail.com", "We don't know this address. Is it yours, Ana Lima?")
	notice := e.next("ana@example.com", "A reply to your check-in came from ana.lima@gmail.com")
	confirm := reHTTPLink.FindString(strings.ReplaceAll(string(notice.Data), "=\r\n", ""))
	if !strings.Contains(confirm, "/c/") {
		t.Fatalf("no confirmation link in:\n%s", notice.Data)
	}
	if page := e.link(http.MethodGet, confirm, ""); !strings.Contains(page, "Is ana.lima@gmail.com your address") {
		t.Errorf("confirm page: %s", page)
	}
	e.link(http.MethodPost, confirm, "action=confirm")
	ups := waitForUpdates(t, e.s.svc.db, 2)
	found := false
	for _, u := range ups {
		found = found || u.MemberEmail == "ana@example.com" && u.Answers[0].Text == "fixed the VPN"
	}
	if !found {
		t.Errorf("the second address's update did not appear: %+v", ups)
	}
	if show := e.cli("members", "show", "ana@example.com"); !strings.Contains(show, "Also writes from: ana.lima@gmail.com") ||
		!strings.Contains(show, "confirmed ana.lima@gmail.com as one of their addresses") {
		t.Errorf("members show after confirming:\n%s", show)
	}

	// 7. Thursday is a holiday: nobody is prompted, and it is no miss.
	e.at(day(3, 12, 0, berlin))
	e.sendDue()
	holiday := e.cli("prompts", "list", "--status", "skipped")
	if strings.Count(holiday, "no check-in: holiday") != 2 {
		t.Errorf("holiday prompts:\n%s", holiday)
	}
	e.at(day(4, 3, 0, berlin)) // Friday 03:00 Berlin: Wednesday's and Thursday's windows closed
	// Ana: Monday and Wednesday answered; Tuesday (unsubscribed) and
	// Thursday (holiday) excused. Ben: Monday to Wednesday missed,
	// Thursday not counted.
	// (The CLI's clock is the real one, so the roster is read at the
	// pinned clock here, through the same code.)
	r, err := e.s.svc.db.Roster(context.Background(), "platform", e.now())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	views := []memberView{newMemberView(&r[0], e.now()), newMemberView(&r[1], e.now())}
	writeRoster(&b, views)
	if !strings.Contains(b.String(), "2/2 (100%)") || !strings.Contains(b.String(), "0/3 (0%)") {
		t.Errorf("rates, want Ana 2/2 and Ben 0/3 (the holiday is no miss):\n%s", b.String())
	}
}

// unused counts the messages to rcpt containing want not matched yet.
func (e *e2e) unused(rcpt, want string) int {
	n := 0
	for i, m := range e.sink.Messages() {
		if !e.used[i] && m.To[0] == rcpt && strings.Contains(string(m.Data), want) {
			n++
		}
	}
	return n
}
