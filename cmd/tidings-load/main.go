// Command tidings-load measures an SMTP receiver: it sends N messages over
// C concurrent connections and reports messages per second and the p50 and
// p99 time from the end of DATA to the 250 reply.
//
//	tidings-load -addr 127.0.0.1:2525 -n 5000 -c 16 -rcpt meetings@tidings.test
//
// .ci/bench-inbound.sh runs it against `tidings serve` on PostgreSQL and
// against Mailpit on the same machine.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
)

func main() {
	if err := load(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tidings-load:", err)
		os.Exit(1)
	}
}

type loadConfig struct {
	addr, from, rcpt, label string
	n, c, size              int
	pause                   time.Duration
}

func load(args []string, out io.Writer) error {
	var cfg loadConfig
	fs := flag.NewFlagSet("tidings-load", flag.ContinueOnError)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:2525", "SMTP address")
	fs.StringVar(&cfg.from, "from", "load@client.example", "envelope sender")
	fs.StringVar(&cfg.rcpt, "rcpt", "postmaster@localhost", "recipient")
	fs.StringVar(&cfg.label, "label", "", "name printed in the result line")
	fs.IntVar(&cfg.n, "n", 2000, "messages to send")
	fs.IntVar(&cfg.c, "c", 8, "concurrent connections")
	fs.IntVar(&cfg.size, "size", 4096, "approximate message size in bytes")
	fs.DurationVar(&cfg.pause, "pause", 0, "wait between two messages on a connection (paced load, for latency)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	res, err := run(cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%-12s n=%d c=%d ok=%d failed=%d  %.0f msg/s  p50=%s p99=%s\n", cfg.label, cfg.n, cfg.c,
		len(res.lat), res.failed, float64(len(res.lat))/res.elapsed.Seconds(),
		pct(res.lat, 50).Round(10*time.Microsecond), pct(res.lat, 99).Round(10*time.Microsecond))
	if len(res.lat) == 0 {
		return errors.New("no message was accepted")
	}
	return nil
}

type result struct {
	lat     []time.Duration
	failed  int64
	elapsed time.Duration
}

// run sends cfg.n messages over cfg.c connections, each connection sending
// its share in sequence (MAIL, RCPT, DATA per message, as an MTA reusing a
// connection does). Latency is measured from the end of DATA to the reply.
func run(cfg loadConfig) (result, error) {
	var next, failed atomic.Int64
	lats := make([][]time.Duration, cfg.c)
	var wg sync.WaitGroup
	start := time.Now()
	var dialErr error
	var once sync.Once
	for w := 0; w < cfg.c; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c, err := smtp.Dial(cfg.addr)
			if err != nil {
				once.Do(func() { dialErr = err })
				return
			}
			defer c.Close()
			for i := next.Add(1); i <= int64(cfg.n); i = next.Add(1) {
				d, err := sendOne(c, cfg, i)
				if err != nil {
					failed.Add(1)
					c.Reset()
					continue
				}
				lats[w] = append(lats[w], d)
				time.Sleep(cfg.pause)
			}
			c.Quit()
		}(w)
	}
	wg.Wait()
	res := result{failed: failed.Load(), elapsed: time.Since(start)}
	for _, l := range lats {
		res.lat = append(res.lat, l...)
	}
	slices.Sort(res.lat)
	if len(res.lat) == 0 && dialErr != nil {
		return res, dialErr
	}
	return res, nil
}

func sendOne(c *smtp.Client, cfg loadConfig, i int64) (time.Duration, error) {
	if err := c.Mail(cfg.from, nil); err != nil {
		return 0, err
	}
	if err := c.Rcpt(cfg.rcpt, nil); err != nil {
		return 0, err
	}
	w, err := c.Data()
	if err != nil {
		return 0, err
	}
	if err := writeBody(w, cfg, i); err != nil {
		return 0, err
	}
	t := time.Now()
	if err := w.Close(); err != nil {
		return 0, err
	}
	return time.Since(t), nil
}

// writeBody writes message i of about cfg.size bytes to w in pieces of at
// most 64 KiB, so a run of large messages does not hold them in memory.
func writeBody(w io.Writer, cfg loadConfig, i int64) error {
	var b strings.Builder
	fmt.Fprintf(&b, "From: Load <%s>\r\nTo: <%s>\r\nSubject: load %d\r\nDate: %s\r\nMessage-ID: <load-%d-%d@client.example>\r\n\r\n",
		cfg.from, cfg.rcpt, i, time.Now().Format(time.RFC1123Z), time.Now().UnixNano(), i)
	line := "Yesterday: worked through the load test backlog and reviewed two changes.\r\n"
	n := b.Len()
	for n < cfg.size {
		for b.Len() < 64<<10 && n < cfg.size {
			b.WriteString(line)
			n += len(line)
		}
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
		b.Reset()
	}
	if b.Len() > 0 {
		_, err := io.WriteString(w, b.String())
		return err
	}
	return nil
}

func pct(s []time.Duration, p int) time.Duration {
	if len(s) == 0 {
		return 0
	}
	return s[(len(s)-1)*p/100]
}
