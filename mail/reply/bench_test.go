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
