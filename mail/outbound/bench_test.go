package outbound_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
	gomail "github.com/wneessen/go-mail"
)

const benchMembers = 10000

// BenchmarkBareGoMail10k is the baseline: one go-mail client sending
// 10,000 prompt-sized multipart messages to a local sink.
func BenchmarkBareGoMail10k(b *testing.B) {
	for b.Loop() {
		sink := mailtest.NewSink(b)
		rate := bareGoMail(b, sink, benchMembers)
		b.ReportMetric(rate, "msgs/s")
	}
}

// BenchmarkPipeline10k schedules, renders, stores and delivers prompts for
// 10,000 members (SendDue then Flush) to a local sink, and reports its
// throughput and its ratio to a bare go-mail loop measured in the same run
// against the same kind of sink.
func BenchmarkPipeline10k(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			var rate, bare float64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				e, now := benchEnv(b, be)
				// The baseline runs right before the pipeline, after the
				// setup's writes, so that both see the same machine.
				bare = bareGoMail(b, mailtest.NewSink(b), benchMembers)
				b.StartTimer()
				start := time.Now()
				sum, res, err := outbound.SendAndDeliver(context.Background(), e.p, e.d, now)
				if err != nil {
					b.Fatal(err)
				}
				rate = float64(res.Sent) / time.Since(start).Seconds()
				if sum.Queued != benchMembers || res.Sent != benchMembers || len(e.sink.Messages()) != benchMembers {
					b.Fatalf("queued %d, sent %d, sink %d", sum.Queued, res.Sent, len(e.sink.Messages()))
				}
			}
			b.ReportMetric(rate, "msgs/s")
			b.ReportMetric(bare, "bare_msgs/s")
			b.ReportMetric(rate/bare, "x_bare")
		})
	}
}

func benchEnv(b *testing.B, be storetest.Backend) (*env, time.Time) {
	loc := mustLoc(b, "America/Sao_Paulo")
	ms := make([]store.MemberSpec, benchMembers)
	for i := range ms {
		ms[i] = store.MemberSpec{Email: fmt.Sprintf("member%05d@example.com", i), Name: fmt.Sprintf("Member %d", i)}
	}
	e := newEnv(b, be, time.Date(2026, 11, 23, 12, 0, 0, 0, loc), spec("America/Sao_Paulo", daily(8*time.Hour, 0), ms...))
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, loc)
	e.clock.Set(now)
	_, d := e.wire(b, e.db)
	e.d = d
	return e, now
}

// bareGoMail sends n messages through one go-mail client and returns
// messages per second.
func bareGoMail(b *testing.B, sink *mailtest.Sink, n int) float64 {
	host, port, _ := strings.Cut(sink.Addr(), ":")
	var p int
	fmt.Sscan(port, &p)
	c, err := gomail.NewClient(host, gomail.WithPort(p), gomail.WithTLSPolicy(gomail.NoTLS), gomail.WithoutNoop(), gomail.WithHELO(domain))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := c.DialWithContext(ctx); err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	text := strings.Repeat("What did you get done yesterday? What are you working on today?\n", 20)
	html := "<p>" + strings.Repeat("What did you get done yesterday? <b>Today?</b><br>\n", 40) + "</p>"
	start := time.Now()
	for i := range n {
		m := gomail.NewMsg()
		if err := m.From("Tidings <checkins@" + domain + ">"); err != nil {
			b.Fatal(err)
		}
		if err := m.To(fmt.Sprintf("member%05d@example.com", i)); err != nil {
			b.Fatal(err)
		}
		m.Subject("Daily check-in · Tue 24 Nov")
		m.SetMessageIDWithValue(fmt.Sprintf("bare-%d@%s", i, domain))
		m.SetGenHeader("Auto-Submitted", "auto-generated")
		m.SetBodyString(gomail.TypeTextPlain, text)
		m.AddAlternativeString(gomail.TypeTextHTML, html)
		if err := c.Send(m); err != nil {
			b.Fatal(err)
		}
	}
	return float64(n) / time.Since(start).Seconds()
}
