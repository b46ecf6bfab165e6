package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/mail/oneonone"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// oneOnOnes builds the one-on-one service, which queues through the
// outbound composer.
func (d *deps) oneOnOnes() (*oneonone.Service, error) {
	s, err := oneonone.New(d.db, oneonone.Options{Addresses: d.addrs, Templates: d.templates,
		Mailer: oneOnOneMailer{composer: d.composer}, Logger: d.log, Now: d.now})
	if err != nil {
		return nil, &exitError{code: exConfig, msg: err.Error()}
	}
	return s, nil
}

// oneOnOneMailer queues the one-on-one emails through the outbound
// composer (headers, DKIM) and store.QueueOutbound.
type oneOnOneMailer struct {
	composer *outbound.Composer
}

// Queue implements oneonone.Mailer.
func (m oneOnOneMailer) Queue(ctx context.Context, tx *store.DB, o oneonone.Outgoing) error {
	raw, id, err := m.composer.Compose(outbound.Message{To: []outbound.Address{{Addr: o.To}}, ReplyTo: o.ReplyTo,
		Subject: o.Subject, Text: o.Text, HTML: o.HTML, MessageID: o.MessageID, InReplyTo: o.InReplyTo,
		References: o.References, Headers: []outbound.Header{{Key: "Auto-Submitted", Value: "auto-generated"},
			{Key: "X-Auto-Response-Suppress", Value: "All"}}})
	if err != nil {
		return err
	}
	_, err = tx.QueueOutbound(ctx, &store.OutboundMessage{DedupKey: o.DedupKey, Kind: o.Kind, MemberID: o.MemberID,
		TeamID: o.TeamID, Recipient: o.To, MessageID: id, Subject: o.Subject, Raw: raw})
	return err
}

// newOneOnOnesCmd is `tidings one-on-ones list|show|send`.
func newOneOnOnesCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "one-on-ones", Aliases: []string{"1on1"}, Short: "List one-on-ones, show a pair's history, send what is due"}
	cmd.AddCommand(newOneOnOnesListCmd(a), newOneOnOnesShowCmd(a), newOneOnOnesSendCmd(a))
	return cmd
}

func newOneOnOnesListCmd(a *app) *cobra.Command {
	var team string
	cmd := &cobra.Command{
		Use:   "list [--team T]",
		Short: "List the active pairs, their schedule and next meeting (no content)",
		Args:  cobra.NoArgs,
		RunE: a.withStore(func(cmd *cobra.Command, _ []string, db *store.DB) error {
			ps, err := db.FindOneOnOnes(cmd.Context(), team)
			if err != nil {
				return &exitError{code: exTempFail, msg: err.Error()}
			}
			return writeOneOnOneList(cmd.Context(), cmd.OutOrStdout(), db, ps, a.clock()())
		}),
	}
	cmd.Flags().StringVar(&team, "team", "", "only this team (slug)")
	return cmd
}

// writeOneOnOneList prints one line per pair: who, when, the next meeting
// in the lead's zone and how many items are open. It prints nothing the
// pair wrote.
func writeOneOnOneList(ctx context.Context, w io.Writer, db *store.DB, ps []store.OneOnOnePair, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TEAM\tLEAD\tMEMBER\tSCHEDULE\tNEXT (LEAD'S TIME)\tOPEN ITEMS")
	for _, p := range ps {
		next := "-"
		if s, err := store.ParseSchedule(p.Schedule); err == nil {
			home := p.Location(p.LeadID)
			if t := s.Next(now, home); !t.IsZero() {
				next = t.In(home).Format("Mon 2 Jan 15:04 MST")
			}
		}
		open, err := db.FindOneOnOneItems(ctx, p.ID, true)
		if err != nil {
			return &exitError{code: exTempFail, msg: err.Error()}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\n", p.Team.Slug, p.Lead.Email, p.Member.Email, p.Schedule, next, len(open))
	}
	if len(ps) == 0 {
		fmt.Fprintln(tw, "(no one-on-ones)")
	}
	return tw.Flush()
}

func newOneOnOnesShowCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "show LEAD MEMBER",
		Short: "Show a pair's history: dates, topics, notes, items and mood, as the lead sees it",
		Args:  cobra.ExactArgs(2),
		RunE: a.withStore(func(cmd *cobra.Command, args []string, db *store.DB) error {
			p, err := db.OneOnOneOf(cmd.Context(), args[0], args[1])
			if errors.Is(err, store.ErrNotFound) {
				return &exitError{code: exUsage, msg: fmt.Sprintf("no one-on-one of %s with %s", args[0], args[1])}
			}
			if err != nil {
				return &exitError{code: exTempFail, msg: err.Error()}
			}
			return writeOneOnOneHistory(cmd.Context(), cmd.OutOrStdout(), db, p, p.LeadID)
		}),
	}
}

// writeOneOnOneHistory prints the pair's meetings as viewer (a person of
// the pair) may see them: every row passes store.CanSee.
func writeOneOnOneHistory(ctx context.Context, w io.Writer, db *store.DB, p *store.OneOnOnePair, viewer int64) error {
	ms, err := db.FindOneOnOneMeetings(ctx, p.ID, time.Time{}, time.Time{})
	if err != nil {
		return &exitError{code: exTempFail, msg: err.Error()}
	}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	es, err := db.FindOneOnOneEntries(ctx, ids)
	if err != nil {
		return &exitError{code: exTempFail, msg: err.Error()}
	}
	items, err := db.FindOneOnOneItems(ctx, p.ID, false)
	if err != nil {
		return &exitError{code: exTempFail, msg: err.Error()}
	}
	home := p.Location(p.LeadID)
	fmt.Fprintf(w, "1:1 %s (lead) with %s, team %s, %s (%s time)\n", p.Lead.Name, p.Member.Name, p.Team.Slug, p.Schedule, home)
	for _, m := range ms {
		if !store.CanSee(viewer, m.Audience) {
			continue
		}
		fmt.Fprintf(w, "\n%s  %s", m.At.In(home).Format("Mon 2 Jan 2006 15:04"), m.Status)
		if m.Reason != "" {
			fmt.Fprintf(w, " (%s)", m.Reason)
		}
		fmt.Fprintln(w)
		for _, e := range es {
			if e.MeetingID != m.ID || !store.CanSee(viewer, e.Audience) {
				continue
			}
			who, _ := p.Person(e.PersonID)
			switch {
			case e.Kind == store.EntryPrepare && e.Status == "answered":
				fmt.Fprintf(w, "  %s:\n", who.Name)
				for _, ans := range e.Answers {
					if ans.Key == "mood" {
						continue
					}
					fmt.Fprintf(w, "    %s %s\n", ans.Question, strings.ReplaceAll(ans.Text, "\n", "\n      "))
				}
				if e.Mood > 0 && store.CanSee(viewer, e.MoodAudience) {
					fmt.Fprintf(w, "    mood: %d/5\n", e.Mood)
				} else if e.Mood > 0 {
					fmt.Fprintln(w, "    mood: not shared")
				}
			case e.Kind == store.EntryPrepare:
				fmt.Fprintf(w, "  %s: did not answer\n", who.Name)
			case e.Kind == store.EntryFeedback && e.Status == "answered" && store.CanSee(viewer, e.MoodAudience):
				fmt.Fprintf(w, "  %s: feedback %d/5\n", who.Name, e.Mood)
			}
		}
		if m.Notes != "" {
			fmt.Fprintf(w, "  notes:\n    %s\n", strings.ReplaceAll(m.Notes, "\n", "\n    "))
		}
		for _, d := range m.Decisions {
			fmt.Fprintf(w, "  decision: %s\n", d)
		}
		for _, it := range items {
			if it.MeetingID != m.ID || !store.CanSee(viewer, it.Audience) {
				continue
			}
			owner := it.OwnerText
			if it.OwnerID != nil {
				if o, ok := p.Person(*it.OwnerID); ok {
					owner = o.Name
				}
			}
			state := "open"
			if it.Status == store.ActionDone && it.DoneAt != nil {
				state = "done " + it.DoneAt.In(home).Format("Mon 2 Jan")
			}
			fmt.Fprintf(w, "  item #%d [%s] %s: %s\n", it.ID, state, owner, it.Text)
		}
	}
	return nil
}

func newOneOnOnesSendCmd(a *app) *cobra.Command {
	var at string
	cmd := &cobra.Command{
		Use:   "send [--now T]",
		Short: "Queue and deliver the one-on-one emails due now (or at --now), then exit",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now, err := parseNowFlag(at, "2026-12-06T15:00:00+01:00")
			if err != nil {
				return err
			}
			return a.withDelivery(cmd.Context(), now, func(d *deps, dl *outbound.Deliverer) error {
				s, err := d.oneOnOnes()
				if err != nil {
					return err
				}
				res, err := s.Tick(cmd.Context(), now)
				if err != nil {
					return &exitError{code: exTempFail, msg: err.Error()}
				}
				fr, err := dl.Flush(cmd.Context())
				fmt.Fprintf(a.stdout, "queued %d prompts, %d agendas, %d feedback questions; sent %d, deferred %d, failed %d\n",
					res.Prompts, res.Agendas, res.Feedback, fr.Sent, fr.Deferred, fr.Failed)
				if err != nil {
					return &exitError{code: exTempFail, msg: err.Error()}
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&at, "now", "", "act as if the clock read this RFC 3339 time")
	return cmd
}

// oneOnOneParse is what `tidings parse --checkin one-on-one` prints: the
// message and what it says about the one-on-one.
type oneOnOneParse struct {
	*reply.Message
	OneOnOne reply.OneOnOneReply `json:"one_on_one"`
}

func isOneOnOne(checkin string) bool {
	switch checkin {
	case "one-on-one", "oneonone", "1on1":
		return true
	}
	return false
}

// writeOneOnOneUpdates prints, for `updates list --one-on-ones`, each
// pair's history (of one team when team is set) as its lead sees it.
func writeOneOnOneUpdates(ctx context.Context, w io.Writer, db *store.DB, team string) error {
	ps, err := db.FindOneOnOnes(ctx, team)
	if err != nil {
		return &exitError{code: exTempFail, msg: err.Error()}
	}
	for i := range ps {
		fmt.Fprintln(w)
		if err := writeOneOnOneHistory(ctx, w, db, &ps[i], ps[i].LeadID); err != nil {
			return err
		}
	}
	return nil
}
