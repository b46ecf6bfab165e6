package inbound_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	msgmail "github.com/emersion/go-message/mail"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
	"github.com/tidings-app/tidings/templates"
)

// withReceipts gives the processor a composer and the embedded templates.
func withReceipts(t *testing.T) func(*inbound.Options) {
	return func(o *inbound.Options) {
		c, err := outbound.NewComposer(outbound.ComposerOptions{Domain: domain,
			From: outbound.Address{Name: "Tidings", Addr: "checkins@" + domain},
			Now:  func() time.Time { return time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC) }})
		if err != nil {
			t.Fatal(err)
		}
		set, err := templates.Parse(templates.Default())
		if err != nil {
			t.Fatal(err)
		}
		o.Composer, o.Templates = c, set
	}
}

// receipts returns the queued receipts.
func (f *fixture) receipts(t *testing.T) []store.OutboundMessage {
	t.Helper()
	outs, err := f.db.FindOutbound(context.Background(), store.OutboundFilter{Kind: "receipt"})
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

// parts reads a composed message's header and its text and HTML parts.
func parts(t *testing.T, raw []byte) (msgmail.Header, string, string) {
	t.Helper()
	r, err := msgmail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var text, html string
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p.Body)
		if h, ok := p.Header.(*msgmail.InlineHeader); ok {
			switch ct, _, _ := h.ContentType(); ct {
			case "text/plain":
				text = string(b)
			case "text/html":
				html = string(b)
			}
		}
	}
	return r.Header, text, html
}

// TestReceiptWhenUnsure proves that a reply the parser had to guess about
// (free text, no headings) gets one receipt in the member's thread, from
// the usual From, answering to the prompt's reply address, showing each
// question with what was filed under it and how to correct it; that a
// second unsure reply to the same prompt gets none; and that the text is
// wrapped at 78 columns and the HTML is fluid and accessible.
func TestReceiptWhenUnsure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, withReceipts(t))
		in := f.reply(t, "freetext_gmail.eml", nil)
		if in.Status != store.InboundApplied || !strings.Contains(in.Reason, "receipt queued") {
			t.Fatalf("free-text reply: %s (%s)", in.Status, in.Reason)
		}
		outs := f.receipts(t)
		if len(outs) != 1 || outs[0].Recipient != "ana@example.com" || outs[0].PromptID == nil || *outs[0].PromptID != f.prompt.ID {
			t.Fatalf("receipts = %+v, want one to Ana for the prompt", outs)
		}
		h, text, html := parts(t, outs[0].Raw)
		checks := map[string]string{
			"From":                     `"Tidings" <checkins@` + domain + ">",
			"To":                       `"Ana Lima" <ana@example.com>`,
			"Reply-To":                 "<" + f.addrs.Reply(f.prompt.ID) + ">",
			"Subject":                  "Re: Daily check-in for Tuesday, Nov 24",
			"In-Reply-To":              "<" + in.MessageID + ">",
			"References":               "<prompt-1@tidings.example.com> <" + in.MessageID + ">",
			"Auto-Submitted":           "auto-replied",
			"X-Auto-Response-Suppress": "All",
		}
		for k, want := range checks {
			if got := h.Get(k); got != want && !(k == "To" && strings.Contains(got, "ana@example.com")) {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		flat := strings.Join(strings.Fields(text), " ")
		for _, want := range []string{
			"Hi Ana, your answers to the daily check-in are filed.",
			"no cues: everything filed under the first question",
			"Yesterday — What did you get done yesterday? Mostly reviewed the rate limiter and read up on the schema migration. The same again, plus a call with the vendor about invoices.",
			"Today — What are you working on today? (nothing filed)",
			"Blockers — Anything blocking you? (nothing filed)",
			"Reply with Yesterday: / Today: / Blockers: headings; a reply with only some headings changes only those.",
			`Start the reply with "replace:" to replace every answer.`,
		} {
			if !strings.Contains(flat, want) {
				t.Errorf("receipt text lacks %q:\n%s", want, text)
			}
		}
		for i, l := range strings.Split(text, "\n") {
			if n := utf8.RuneCountInString(strings.TrimRight(l, "\r")); n > 78 {
				t.Errorf("text line %d is %d columns: %q", i+1, n, l)
			}
		}
		for _, want := range []string{`<html lang="en">`, `role="presentation"`, "max-width:600px", "width:100%",
			"Mostly reviewed the rate limiter", "<b>Yesterday: / Today: / Blockers:</b> headings"} {
			if !strings.Contains(html, want) {
				t.Errorf("receipt HTML lacks %q", want)
			}
		}
		if strings.Contains(html, "560") || strings.Contains(html, "#8c959f") {
			t.Errorf("receipt HTML has a fixed 560px width or low-contrast grey:\n%s", html)
		}

		// Another unsure reply to the same prompt: filed, no second receipt.
		in = f.reply(t, "full_thunderbird.eml", map[string]string{"BODY": "Also talked to the vendor about the invoices."})
		if in.Status != store.InboundApplied || !strings.Contains(in.Reason, "receipt not sent") {
			t.Errorf("second unsure reply: %s (%s)", in.Status, in.Reason)
		}
		if outs := f.receipts(t); len(outs) != 1 {
			t.Errorf("%d receipts after a second unsure reply, want 1", len(outs))
		}
	})
}

// TestReceiptSettings proves the per-team setting: "unsure" (the default)
// sends nothing when the reply used headings, "always" sends one for a
// clear reply, "never" sends none even for a guess, and commands and
// auto-replies never get one.
func TestReceiptSettings(t *testing.T) {
	cases := []struct {
		name, mode, file, body string
		want                   bool
	}{
		{"unsure clear reply", "", "gmail_reply.eml", "", false},
		{"unsure free text", "unsure", "freetext_gmail.eml", "", true},
		{"always clear reply", "always", "gmail_reply.eml", "", true},
		{"never free text", "never", "freetext_gmail.eml", "", false},
		{"always command", "always", "full_thunderbird.eml", "skip", false},
		{"always auto-reply", "always", "ooo.eml", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				f := newFixture(t, db, withReceipts(t))
				if _, err := db.Sync(context.Background(), []store.TeamSpec{platformSpec(c.mode)}); err != nil {
					t.Fatal(err)
				}
				in := f.reply(t, c.file, map[string]string{"BODY": c.body})
				if got := len(f.receipts(t)) == 1; got != c.want {
					t.Errorf("receipt sent = %t, want %t (%s: %s)", got, c.want, in.Status, in.Reason)
				}
			})
		})
	}
}

// TestReceiptClaimAcrossInstances proves the receipt's unique claim: two
// processors (as two instances would run) applying two unsure replies to
// the same prompt at the same time queue one receipt between them, and
// neither reply is lost.
func TestReceiptClaimAcrossInstances(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, withReceipts(t))
		opts := inbound.Options{Addresses: f.addrs, Logger: testLogger(t)}
		withReceipts(t)(&opts)
		other, err := inbound.NewProcessor(db, opts)
		if err != nil {
			t.Fatal(err)
		}
		to := f.addrs.Reply(f.prompt.ID)
		for _, body := range []string{"Reviewed the rate limiter.", "Also called the vendor about invoices."} {
			raw := message(t, "full_thunderbird.eml", map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": msgID(t, "claim"), "BODY": body})
			if err := send(t, f.addr, "ana@example.com", []string{to}, raw); err != nil {
				t.Fatal(err)
			}
		}
		msgs, err := db.FindInbound(ctx, store.InboundFilter{Status: store.InboundReceived})
		if err != nil || len(msgs) != 2 {
			t.Fatalf("received %d (%v), want 2", len(msgs), err)
		}
		errs := make(chan error, 2)
		for i, p := range []*inbound.Processor{f.proc, other} {
			go func() {
				var err error
				for range 20 { // a conflict with the other instance is retried, as River would
					if err = p.Process(ctx, msgs[i].ID); err == nil || !errors.Is(err, store.ErrConflict) {
						break
					}
				}
				errs <- err
			}()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if n := len(f.receipts(t)); n != 1 {
			t.Errorf("%d receipts for one prompt, want 1", n)
		}
		got, ver, _, _ := f.answersOf(t)
		if ver != 2 || !strings.Contains(got["done"], "rate limiter") || !strings.Contains(got["done"], "vendor") {
			t.Errorf("version %d answers %v, want both replies kept", ver, got)
		}
	})
}
