package inbound

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Long lines. RFC 5322 caps a line at 998 bytes, but real mail (HTML from
// some clients, long base64 without folding) has longer ones. Lines up to
// Options.MaxLineBytes (default 64 KiB) are accepted; a message with a
// longer line is refused with a permanent 554 5.6.0, never a 4xx (a
// sender would retry it for days), and the connection stays usable: the
// rest of the message is read and discarded by go-smtp. go-smtp's own
// limit (serverLineLimit) sits far above, bounding memory per connection;
// a line past it is refused the same way, but go-smtp then closes the
// connection.

// serverLineLimit is go-smtp's MaxLineLength for MaxLineBytes max.
func serverLineLimit(lineMax int) int { return max(1<<20, 2*lineMax+2) }

// lineTooLong is the reply to a message with a line over max bytes.
func lineTooLong(lineMax int) *smtp.SMTPError {
	return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0},
		Message: fmt.Sprintf("Message has a line longer than %d bytes", lineMax)}
}

// lineLimitReader fails with lineTooLong once a line (without its CRLF)
// exceeds max bytes, and turns go-smtp's own too-long-line error into
// the same permanent reply.
type lineLimitReader struct {
	r   io.Reader
	max int
	cur int // bytes of the current line so far, its CR included
}

func (l *lineLimitReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if errors.Is(err, smtp.ErrTooLongLine) {
		return 0, lineTooLong(l.max)
	}
	b := p[:n]
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			l.cur += len(b)
			break
		}
		if l.cur+i > l.max+1 { // +1: the CR before the LF
			return 0, lineTooLong(l.max)
		}
		l.cur, b = 0, b[i+1:]
	}
	if l.cur > l.max+1 {
		return 0, lineTooLong(l.max)
	}
	return n, err
}

// lineCheckedSession is a session whose DATA is read through
// lineLimitReader.
type lineCheckedSession struct{ *session }

// Data reads the message through the line limit.
func (s lineCheckedSession) Data(r io.Reader) error {
	return s.session.Data(&lineLimitReader{r: r, max: s.r.opts.MaxLineBytes})
}

// newCheckedSession is the backend's session constructor.
func (r *Receiver) newCheckedSession(c *smtp.Conn) (smtp.Session, error) {
	s, err := r.newSession(c)
	if err != nil {
		return nil, err
	}
	if ss, ok := s.(*session); ok {
		return lineCheckedSession{ss}, nil
	}
	return s, nil
}

// Lingering close. When go-smtp meets a line past its own limit it
// answers and closes the connection while the client is still sending;
// closing a socket with unread data makes the kernel send a reset, and
// the client may lose the reply and retry for days. A connection is
// therefore closed the way web servers do it: shut down our side, read
// and discard what the client still sends (while it keeps sending, up
// to lingerMax bytes and lingerWait), then close.
const (
	lingerMax  = 64 << 20
	lingerWait = 10 * time.Second
	lingerIdle = 250 * time.Millisecond
)

// lingerListener hands out lingerConns.
type lingerListener struct{ net.Listener }

func (l lingerListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &lingerConn{Conn: c}, nil
}

// lingerConn lingers once on Close.
type lingerConn struct {
	net.Conn
	once sync.Once
}

func (c *lingerConn) Close() error {
	c.once.Do(c.linger)
	return c.Conn.Close()
}

func (c *lingerConn) linger() {
	cw, ok := c.Conn.(interface{ CloseWrite() error })
	if !ok || cw.CloseWrite() != nil {
		return
	}
	end := time.Now().Add(lingerWait)
	buf := make([]byte, 32<<10)
	for total := 0; total < lingerMax && time.Now().Before(end); {
		_ = c.Conn.SetReadDeadline(time.Now().Add(lingerIdle))
		n, err := c.Conn.Read(buf)
		total += n
		if err != nil {
			return
		}
	}
}
