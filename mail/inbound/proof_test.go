package inbound_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/mail/mailtest"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// fakeDNS starts the in-process DNS server with example.com's DKIM key
// and a p=reject DMARC policy, and returns it with the signing key.
func fakeDNS(t *testing.T) (*mailtest.DNS, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d := mailtest.NewDNS(t)
	d.SetTXT("sel._domainkey.example.com", "v=DKIM1; k=ed25519; p="+base64.StdEncoding.EncodeToString(pub))
	d.SetTXT("_dmarc.example.com", "v=DMARC1; p=reject")
	return d, priv
}

func dkimSign(t *testing.T, raw []byte, key ed25519.PrivateKey) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := dkim.Sign(&b, bytes.NewReader(raw), &dkim.SignOptions{Domain: "example.com", Selector: "sel", Signer: key}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestDNSServerSetting proves auth.dns HOST:PORT: DKIM keys and the DMARC
// policy come from that server (here the in-process fake), a signed reply
// passes DMARC and is marked proof "dmarc", an unsigned one from the
// member is applied on its token and marked "token", and the cache asks
// once per name.
func TestDNSServerSetting(t *testing.T) {
	d, key := fakeDNS(t)
	lookup, err := inbound.NewLookupTXT(d.Addr(), 5*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, func(o *inbound.Options) { o.LookupTXT = lookup })
		to := f.addrs.Reply(f.prompt.ID)
		in := f.deliver(t, "ana@example.com", to, dkimSign(t, plainReply("ana@example.com", to, msgID(t, "s"), "Yesterday: signed"), key))
		if in.Status != store.InboundApplied || !strings.HasPrefix(in.DMARC, "pass") || !strings.HasSuffix(in.Reason, "proof: dmarc") {
			t.Fatalf("signed: %s dkim %q dmarc %q (%s)", in.Status, in.DKIM, in.DMARC, in.Reason)
		}
		ups, _ := db.FindUpdates(context.Background(), store.UpdateFilter{})
		if len(ups) != 1 || ups[0].Proof != store.ProofDMARC {
			t.Fatalf("updates %+v, want one with proof dmarc", ups)
		}
		in = f.deliver(t, "ana@example.com", to, plainReply("ana@example.com", to, msgID(t, "u"), "Yesterday: unsigned"))
		if in.Status != store.InboundApplied || !strings.HasPrefix(in.DMARC, "fail") {
			t.Fatalf("unsigned: %s dmarc %q (%s)", in.Status, in.DMARC, in.Reason)
		}
		ups, _ = db.FindUpdates(context.Background(), store.UpdateFilter{})
		if len(ups) != 1 || ups[0].Proof != store.ProofToken || ups[0].Version != 2 {
			t.Fatalf("updates %+v, want the revision with proof token", ups)
		}
	})
	if n := d.Queries("_dmarc.example.com"); n != 1 {
		t.Errorf("DMARC policy asked %d times, want 1 (cached)", n)
	}
}

// TestDNSOff proves that without DNS nothing is looked up and nothing
// passes on its own: the verdicts say "dns off".
func TestDNSOff(t *testing.T) {
	lookup, err := inbound.NewLookupTXT(inbound.DNSOff, 0, nil)
	if err != nil || lookup != nil {
		t.Fatalf("NewLookupTXT(off) = %v, %v; want nil", lookup != nil, err)
	}
	_, key := fakeDNS(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, nil)
		to := f.addrs.Reply(f.prompt.ID)
		in := f.deliver(t, "ana@example.com", to, dkimSign(t, plainReply("ana@example.com", to, msgID(t, "o"), "Yesterday: x"), key))
		if in.DKIM != "none (dns off)" || in.DMARC != "none (dns off)" || !strings.HasSuffix(in.Reason, "proof: token") {
			t.Errorf("dns off: dkim %q dmarc %q reason %q", in.DKIM, in.DMARC, in.Reason)
		}
	})
}

// TestDNSTimeout proves a DNS server that never answers costs a
// temporary error, not a hang and not a pass.
func TestDNSTimeout(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0") // reads nothing, answers nothing
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	lookup, err := inbound.NewLookupTXT(pc.LocalAddr().String(), 200*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lookup("_dmarc.example.com"); err == nil {
		t.Fatal("lookup against a silent server succeeded")
	}
	for _, bad := range []string{"system2", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:99999", ":53"} {
		if _, err := inbound.NewLookupTXT(bad, 0, nil); err == nil {
			t.Errorf("NewLookupTXT(%q) accepted", bad)
		}
	}
}

// TestTokenIsProofOff proves auth.token_is_proof: false: a reply from the
// member's address with a valid token but no DMARC pass is quarantined;
// with DMARC it is applied.
func TestTokenIsProofOff(t *testing.T) {
	d, key := fakeDNS(t)
	lookup, err := inbound.NewLookupTXT(d.Addr(), 5*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, func(o *inbound.Options) { o.LookupTXT, o.DistrustTokens = lookup, true })
		to := f.addrs.Reply(f.prompt.ID)
		in := f.deliver(t, "ana@example.com", to, plainReply("ana@example.com", to, msgID(t, "u"), "Yesterday: forged?"))
		if in.Status != store.InboundQuarantined || !strings.Contains(in.Reason, "token_is_proof") {
			t.Errorf("unsigned with token_is_proof false: %s (%s)", in.Status, in.Reason)
		}
		in = f.deliver(t, "ana@example.com", to, dkimSign(t, plainReply("ana@example.com", to, msgID(t, "s"), "Yesterday: real"), key))
		if in.Status != store.InboundApplied {
			t.Errorf("signed with token_is_proof false: %s (%s)", in.Status, in.Reason)
		}
	})
}

// countingFiler records how often it is asked to file.
type countingFiler struct{ calls int }

func (c *countingFiler) FileMeeting(context.Context, *store.DB, *store.InboundMessage, *reply.Message, mail.Recipient) (string, string, error) {
	c.calls++
	return store.InboundApplied, "filed", nil
}

func (c *countingFiler) ApplyCommands(context.Context, *store.DB, int64, *reply.Message) (string, error) {
	return "", nil
}

// TestRequireDMARCEveryPath proves require_dmarc quarantines unproven
// mail to the meetings and confirmation addresses before the filer sees
// it, and lets a DMARC pass through.
func TestRequireDMARCEveryPath(t *testing.T) {
	d, key := fakeDNS(t)
	lookup, err := inbound.NewLookupTXT(d.Addr(), 5*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		filer := &countingFiler{}
		f := newFixture(t, db, func(o *inbound.Options) { o.LookupTXT, o.RequireDMARC, o.Filer = lookup, true, filer })
		for _, to := range []string{f.addrs.Meetings(""), f.addrs.Meetings("platform"), f.addrs.Confirm(1)} {
			in := f.deliver(t, "ana@example.com", to, plainReply("ana@example.com", to, msgID(t, "m"), "Decisions: ship it"))
			if in.Status != store.InboundQuarantined || !strings.Contains(in.Reason, "DMARC did not pass") {
				t.Errorf("unsigned to %s: %s (%s)", to, in.Status, in.Reason)
			}
		}
		if filer.calls != 0 {
			t.Fatalf("filer called %d times for unproven mail", filer.calls)
		}
		to := f.addrs.Meetings("platform")
		in := f.deliver(t, "ana@example.com", to, dkimSign(t, plainReply("ana@example.com", to, msgID(t, "s"), "Decisions: ship it"), key))
		if in.Status != store.InboundApplied || filer.calls != 1 {
			t.Errorf("signed: %s (%s), filer calls %d", in.Status, in.Reason, filer.calls)
		}
	})
}
