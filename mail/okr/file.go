package okr

import (
	"bytes"
	"context"
	"fmt"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// FileCheckIn files a member's reply to a key-result prompt (t is the
// prompt the reply token named; the caller has checked that the sender is
// its member, and DMARC when required). Each understood line adds a value
// to its key result's history, with the status computed at the time the
// reply was written unless the member set one; lines naming an unknown key
// result or without a readable value change nothing. The member gets one
// answer in the thread listing what was recorded, what was not and why,
// and the lines kept as a comment. Filing the same message twice files
// nothing the second time. It runs inside the caller's transaction tx.
func (s *Service) FileCheckIn(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, t *store.ReplyTarget) (status, reason string, err error) {
	if filed, err := tx.KRValuesFromInbound(ctx, in.ID); err != nil {
		return "", "", fmt.Errorf("okr: file: %w", err)
	} else if filed {
		return store.InboundIgnored, "okr: already filed", nil
	}
	at := msg.Date
	if at.IsZero() || at.After(in.ReceivedAt) || at.Before(t.Prompt.DueAt.Add(-time.Hour)) {
		at = in.ReceivedAt
	}
	teamLoc := s.location(t.Team.Timezone)
	q := store.QuarterOf(t.Prompt.DueAt, teamLoc)
	krs, err := tx.KeyResultsOwnedBy(ctx, t.Team.ID, t.Member.ID, q)
	if err != nil {
		return "", "", fmt.Errorf("okr: file: %w", err)
	}
	if strings.HasSuffix(t.Prompt.Period, store.RetroPeriodSuffix) && len(krs) > 0 {
		return s.fileRetro(ctx, tx, in, msg, t, q, krs, at)
	}
	refs := make([]reply.KRRef, len(krs))
	ids := make([]int64, len(krs))
	byKey := map[string]*store.KeyResult{}
	for i := range krs {
		kr := &krs[i]
		refs[i] = reply.KRRef{Key: kr.Key, Title: kr.Title, Unit: kr.Unit, Currency: kr.Currency, Start: kr.Start, Target: kr.Target}
		ids[i] = kr.ID
		byKey[kr.Key] = kr
	}
	reading := reply.ParseOKR(msg.Text, refs, reply.OKROptions{Locale: ContentLanguage(in.Raw)})
	last, err := tx.LatestKRValues(ctx, ids, at.Add(time.Nanosecond))
	if err != nil {
		return "", "", fmt.Errorf("okr: file: %w", err)
	}
	note := reading.Comment()
	var values []store.KRValue
	var recorded []recordedLine
	for _, r := range reading.Reports {
		kr := byKey[r.Key]
		prev, had := last[kr.ID]
		v := store.KRValue{KeyResultID: kr.ID, MemberID: &t.Member.ID, Confidence: r.Confidence,
			Override: r.Status, Comment: r.Comment, Note: note, InboundID: in.ID, At: at.UTC()}
		switch {
		case r.Value != nil:
			v.Value = *r.Value
		case r.Done:
			v.Value = kr.Target
		case had:
			v.Value = prev.Value // no change, or a status alone
		default:
			v.Value = kr.Start
		}
		if v.Confidence == nil && had && (r.NoChange || r.Value == nil && !r.Done) {
			v.Confidence = prev.Confidence
		}
		v.Status = v.Override
		if v.Status == "" {
			v.Status = store.KRStatusAt(kr, v.Value, v.Confidence, q, at, teamLoc)
		}
		values = append(values, v)
		line := recordedLine{Key: kr.Key, Title: kr.Title, Value: kr.Format(v.Value), Status: store.StatusLabel(v.Status),
			Comment: v.Comment, Confidence: v.Confidence}
		if had {
			line.Was = kr.Format(prev.Value)
		}
		if r.NoChange {
			line.Value = "no change, " + line.Value
		}
		if v.Override != "" {
			line.Status += " (your call)"
		}
		recorded = append(recorded, line)
	}
	if err := tx.AddKRValues(ctx, values); err != nil {
		return "", "", fmt.Errorf("okr: file: %w", err)
	}
	if len(values) > 0 {
		if err := tx.MarkPromptAnswered(ctx, t.Prompt.ID, at); err != nil {
			return "", "", fmt.Errorf("okr: file: %w", err)
		}
	}
	rv := receiptView{Subject: replySubject(msg.Subject), FirstName: firstName(&t.Member), Team: teamPhrase(t.Team.Name),
		Quarter: q.String(), Recorded: recorded, Unrecognised: reading.Unrecognised, UnsubscribeURL: s.unsubscribeURL(t.Member.ID)}
	for _, p := range reading.Problems {
		rv.Problems = append(rv.Problems, problemLine{Line: p.Line, Problem: p.Problem})
	}
	if len(krs) == 0 {
		rv.Problems = append(rv.Problems, problemLine{Line: firstLine(msg.Text),
			Problem: "you own no key results in " + q.String() + ", so there was nothing to record"})
	}
	if err := s.receipt(ctx, tx, in, msg, t, rv); err != nil {
		return "", "", err
	}
	reason = fmt.Sprintf("okr: %d value(s) recorded, %d line(s) refused, %d kept as comment",
		len(values), len(rv.Problems), len(reading.Unrecognised))
	if len(values) == 0 {
		return store.InboundIgnored, reason + "; answered in the thread", nil
	}
	return store.InboundApplied, reason, nil
}

// receipt queues the answer in the reply's thread; it goes back to the
// prompt's reply address, so a correction is filed the same way.
func (s *Service) receipt(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, t *store.ReplyTarget, v receiptView) error {
	r, err := s.opts.Templates.Render("okr_receipt", v)
	if err != nil {
		return fmt.Errorf("okr: render okr_receipt: %w", err)
	}
	promptID, key := s.threadIDs(t.Prompt.ID)
	refs := []string{promptID, key}
	m := outbound.Message{To: []outbound.Address{{Name: t.Member.Name, Addr: t.Member.Email}},
		ReplyTo: s.opts.Addresses.Reply(t.Prompt.ID), Subject: r.Subject,
		Text: strings.TrimRight(r.Text, " \n") + "\n", HTML: strings.TrimRight(r.HTML, " \n") + "\n",
		InReplyTo: promptID, Headers: listHeaders(v.UnsubscribeURL, "")}
	if id := strings.Trim(msg.MessageID, "<> "); id != "" {
		m.InReplyTo = id
		refs = append(refs, id)
	}
	m.References = refs
	out := &store.OutboundMessage{DedupKey: KindReceipt + ":" + strconv.FormatInt(in.ID, 10), Kind: KindReceipt,
		PromptID: &t.Prompt.ID, MemberID: &t.Member.ID, TeamID: &t.Team.ID, Recipient: t.Member.Email, Subject: r.Subject}
	if out.Raw, out.MessageID, err = s.opts.Composer.Compose(m); err != nil {
		return fmt.Errorf("okr: compose receipt: %w", err)
	}
	if _, err := tx.QueueOutbound(ctx, out); err != nil {
		return fmt.Errorf("okr: queue receipt: %w", err)
	}
	return nil
}

func replySubject(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 3 && strings.EqualFold(s[:3], "re:") {
		return s
	}
	return "Re: " + s
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}

// ContentLanguage is the first language tag of the message's
// Content-Language header (Outlook and Apple Mail set it from the
// writer's settings), "" when absent: it decides whether "1.240" is 1240.
func ContentLanguage(raw []byte) string {
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	tag, _, _ := strings.Cut(m.Header.Get("Content-Language"), ",")
	return strings.TrimSpace(tag)
}
