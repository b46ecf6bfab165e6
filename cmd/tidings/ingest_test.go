package main

import (
	"context"
	"strings"
	"testing"
)

const postmasterMsg = "From: Someone <someone@example.org>\r\n" +
	"To: postmaster@tidings.example.com\r\n" +
	"Subject: hello\r\n" +
	"Message-ID: <pm-1@example.org>\r\n" +
	"Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\n" +
	"Is this thing on?\r\n"

func TestIngestExitCodes(t *testing.T) {
	tempEnv(t)
	ctx := context.Background()
	cfg := "../../examples/tidings.yaml"
	if _, errs, code := run(t, ctx, "", "apply", "-c", cfg); code != 0 {
		t.Fatal(errs)
	}
	_, errs, code := run(t, ctx, postmasterMsg, "ingest", "-c", cfg, "--rcpt", "postmaster@tidings.example.com", "-")
	if code != 0 {
		t.Fatalf("postmaster: exit %d: %s", code, errs)
	}
	out, _, _ := run(t, ctx, "", "inbound", "list", "-c", cfg)
	if !strings.Contains(out, "postmaster@tidings.example.com") || !strings.Contains(out, "ignored") {
		t.Errorf("inbound list does not show the stored message:\n%s", out)
	}
	for _, rcpt := range []string{"nobody@tidings.example.com", "reply+aaaaaaaaaaaaaaaaaaaa@tidings.example.com", "ana@elsewhere.example"} {
		if _, errs, code := run(t, ctx, postmasterMsg, "ingest", "-c", cfg, "--rcpt", rcpt, "-"); code != exNoUser {
			t.Errorf("%s: exit %d (%s), want %d", rcpt, code, errs, exNoUser)
		}
	}
	t.Setenv("TIDINGS_SMTP_MAX_MESSAGE_BYTES", "100")
	if _, errs, code := run(t, ctx, postmasterMsg, "ingest", "-c", cfg, "--rcpt", "postmaster@tidings.example.com", "-"); code != exDataErr {
		t.Errorf("message over max_message_bytes: exit %d (%s), want %d", code, errs, exDataErr)
	}
	t.Setenv("TIDINGS_SMTP_MAX_MESSAGE_BYTES", "1000000")
	t.Setenv("TIDINGS_DATABASE", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if _, errs, code := run(t, ctx, postmasterMsg, "ingest", "-c", cfg, "--rcpt", "postmaster@tidings.example.com", "-"); code != exTempFail {
		t.Errorf("database down: exit %d (%s), want %d", code, errs, exTempFail)
	}
}
