package inbound_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/tidings-app/tidings/mail/inbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/storetest"
)

// selfSigned returns a server certificate for 127.0.0.1 and a pool that
// trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mx." + domain},
		DNSNames: []string{"mx." + domain}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func TestStartTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, func(o *inbound.Options) {
			o.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		})
		to := f.addrs.Reply(f.prompt.ID)
		plain, err := smtp.Dial(f.addr)
		if err != nil {
			t.Fatal(err)
		}
		if err := plain.Hello("mail.client.example"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := plain.Extension("STARTTLS"); !ok {
			t.Fatal("EHLO does not advertise STARTTLS")
		}
		plain.Close()
		// DialStartTLS issues EHLO and STARTTLS; the handshake (verifying
		// the certificate) happens on the next command.
		c, err := smtp.DialStartTLS(f.addr, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
		if err != nil {
			t.Fatalf("STARTTLS: %v", err)
		}
		defer c.Close()
		if err := c.Hello("mail.client.example"); err != nil { // handshake and EHLO in TLS
			t.Fatalf("EHLO over TLS: %v", err)
		}
		if st, ok := c.TLSConnectionState(); !ok || !st.HandshakeComplete {
			t.Fatal("no TLS after STARTTLS")
		}
		if ok, _ := c.Extension("STARTTLS"); ok {
			t.Error("STARTTLS still advertised inside TLS")
		}
		raw := message(t, "gmail_reply.eml", map[string]string{"FROM": "ana@example.com", "TO": to, "MSGID": msgID(t, "tls")})
		if err := c.SendMail("ana@example.com", []string{to}, strings.NewReader(string(raw))); err != nil {
			t.Fatalf("send over TLS: %v", err)
		}
		msgs := f.processAll(t)
		if len(msgs) != 1 || msgs[0].Status != store.InboundApplied {
			t.Fatalf("inbound = %+v", msgs)
		}
		in, err := db.InboundByID(context.Background(), msgs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if received, _, _ := strings.Cut(string(in.Raw), ";"); !strings.Contains(received, "with ESMTPS") {
			t.Errorf("Received header does not record TLS: %q", received)
		}
	})
}

func TestNoStartTLSWithoutConfig(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, nil)
		c, err := smtp.Dial(f.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Hello("mail.client.example"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := c.Extension("STARTTLS"); ok {
			t.Error("STARTTLS advertised without a certificate")
		}
		if ok, _ := c.Extension("AUTH"); ok {
			t.Error("AUTH advertised: the receiver must not relay")
		}
		f.deliver(t, "ana@example.com", f.addrs.Reply(f.prompt.ID),
			plainReply("ana@example.com", f.addrs.Reply(f.prompt.ID), msgID(t, "plain"), "Yesterday: x"))
		in, err := db.FindInbound(context.Background(), store.InboundFilter{})
		if err != nil || len(in) != 1 {
			t.Fatalf("inbound = %+v, %v", in, err)
		}
		full, _ := db.InboundByID(context.Background(), in[0].ID)
		if received, _, _ := strings.Cut(string(full.Raw), ";"); !strings.Contains(received, "with ESMTP;") && !strings.HasSuffix(received, "with ESMTP") {
			t.Errorf("plain session recorded as %q", received)
		}
	})
}

// greeting dials addr and returns the server's first reply line.
func greeting(t *testing.T, addr string) (net.Conn, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		conn.Close()
		t.Fatalf("reading greeting: %v", err)
	}
	return conn, strings.TrimSpace(line)
}

func TestConnectionCap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, func(o *inbound.Options) { o.MaxConnections = 2 })
		first, err := smtp.Dial(f.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer first.Close()
		second, err := smtp.Dial(f.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer second.Close()
		conn, line := greeting(t, f.addr)
		conn.Close()
		if !strings.HasPrefix(line, "421 4.3.2 ") {
			t.Fatalf("third connection got %q, want 421 4.3.2", line)
		}
		if got := rejected(t, f, "too_many_connections"); got != 1 {
			t.Errorf("rejected{too_many_connections} = %v, want 1", got)
		}
		// The open sessions still work while the cap is reached.
		if err := second.Hello("mail.client.example"); err != nil {
			t.Fatalf("second session: %v", err)
		}
		if err := first.Quit(); err != nil {
			t.Fatal(err)
		}
		// Once the first session is gone its slot is free again; the
		// release happens after QUIT is answered, so wait for it (bounded).
		deadline := time.Now().Add(10 * time.Second)
		for {
			conn, line := greeting(t, f.addr)
			conn.Close()
			if strings.HasPrefix(line, "220 ") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no slot freed after QUIT: last greeting %q", line)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// rejected is the rejected counter's value for reason.
func rejected(t *testing.T, f *fixture, reason string) float64 {
	t.Helper()
	mfs, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "tidings_inbound_rejected_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "reason" && l.GetValue() == reason {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}
