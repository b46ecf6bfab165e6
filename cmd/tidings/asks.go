package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/mail/ask"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// newAsksCmd is `tidings asks list|show|close|sweep`.
func newAsksCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "asks", Short: "List, show and close questions, feedback requests and FYIs sent to the team"}
	cmd.AddCommand(newAsksListCmd(a), newAsksShowCmd(a), newAsksCloseCmd(a), newAsksSweepCmd(a))
	return cmd
}

func newAsksListCmd(a *app) *cobra.Command {
	var team string
	cmd := &cobra.Command{
		Use:   "list [--team T]",
		Short: "List asks and FYIs, newest first",
		Args:  cobra.NoArgs,
		RunE: a.withStore(func(cmd *cobra.Command, _ []string, db *store.DB) error {
			ctx := cmd.Context()
			teamID, err := teamFilter(ctx, db, team)
			if err != nil {
				return err
			}
			asks, err := db.FindAsks(ctx, store.AskFilter{TeamID: teamID})
			if err != nil {
				return &exitError{code: exTempFail, msg: err.Error()}
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tKIND\tSTATUS\tFROM\tDEADLINE\tANSWERED\tQUESTION")
			for _, x := range asks {
				rs, err := db.AskRecipients(ctx, x.ID)
				if err != nil {
					return &exitError{code: exTempFail, msg: err.Error()}
				}
				n := 0
				for _, r := range rs {
					if r.Answered {
						n++
					}
				}
				dl, answered := "-", "-"
				if x.Kind != store.AskFYI {
					dl = x.Deadline.UTC().Format("2006-01-02 15:04Z")
					answered = fmt.Sprintf("%d/%d", n, len(rs))
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", x.ID, x.Kind, x.Status, x.AskerEmail, dl, answered, x.Question)
			}
			tw.Flush()
			return nil
		}),
	}
	cmd.Flags().StringVar(&team, "team", "", "only this team (slug)")
	return cmd
}

func newAsksShowCmd(a *app) *cobra.Command {
	var id int64
	return &cobra.Command{
		Use:     "show ID",
		Short:   "Show one ask: question, choices, counts, comments and who has not answered",
		Args:    cobra.ExactArgs(1),
		PreRunE: func(_ *cobra.Command, args []string) (err error) { id, err = askID(args[0]); return err },
		RunE: a.withStore(func(cmd *cobra.Command, _ []string, db *store.DB) error {
			return showAsk(cmd.Context(), cmd.OutOrStdout(), db, id)
		}),
	}
}

// askID reads an ask's ID argument; not a number is EX_USAGE.
func askID(arg string) (int64, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		return 0, &exitError{code: exUsage, msg: fmt.Sprintf("ask ID %q: want a number", arg)}
	}
	return id, nil
}

// showAsk prints an ask. For an anonymous ask it never pairs a member with
// an answer: comments are listed without names.
func showAsk(ctx context.Context, w io.Writer, db *store.DB, id int64) error {
	x, err := db.AskByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return &exitError{code: exNoUser, msg: fmt.Sprintf("no ask %d", id)}
	} else if err != nil {
		return &exitError{code: exTempFail, msg: err.Error()}
	}
	rs, err := db.AskRecipients(ctx, id)
	if err != nil {
		return &exitError{code: exTempFail, msg: err.Error()}
	}
	answers, err := db.AskAnswers(ctx, id)
	if err != nil {
		return &exitError{code: exTempFail, msg: err.Error()}
	}
	team, err := db.TeamByID(ctx, x.TeamID)
	if err != nil {
		return &exitError{code: exTempFail, msg: err.Error()}
	}
	fmt.Fprintf(w, "Ask %d · %s · %s · team %s\n", x.ID, x.Kind, x.Status, team.Slug)
	fmt.Fprintf(w, "From: %s <%s>\nQuestion: %s\n", x.AskerName, x.AskerEmail, x.Question)
	if x.Context != "" {
		fmt.Fprintf(w, "Context:\n  %s\n", strings.ReplaceAll(x.Context, "\n", "\n  "))
	}
	var opts []string
	if x.Multiple {
		opts = append(opts, "multiple")
	}
	if x.Anonymous {
		opts = append(opts, "anonymous")
	}
	if x.Urgent {
		opts = append(opts, "urgent")
	}
	if len(opts) > 0 {
		fmt.Fprintf(w, "Options: %s\n", strings.Join(opts, ", "))
	}
	if x.Kind == store.AskFYI {
		return nil
	}
	fmt.Fprintf(w, "Deadline: %s", x.Deadline.UTC().Format("Mon 2 Jan 2006 15:04 UTC"))
	if x.DeadlineText != "" {
		fmt.Fprintf(w, " (%q)", x.DeadlineText)
	}
	fmt.Fprintln(w)
	if x.ClosedAt != nil {
		fmt.Fprintf(w, "Closed: %s, %s\n", x.ClosedAt.UTC().Format("Mon 2 Jan 2006 15:04 UTC"), x.CloseReason)
	}
	counts := x.Tally(answers)
	for i, c := range x.Choices {
		fmt.Fprintf(w, "  %c) %-30s %d\n", 'A'+rune(min(i, 25)), c, counts[i])
	}
	names := map[int64]string{}
	var missing []string
	answered := 0
	for _, r := range rs {
		m, err := db.MemberByID(ctx, r.MemberID)
		if err != nil {
			return &exitError{code: exTempFail, msg: err.Error()}
		}
		names[m.ID] = m.Name
		if r.Answered {
			answered++
		} else if !x.Anonymous { // names would tell who answered
			missing = append(missing, m.Name)
		}
	}
	fmt.Fprintf(w, "Answered: %d of %d\n", answered, len(rs))
	for _, ans := range answers {
		if ans.Comment == "" {
			continue
		}
		who := "(anonymous)"
		if !x.Anonymous && ans.MemberID != nil {
			who = names[*ans.MemberID]
		}
		fmt.Fprintf(w, "  • %s: %s\n", who, strings.ReplaceAll(ans.Comment, "\n", "\n    "))
	}
	if len(missing) > 0 {
		label := "No answer yet"
		if x.Status == store.AskClosed {
			label = "No answer"
		}
		fmt.Fprintf(w, "%s: %s\n", label, strings.Join(missing, ", "))
	}
	return nil
}

func newAsksCloseCmd(a *app) *cobra.Command {
	var at string
	cmd := &cobra.Command{
		Use:   "close ID",
		Short: "Close an open ask now and send the results to the asker and the team",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := askID(args[0])
			if err != nil {
				return err
			}
			now, err := parseNow(at)
			if err != nil {
				return err
			}
			return a.asksRun(cmd.Context(), now, func(ctx context.Context, s *ask.Service, db *store.DB) (string, error) {
				closed, err := s.CloseNow(ctx, db, id)
				if errors.Is(err, store.ErrNotFound) {
					return "", &exitError{code: exNoUser, msg: fmt.Sprintf("no ask %d", id)}
				}
				if err != nil || !closed {
					if err == nil {
						err = &exitError{code: exUsage, msg: fmt.Sprintf("ask %d is not open", id)}
					}
					return "", err
				}
				return fmt.Sprintf("closed ask %d; results queued", id), nil
			})
		},
	}
	cmd.Flags().StringVar(&at, "now", "", "act as if the clock read this RFC 3339 time")
	return cmd
}

func newAsksSweepCmd(a *app) *cobra.Command {
	var at string
	cmd := &cobra.Command{
		Use:   "sweep [--now T]",
		Short: "Send due reminders and close asks past their deadline, then deliver and exit",
		Long: `Runs what serve runs every minute, once, as if the clock read --now: the
one reminder half-way to each ask's deadline, and the results of every ask
whose deadline has passed. Running it again sends nothing twice.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now, err := parseNow(at)
			if err != nil {
				return err
			}
			return a.asksRun(cmd.Context(), now, func(ctx context.Context, s *ask.Service, db *store.DB) (string, error) {
				sum, err := s.Sweep(ctx, db)
				return fmt.Sprintf("reminded %d asks, closed %d", sum.Reminded, sum.Closed), err
			})
		},
	}
	cmd.Flags().StringVar(&at, "now", "", "act as if the clock read this RFC 3339 time")
	return cmd
}

func parseNow(at string) (time.Time, error) { return parseNowFlag(at, "2026-11-24T09:00:00-03:00") }

// asksRun runs fn with the ask service at now, then delivers what it
// queued (results, reminders) and prints fn's summary.
func (a *app) asksRun(ctx context.Context, now time.Time, fn func(context.Context, *ask.Service, *store.DB) (string, error)) error {
	return a.withDelivery(ctx, now, func(d *deps, del *outbound.Deliverer) error {
		s, err := d.asks()
		if err != nil {
			return err
		}
		msg, err := fn(ctx, s, d.db)
		if err != nil {
			var ee *exitError
			if errors.As(err, &ee) {
				return err
			}
			return &exitError{code: exTempFail, msg: err.Error()}
		}
		res, err := del.Flush(ctx)
		fmt.Fprintf(a.stdout, "%s; sent %d, deferred %d, failed %d\n", msg, res.Sent, res.Deferred, res.Failed)
		if err != nil {
			return &exitError{code: exTempFail, msg: err.Error()}
		}
		return nil
	})
}

// asks returns the ask service, which queues through the composer.
func (d *deps) asks() (*ask.Service, error) {
	if d.askSvc != nil {
		return d.askSvc, nil
	}
	s, err := ask.New(ask.Options{Addresses: d.addrs, Templates: d.templates, Mailer: askMailer{composer: d.composer},
		MaxAttachBytes: d.cfg.Server.Asks.MaxAttachBytes, Logger: d.log, Now: d.now})
	if err != nil {
		return nil, &exitError{code: exConfig, msg: err.Error()}
	}
	d.askSvc = s
	return s, nil
}

// askMailer queues the ask service's messages through the outbound
// composer (headers, DKIM, attachments) and store.QueueOutbound.
type askMailer struct {
	composer *outbound.Composer
}

// Queue implements ask.Mailer.
func (m askMailer) Queue(ctx context.Context, tx *store.DB, o ask.Outgoing) error {
	msg := outbound.Message{To: []outbound.Address{{Addr: o.To}}, ReplyTo: o.ReplyTo,
		Subject: o.Subject, Text: o.Text, HTML: o.HTML, MessageID: o.MessageID, InReplyTo: o.InReplyTo,
		References: o.References, Headers: []outbound.Header{{Key: "Auto-Submitted", Value: "auto-generated"},
			{Key: "X-Auto-Response-Suppress", Value: "All"}}}
	for _, a := range o.Attachments {
		msg.Attachments = append(msg.Attachments, outbound.Attachment{Filename: a.Filename, ContentType: a.ContentType, Data: a.Data})
	}
	raw, id, err := m.composer.Compose(msg)
	if err != nil {
		return err
	}
	_, err = tx.QueueOutbound(ctx, &store.OutboundMessage{DedupKey: o.DedupKey, Kind: o.Kind, MemberID: o.MemberID,
		TeamID: o.TeamID, Recipient: o.To, MessageID: id, Subject: o.Subject, Raw: raw})
	return err
}

// writeAskParse prints what `tidings parse --checkin ask` understands: the
// message, the ask it would make, and (with --choices) the vote it casts.
func writeAskParse(w io.Writer, msg *reply.Message, choices string, multiple bool) error {
	out := struct {
		Message *reply.Message   `json:"message"`
		Ask     reply.AskRequest `json:"ask"`
		Vote    *reply.Vote      `json:"vote,omitempty"`
		Close   bool             `json:"close"`
	}{Message: msg, Ask: reply.ReadAsk(msg.Subject, msg.Text, msg.Date), Close: reply.IsClose(msg.Text)}
	if choices != "" {
		v := reply.ReadVote(msg.Text, strings.Split(choices, ","), multiple)
		out.Vote = &v
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
