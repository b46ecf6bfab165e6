package reply

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, c := range loadCases(f) {
		f.Add(c.message)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw, Options{Now: testNow})
		if err == nil && m == nil {
			t.Fatal("nil message without error")
		}
	})
}

func FuzzTrim(f *testing.F) {
	for _, c := range loadCases(f) {
		if _, body, ok := bytes.Cut(c.message, []byte("\n\n")); ok {
			f.Add(string(body))
		}
	}
	f.Fuzz(func(t *testing.T, body string) {
		res := trimWith(body, newSender("Ana Lima", "ana.lima@example.com"), withLocalizedAliases(Daily()))
		if len(res.lines) != len(res.kinds) {
			t.Fatalf("%d lines, %d kinds", len(res.lines), len(res.kinds))
		}
		if len(res.text) > len(body)+len(body)/2+16 {
			t.Fatalf("trimmed text (%d bytes) longer than the body (%d)", len(res.text), len(body))
		}
	})
}

// TestHugeMessageBounded parses a synthetic ~25 MiB message (a long quoted
// text body and a large base64 attachment) and checks that the work caps
// hold: the trimmer examines at most maxTrimLines lines and the memory
// allocated stays a small multiple of the input.
func TestHugeMessageBounded(t *testing.T) {
	raw := hugeMessage(25 << 20)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, err := Parse(raw, Options{Now: testNow})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(allocFactor*len(raw)) {
		t.Errorf("allocated %d MiB for a %d MiB message", alloc>>20, len(raw)>>20)
	}
	if m.Text != "Short answer on top." {
		t.Errorf("text = %.80q", m.Text)
	}
	if !strings.Contains(strings.Join(m.Warnings, "|"), "more than 4000 lines") {
		t.Errorf("no line-cap warning: %q", m.Warnings)
	}
	res := trimReply(strings.Repeat("> line\n", 3*maxTrimLines))
	if len(res.lines) > maxTrimLines {
		t.Errorf("trimmer kept %d lines, cap is %d", len(res.lines), maxTrimLines)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Size < 8<<20 {
		t.Errorf("attachments = %+v", m.Attachments)
	}
}

func hugeMessage(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: Ana <ana@example.com>\r\nTo: reply+t@tidings.example.com\r\nSubject: Re: Daily\r\n" +
		"Date: Tue, 24 Nov 2026 09:30:00 +0000\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Short answer on top.\r\n\r\nOn Mon, Nov 23, 2026 at 9:00 AM Tidings <checkins@tidings.example.com> wrote:\r\n")
	line := "> " + strings.Repeat("quoted history ", 4) + "\r\n"
	for b.Len() < size/2 {
		b.WriteString(line)
	}
	b.WriteString("--b\r\nContent-Type: application/octet-stream; name=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	chunk := strings.Repeat("QUJDRA", 12) + "\r\n"
	for b.Len() < size {
		b.WriteString(chunk)
	}
	b.WriteString("--b--\r\n")
	return b.Bytes()
}
