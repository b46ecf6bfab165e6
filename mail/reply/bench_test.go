package reply

import (
	"bytes"
	"errors"
	"io"
	"testing"

	msgmail "github.com/emersion/go-message/mail"
)

func benchMessages(b *testing.B) ([][]byte, int64) {
	var msgs [][]byte
	var total int64
	for _, c := range loadCases(b) {
		msgs = append(msgs, c.message)
		total += int64(len(c.message))
	}
	return msgs, total
}

// BenchmarkParse parses every testdata message once per iteration.
func BenchmarkParse(b *testing.B) {
	msgs, total := benchMessages(b)
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, raw := range msgs {
			if _, err := Parse(raw, Options{Now: testNow}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(msgs)*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkGoMessageDecode is go-message's bare decoding of the same
// messages (mail.CreateReader and reading every part), for comparison.
func BenchmarkGoMessageDecode(b *testing.B) {
	msgs, total := benchMessages(b)
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, raw := range msgs {
			decodeAll(raw)
		}
	}
	b.ReportMetric(float64(len(msgs)*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func decodeAll(raw []byte) {
	r, err := msgmail.CreateReader(bytes.NewReader(raw))
	if r == nil {
		_ = err
		return
	}
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) || p == nil {
			return
		}
		_, _ = io.Copy(io.Discard, p.Body)
	}
}

// longNote is a 4 KiB meeting summary forwarded to meetings@: mostly
// prose lines, which every line-level check reads.
func longNote() []byte {
	var b bytes.Buffer
	b.WriteString("From: Dana Ortiz <dana@example.com>\r\nTo: meetings@tidings.example.com\r\nSubject: Notes: platform weekly\r\n" +
		"Date: Tue, 24 Nov 2026 16:00:00 +0000\r\nMessage-ID: <long-note@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"# Platform weekly, 24 November\r\n\r\nAttendees: Dana, Ana, Luc, Wei\r\n\r\nDiscussion\r\n\r\n")
	prose := []string{
		"Ana walked us through the load test results from last week and the two regressions it found.",
		"The queue latency went up after the driver upgrade; Luc thinks the pool size is the cause.",
		"We talked about moving the nightly export to the new runner, which frees an hour of CI time.",
		"Wei reported that the staging database was restored from Sunday's backup without problems.",
		"Customer support asked for a clearer error when an upload is larger than the limit.",
	}
	for i := 0; b.Len() < 3500; i++ {
		b.WriteString(prose[i%len(prose)] + "\r\n")
	}
	b.WriteString("\r\nDecisions\r\n- Keep the pool at 20 until the next load test\r\n\r\nAction items\r\n" +
		"- [ ] Luc: rerun the load test with the old driver by Friday\r\n- [ ] Ana to write the upload error text\r\n\r\nThanks all,\r\nDana\r\n")
	return b.Bytes()
}

// BenchmarkParseLongNote parses longNote, as the receiver's worker does
// for every message to meetings@.
func BenchmarkParseLongNote(b *testing.B) {
	raw := longNote()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Parse(raw, Options{Rcpt: "meetings@tidings.example.com", Now: testNow}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
