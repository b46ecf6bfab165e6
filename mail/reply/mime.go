package reply

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decoders for non-UTF-8 charsets
)

// content is what the MIME walk found in one message (or in one attached
// message/rfc822 part).
type content struct {
	header      message.Header
	plain       string // first inline text/plain part, format=flowed undone
	html        string // first inline text/html part
	hasPlain    bool
	hasHTML     bool
	reportType  string // report-type of a multipart/report
	dsn         string // first message/delivery-status part
	attachments []Attachment
	embedded    []*content // attached message/rfc822 parts
}

// walker carries the caps and warnings shared by one message's walk.
type walker struct {
	parts    int
	warnings []string
}

func (w *walker) warn(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	for _, x := range w.warnings {
		if x == s {
			return
		}
	}
	w.warnings = append(w.warnings, s)
}

// errNotMessage is returned for input that is not a message at all.
var errNotMessage = errors.New("reply: not a message")

// readMessage reads the top-level entity, accepting unknown charsets and
// encodings (with a warning) but refusing input without a header.
func readMessage(raw []byte, w *walker) (*message.Entity, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("%w: empty input", errNotMessage)
	}
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && e == nil {
		// The underlying error quotes the offending bytes; keep the reason
		// to one printable line.
		return nil, fmt.Errorf("%w: no readable header", errNotMessage)
	}
	if e.Header.Len() == 0 {
		return nil, fmt.Errorf("%w: no header fields", errNotMessage)
	}
	w.entityError(e, err)
	return e, nil
}

// entityError turns go-message's non-fatal errors into warnings.
func (w *walker) entityError(e *message.Entity, err error) {
	switch {
	case err == nil:
	case message.IsUnknownCharset(err):
		_, params, _ := e.Header.ContentType()
		w.warn("charset %s not supported", params["charset"])
	case message.IsUnknownEncoding(err):
		w.warn("transfer encoding %s not supported", e.Header.Get("Content-Transfer-Encoding"))
	default:
		w.warn("MIME: %v", err)
	}
}

// walk visits e and its descendants up to maxDepth and maxParts.
func (w *walker) walk(e *message.Entity, c *content, depth int) {
	w.parts++
	if w.parts > maxParts {
		w.warn("more than %d MIME parts; the rest ignored", maxParts)
		return
	}
	if depth > maxDepth {
		w.warn("MIME nesting deeper than %d; the rest ignored", maxDepth)
		return
	}
	mt, params, _ := e.Header.ContentType()
	if mt == "" {
		mt = "text/plain"
	}
	disp, _, _ := e.Header.ContentDisposition()
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		if mt == "multipart/report" {
			c.reportType = strings.ToLower(params["report-type"])
		}
		w.walkMultipart(e, c, depth)
	case mt == "message/rfc822" || mt == "message/global":
		n := w.walkEmbedded(e, c, depth)
		c.attachments = append(c.attachments, attachmentOf(e, mt, n))
	case mt == "message/delivery-status" || mt == "message/global-delivery-status":
		if c.dsn == "" {
			c.dsn = readText(e.Body)
		}
	case mt == "text/plain" && disp != "attachment" && !c.hasPlain:
		c.plain, c.hasPlain = readText(e.Body), true
		if strings.EqualFold(params["format"], "flowed") {
			c.plain = unflow(c.plain, strings.EqualFold(params["delsp"], "yes"))
		}
	case mt == "text/html" && disp != "attachment" && !c.hasHTML:
		c.html, c.hasHTML = readText(e.Body), true
	default:
		n, _ := io.Copy(io.Discard, e.Body)
		c.attachments = append(c.attachments, attachmentOf(e, mt, n))
	}
}

func (w *walker) walkMultipart(e *message.Entity, c *content, depth int) {
	mr := e.MultipartReader()
	for w.parts <= maxParts {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return
		}
		if p == nil {
			w.warn("MIME: %v", err)
			return
		}
		w.entityError(p, err)
		w.walk(p, c, depth+1)
	}
}

// walkEmbedded descends into an attached message (go-message does not)
// and returns its size in bytes.
func (w *walker) walkEmbedded(e *message.Entity, c *content, depth int) int64 {
	cr := &countingReader{r: e.Body}
	inner, err := message.Read(cr)
	if inner == nil {
		w.warn("attached message unreadable: %v", err)
		_, _ = io.Copy(io.Discard, cr)
		return cr.n
	}
	w.entityError(inner, err)
	ec := &content{header: inner.Header}
	w.walk(inner, ec, depth+1)
	c.embedded = append(c.embedded, ec)
	_, _ = io.Copy(io.Discard, cr)
	return cr.n
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func attachmentOf(e *message.Entity, mt string, size int64) Attachment {
	_, dp, _ := e.Header.ContentDisposition()
	_, cp, _ := e.Header.ContentType()
	name := dp["filename"]
	if name == "" {
		name = cp["name"]
	}
	return Attachment{Filename: name, ContentType: mt, Size: size}
}

// readText reads at most maxPartBytes of a decoded text part and drains the
// rest, so a huge part costs time linear in its size but no memory.
func readText(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, maxPartBytes))
	_, _ = io.Copy(io.Discard, r)
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// unflow undoes RFC 3676 format=flowed: a line ending in a space continues
// on the next line of the same quote depth; with delsp the space goes.
func unflow(s string, delsp bool) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	var out []string
	var cur strings.Builder
	curDepth, open := 0, false
	for _, l := range lines {
		depth := 0
		for depth < len(l) && l[depth] == '>' {
			depth++
		}
		text := strings.TrimPrefix(l[depth:], " ") // space-stuffing
		if open && depth != curDepth {
			out = append(out, cur.String())
			cur.Reset()
			open = false
		}
		if !open {
			cur.WriteString(strings.Repeat(">", depth))
			if depth > 0 {
				cur.WriteByte(' ')
			}
		}
		flowed := strings.HasSuffix(text, " ") && text != "-- "
		if flowed && delsp {
			text = text[:len(text)-1]
		}
		cur.WriteString(text)
		curDepth, open = depth, flowed
		if !flowed {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	if open {
		out = append(out, cur.String())
	}
	return strings.Join(out, "\n")
}
