package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/mail/meeting"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/store"
)

// newMeetingsCmd is `tidings meetings list|show`.
func newMeetingsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "meetings", Short: "Show meeting notes and their action items"}
	cmd.AddCommand(newMeetingsListCmd(a), newMeetingsShowCmd(a))
	return cmd
}

func newMeetingsListCmd(a *app) *cobra.Command {
	var team string
	cmd := &cobra.Command{
		Use:   "list [--team T]",
		Short: "List meeting notes, newest meeting first",
		Args:  cobra.NoArgs,
		RunE: a.withStore(func(cmd *cobra.Command, _ []string, db *store.DB) error {
			ctx := cmd.Context()
			teamID, err := teamFilter(ctx, db, team)
			if err != nil {
				return err
			}
			notes, err := db.FindMeetingNotes(ctx, store.MeetingNoteFilter{TeamID: teamID})
			if err != nil {
				return &exitError{code: exTempFail, msg: err.Error()}
			}
			writeMeetingList(cmd.OutOrStdout(), notes)
			return nil
		}),
	}
	cmd.Flags().StringVar(&team, "team", "", "only this team (slug)")
	return cmd
}

func writeMeetingList(w io.Writer, notes []store.MeetingNoteSummary) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTEAM\tDATE\tTITLE\tFORWARDED BY\tDECISIONS\tOPEN/DONE")
	for _, n := range notes {
		team := n.TeamSlug
		if team == "" {
			team = "(" + n.Status + ")"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%d/%d\n", n.ID, team, n.MeetingDate.Format("2006-01-02"),
			n.Title, n.ForwardedBy, len(n.Decisions), n.Open, n.Done)
	}
	tw.Flush()
}

func newMeetingsShowCmd(a *app) *cobra.Command {
	var id int64
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show one meeting note with its decisions and action items",
		Args:  cobra.ExactArgs(1),
		PreRunE: func(_ *cobra.Command, args []string) (err error) {
			if id, err = strconv.ParseInt(args[0], 10, 64); err != nil {
				return &exitError{code: exUsage, msg: "ID must be a number"}
			}
			return nil
		},
		RunE: a.withStore(func(cmd *cobra.Command, _ []string, db *store.DB) error {
			err := showMeeting(cmd.Context(), cmd.OutOrStdout(), db, id)
			if errors.Is(err, store.ErrNotFound) {
				return &exitError{code: exNoUser, msg: fmt.Sprintf("no meeting note %d", id)}
			} else if err != nil {
				return &exitError{code: exTempFail, msg: err.Error()}
			}
			return nil
		}),
	}
}

func showMeeting(ctx context.Context, w io.Writer, db *store.DB, id int64) error {
	n, err := db.MeetingNoteByID(ctx, id)
	if err != nil {
		return err
	}
	items, err := db.FindActionItems(ctx, store.ActionItemFilter{NoteID: id})
	if err != nil {
		return err
	}
	team := "(none: " + n.Status + ")"
	if n.TeamID != nil {
		t, err := db.TeamByID(ctx, *n.TeamID)
		if err != nil {
			return err
		}
		team = t.Slug
	}
	fmt.Fprintf(w, "%s\nTeam: %s · %s · status %s\n", n.Title, team, n.MeetingDate.Format("Mon 2 Jan 2006 15:04 MST"), n.Status)
	fmt.Fprintf(w, "From: %s <%s> · subject %q\nForwarded by: %s\n", n.OriginalFromName, n.OriginalFrom, n.OriginalSubject, n.ForwardedBy)
	fmt.Fprintf(w, "\nDecisions (%d)\n", len(n.Decisions))
	for _, d := range n.Decisions {
		fmt.Fprintf(w, "  • %s\n", d)
	}
	fmt.Fprintf(w, "\nAction items (%d)\n", len(items))
	for _, it := range items {
		fmt.Fprintf(w, "  %s\n", itemLine(ctx, db, it))
	}
	return nil
}

func itemLine(ctx context.Context, db *store.DB, it store.ActionItem) string {
	box, parts := "☐", []string{}
	if it.Status == store.ActionDone {
		box = "☑"
	}
	owner := it.OwnerText
	if it.OwnerMemberID != nil {
		if m, err := db.MemberByID(ctx, *it.OwnerMemberID); err == nil {
			owner = m.Name + " <" + m.Email + ">"
		}
	}
	if owner != "" {
		parts = append(parts, owner)
	}
	parts = append(parts, it.Text)
	if it.Due != nil {
		parts = append(parts, "due "+it.Due.Format("Mon 2 Jan"))
	}
	if it.DoneAt != nil {
		parts = append(parts, "done "+it.DoneAt.Format("2006-01-02"))
	}
	return fmt.Sprintf("%s #%d %s", box, it.ID, strings.Join(parts, " — "))
}

// meetingMailer queues the meeting filer's messages through the outbound
// composer (headers, DKIM) and store.QueueOutbound; serve.go passes it as
// meeting.Options.Mailer.
type meetingMailer struct {
	composer *outbound.Composer
}

// Queue implements meeting.Mailer.
func (m meetingMailer) Queue(ctx context.Context, tx *store.DB, o meeting.Outgoing) error {
	raw, id, err := m.composer.Compose(outbound.Message{To: []outbound.Address{{Addr: o.To}}, ReplyTo: o.ReplyTo,
		Subject: o.Subject, Text: o.Text, HTML: o.HTML, MessageID: o.MessageID, InReplyTo: o.InReplyTo,
		References: o.References, Headers: []outbound.Header{{Key: "Auto-Submitted", Value: "auto-replied"}}})
	if err != nil {
		return err
	}
	_, err = tx.QueueOutbound(ctx, &store.OutboundMessage{DedupKey: o.DedupKey, Kind: o.Kind, MemberID: o.MemberID,
		TeamID: o.TeamID, Recipient: o.To, MessageID: id, Subject: o.Subject, Raw: raw})
	return err
}
