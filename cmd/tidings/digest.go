package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
)

// newDigestCmd is "tidings digest preview|send".
func newDigestCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "digest", Short: "Preview or send a team's digest"}
	var team, period, format string
	var force bool
	preview := &cobra.Command{
		Use:   "preview --team T [--period 2026-W48|2026-11-24] [--format text|html]",
		Short: "Print a team's digest without sending it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.digestPreview(cmd.Context(), team, period, format)
		},
	}
	send := &cobra.Command{
		Use:   "send --team T [--period P] [--force]",
		Short: "Queue a team's digest now (once per period; --force sends again)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.digestSend(cmd.Context(), team, period, force)
		},
	}
	for _, c := range []*cobra.Command{preview, send} {
		c.Flags().StringVar(&team, "team", "", "team slug (required)")
		c.Flags().StringVar(&period, "period", "", "ISO week (2026-W48) or date (2026-11-24); default: the period in progress")
		_ = c.MarkFlagRequired("team")
	}
	preview.Flags().StringVar(&format, "format", "text", "text or html")
	send.Flags().BoolVar(&force, "force", false, "send again a digest already sent for the period")
	cmd.AddCommand(preview, send)
	return cmd
}

func (a *app) digestPreview(ctx context.Context, slug, period, format string) error {
	if format != "text" && format != "html" {
		return &exitError{code: exUsage, msg: "--format must be text or html"}
	}
	deps, err := a.openDeps(ctx, time.Now)
	if err != nil {
		return err
	}
	defer deps.db.Close()
	db := deps.db
	svc, err := deps.digestService()
	if err != nil {
		return err
	}
	team, err := db.FindTeam(ctx, slug)
	if err != nil {
		return &exitError{code: exUsage, msg: fmt.Sprintf("team %q: %v", slug, err)}
	}
	p, err := svc.Period(team, period)
	if err != nil {
		return &exitError{code: exUsage, msg: err.Error()}
	}
	d, err := svc.Load(ctx, team.ID, p)
	if err != nil {
		return err
	}
	r, err := svc.Render(d, digest.Person{})
	if err != nil {
		return err
	}
	if format == "html" {
		_, err = fmt.Fprint(a.stdout, r.HTML)
		return err
	}
	_, err = fmt.Fprintf(a.stdout, "Subject: %s\n\n%s", r.Subject, r.Text)
	return err
}

func (a *app) digestSend(ctx context.Context, slug, period string, force bool) error {
	d, err := a.openDeps(ctx, time.Now)
	if err != nil {
		return err
	}
	defer d.db.Close()
	db := d.db
	svc, err := d.digestService()
	if err != nil {
		return err
	}
	team, err := db.FindTeam(ctx, slug)
	if err != nil {
		return &exitError{code: exUsage, msg: fmt.Sprintf("team %q: %v", slug, err)}
	}
	res, err := svc.Send(ctx, team.ID, period, digest.SendOptions{Force: force})
	switch {
	case errors.Is(err, digest.ErrAlreadySent):
		// Not a failure: a cron job or a second operator asked for a
		// digest that went out; exit 0 so nothing retries it.
		fmt.Fprintf(a.stdout, "%s %s: already sent, 0 queued (--force sends it again)\n", slug, res.Period.Key)
		return nil
	case errors.Is(err, digest.ErrBadPeriod), errors.Is(err, digest.ErrNoSchedule):
		return &exitError{code: exUsage, msg: err.Error()}
	case err != nil:
		return &exitError{code: exTempFail, msg: err.Error()}
	}
	fmt.Fprintf(a.stdout, "%s %s: %d queued, %d already queued\n", slug, res.Period.Key, res.Queued, res.Before)
	return nil
}

// outboundSender adapts the outbound queue to digest.Sender: it composes
// the MIME message and stores it with its delivery job.
type outboundSender struct {
	db       *store.DB
	composer *outbound.Composer
}

// Send implements digest.Sender.
func (s *outboundSender) Send(ctx context.Context, m digest.Message) (bool, error) {
	msg := outbound.Message{
		To:      []outbound.Address{{Name: m.ToName, Addr: m.To}},
		Subject: m.Subject, Text: m.Text, HTML: m.HTML,
		MessageID: m.MessageID[1 : len(m.MessageID)-1],
	}
	if len(m.ReplyTo) > 0 {
		msg.ReplyTo = m.ReplyTo[0].Email // Composer takes one address
	}
	for _, h := range m.Headers {
		msg.Headers = append(msg.Headers, outbound.Header{Key: h.Name, Value: h.Value})
	}
	raw, id, err := s.composer.Compose(msg)
	if err != nil {
		return false, err
	}
	teamID, memberID := m.TeamID, m.MemberID
	return s.db.QueueOutbound(ctx, &store.OutboundMessage{DedupKey: m.DedupKey, Kind: "digest",
		MemberID: &memberID, TeamID: &teamID, Recipient: m.To, MessageID: id, Subject: m.Subject, Raw: raw})
}
