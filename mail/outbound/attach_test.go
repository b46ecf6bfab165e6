package outbound

import (
	"bytes"
	"io"
	"testing"

	"github.com/emersion/go-message"
)

// TestComposeAttachment proves a message with an attachment is
// multipart/mixed with the text/HTML alternative first and the file,
// decoded, after it.
func TestComposeAttachment(t *testing.T) {
	c, err := NewComposer(ComposerOptions{Domain: "tidings.test", From: Address{Addr: "checkins@tidings.test"}})
	if err != nil {
		t.Fatal(err)
	}
	raw, _, err := c.Compose(Message{To: []Address{{Addr: "ben@example.com"}}, Subject: "RFC", Text: "See attached.", HTML: "<p>See attached.</p>",
		Attachments: []Attachment{{Filename: "rfc é.md", ContentType: "text/markdown", Data: []byte("# RFC\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	var file string
	var name string
	err = e.Walk(func(_ []int, p *message.Entity, err error) error {
		if err != nil {
			return err
		}
		ct, _, _ := p.Header.ContentType()
		types = append(types, ct)
		if _, dp, err := p.Header.ContentDisposition(); err == nil && dp["filename"] != "" {
			b, _ := io.ReadAll(p.Body)
			file, name = string(b), dp["filename"]
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/markdown"}
	if len(types) != len(want) {
		t.Fatalf("parts %v, want %v", types, want)
	}
	for i := range want {
		if types[i] != want[i] {
			t.Fatalf("parts %v, want %v", types, want)
		}
	}
	if file != "# RFC\n" || name != "rfc é.md" {
		t.Errorf("attachment %q named %q", file, name)
	}
}
