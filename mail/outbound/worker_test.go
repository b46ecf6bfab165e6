package outbound_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

func TestDeliverWorkerOutcomes(t *testing.T) {
	b := storetest.Backends(t)[0]
	loc := mustLoc(t, "America/Sao_Paulo")
	ms := []store.MemberSpec{{Email: "busy@example.com", Name: "Busy"}, {Email: "gone@example.com", Name: "Gone"}}
	e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, loc), spec("America/Sao_Paulo", daily(8*time.Hour, 0), ms...))
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, loc)
	e.clock.Set(now)
	ctx := context.Background()
	if _, err := e.p.SendDue(ctx, now); err != nil {
		t.Fatal(err)
	}
	out, err := e.db.FindOutbound(ctx, store.OutboundFilter{Kind: outbound.KindPrompt})
	if err != nil || len(out) != 2 {
		t.Fatalf("outbound %v %v", out, err)
	}
	ids := map[string]int64{out[0].Recipient: out[0].ID, out[1].Recipient: out[1].ID}
	e.sink.FailRcpt(func(rcpt string) error {
		if rcpt == "gone@example.com" {
			return mailtest.Permanent("no such user")
		}
		return mailtest.Temporary("busy")
	})
	w := outbound.NewDeliverWorker(e.db, e.d)
	job := func(id int64, attempt int) *river.Job[store.DeliverArgs] {
		return &river.Job[store.DeliverArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: 3}, Args: store.DeliverArgs{OutboundID: id}}
	}
	var cancel *rivertype.JobCancelError
	if err := w.Work(ctx, job(ids["busy@example.com"], 1)); err == nil || errors.As(err, &cancel) {
		t.Errorf("451: %v, want a retryable error", err)
	}
	if err := w.Work(ctx, job(ids["gone@example.com"], 1)); !errors.As(err, &cancel) {
		t.Errorf("550: %v, want JobCancel", err)
	}
	e.sink.FailRcpt(nil)
	if err := w.Work(ctx, job(ids["busy@example.com"], 2)); err != nil {
		t.Errorf("retry: %v", err)
	}
	if err := w.Work(ctx, job(ids["busy@example.com"], 3)); err != nil {
		t.Errorf("job for a sent message: %v, want nil", err)
	}
	if got := e.sink.Messages(); len(got) != 1 || got[0].To[0] != "busy@example.com" {
		t.Errorf("sink got %+v", got)
	}
	if p := prompts(t, e.db, store.PromptSent); len(p) != 1 {
		t.Errorf("sent prompts %+v", p)
	}
}

// TestRelayAuthFromURL delivers over mandatory STARTTLS with AUTH from the
// relay URL's user info.
func TestRelayAuthFromURL(t *testing.T) {
	b := storetest.Backends(t)[0]
	loc := mustLoc(t, "America/Sao_Paulo")
	e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, loc), spec("America/Sao_Paulo", daily(8*time.Hour, 0), ana))
	sink := mailtest.NewTLSSink(t)
	d, err := outbound.NewDeliverer(e.db, outbound.DelivererOptions{Relay: "smtp+starttls://relayuser:s3cret@" + sink.Addr(),
		Addresses: e.addrs, Now: e.clock.Now, Rate: 1000, TLSConfig: sink.ClientTLS()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, loc)
	e.clock.Set(now)
	if _, res, err := outbound.SendAndDeliver(context.Background(), e.p, d, now); err != nil || res.Sent != 1 {
		as, _ := e.db.DeliveryAttempts(context.Background(), 1)
		t.Fatalf("send: %+v %v; attempts %+v", res, err, as)
	}
	if got := sink.WaitFor(1, 5*time.Second); got[0].User != "relayuser" || !got[0].TLS {
		t.Errorf("AUTH user %q (want relayuser), TLS %v", got[0].User, got[0].TLS)
	}
}

// TestRelayImplicitTLS delivers to an smtps:// relay that speaks TLS from
// the first byte, with AUTH from the URL, and fails temporarily (no
// delivery, message kept queued) when the relay's certificate is not
// trusted.
func TestRelayImplicitTLS(t *testing.T) {
	b := storetest.Backends(t)[0]
	loc := mustLoc(t, "America/Sao_Paulo")
	e := newEnv(t, b, time.Date(2026, 11, 20, 12, 0, 0, 0, loc), spec("America/Sao_Paulo", daily(8*time.Hour, 0), ana))
	sink := mailtest.NewImplicitTLSSink(t)
	relay := "smtps://relayuser:s3cret@" + sink.Addr()
	untrusted, err := outbound.NewDeliverer(e.db, outbound.DelivererOptions{Relay: relay, Addresses: e.addrs,
		Now: e.clock.Now, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer untrusted.Close()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, loc)
	e.clock.Set(now)
	if _, res, err := outbound.SendAndDeliver(context.Background(), e.p, untrusted, now); err != nil || res.Deferred != 1 {
		t.Fatalf("untrusted certificate: %+v %v, want one deferred", res, err)
	}
	d, err := outbound.NewDeliverer(e.db, outbound.DelivererOptions{Relay: relay, Addresses: e.addrs,
		Now: e.clock.Now, TLSConfig: sink.ClientTLS()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if res, err := d.Flush(context.Background()); err != nil || res.Sent != 1 {
		t.Fatalf("flush: %+v %v", res, err)
	}
	got := sink.Messages()
	if len(got) != 1 || got[0].User != "relayuser" || !got[0].TLS || !strings.HasPrefix(got[0].From, "bounces+") {
		t.Errorf("sink got %+v", got)
	}
}
