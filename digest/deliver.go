package digest

import (
	"context"
	"fmt"
	"strings"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
)

// SendOptions tunes Service.Send.
type SendOptions struct {
	// Force sends again a digest already sent for the period, with new
	// Message-IDs and dedup keys.
	Force bool
	// Zone limits the send to recipients in this IANA zone (DigestLocal
	// teams, one job per zone); a period already sent is not an error then,
	// since each zone's copies are deduplicated per recipient.
	Zone string
	// Cadence, when set, sends the digest of the schedule derived from
	// the team's to the members who asked for it (see CadencePeriod).
	Cadence string
}

// Result reports what Send did.
type Result struct {
	Period Period
	Queued int // copies queued by this call
	Before int // copies found already queued (a retried or concurrent send)
}

// Send builds team's digest for the period named by key ("" is the period
// in progress) and queues one copy per recipient. The period is claimed in
// the store first (store.Digest, unique on team and period), and each copy
// carries a per-recipient dedup key, so several instances, retries and
// crashes half-way queue every copy exactly once. A period already sent
// gives ErrAlreadySent unless opts.Force; a missing team gives
// store.ErrNotFound; a bad key ErrBadPeriod or ErrNoSchedule; Sender and
// store failures come back wrapped and leave the period to be retried.
func (s *Service) Send(ctx context.Context, teamID int64, key string, opts SendOptions) (Result, error) {
	team, err := s.db.TeamByID(ctx, teamID)
	if err != nil {
		return Result{}, fmt.Errorf("digest: send: %w", err)
	}
	p, err := s.CadencePeriod(team, key, opts.Cadence)
	if err != nil {
		return Result{}, err
	}
	row, created, err := s.db.ClaimDigest(ctx, teamID, sendKey(p))
	if err != nil {
		return Result{Period: p}, fmt.Errorf("digest: send: %w", err)
	}
	sent := !created && row.Status == store.DigestSent
	if sent && !opts.Force && opts.Zone == "" {
		return Result{Period: p}, fmt.Errorf("%w: team %s, %s", ErrAlreadySent, team.Slug, p.Key)
	}
	d, err := s.Load(ctx, teamID, p)
	if err != nil {
		return Result{Period: p}, err
	}
	resend := ""
	if sent && opts.Force {
		resend = fmt.Sprintf(".r%d", s.opts.Now().Unix())
	}
	res, err := s.deliver(ctx, d, opts.Zone, resend)
	res.Period = p
	if err != nil {
		return res, err
	}
	// The archive keeps the first sending (for a team sending in each
	// reader's zone, the first zone's) and a forced resend replaces it;
	// the other zones' jobs neither render it again nor overwrite it.
	if !sent || opts.Force {
		if err := s.keepCopy(ctx, row.ID, d); err != nil {
			return res, err
		}
	}
	if err := s.db.MarkDigestSent(ctx, row.ID, s.opts.Now()); err != nil {
		return res, fmt.Errorf("digest: send: %w", err)
	}
	s.opts.Logger.InfoContext(ctx, "digest sent", "component", "digest", "team", team.Slug,
		"period", p.Key, "zone", opts.Zone, "cadence", opts.Cadence, "queued", res.Queued, "already", res.Before)
	return res, nil
}

// deliver renders and queues a copy for each recipient (in zone, if set).
func (s *Service) deliver(ctx context.Context, d Digest, zone, resend string) (Result, error) {
	var res Result
	r := newRenderer(s, d)
	for _, to := range d.Recipients {
		if zone != "" && to.Location.String() != zone {
			continue
		}
		out, err := r.render(to)
		if err != nil {
			return res, err
		}
		queued, err := s.out.Send(ctx, s.message(d, to, out, resend))
		if err != nil {
			return res, fmt.Errorf("digest: queue for member %d: %w", to.MemberID, err)
		}
		if queued {
			res.Queued++
		} else {
			res.Before++
		}
	}
	return res, nil
}

// keepCopy stores the digest as sent, rendered in the team's zone without
// any recipient's links, for the web archive (store.DigestCopy).
func (s *Service) keepCopy(ctx context.Context, digestID int64, d Digest) error {
	r, err := RenderFor(s.opts.Templates, d, nil, "")
	if err != nil {
		return err
	}
	err = s.db.SaveDigestCopy(ctx, &store.DigestCopy{DigestID: digestID, TeamID: d.TeamID, PeriodStart: d.Period.Start,
		PeriodEnd: d.Period.End, Subject: r.Subject, Text: r.Text, HTML: r.HTML, SentAt: s.opts.Now()})
	if err != nil {
		return fmt.Errorf("digest: keep a copy: %w", err)
	}
	return nil
}

// marker stands for the recipient's unsubscribe URL in a rendering shared
// by all recipients: the body of a 5,000-member digest is rendered once,
// not once per reader.
const marker = "https://unsubscribe.invalid/tidings-recipient"

// pageMarker stands for the recipient's archive link in the same way.
const pageMarker = "https://page.invalid/tidings-recipient"

type renderer struct {
	s      *Service
	d      Digest
	shared map[string]*templates.Rendered // by the reader's zone
}

func newRenderer(s *Service, d Digest) *renderer {
	return &renderer{s: s, d: d, shared: map[string]*templates.Rendered{}}
}

// render is Service.Render, served from the rendering shared by the
// readers of one zone when the
// recipient's URL needs no escaping in HTML (the substitution is then
// exact); otherwise rendered on its own.
func (r *renderer) render(to Person) (templates.Rendered, error) {
	u := r.s.unsubscribe(r.d.TeamID, to.MemberID)
	page := r.s.pageLink(r.d, to.MemberID)
	if !plainURL(u) || page != "" && !plainURL(page) {
		return r.s.Render(r.d, to)
	}
	pm := ""
	if page != "" {
		pm = pageMarker
	}
	zone := ""
	if to.Location != nil {
		zone = to.Location.String()
	}
	shared, ok := r.shared[zone]
	if !ok {
		out, err := renderFor(r.s.opts.Templates, r.d, to.Location, marker, pm)
		if err != nil {
			return templates.Rendered{}, err
		}
		shared = &out
		r.shared[zone] = shared
	}
	out := *shared
	rep := strings.NewReplacer(marker, u, pageMarker, page)
	out.Subject = rep.Replace(out.Subject)
	out.Text = rep.Replace(out.Text)
	out.HTML = rep.Replace(out.HTML)
	return out, nil
}

// plainURL reports whether u is non-empty and made only of characters that
// text/template and html/template (in an href) output unchanged.
func plainURL(u string) bool {
	if u == "" {
		return false
	}
	for _, c := range u {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(":/.-_~", c)
		if !ok {
			return false
		}
	}
	return true
}
