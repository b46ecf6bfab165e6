//go:build reliability

package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/tidings-app/tidings/store"
)

// The bad-input probe: malformed messages, huge headers, long lines and
// bad encodings to every kind of address of a real `serve`. Each must get
// 250 (then be stored with its raw bytes and end in a final state) or a
// permanent 5xx, never a 4xx, never a dropped connection; the server must
// still accept a good message afterwards.
// Run: go test -tags reliability -run Reliability -v ./cmd/tidings/

type badCase struct {
	name string
	raw  func(to, marker string) string
	want int // 250 or the permanent code expected
}

func hdr(to, marker, extra string) string {
	return "From: Ana Lima <ana@example.com>\r\nTo: " + to + "\r\nSubject: Re: check-in " + marker + "\r\n" +
		"Message-ID: <" + marker + "@example.com>\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n" + extra
}

func badCases() []badCase {
	text := "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
	nested := func(depth int) string {
		var b strings.Builder
		for i := range depth {
			fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i)
		}
		b.WriteString("Content-Type: text/plain\r\n\r\nYesterday: deep\r\n")
		return b.String()
	}
	manyHeaders := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "X-Filler-%d: %s\r\n", i, strings.Repeat("v", 40))
		}
		return b.String()
	}
	return []badCase{
		{"headers only, no blank line", func(to, m string) string { return hdr(to, m, text) }, 250},
		{"empty body", func(to, m string) string { return hdr(to, m, text) + "\r\n" }, 250},
		{"no headers at all", func(to, m string) string { return "Yesterday: " + m + "\r\n" }, 250},
		{"NUL bytes", func(to, m string) string { return hdr(to, m, text) + "\r\nYesterday: a\x00b\x00c\r\n" }, 250},
		{"invalid UTF-8", func(to, m string) string { return hdr(to, m, text) + "\r\nYesterday: \xff\xfe\xc3\x28 done\r\n" }, 250},
		{"unknown charset", func(to, m string) string {
			return hdr(to, m, "Content-Type: text/plain; charset=x-klingon\r\n") + "\r\nYesterday: qapla\r\n"
		}, 250},
		{"broken base64", func(to, m string) string {
			return hdr(to, m, "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n") + "\r\n!!!not base64@@@\r\n"
		}, 250},
		{"broken quoted-printable", func(to, m string) string {
			return hdr(to, m, "Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n") + "\r\nYesterday: =ZZ=\r\n=\r\n"
		}, 250},
		{"multipart without its boundary", func(to, m string) string {
			return hdr(to, m, "Content-Type: multipart/alternative; boundary=\"nowhere\"\r\n") + "\r\nYesterday: lost\r\n"
		}, 250},
		{"multipart never closed", func(to, m string) string {
			return hdr(to, m, "Content-Type: multipart/mixed; boundary=\"x\"\r\n") + "\r\n--x\r\nContent-Type: text/plain\r\n\r\nYesterday: open\r\n"
		}, 250},
		{"multipart nested 300 deep", func(to, m string) string { return hdr(to, m, "") + nested(300) }, 250},
		{"10,000 header fields", func(to, m string) string { return hdr(to, m, manyHeaders(10000)+text) + "\r\nYesterday: x\r\n" }, 250},
		{"60 KiB header line", func(to, m string) string {
			return hdr(to, m, "X-Long: "+strings.Repeat("h", 60<<10)+"\r\n"+text) + "\r\nYesterday: x\r\n"
		}, 250},
		{"100 KiB header line", func(to, m string) string {
			return hdr(to, m, "X-Long: "+strings.Repeat("h", 100<<10)+"\r\n"+text) + "\r\nYesterday: x\r\n"
		}, 554},
		{"70 KiB body line", func(to, m string) string { return hdr(to, m, text) + "\r\n" + strings.Repeat("b", 70<<10) + "\r\n" }, 554},
		{"3 MiB body line", func(to, m string) string { return hdr(to, m, text) + "\r\n" + strings.Repeat("b", 3<<20) + "\r\n" }, 554},
		{"bare LF line endings", func(to, m string) string {
			return strings.ReplaceAll(hdr(to, m, text)+"\r\nYesterday: lf\r\nToday: lf\r\n", "\r\n", "\n")
		}, 250},
		{"raw 8-bit subject", func(to, m string) string {
			return strings.Replace(hdr(to, m, text), "Subject: Re: check-in", "Subject: R\xe9ponse \xe0 check-in", 1) + "\r\nYesterday: x\r\n"
		}, 250},
		{"garbage encoded-words", func(to, m string) string {
			return hdr(to, m, "X-A: =?utf-8?B?!!!?= =?klingon?Q?x?=\r\n"+text) + "\r\nYesterday: x\r\n"
		}, 250},
		{"unparsable From and Date", func(to, m string) string {
			return strings.Replace(strings.Replace(hdr(to, m, text), "From: Ana Lima <ana@example.com>", "From: <<<@>>>", 1),
				"Date: Mon, 30 Nov 2026 10:00:00 +0000", "Date: the day after tomorrow", 1) + "\r\nYesterday: x\r\n"
		}, 250},
		{"20 garbage DKIM signatures", func(to, m string) string {
			return hdr(to, m, strings.Repeat("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=!!; b=@@@\r\n", 20)+text) + "\r\nYesterday: x\r\n"
		}, 250},
		{"garbage Authentication-Results", func(to, m string) string {
			return hdr(to, m, "Authentication-Results: ;;;===\r\nAuthentication-Results: mx.tidings.example.com; dmarc=\r\n"+text) + "\r\nYesterday: x\r\n"
		}, 250},
		{"truncated message/rfc822", func(to, m string) string {
			return hdr(to, m, "Content-Type: multipart/mixed; boundary=\"z\"\r\n") +
				"\r\n--z\r\nContent-Type: message/rfc822\r\n\r\nFrom: x\r\nContent-Type: multipart/mixed; boundary=\"q\"\r\n\r\n--q\r\n"
		}, 250},
		{"5 MiB base64 attachment", func(to, m string) string {
			enc := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 5<<18))
			var b strings.Builder
			for len(enc) > 76 {
				b.WriteString(enc[:76] + "\r\n")
				enc = enc[76:]
			}
			b.WriteString(enc + "\r\n")
			return hdr(to, m, "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"a\"\r\n") +
				"\r\n--a\r\nContent-Type: text/plain\r\n\r\nYesterday: attached\r\n--a\r\nContent-Type: application/octet-stream\r\n" +
				"Content-Transfer-Encoding: base64\r\n\r\n" + b.String() + "--a--\r\n"
		}, 250},
		{"HTML nested 20,000 deep", func(to, m string) string {
			return hdr(to, m, "MIME-Version: 1.0\r\nContent-Type: text/html\r\n") + "\r\n" +
				strings.Repeat("<div>\r\n", 20000) + "Yesterday: deep\r\n" + strings.Repeat("</div>\r\n", 20000)
		}, 250},
		{"dot-stuffed lines", func(to, m string) string { return hdr(to, m, text) + "\r\n.\r\n..\r\n.Yesterday: dots\r\n" }, 250},
	}
}

func TestReliabilityBadInput(t *testing.T) {
	eachBackend(t, func(t *testing.T, _ string) {
		badInputProbe(t)
	})
}

func badInputProbe(t *testing.T) {
	ctx := context.Background()
	p := newProbeServer(t)
	db := p.s.svc.db
	addrs := []string{p.replyTo, "meetings+platform@tidings.example.com", "checkins@tidings.example.com", "postmaster@tidings.example.com"}
	sent, acked := 0, 0
	codes := map[int]int{}
	markers := map[string]bool{}
	for i, c := range badCases() {
		for j, to := range addrs {
			marker := fmt.Sprintf("bad-%d-%d", i, j)
			sent++
			err := p.attempt("ana@example.com", []string{to}, []byte(c.raw(to, marker)))
			var se *smtp.SMTPError
			switch {
			case err == nil:
				acked++
				codes[250]++
				markers[marker] = true
				if c.want != 250 {
					t.Errorf("%s to %s: accepted, want %d", c.name, to, c.want)
				}
			case errors.As(err, &se):
				codes[se.Code]++
				if se.Code/100 == 4 || se.Code != c.want {
					t.Errorf("%s to %s: %d %s, want %d", c.name, to, se.Code, se.Message, c.want)
				}
			default:
				codes[0]++
				t.Errorf("%s to %s: no SMTP reply: %v", c.name, to, err)
			}
		}
	}
	// The server is still up and well.
	good := hdr(p.replyTo, "after-probe", "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n") + "\r\nYesterday: still fine\r\n"
	if err := p.attempt("ana@example.com", []string{p.replyTo}, []byte(good)); err != nil {
		t.Fatalf("good message after the probe: %v", err)
	}
	acked++
	waitProcessed(t, db, acked)
	all, err := db.FindInbound(ctx, store.InboundFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	byStatus := map[string]int{}
	rawKept := 0
	for _, in := range all {
		byStatus[in.Status]++
		full, err := db.InboundByID(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		for m := range markers {
			if bytes.Contains(full.Raw, []byte(m+"@example.com")) || bytes.Contains(full.Raw, []byte("Yesterday: "+m)) {
				rawKept++
				break
			}
		}
		if in.Status == store.InboundFailed {
			t.Logf("failed: message %d (%s): %s", in.ID, in.MessageID, in.Error)
			if strings.Contains(in.Error, "panic") {
				t.Errorf("message %d: %s", in.ID, in.Error)
			}
		}
	}
	if len(all) != acked || byStatus[store.InboundReceived] != 0 || rawKept != len(markers) {
		t.Errorf("acknowledged %d, stored %d, still received %d, raw kept %d of %d", acked, len(all), byStatus[store.InboundReceived], rawKept, len(markers))
	}
	var cs []string
	for c, n := range codes {
		cs = append(cs, fmt.Sprintf("%d×%d", n, c))
	}
	sort.Strings(cs)
	t.Logf("RELIABILITY bad input: %d cases × %d addresses: sent %d, replies %s (0 = no reply), acknowledged %d (incl. 1 good message after), "+
		"stored %d with raw kept %d, applied %d, ignored %d, quarantined %d, failed %d, stuck %d",
		len(badCases()), len(addrs), sent, strings.Join(cs, " "), acked, len(all), rawKept, byStatus[store.InboundApplied],
		byStatus[store.InboundIgnored], byStatus[store.InboundQuarantined], byStatus[store.InboundFailed], byStatus[store.InboundReceived])
}
