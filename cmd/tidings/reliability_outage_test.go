//go:build reliability

package main

import (
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/tidings-app/tidings/store/storetest"
)

// pgProxy forwards TCP to PostgreSQL and can play an outage: down closes
// every open connection and refuses new ones until up.
type pgProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	isDown bool
	conns  map[net.Conn]bool
}

func newPGProxy(t *testing.T, target string) *pgProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	t.Cleanup(func() { ln.Close(); p.down() })
	go p.serve()
	return p
}

func (p *pgProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.isDown {
			p.mu.Unlock()
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns[c], p.conns[up] = true, true
		p.mu.Unlock()
		go func() { io.Copy(up, c); up.Close() }()
		go func() { io.Copy(c, up); c.Close() }()
	}
}

func (p *pgProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.isDown = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *pgProxy) up() {
	p.mu.Lock()
	p.isDown = false
	p.mu.Unlock()
}

// TestReliabilityOutage cuts `tidings serve` off its database for a while
// in the middle of a run: messages sent meanwhile must get a 4xx (never a
// 250 that is not stored), and once the database is back every
// acknowledged message is stored once and processed. Figures: sent,
// acknowledged, refused (4xx), stored, lost, duplicated, stuck.
func TestReliabilityOutage(t *testing.T) {
	dsn, db := relDB(t)
	u, err := url.Parse(os.Getenv(storetest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	proxy := newPGProxy(t, u.Host)
	pu, _ := url.Parse(dsn)
	pu.Host = proxy.ln.Addr().String()
	s := relStart(t, pu.String(), "TIDINGS_JOBS_SWEEP_EVERY=5s", "TIDINGS_SMTP_STORE_TIMEOUT=3s")

	var acked []string
	sent, refused, other := 0, 0, 0
	phase := func(n int) {
		c, err := smtp.Dial(s.smtp)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		for i := range n {
			id, raw := relMessage("outage", sent+i, 4<<10)
			err := relSend(c, raw)
			var se *smtp.SMTPError
			switch {
			case err == nil:
				acked = append(acked, id)
			case errors.As(err, &se) && se.Code/100 == 4:
				refused++
				c.Reset()
			default:
				other++
				c.Close()
				if c, err = smtp.Dial(s.smtp); err != nil {
					t.Fatal(err)
				}
			}
		}
		sent += n
	}
	phase(200)
	proxy.down()
	ackedBefore := len(acked)
	phase(30)
	ackedDuring := len(acked) - ackedBefore
	proxy.up()
	time.Sleep(2 * time.Second) // pools reconnect on demand; give the first failures a moment
	phase(200)

	deadline := time.Now().Add(2 * time.Minute)
	var stored, dup, pending int
	for {
		stored, dup, pending = relCounts(t, db, acked)
		if pending == 0 && stored == len(acked) || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	relFigures(t, "outage", "sent", sent, "acknowledged", len(acked), "acknowledged_during_outage", ackedDuring,
		"refused_4xx", refused, "other_errors", other, "stored", stored, "lost", len(acked)-stored,
		"duplicated", dup, "stuck", pending)
	if stored != len(acked) || dup != 0 || pending != 0 {
		t.Errorf("acknowledged %d, stored %d, duplicated %d, unprocessed %d; log:\n%s", len(acked), stored, dup, pending, s.log)
	}
	if ackedDuring != 0 {
		t.Errorf("%d messages got 250 while the database was unreachable", ackedDuring)
	}
	if refused == 0 {
		t.Error("no message was refused during the outage: the outage did not happen")
	}
}
