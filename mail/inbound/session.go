package inbound

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/store"
)

// session is one SMTP connection. It implements smtp.Session and
// deliberately not smtp.AuthSession: there is no AUTH, so no relaying.
type session struct {
	r    *Receiver
	conn *smtp.Conn
	log  *slog.Logger
	env  Envelope
	// coming is true from MAIL until the message is handed over or the
	// transaction ends: the session counts in Receiver.coming.
	coming bool
}

// setComing moves the session in or out of Receiver.coming.
func (s *session) setComing(on bool) {
	if s.coming == on {
		return
	}
	s.coming = on
	if on {
		s.r.coming.Add(1)
	} else {
		s.r.coming.Add(-1)
	}
}

func (r *Receiver) newSession(c *smtp.Conn) (smtp.Session, error) {
	remote := c.Conn().RemoteAddr().String()
	_, tls := c.TLSConnectionState()
	return &session{r: r, conn: c, log: r.log.With("remote", remote),
		env: Envelope{Remote: remote, Helo: c.Hostname(), TLS: tls}}, nil
}

// Mail starts a transaction. Any sender is accepted here: a bounce has an
// empty one, and loops and strangers are judged on the whole message.
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.env.MailFrom = from
	s.env.Rcpt = nil
	s.setComing(true)
	s.r.opts.Pacer.Arrived()
	return nil
}

// Rcpt accepts only our own addresses (see Receiver.checkRecipient).
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ctx, cancel := context.WithTimeout(s.r.base, s.r.opts.StoreTimeout)
	defer cancel()
	if _, err := s.r.checkRecipient(ctx, to); err != nil {
		return s.fail("rcpt", err, "rcpt", to)
	}
	s.env.Rcpt = append(s.env.Rcpt, to)
	return nil
}

// Data receives the message into a spool (memory, then an unlinked
// temporary file past 256 KiB) within the size limit and the receiver's
// in-flight byte budget (452 4.3.1 when spent), hands it to the keeper,
// which commits it (grouped with other sessions' messages in one
// statement; a spooled message commits alone, see large.go), and only
// then lets go-smtp answer 250; its processing job follows (enqueuer.go),
// or the sweep gives it one. When the commit fails or takes
// longer than StoreTimeout the answer is 451; the keeper does not need the
// database to honour the deadline (SQLite waits out its busy timeout
// first). Should a batch commit after its session gave up, the sender's
// retry is found by its dedup key and acknowledged without a second job.
func (s *session) Data(r io.Reader) error {
	defer s.setComing(false)
	now := s.r.opts.Now()
	sp := newSpool(s.r.opts.SpoolDir, s.r.budget, receivedHeader(s.env, s.r.opts.Hostname, now))
	defer sp.close()
	alive := func() {
		if c := s.conn.Conn(); c != nil && s.r.opts.ReadTimeout > 0 {
			c.SetReadDeadline(time.Now().Add(s.r.opts.ReadTimeout))
		}
	}
	buf := s.r.bufs.Get().(*[]byte)
	defer s.r.bufs.Put(buf)
	if err := sp.readFrom(r, *buf, alive); err != nil {
		if errors.Is(err, replyBusy) {
			s.r.m.rejected.WithLabelValues("busy").Inc()
			s.log.Warn("refused", "stage", "data", "code", replyBusy.Code, "err", "in-flight byte budget spent")
			return replyBusy
		}
		return s.fail("data", err)
	}
	s.setComing(false) // handed over: the keeper need not wait for it
	s.r.opts.Pacer.Received()
	var k stored
	if in := newSpooledInbound(s.env, sp, now); sp.spooled() {
		k = s.r.keepLarge(in, sp)
	} else {
		ctx, cancel := context.WithTimeout(s.r.base, s.r.opts.StoreTimeout)
		defer cancel()
		k = s.r.keeper.submit(ctx, in)
	}
	if k.err != nil {
		return s.fail("data", k.err)
	}
	id, created := k.id, k.created
	s.r.m.accepted.Inc()
	if created {
		s.r.m.stored.Inc()
	}
	s.log.Info("message accepted", "inbound_id", id, "duplicate", !created, "size", sp.size)
	return nil
}

// stored is the result of keeping one message.
type stored struct {
	id      int64
	created bool
	err     error
}

// fail logs err once and returns the SMTP reply for it.
func (s *session) fail(stage string, err error, args ...any) error {
	reply, reason := smtpReply(err)
	s.r.m.rejected.WithLabelValues(reason).Inc()
	lvl := slog.LevelInfo
	if reply.Code/100 == 4 {
		lvl = slog.LevelWarn
	}
	s.log.Log(context.Background(), lvl, "refused", append(args, "stage", stage, "code", reply.Code, "err", err)...)
	return reply
}

// Reset ends the transaction.
func (s *session) Reset() {
	s.env.MailFrom, s.env.Rcpt = "", nil
	s.setComing(false)
}

// Logout ends the session.
func (s *session) Logout() error {
	s.setComing(false)
	return nil
}

// checkRecipient parses addr with our Addresses: a verified reply or
// bounce token, meetings@ or meetings+TEAM@ for an existing team, the From
// address (when configured), or postmaster. A database error while checking the team is returned as is
// (a 451), never as an unknown recipient.
func (r *Receiver) checkRecipient(ctx context.Context, addr string) (mail.Recipient, error) {
	return checkRecipient(ctx, r.db, r.opts.Addresses, addr)
}

func checkRecipient(ctx context.Context, db *store.DB, a mail.Addresses, addr string) (mail.Recipient, error) {
	var dbErr error
	rc, err := a.Parse(addr, func(slug string) bool {
		_, err := db.FindTeam(ctx, strings.ToLower(slug))
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			dbErr = err
		}
		return err == nil
	})
	if dbErr != nil {
		return mail.Recipient{}, dbErr
	}
	return rc, err
}
