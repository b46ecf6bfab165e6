package outbound

import (
	"context"
	"fmt"
	"time"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/templates"
)

// QueueWelcomes queues one welcome message per new membership (from
// store.Changes.Joined): which team added the member, what they will be
// asked and when in their own zone, when the digest goes out, and how to
// pause or unsubscribe. The dedup key "welcome:TEAM:MEMBER" makes a second
// call for the same membership queue nothing. Unsubscribed and suppressed
// members get none. It returns how many it queued.
func (p *Prompter) QueueWelcomes(ctx context.Context, joined []store.Membership) (int, error) {
	n := 0
	for _, ms := range joined {
		queued, err := p.queueWelcome(ctx, ms)
		if err != nil {
			return n, fmt.Errorf("outbound: welcome member %d to team %d: %w", ms.MemberID, ms.TeamID, err)
		}
		if queued {
			n++
		}
	}
	return n, nil
}

// QueueMissingWelcomes queues the welcome of every membership created in
// the last CatchUp (PrompterOptions; 7 days by default) that has none yet,
// found in one query: it catches up welcomes lost when QueueWelcomes
// failed after the sync that created the memberships committed. Older
// memberships are left alone, so an upgrade or a purge of old mail never
// welcomes long-standing members. Calling it again queues nothing more;
// several processes may call it at once (the dedup key decides). It
// returns how many it queued; errors wrap store errors.
func (p *Prompter) QueueMissingWelcomes(ctx context.Context) (int, error) {
	missing, err := p.db.MembershipsWithoutWelcome(ctx, p.opts.Now().Add(-p.opts.CatchUp))
	if err != nil {
		return 0, fmt.Errorf("outbound: missing welcomes: %w", err)
	}
	n, err := p.QueueWelcomes(ctx, missing)
	if n > 0 {
		p.log.Info("queued missing welcomes", "count", n)
	}
	return n, err
}

func (p *Prompter) queueWelcome(ctx context.Context, ms store.Membership) (bool, error) {
	team, err := p.db.TeamByID(ctx, ms.TeamID)
	if err != nil {
		return false, err
	}
	m, err := p.db.MemberByID(ctx, ms.MemberID)
	if err != nil {
		return false, err
	}
	sup, err := p.db.Suppressed(ctx, m.Email)
	if err != nil || sup || m.Unsubscribed {
		return false, err
	}
	checkIns, err := p.db.FindCheckIns(ctx, team.ID)
	if err != nil {
		return false, err
	}
	zone := m.Timezone
	if zone == "" {
		zone = team.Timezone
	}
	loc, err := p.location(zone)
	if err != nil {
		return false, err
	}
	now := p.opts.Now().In(loc)
	v := welcomeView{FirstName: firstName(*m), Team: teamPhrase(team.Name), Zone: templates.ZoneName(zone),
		AwayExample: nextWeekday(now, time.Thursday), UnsubscribeURL: p.UnsubscribeURL(m.ID)}
	if v.AddedBy, err = p.lead(ctx, team.ID, m.ID); err != nil {
		return false, err
	}
	if ms.Role != store.RoleObserver {
		for _, c := range checkIns {
			cv := checkInView{Title: checkInTitle(c.Name), When: describeSchedule(c.Schedule), Questions: c.Questions}
			if c.Kind == store.CheckInOKR { // owners of key results are asked for their latest values
				cv.Title, cv.Questions = "Key-result", []store.Question{{Key: "okr", Text: "Where does each key result you own stand? (only if you own some)"}}
			}
			v.CheckIns = append(v.CheckIns, cv)
		}
	}
	if team.DigestSchedule != "" {
		home, err := p.location(team.Timezone)
		if err != nil {
			home = loc
		}
		v.Digest = describeDigest(team.DigestSchedule, home, loc, now)
	}
	out, err := p.compose(KindWelcome, store.WelcomeKey(team.ID, m.ID), m, nil, Message{}, v, v.UnsubscribeURL)
	if err != nil {
		return false, err
	}
	return p.db.QueueOutbound(ctx, out)
}

// lead names the team's lead for "Ben Okafor (team lead) added you"; empty
// when the team has none other than the new member.
func (p *Prompter) lead(ctx context.Context, teamID, memberID int64) (string, error) {
	ms, err := p.db.FindTeamMembers(ctx, teamID)
	if err != nil {
		return "", err
	}
	for _, m := range ms {
		if m.Role == store.RoleLead && m.ID != memberID {
			return m.Name + " (team lead)", nil
		}
	}
	return "", nil
}
