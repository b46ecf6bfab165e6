package ask

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"

	"github.com/emersion/go-message"
	"github.com/tidings-app/tidings/store"
)

// attachments returns the files of a's message to forward with each copy
// (within MaxAttachBytes in total), their names, and the names of those
// too large to forward. The bytes come from the stored raw message.
func (s *Service) attachments(ctx context.Context, tx *store.DB, a *store.Ask) (atts []Attachment, names, large []string, err error) {
	if len(a.Attachments) == 0 || a.InboundID == 0 {
		return nil, nil, nil, nil
	}
	in, err := tx.InboundByID(ctx, a.InboundID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, nil, nil
	} else if err != nil {
		return nil, nil, nil, fmt.Errorf("ask: attachments: %w", err)
	}
	files := Attachments(in.Raw)
	var total int64
	for _, f := range files {
		if s.maxBytes > 0 && total+int64(len(f.Data)) <= s.maxBytes {
			total += int64(len(f.Data))
			atts = append(atts, f)
			names = append(names, f.Filename)
			continue
		}
		large = append(large, fmt.Sprintf("%s (%s)", f.Filename, humanSize(int64(len(f.Data)))))
	}
	return atts, names, large, nil
}

// maxAttachParts bounds the parts Attachments looks at.
const maxAttachParts = 100

// Attachments returns the attached files of raw (parts with a filename or
// an attachment disposition), decoded. An unreadable message gives none.
func Attachments(raw []byte) []Attachment {
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return nil
	}
	var out []Attachment
	n := 0
	_ = e.Walk(func(_ []int, part *message.Entity, err error) error {
		if n++; err != nil || n > maxAttachParts {
			return nil
		}
		if mr := part.MultipartReader(); mr != nil {
			return nil
		}
		disp, dp, _ := part.Header.ContentDisposition()
		ct, cp, _ := part.Header.ContentType()
		name := dp["filename"]
		if name == "" {
			name = cp["name"]
		}
		if name == "" && disp != "attachment" {
			return nil // a body part
		}
		if name == "" {
			name = "attachment"
		}
		if dec, err := new(mime.WordDecoder).DecodeHeader(name); err == nil {
			name = dec
		}
		data, err := io.ReadAll(io.LimitReader(part.Body, 64<<20))
		if err != nil {
			return nil
		}
		out = append(out, Attachment{Filename: name, ContentType: ct, Data: data})
		return nil
	})
	return out
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
