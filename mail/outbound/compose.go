package outbound

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/emersion/go-message"
	msgmail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-msgauth/dkim"
)

// Address is a display name and an address.
type Address struct {
	Name string
	Addr string
}

// Header is one extra header field.
type Header struct {
	Key   string
	Value string
}

// Message is what Compose renders. Only To and Subject and one of Text or
// HTML are required.
type Message struct {
	From    Address // zero: the Composer's From
	To      []Address
	ReplyTo string // address only
	Subject string
	Text    string // text/plain part
	HTML    string // text/html part; with Text: multipart/alternative
	// MessageID without angle brackets; empty: random under the domain.
	MessageID  string
	InReplyTo  string   // Message-ID without angle brackets
	References []string // Message-IDs without angle brackets, oldest first
	// Headers are extra fields (Auto-Submitted, List-Unsubscribe, …).
	Headers []Header
	// Attachments, when any, make the message multipart/mixed.
	Attachments []Attachment
}

// DKIM configures signing; see LoadDKIMKey.
type DKIM struct {
	Domain   string
	Selector string
	Key      crypto.Signer // RSA or Ed25519
}

// ComposerOptions configures a Composer.
type ComposerOptions struct {
	Domain string  // for generated Message-IDs; required
	From   Address // default From; required
	DKIM   *DKIM   // nil: no signature
	Now    func() time.Time
}

// Composer renders messages to RFC 5322 bytes. It is safe for concurrent
// use.
type Composer struct {
	opts ComposerOptions
}

// ErrInvalidMessage means a Message lacks a recipient, subject or body.
var ErrInvalidMessage = errors.New("outbound: invalid message")

// dkimHeaders are the fields signed when present; List-Unsubscribe and
// List-Unsubscribe-Post are included as RFC 8058 requires.
var dkimHeaders = []string{"From", "Reply-To", "To", "Subject", "Date", "Message-ID", "In-Reply-To",
	"References", "List-Unsubscribe", "List-Unsubscribe-Post", "Auto-Submitted", "MIME-Version", "Content-Type"}

// NewComposer returns a Composer; it fails when Domain or From is empty.
func NewComposer(opts ComposerOptions) (*Composer, error) {
	if opts.Domain == "" || opts.From.Addr == "" {
		return nil, errors.New("outbound: composer needs a domain and a From address")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if d := opts.DKIM; d != nil && (d.Domain == "" || d.Selector == "" || d.Key == nil) {
		return nil, errors.New("outbound: DKIM needs a domain, a selector and a key")
	}
	return &Composer{opts: opts}, nil
}

// Domain is the domain Message-IDs are generated under.
func (c *Composer) Domain() string { return c.opts.Domain }

// Compose renders m with a Date from the clock, signs it when DKIM is
// configured, and returns the bytes (CRLF line endings) and the Message-ID
// without angle brackets. Errors wrap ErrInvalidMessage for an incomplete
// message.
func (c *Composer) Compose(m Message) (raw []byte, messageID string, err error) {
	if len(m.To) == 0 || m.Subject == "" || (m.Text == "" && m.HTML == "") {
		return nil, "", fmt.Errorf("outbound: compose: %w", ErrInvalidMessage)
	}
	if m.MessageID == "" {
		m.MessageID = c.newMessageID()
	}
	h := c.header(m)
	var b bytes.Buffer
	write := writeBody
	if len(m.Attachments) > 0 {
		write = writeMixed
	}
	if err := write(&b, h, m); err != nil {
		return nil, "", fmt.Errorf("outbound: compose: %w", err)
	}
	raw = b.Bytes()
	if c.opts.DKIM != nil {
		if raw, err = c.sign(raw); err != nil {
			return nil, "", err
		}
	}
	return raw, m.MessageID, nil
}

// headerOrder is the order fields appear in, after Content-Type; others
// (extra headers) follow in the order given.
var headerOrder = []string{"Date", "From", "To", "Reply-To", "Subject", "Message-Id", "In-Reply-To", "References"}

func (c *Composer) header(m Message) msgmail.Header {
	var h msgmail.Header // formats and encodes each field
	from := m.From
	if from.Addr == "" {
		from = c.opts.From
	}
	h.SetDate(c.opts.Now())
	h.SetAddressList("From", []*msgmail.Address{{Name: from.Name, Address: from.Addr}})
	to := make([]*msgmail.Address, len(m.To))
	for i, a := range m.To {
		to[i] = &msgmail.Address{Name: a.Name, Address: a.Addr}
	}
	h.SetAddressList("To", to)
	if m.ReplyTo != "" {
		h.SetAddressList("Reply-To", []*msgmail.Address{{Address: m.ReplyTo}})
	}
	h.SetSubject(m.Subject)
	h.SetMessageID(m.MessageID)
	if m.InReplyTo != "" {
		h.SetMsgIDList("In-Reply-To", []string{m.InReplyTo})
	}
	if len(m.References) > 0 {
		h.SetMsgIDList("References", m.References)
	}
	fields := make([]Header, 0, len(headerOrder)+len(m.Headers)+1)
	for _, k := range headerOrder {
		if h.Has(k) {
			fields = append(fields, Header{k, h.Get(k)})
		}
	}
	fields = append(fields, m.Headers...)
	fields = append(fields, Header{"MIME-Version", "1.0"})
	// go-message writes the most recently added field first.
	var out msgmail.Header
	for i := len(fields) - 1; i >= 0; i-- {
		out.Add(fields[i].Key, fields[i].Value)
	}
	return out
}

func writeBody(b *bytes.Buffer, h msgmail.Header, m Message) error {
	if m.Text == "" || m.HTML == "" {
		typ, body := "text/plain", m.Text
		if m.Text == "" {
			typ, body = "text/html", m.HTML
		}
		setTextType(&h.Header, typ)
		return writeEntity(b, h.Header, body)
	}
	h.SetContentType("multipart/alternative", nil)
	w, err := message.CreateWriter(b, h.Header)
	if err != nil {
		return err
	}
	for _, p := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		var ph message.Header
		setTextType(&ph, p.typ)
		pw, err := w.CreatePart(ph)
		if err != nil {
			return err
		}
		if _, err := pw.Write([]byte(crlf(p.body))); err != nil {
			return err
		}
		if err := pw.Close(); err != nil {
			return err
		}
	}
	return w.Close()
}

func setTextType(h *message.Header, typ string) {
	h.SetContentType(typ, map[string]string{"charset": "utf-8"})
	h.Set("Content-Transfer-Encoding", "quoted-printable")
}

func writeEntity(b *bytes.Buffer, h message.Header, body string) error {
	w, err := message.CreateWriter(b, h)
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(crlf(body))); err != nil {
		return err
	}
	return w.Close()
}

// crlf normalises line endings so quoted-printable emits CRLF line breaks.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

func (c *Composer) sign(raw []byte) ([]byte, error) {
	d := c.opts.DKIM
	var out bytes.Buffer
	err := dkim.Sign(&out, bytes.NewReader(raw), &dkim.SignOptions{
		Domain: d.Domain, Selector: d.Selector, Signer: d.Key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: dkimHeaders,
	})
	if err != nil {
		return nil, fmt.Errorf("outbound: dkim sign: %w", err)
	}
	return out.Bytes(), nil
}

func (c *Composer) newMessageID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b) + "@" + c.opts.Domain
}

// LoadDKIMKey reads a PEM private key (PKCS#1 or PKCS#8 RSA, PKCS#8
// Ed25519) for DKIM.
func LoadDKIMKey(path string) (crypto.Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("outbound: dkim key: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("outbound: dkim key %s: no PEM block", path)
	}
	if k, err := x509.ParsePKCS1PrivateKey(blk.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("outbound: dkim key %s: %w", path, err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("outbound: dkim key %s: unsupported key type %T", path, k)
	}
	return s, nil
}
