package okr

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/outbound"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// purposeOKRs signs the Message-IDs of confirmations (the pending list's
// ID), so a reply proves it answers mail sent to that address.
const purposeOKRs mail.Purpose = "okrs"

// KindConfirm is the outbound kind of the confirmation of OKRs by email.
const KindConfirm = "okr_confirm"

var confirmRE = regexp.MustCompile(`(?i)^\s*(confirm(ed)?|yes|ok(ay)?|looks good|correct|go ahead|ja|oui|sí|si|bestätigt|confirmo)\b`)

// FileOKRMail handles mail to okrs+TEAM@: a team lead's list of OKRs is
// read (reply.ParseOKRList) and kept as pending, and the lead is asked in
// the same thread to confirm what was understood; nothing is created
// before a reply to that confirmation — a round-trip to the From address,
// so a forged sender creates nothing — says "confirm". A reply with a new
// list corrects it and is confirmed again. A quarter that the
// configuration file declares is not replaced by mail: the configuration
// stays the source of truth. Mail from anyone but a lead of the team is
// quarantined without an answer. It runs inside the caller's transaction.
func (s *Service) FileOKRMail(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, slug string, dmarcPass bool) (string, string, error) {
	team, err := tx.FindTeam(ctx, strings.ToLower(slug))
	if errors.Is(err, store.ErrNotFound) {
		return store.InboundIgnored, "okrs: no team " + slug, nil
	} else if err != nil {
		return "", "", fmt.Errorf("okr: mail: %w", err)
	}
	lead, err := s.leadOf(ctx, tx, team.ID, msg.From)
	if err != nil {
		return "", "", err
	}
	if lead == nil {
		return store.InboundQuarantined, fmt.Sprintf("okrs: %s is not a lead of %s (dmarc pass: %t)", msg.From, team.Slug, dmarcPass), nil
	}
	if id, ok := s.threadPending(msg); ok {
		return s.followUp(ctx, tx, in, msg, team, lead, id)
	}
	list := reply.ParseOKRList(msg.Text, "")
	if len(list.Objectives) == 0 {
		v := confirmView{Subject: replySubject(msg.Subject), FirstName: firstName(lead), Team: teamPhrase(team.Name),
			Address: s.opts.Addresses.OKRs(team.Slug), Problems: problems(list.Problems), Empty: true}
		if err := s.sendConfirm(ctx, tx, in, msg, lead, team, 0, v); err != nil {
			return "", "", err
		}
		return store.InboundIgnored, "okrs: no objectives found; answered with how to write them", nil
	}
	p := &store.PendingOKRs{TeamID: team.ID, SenderID: lead.ID, InboundID: in.ID, Status: store.PendingOKRsWaiting}
	notes, err := s.fill(ctx, tx, p, list, team, lead, in)
	if err != nil {
		return "", "", err
	}
	if err := tx.SavePendingOKRs(ctx, p); err != nil {
		return "", "", fmt.Errorf("okr: mail: %w", err)
	}
	if err := s.confirm(ctx, tx, in, msg, team, lead, p, append(problems(list.Problems), notes...), false); err != nil {
		return "", "", err
	}
	return store.InboundApplied, fmt.Sprintf("okrs: list %d for %s %s pending confirmation (dmarc pass: %t)", p.ID, team.Slug, p.Quarter, dmarcPass), nil
}

// leadOf returns the lead of team whose address (or alias) is from, or nil.
func (s *Service) leadOf(ctx context.Context, tx *store.DB, teamID int64, from string) (*store.Member, error) {
	m, err := tx.MemberByAddress(ctx, from)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("okr: mail: %w", err)
	}
	ms, err := tx.FindTeamMembers(ctx, teamID)
	if err != nil {
		return nil, fmt.Errorf("okr: mail: %w", err)
	}
	for _, tm := range ms {
		if tm.ID == m.ID && tm.Role == store.RoleLead {
			return m, nil
		}
	}
	return nil, nil
}

// fill sets p's quarter and objectives from list: owners must be members
// of the team (others become the lead, with a note).
func (s *Service) fill(ctx context.Context, tx *store.DB, p *store.PendingOKRs, list reply.OKRList, team *store.Team, lead *store.Member, in *store.InboundMessage) ([]problemLine, error) {
	q := store.QuarterOf(in.ReceivedAt, s.location(team.Timezone))
	if pq, err := store.ParseQuarter(p.Quarter); err == nil {
		q = pq // a correction keeps the quarter unless it names one
	}
	if list.Quarter != "" {
		if pq, err := store.ParseQuarter(list.Quarter); err == nil {
			q = pq
		}
	}
	p.Quarter = q.String()
	ms, err := tx.FindTeamMembers(ctx, team.ID)
	if err != nil {
		return nil, fmt.Errorf("okr: mail: %w", err)
	}
	known := map[string]bool{}
	for _, m := range ms {
		known[strings.ToLower(m.Email)] = true
	}
	var notes []problemLine
	owner := func(addr, fallback string) string {
		if addr == "" {
			return fallback
		}
		if !known[addr] {
			notes = append(notes, problemLine{Line: addr, Problem: "is not a member of the team; " + fallback + " owns it instead"})
			return fallback
		}
		return addr
	}
	p.Specs = nil
	for _, o := range list.Objectives {
		os := store.ObjectiveSpec{Title: o.Title, Owner: owner(o.Owner, lead.Email)}
		for _, k := range o.KeyResults {
			dir := store.DirectionUp
			if k.Target < k.Start {
				dir = store.DirectionDown
			}
			os.KeyResults = append(os.KeyResults, store.KeyResultSpec{Key: k.Key, Title: k.Title, Owner: owner(k.Owner, os.Owner),
				Start: k.Start, Target: k.Target, Unit: k.Unit, Currency: k.Currency, Direction: dir})
		}
		if len(os.KeyResults) == 0 {
			notes = append(notes, problemLine{Line: o.Title, Problem: "has no key results and was left out"})
			continue
		}
		p.Specs = append(p.Specs, os)
	}
	return notes, nil
}

// followUp handles a reply in a confirmation's thread: a new list
// corrects the pending one; "confirm" creates it.
func (s *Service) followUp(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, team *store.Team, lead *store.Member, id int64) (string, string, error) {
	p, err := tx.PendingOKRsByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.InboundIgnored, fmt.Sprintf("okrs: pending list %d no longer exists", id), nil
	} else if err != nil {
		return "", "", fmt.Errorf("okr: mail: %w", err)
	}
	if p.TeamID != team.ID || p.SenderID != lead.ID {
		return store.InboundQuarantined, fmt.Sprintf("okrs: reply about list %d from someone other than its sender", id), nil
	}
	if p.Status == store.PendingOKRsConfirmed {
		return store.InboundIgnored, fmt.Sprintf("okrs: list %d was already confirmed", id), nil
	}
	if list := reply.ParseOKRList(msg.Text, ""); len(list.Objectives) > 0 {
		notes, err := s.fill(ctx, tx, p, list, team, lead, in)
		if err != nil {
			return "", "", err
		}
		if err := tx.SavePendingOKRs(ctx, p); err != nil {
			return "", "", fmt.Errorf("okr: mail: %w", err)
		}
		if err := s.confirm(ctx, tx, in, msg, team, lead, p, append(problems(list.Problems), notes...), false); err != nil {
			return "", "", err
		}
		return store.InboundApplied, fmt.Sprintf("okrs: list %d corrected, confirmation asked again", id), nil
	}
	if !confirmRE.MatchString(msg.Text) {
		if err := s.confirm(ctx, tx, in, msg, team, lead, p, []problemLine{{Line: firstLine(msg.Text),
			Problem: "was neither \"confirm\" nor a corrected list"}}, false); err != nil {
			return "", "", err
		}
		return store.InboundIgnored, fmt.Sprintf("okrs: reply about list %d neither confirmed nor corrected it", id), nil
	}
	objs, err := tx.OKRSources(ctx, team.ID, p.Quarter)
	if err != nil {
		return "", "", fmt.Errorf("okr: mail: %w", err)
	}
	if objs["config"] {
		err := s.confirm(ctx, tx, in, msg, team, lead, p, []problemLine{{Line: p.Quarter,
			Problem: "is declared in the configuration file, which stays the source of truth: change it there and run tidings apply"}}, false)
		if err != nil {
			return "", "", err
		}
		return store.InboundIgnored, fmt.Sprintf("okrs: list %d not created: %s is in the configuration", id, p.Quarter), nil
	}
	if _, err := tx.ReplaceOKRQuarter(ctx, team.ID, store.OKRQuarterSpec{Quarter: p.Quarter, Objectives: p.Specs}, "email"); err != nil {
		return "", "", fmt.Errorf("okr: mail: %w", err)
	}
	p.Status = store.PendingOKRsConfirmed
	if err := tx.SavePendingOKRs(ctx, p); err != nil {
		return "", "", fmt.Errorf("okr: mail: %w", err)
	}
	if err := s.confirm(ctx, tx, in, msg, team, lead, p, nil, true); err != nil {
		return "", "", err
	}
	return store.InboundApplied, fmt.Sprintf("okrs: list %d confirmed: %s %s created", id, team.Slug, p.Quarter), nil
}

// threadPending returns the pending list whose confirmation msg replies to.
func (s *Service) threadPending(msg *reply.Message) (int64, bool) {
	local, domain, ok := strings.Cut(strings.Trim(msg.InReplyTo, "<> "), "@")
	if !ok || !strings.EqualFold(domain, s.opts.Addresses.Domain) || !strings.HasPrefix(local, "okrs.") {
		return 0, false
	}
	id, err := s.opts.Addresses.Signer.Verify(purposeOKRs, local[strings.LastIndexByte(local, '.')+1:])
	return id, err == nil
}

// confirmView is the data of okr_confirm.
type confirmView struct {
	Subject, FirstName, Team, Slug, Quarter, Address string
	Objectives                                       []store.ObjectiveSpec
	Problems                                         []problemLine
	Created, Empty                                   bool
}

func (s *Service) confirm(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, team *store.Team, lead *store.Member, p *store.PendingOKRs, notes []problemLine, created bool) error {
	v := confirmView{Subject: replySubject(msg.Subject), FirstName: firstName(lead), Team: teamPhrase(team.Name), Slug: team.Slug,
		Quarter: p.Quarter, Address: s.opts.Addresses.OKRs(team.Slug), Objectives: p.Specs, Problems: notes, Created: created}
	return s.sendConfirm(ctx, tx, in, msg, lead, team, p.ID, v)
}

// sendConfirm queues okr_confirm in the sender's thread; its Message-ID
// carries the signed pending ID (0: none) that a reply must answer.
func (s *Service) sendConfirm(ctx context.Context, tx *store.DB, in *store.InboundMessage, msg *reply.Message, lead *store.Member, team *store.Team, pendingID int64, v confirmView) error {
	r, err := s.opts.Templates.Render(KindConfirm, v)
	if err != nil {
		return fmt.Errorf("okr: render okr_confirm: %w", err)
	}
	m := outbound.Message{To: []outbound.Address{{Name: lead.Name, Addr: lead.Email}}, ReplyTo: v.Address,
		Subject: r.Subject, Text: strings.TrimRight(r.Text, " \n") + "\n", HTML: strings.TrimRight(r.HTML, " \n") + "\n",
		MessageID: fmt.Sprintf("okrs.%d.%s@%s", in.ID, s.opts.Addresses.Signer.Token(purposeOKRs, pendingID), s.opts.Addresses.Domain),
		Headers:   []outbound.Header{{Key: "Auto-Submitted", Value: "auto-replied"}, {Key: "X-Auto-Response-Suppress", Value: "All"}}}
	if id := strings.Trim(msg.MessageID, "<> "); id != "" {
		m.InReplyTo, m.References = id, []string{id}
	}
	out := &store.OutboundMessage{DedupKey: KindConfirm + ":" + strconv.FormatInt(in.ID, 10), Kind: KindConfirm,
		MemberID: &lead.ID, TeamID: &team.ID, Recipient: lead.Email, Subject: r.Subject}
	if out.Raw, out.MessageID, err = s.opts.Composer.Compose(m); err != nil {
		return fmt.Errorf("okr: compose confirmation: %w", err)
	}
	if _, err := tx.QueueOutbound(ctx, out); err != nil {
		return fmt.Errorf("okr: queue confirmation: %w", err)
	}
	return nil
}

func problems(ps []reply.OKRProblem) []problemLine {
	var out []problemLine
	for _, p := range ps {
		out = append(out, problemLine{Line: p.Line, Problem: p.Problem})
	}
	return out
}
