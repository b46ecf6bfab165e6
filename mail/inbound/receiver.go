package inbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"

	"github.com/emersion/go-smtp"
	"github.com/tidings-app/tidings/store"
)

// Receiver is the SMTP server that accepts mail for our domain. Create it
// with NewReceiver; it is safe for concurrent use.
type Receiver struct {
	db      *store.DB
	opts    Options
	optsErr error
	srv     *smtp.Server
	m       *receiverMetrics
	log     *slog.Logger
	// base is the parent of every store operation's context; Shutdown
	// cancels it only when its own deadline passes.
	base   context.Context
	cancel context.CancelFunc

	// keeper commits the messages of all sessions in groups.
	keeper *keeper
	// budget caps the bytes of messages in flight (Options.InflightBytes).
	budget *budget
	// large holds a slot per large message being committed (large.go).
	large chan struct{}
	// jobs inserts the processing jobs of stored messages after their 250.
	jobs *enqueuer
	// bufs holds the sessions' read buffers (readChunk bytes).
	bufs sync.Pool
	// coming counts sessions in a mail transaction (MAIL given) whose
	// message has not reached the keeper yet; the keeper waits for them
	// briefly so that one commit serves them all.
	coming atomic.Int64

	mu sync.Mutex
	ln net.Listener
}

// NewReceiver returns a receiver storing into db. Invalid options (no
// Addresses) are reported by Serve and ListenAndServe.
func NewReceiver(db *store.DB, opts Options) *Receiver {
	opts, err := opts.withDefaults()
	r := &Receiver{db: db, opts: opts, optsErr: err, m: newReceiverMetrics(opts.Registerer),
		log: opts.Logger.With("component", "inbound")}
	r.base, r.cancel = context.WithCancel(context.Background())
	r.budget = newBudget(opts.InflightBytes)
	r.large = make(chan struct{}, largeCommits)
	r.bufs.New = func() any { b := make([]byte, readChunk); return &b }
	r.jobs = newEnqueuer(db, r.log, opts.Addresses, opts.Pacer)
	lanes := 1 // SQLite has one connection
	if db.Postgres() {
		lanes = 2
	}
	r.keeper = newKeeper(r.base, lanes, func(ctx context.Context, ins []*store.InboundMessage) ([]bool, error) {
		return r.keepRows(ctx, ins)
	}, func(n int) { r.m.batch.Observe(float64(n)) })
	r.keeper.coming, r.keeper.window = r.coming.Load, batchWindow
	s := smtp.NewServer(smtp.BackendFunc(r.newCheckedSession))
	s.Domain = opts.Hostname
	s.MaxMessageBytes = opts.MaxMessageBytes
	s.MaxRecipients = opts.MaxRecipients
	s.MaxLineLength = serverLineLimit(opts.MaxLineBytes)
	s.ReadTimeout = opts.ReadTimeout
	s.WriteTimeout = opts.WriteTimeout
	s.EnableSMTPUTF8 = true
	s.TLSConfig = opts.TLS
	s.ErrorLog = slogPrinter{r.log}
	r.srv = s
	return r
}

// Serve accepts connections on ln until Shutdown. It returns nil after
// Shutdown or a cancelled ListenAndServe, an error for invalid options or
// a failing listener.
func (r *Receiver) Serve(ln net.Listener) error {
	if r.optsErr != nil {
		return r.optsErr
	}
	r.mu.Lock()
	r.ln = ln
	r.mu.Unlock()
	r.keeper.start()
	r.jobs.start(r.base)
	lim := newLimitListener(lingerListener{ln}, r.opts.MaxConnections, func() {
		r.m.rejected.WithLabelValues("too_many_connections").Inc()
	})
	err := r.srv.Serve(lim)
	if errors.Is(err, net.ErrClosed) || errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("inbound: serve: %w", err)
	}
	return nil
}

// ListenAndServe listens on Options.Listen and serves until ctx ends; then
// it stops accepting and returns nil, leaving open sessions to Shutdown.
// It returns an error when it cannot listen or serving fails.
func (r *Receiver) ListenAndServe(ctx context.Context) error {
	if r.optsErr != nil {
		return r.optsErr
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", r.opts.Listen)
	if err != nil {
		return fmt.Errorf("inbound: listen: %w", err)
	}
	r.log.Info("smtp receiver listening", "addr", ln.Addr().String())
	done := make(chan error, 1)
	go func() { done <- r.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		ln.Close()
		return <-done
	}
}

// Addr is the address being served, or nil before Serve.
func (r *Receiver) Addr() net.Addr {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ln == nil {
		return nil
	}
	return r.ln.Addr()
}

// Shutdown stops accepting connections and waits for open sessions to
// finish; a message being received is stored and answered. Then it stops
// the keeper once its last batch is committed, and the enqueuer once the
// jobs of every stored message are inserted. When ctx ends first, the
// remaining connections are closed, the batch in hand is cancelled, their
// unanswered messages are not acknowledged (senders retry), and ctx's
// error is returned.
func (r *Receiver) Shutdown(ctx context.Context) error {
	err := r.srv.Shutdown(ctx)
	if ctx.Err() == nil {
		r.keeper.stop(ctx)
		r.jobs.close(ctx)
	}
	if ctx.Err() != nil {
		r.cancel()
		r.srv.Close()
		r.keeper.stop(ctx) // returns at once; the keeper ends after its batch
		r.jobs.close(ctx)  // likewise; jobs not inserted are the sweep's
		return fmt.Errorf("inbound: shutdown: %w", ctx.Err())
	}
	r.cancel()
	if err == nil || errors.Is(err, net.ErrClosed) || errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("inbound: shutdown: %w", err)
}

// slogPrinter adapts slog to go-smtp's Logger for its internal errors
// (failed handshakes, broken connections).
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Printf(format string, v ...any) { p.log.Debug(fmt.Sprintf(format, v...)) }
func (p slogPrinter) Println(v ...any)               { p.log.Debug(fmt.Sprint(v...)) }

// keepRows stores messages and hands the new ones to the enqueuer, which
// inserts their jobs after the 250. On PostgreSQL the insert is one
// statement in its own transaction (one round trip, durable when it
// returns; cancelled with ctx). SQLite wraps it in a transaction so that
// ctx's end rolls it back even while it waits for the write lock.
func (r *Receiver) keepRows(ctx context.Context, ins []*store.InboundMessage) ([]bool, error) {
	var created []bool
	var err error
	if r.db.Postgres() {
		created, err = r.db.CreateInbounds(ctx, ins)
	} else {
		err = r.db.InTx(ctx, func(tx *store.DB) error {
			created, err = tx.CreateInbounds(ctx, ins)
			return err
		})
	}
	if err != nil {
		return nil, fmt.Errorf("inbound: keep message: %w", err)
	}
	for i, in := range ins {
		if created[i] {
			r.jobs.add(queued{id: in.ID, rcpt: in.Rcpt})
		}
	}
	return created, nil
}
