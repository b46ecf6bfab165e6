package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"
)

func newServeCmd(a *app) *cobra.Command {
	var noApply bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the service: SMTP receiver, schedulers, job workers and HTTP endpoints",
		Long: `Serve applies the configuration file, then runs until SIGINT or SIGTERM:

  - the SMTP receiver on server.smtp_listen (replies, bounces, meeting notes);
  - the job workers and the prompt and digest schedulers (several instances
    may run against one PostgreSQL database: each job runs once);
  - HTTP on server.http_listen: /healthz, /readyz (database reachable),
    /metrics (Prometheus), the one-click unsubscribe endpoint /u/ and the
    web archive (sign-in by emailed link; docs/archive.md) on every other
    path, at server.public_url.

With no relay configured, outgoing mail is written as .eml files to the
outbox directory. A first signal shuts down gracefully (open SMTP sessions
finish, jobs stop, the database closes last); a second one exits at once.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serve(cmd.Context(), !noApply)
		},
	}
	cmd.Flags().BoolVar(&noApply, "no-apply", false, "do not sync the configuration's teams at start")
	return cmd
}

// server is a running Tidings process; tests start it on 127.0.0.1:0.
type server struct {
	log      *slog.Logger
	svc      *services
	http     *http.Server
	httpLn   net.Listener
	smtpLn   net.Listener
	registry *prometheus.Registry
}

// serve runs the service until ctx ends.
func (a *app) serve(ctx context.Context, apply bool) error {
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	s, err := a.startServer(ctx, cfg, apply)
	if err != nil {
		return err
	}
	return s.run(ctx)
}

// startServer opens the store, applies the config, builds the services and
// binds the listeners; run starts serving.
func (a *app) startServer(ctx context.Context, cfg *Config, apply bool) (*server, error) {
	log := a.logger()
	applyMemoryLimit(log)
	log.Info("starting", "config", a.configPath, "database", cfg.redactedDatabase(), "domain", cfg.Server.Domain,
		"smtp", cfg.Server.SMTPListen, "http", cfg.Server.HTTPListen, "relay", redactURL(cfg.Server.Relay))
	db, err := a.openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &server{log: log, registry: prometheus.NewRegistry()}
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if s.svc, err = newServices(ctx, cfg, db, log, s.registry, a.clock()); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := s.svc.deps.archive(); err != nil {
		s.svc.close()
		return nil, err
	}
	if apply {
		if err := s.svc.apply(ctx, cfg); err != nil {
			s.svc.close()
			return nil, err
		}
	}
	if cfg.Server.Relay == "" {
		log.Info("no relay configured: outgoing mail is written to the outbox directory", "outbox", cfg.Server.Outbox)
	}
	if s.smtpLn, err = net.Listen("tcp", cfg.Server.SMTPListen); err != nil {
		s.svc.close()
		return nil, &exitError{code: exSoftware, msg: fmt.Sprintf("smtp listen: %v", err)}
	}
	if s.httpLn, err = net.Listen("tcp", cfg.Server.HTTPListen); err != nil {
		s.smtpLn.Close()
		s.svc.close()
		return nil, &exitError{code: exSoftware, msg: fmt.Sprintf("http listen: %v", err)}
	}
	s.http = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	return s, nil
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.svc.db.Ping(ctx); err != nil {
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))
	s.svc.mount(mux)
	if err := s.svc.mountWeb(mux); err != nil {
		s.log.Error("web archive not served", "component", "web", "err", err)
	}
	return mux
}

// run serves until ctx ends, then shuts down in order: stop accepting SMTP
// and let open sessions finish, stop the workers, stop HTTP, close the
// database last.
func (s *server) run(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.logged("smtp", s.svc.serveSMTP(s.smtpLn)) })
	g.Go(func() error {
		if err := s.http.Serve(s.httpLn); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http: %w", err)
		}
		return nil
	})
	g.Go(func() error { return s.logged("jobs", s.svc.runWorkers(gctx)) })
	s.log.Info("serving", "smtp", s.smtpLn.Addr().String(), "http", s.httpLn.Addr().String())
	g.Go(func() error {
		<-gctx.Done()
		s.log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s.svc.shutdownSMTP(sctx)
		s.svc.stopWorkers(sctx)
		return s.http.Shutdown(sctx)
	})
	err := g.Wait()
	s.svc.close()
	s.log.Info("stopped")
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// logged logs a component's fatal error once, where it is decided.
func (s *server) logged(component string, err error) error {
	if err != nil {
		s.log.Error("component failed", "component", component, "err", err)
	}
	return err
}
