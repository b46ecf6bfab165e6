package inbound

import (
	"net"
	"sync"
	"time"
)

// limitListener caps concurrent connections: go-smtp has no such option.
// A connection beyond the cap is answered 421 and closed by the listener
// itself, without a session, so a flood cannot exhaust goroutines or
// database connections.
type limitListener struct {
	net.Listener
	sem    chan struct{}
	refuse func(net.Conn)
}

func newLimitListener(ln net.Listener, n int, refused func()) *limitListener {
	return &limitListener{Listener: ln, sem: make(chan struct{}, n), refuse: func(c net.Conn) {
		refused()
		_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
		_, _ = c.Write([]byte("421 4.3.2 Too many connections, try again later\r\n"))
		_ = c.Close()
	}}
}

// Accept returns the next connection under the cap; connections over it are
// refused in the background and Accept keeps waiting.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.sem <- struct{}{}:
			return &limitConn{Conn: c, release: func() { <-l.sem }}, nil
		default:
			go l.refuse(c)
		}
	}
}

// limitConn gives its slot back once, however often it is closed (STARTTLS
// wraps it, and both layers may close it).
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
