package digest_test

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"testing"

	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
	"github.com/tidings-app/tidings/templates"
	gomail "github.com/wneessen/go-mail"
)

// BenchmarkDigest measures, per backend and team size (five updates per
// member), loading a week from the store, building the view model and
// rendering it, with ns/member for each; and, as the baseline the brief
// compares against, delivering the rendered 500-member digest once to a
// local SMTP sink with a bare go-mail client (dial, send, quit).
func BenchmarkDigest(b *testing.B) {
	set, err := templates.Parse(templates.Default())
	must(b, err)
	p := weekPeriod(b)
	var delivered digest.Digest
	for _, be := range storetest.Backends(b) {
		for _, n := range []int{50, 500, 5000} {
			db, dsn := be.Open(b, store.Options{})
			teamID := seedTeam(b, rawGorm(b, dsn), n)
			ctx := context.Background()
			data, err := db.LoadDigest(ctx, teamID, p.Start, p.End)
			must(b, err)
			d := digest.Build(data, p, p.End)
			if n == 500 {
				delivered = d
			}
			name := fmt.Sprintf("%s/members=%d", be.Name, n)
			b.Run(name+"/load", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.LoadDigest(ctx, teamID, p.Start, p.End); err != nil {
						b.Fatal(err)
					}
				}
				perMember(b, n)
			})
			b.Run(name+"/build", func(b *testing.B) {
				for b.Loop() {
					digest.Build(data, p, p.End)
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
		}
	}
	b.Run("smtp-deliver-one/members=500", func(b *testing.B) { benchDeliver(b, set, delivered) })
}

func perMember(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/member")
}

// benchDeliver sends one rendered digest per iteration over a new SMTP
// connection to a mailtest sink on 127.0.0.1.
func benchDeliver(b *testing.B, set *templates.Set, d digest.Digest) {
	r, err := digest.Render(set, d, "https://tidings.example.com/u/x")
	must(b, err)
	sink := mailtest.NewSink(b)
	host, port, _ := net.SplitHostPort(sink.Addr())
	pn, _ := strconv.Atoi(port)
	c, err := gomail.NewClient(host, gomail.WithPort(pn), gomail.WithTLSPortPolicy(gomail.NoTLS), gomail.WithoutNoop())
	must(b, err)
	m := gomail.NewMsg()
	must(b, m.From("checkins@tidings.example.com"))
	must(b, m.To("m00001@example.com"))
	m.Subject(r.Subject)
	m.SetBodyString(gomail.TypeTextPlain, r.Text)
	m.AddAlternativeString(gomail.TypeTextHTML, r.HTML)
	for b.Loop() {
		if err := c.DialAndSend(m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(r.Text)+len(r.HTML)), "body-bytes")
}
