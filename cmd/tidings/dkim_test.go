package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/tidings-app/tidings/mail/mailtest"
)

// senderDNS is example.com as the members' mail provider publishes it on
// an in-process DNS server: a DKIM key and a p=reject DMARC policy.
type senderDNS struct {
	dns *mailtest.DNS
	key ed25519.PrivateKey
}

func newSenderDNS(t *testing.T) *senderDNS {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d := mailtest.NewDNS(t)
	d.SetTXT("sel._domainkey.example.com", "v=DKIM1; k=ed25519; p="+base64.StdEncoding.EncodeToString(pub))
	d.SetTXT("_dmarc.example.com", "v=DMARC1; p=reject")
	return &senderDNS{dns: d, key: priv}
}

// sign returns raw DKIM-signed by example.com, as the member's provider
// sends it.
func (s *senderDNS) sign(t *testing.T, raw string) string {
	t.Helper()
	var b bytes.Buffer
	if err := dkim.Sign(&b, bytes.NewReader([]byte(raw)), &dkim.SignOptions{Domain: "example.com", Selector: "sel", Signer: s.key}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
