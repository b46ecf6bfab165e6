package outbound

import (
	"bytes"
	"mime"

	"github.com/emersion/go-message"
	msgmail "github.com/emersion/go-message/mail"
)

// Attachment is a file sent with a Message (an ask's attachments
// forwarded to the team).
type Attachment struct {
	Filename    string
	ContentType string // default application/octet-stream
	Data        []byte
}

// writeMixed writes a multipart/mixed message: the body (text, HTML or
// both as multipart/alternative) followed by one base64 part per
// attachment.
func writeMixed(b *bytes.Buffer, h msgmail.Header, m Message) error {
	h.SetContentType("multipart/mixed", nil)
	w, err := message.CreateWriter(b, h.Header)
	if err != nil {
		return err
	}
	if err := writeBodyPart(w, m); err != nil {
		return err
	}
	for _, a := range m.Attachments {
		var ah message.Header
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		name := mime.QEncoding.Encode("utf-8", a.Filename)
		ah.SetContentType(ct, map[string]string{"name": name})
		ah.SetContentDisposition("attachment", map[string]string{"filename": name})
		ah.Set("Content-Transfer-Encoding", "base64")
		aw, err := w.CreatePart(ah)
		if err != nil {
			return err
		}
		if _, err := aw.Write(a.Data); err != nil {
			return err
		}
		if err := aw.Close(); err != nil {
			return err
		}
	}
	return w.Close()
}

// writeBodyPart writes m's text and HTML as the first part of w: one
// text part, or a multipart/alternative of both.
func writeBodyPart(w *message.Writer, m Message) error {
	parts := []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}}
	if m.Text == "" {
		parts = parts[1:]
	} else if m.HTML == "" {
		parts = parts[:1]
	}
	if len(parts) == 2 {
		var ah message.Header
		ah.SetContentType("multipart/alternative", nil)
		aw, err := w.CreatePart(ah)
		if err != nil {
			return err
		}
		w = aw
		defer aw.Close()
	}
	for _, p := range parts {
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
	return nil
}
