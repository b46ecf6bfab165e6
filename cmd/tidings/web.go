package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
	"github.com/tidings-app/tidings/web"
)

// archive builds the web archive (package web) on the deps: its sign-in
// emails go through the outbound queue like every other message.
func (d *deps) archive() (*web.Server, error) {
	if d.web != nil {
		return d.web, nil
	}
	proxies, err := d.cfg.Server.trustedProxies()
	if err != nil {
		return nil, &exitError{code: exConfig, msg: err.Error()}
	}
	srv, err := web.New(web.Options{DB: d.db, PublicURL: d.cfg.BaseURL(), Secret: d.secret, Logger: d.log, Now: d.now,
		TrustedProxies: proxies,
		Mailer:         &signInMailer{db: d.db, composer: d.composer, templates: d.templates, site: d.cfg.BaseURL()}})
	if err != nil {
		return nil, &exitError{code: exConfig, msg: err.Error()}
	}
	d.web = srv
	return srv, nil
}

// mountWeb serves the archive on every path the other handlers leave.
func (s *services) mountWeb(mux *http.ServeMux) error {
	srv, err := s.deps.archive()
	if err != nil {
		return err
	}
	mux.Handle("/", srv)
	return nil
}

// signInMailer is web.Mailer over the outbound queue, with the signin
// templates.
type signInMailer struct {
	db        *store.DB
	composer  *outbound.Composer
	templates *templates.Set
	site      string
}

// SendSignIn renders the sign-in email and queues it; its delivery job
// sends it like any other message.
func (m *signInMailer) SendSignIn(ctx context.Context, to web.Recipient, link string, valid time.Duration) error {
	first, _, _ := strings.Cut(strings.TrimSpace(to.Name), " ")
	if first == "" {
		first = "there"
	}
	r, err := m.templates.Render("signin", struct {
		FirstName, Link, Site string
		Minutes               int
	}{first, link, m.site, int(valid.Minutes())})
	if err != nil {
		return fmt.Errorf("sign-in email: %w", err)
	}
	raw, id, err := m.composer.Compose(outbound.Message{To: []outbound.Address{{Name: to.Name, Addr: to.Email}},
		Subject: r.Subject, Text: r.Text, HTML: r.HTML,
		Headers: []outbound.Header{{Key: "Auto-Submitted", Value: "auto-generated"}, {Key: "X-Auto-Response-Suppress", Value: "All"}}})
	if err != nil {
		return fmt.Errorf("sign-in email: %w", err)
	}
	memberID := to.MemberID
	// Each link is its own message: the Message-ID is new every time.
	_, err = m.db.QueueOutbound(ctx, &store.OutboundMessage{DedupKey: "signin:" + id, Kind: "signin",
		MemberID: &memberID, Recipient: to.Email, MessageID: id, Subject: r.Subject, Raw: raw})
	return err
}

// digestPageLink is the digest's link to its archive page, signed for its
// reader (web.Links).
func (d *deps) digestPageLink(team, period string, memberID int64) string {
	return d.links.DigestPage(team, period, memberID, d.now())
}

// promptPageLink is a prompt's link to the page of the update answering
// it, signed for its recipient.
func (d *deps) promptPageLink(team string, promptID, memberID int64) string {
	return d.links.PromptPage(team, promptID, memberID, d.now())
}
