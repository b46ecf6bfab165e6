package digest_test

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
	"github.com/tidings-app/tidings/templates"
	gomail "github.com/wneessen/go-mail"
)

// BenchmarkDigest measures, per backend and team size (five updates per
// member), loading a week from the store, building the view model, both
// together ("build" in the brief's sense, to compare with the delivery
// below) and rendering it, with ns/member for each; and, as the baselines
// the brief compares against, delivering one message to a local SMTP sink
// with a bare go-mail client (dial, send, quit): the rendered 500-member
// digest, and a prompt-sized message.
func BenchmarkDigest(b *testing.B) {
	set, err := templates.Parse(templates.Default())
	must(b, err)
	p := weekPeriod(b)
	var delivered digest.Digest
	for _, be := range storetest.Backends(b) {
		for _, n := range []int{50, 500, 5000} {
			db, dsn := be.Open(b, store.Options{})
			teamID := seedTeam(b, rawGorm(b, dsn), n)
			d := benchTeam(b, fmt.Sprintf("%s/members=%d", be.Name, n), n, db, teamID, set, p)
			if n == 500 {
				delivered = d
			}
		}
	}
	r, err := digest.Render(set, delivered, "https://tidings.example.com/u/x")
	must(b, err)
	b.Run("smtp-deliver-one/members=500", func(b *testing.B) { benchDeliver(b, r.Subject, r.Text, r.HTML) })
	// The same delivery of a prompt-sized message (three questions, text
	// and HTML, about 2 KB): the cost of one SMTP transaction without the
	// 500-member body.
	text := strings.Repeat("What did you get done yesterday? Reply under each question.\n", 8)
	html := "<html><body><table>" + strings.Repeat("<tr><td style=\"color:#1f2328\">What are you working on today?</td></tr>", 16) + "</table></body></html>"
	b.Run("smtp-deliver-one/prompt-sized", func(b *testing.B) { benchDeliver(b, "Platform daily check-in", text, html) })
}

// benchTeam runs the load, build, load+build and render benchmarks of the
// team of n members teamID, and returns its digest.
func benchTeam(b *testing.B, name string, n int, db *store.DB, teamID int64, set *templates.Set, p digest.Period) digest.Digest {
	ctx := context.Background()
	data, err := db.LoadDigest(ctx, teamID, p.Start, p.End, p.End)
	must(b, err)
	d := build(data, p, p.End)
	b.Run(name+"/load", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.LoadDigest(ctx, teamID, p.Start, p.End, p.End); err != nil {
				b.Fatal(err)
			}
		}
		perMember(b, n)
	})
	b.Run(name+"/build", func(b *testing.B) {
		for b.Loop() {
			build(data, p, p.End)
		}
		perMember(b, n)
	})
	b.Run(name+"/load+build", func(b *testing.B) {
		for b.Loop() {
			data, err := db.LoadDigest(ctx, teamID, p.Start, p.End, p.End)
			if err != nil {
				b.Fatal(err)
			}
			build(data, p, p.End)
		}
		perMember(b, n)
	})
	b.Run(name+"/render", func(b *testing.B) {
		for b.Loop() {
			if _, err := digest.Render(set, d, "https://tidings.example.com/u/x"); err != nil {
				b.Fatal(err)
			}
		}
		perMember(b, n)
	})
	return d
}

func perMember(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/member")
}

// benchDeliver sends one message (text and HTML alternatives) per
// iteration over a new SMTP connection to a mailtest sink on 127.0.0.1.
func benchDeliver(b *testing.B, subject, text, html string) {
	sink := mailtest.NewSink(b)
	host, port, _ := net.SplitHostPort(sink.Addr())
	pn, _ := strconv.Atoi(port)
	c, err := gomail.NewClient(host, gomail.WithPort(pn), gomail.WithTLSPortPolicy(gomail.NoTLS), gomail.WithoutNoop())
	must(b, err)
	m := gomail.NewMsg()
	must(b, m.From("checkins@tidings.example.com"))
	must(b, m.To("m00001@example.com"))
	m.Subject(subject)
	m.SetBodyString(gomail.TypeTextPlain, text)
	m.AddAlternativeString(gomail.TypeTextHTML, html)
	for b.Loop() {
		if err := c.DialAndSend(m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(text)+len(html)), "body-bytes")
}
