package store

import (
	"context"
	"errors"
	"slices"
)

// Who may see what, for readers that are not emails (the web archive).
// This file is the one place that decides it; every page of the archive
// asks CanView before it reads an object and answers 404 when it is
// refused, so a refused object and a missing one look the same.
//
// The rules:
//   - A team (its timeline, members' histories, updates, digests, filed
//     meeting notes and their action items, OKRs, asks) is visible to
//     every member of the team, whatever the role (member, lead,
//     observer), and to nobody else.
//   - A meeting note is visible only once filed (NoteFiled): pending,
//     unassigned and quarantined notes are invisible to everyone.
//   - An ask waiting for its sender's confirmation (AskPending) is
//     invisible; the answers of an ask (ObjAskAnswers) are visible only
//     once it is closed, and never attributed when it is anonymous (the
//     store keeps no link then; readers must not show a name either way
//     for anonymous asks).
//   - A one-on-one pair and its meetings are visible to the pair alone
//     (CanSee with the pair's Audience), never to the rest of the team,
//     leads of the team who are not in the pair included.

// Kinds of Object.
const (
	ObjTeam        = "team"        // ID: team ID
	ObjUpdate      = "update"      // ID: update ID
	ObjDigest      = "digest"      // ID: digest ID
	ObjMeetingNote = "meeting"     // ID: meeting note ID
	ObjAsk         = "ask"         // ID: ask ID
	ObjAskAnswers  = "ask-answers" // ID: ask ID
	ObjOneOnOne    = "one-on-one"  // ID: one-on-one pair ID
	ObjMember      = "member"      // ID: member ID, Team: the team the history is read in
	ObjExport      = "export"      // ID: team ID; leads only
	ObjPrompt      = "prompt"      // ID: prompt ID; its member, and once answered whoever may see its update
)

// Object names something a person may ask to see.
type Object struct {
	Kind string
	ID   int64
	// Team is the team an ObjMember history is read in; zero otherwise.
	Team int64
}

// CanView reports whether the person may see obj under the rules above.
// An object that does not exist is not visible (false, nil), so callers
// answer both the same way; only a store failure is an error. A zero
// personID sees nothing.
func (db *DB) CanView(ctx context.Context, personID int64, obj Object) (bool, error) {
	if personID == 0 {
		return false, nil
	}
	ok, err := db.canView(ctx, personID, obj)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return ok, err
}

func (db *DB) canView(ctx context.Context, personID int64, obj Object) (bool, error) {
	switch obj.Kind {
	case ObjTeam:
		return db.inTeam(ctx, personID, obj.ID)
	case ObjExport:
		role, err := db.roleIn(ctx, personID, obj.ID)
		return role == RoleLead, err
	case ObjMember:
		in, err := db.inTeam(ctx, obj.ID, obj.Team)
		if err != nil || !in {
			return false, err
		}
		return db.inTeam(ctx, personID, obj.Team)
	case ObjUpdate:
		u, err := db.UpdateByID(ctx, obj.ID)
		if err != nil {
			return false, err
		}
		return db.inTeam(ctx, personID, u.TeamID)
	case ObjPrompt:
		// A prompt is its member's alone until answered (others get the
		// 404 of a missing page); then it is as visible as its update,
		// which the team's timeline shows anyway.
		p, err := db.PromptByID(ctx, obj.ID)
		if err != nil {
			return false, err
		}
		if p.MemberID == personID {
			return db.inTeam(ctx, personID, p.TeamID)
		}
		u, err := db.CurrentUpdate(ctx, p.ID)
		if err != nil {
			return false, err
		}
		return db.inTeam(ctx, personID, u.TeamID)
	case ObjDigest:
		var d Digest
		if err := db.gorm.WithContext(ctx).Take(&d, obj.ID).Error; err != nil {
			return false, wrap("find digest", err)
		}
		return db.inTeam(ctx, personID, d.TeamID)
	case ObjMeetingNote:
		n, err := db.MeetingNoteByID(ctx, obj.ID)
		if err != nil || n.Status != NoteFiled || n.TeamID == nil {
			return false, err
		}
		return db.inTeam(ctx, personID, *n.TeamID)
	case ObjAsk, ObjAskAnswers:
		a, err := db.AskByID(ctx, obj.ID)
		if err != nil || a.Status == AskPending {
			return false, err
		}
		if obj.Kind == ObjAskAnswers && a.Status != AskClosed {
			return false, nil
		}
		return db.inTeam(ctx, personID, a.TeamID)
	case ObjOneOnOne:
		p, err := db.OneOnOneByID(ctx, obj.ID)
		if err != nil {
			return false, err
		}
		return CanSee(personID, p.Audience()), nil
	}
	return false, nil
}

// inTeam reports whether the member belongs to the team, in any role.
func (db *DB) inTeam(ctx context.Context, memberID, teamID int64) (bool, error) {
	role, err := db.roleIn(ctx, memberID, teamID)
	return role != "", err
}

// roleIn is the member's role in the team, "" when not a member.
func (db *DB) roleIn(ctx context.Context, memberID, teamID int64) (string, error) {
	var ms []Membership
	err := db.gorm.WithContext(ctx).Where("member_id = ? AND team_id = ?", memberID, teamID).Limit(1).Find(&ms).Error
	if err != nil || len(ms) == 0 {
		return "", wrap("find membership", err)
	}
	return ms[0].Role, nil
}

// VisibleTeam is a team a person may see, with their role in it.
type VisibleTeam struct {
	Team
	Role string
}

// VisibleTeams returns the teams the person may see (those they belong to,
// in any role), ordered by slug. Pages list teams from here only.
func (db *DB) VisibleTeams(ctx context.Context, personID int64) ([]VisibleTeam, error) {
	if personID == 0 {
		return nil, nil
	}
	var out []VisibleTeam
	err := db.gorm.WithContext(ctx).Table("teams").Select("teams.*, memberships.role AS role").
		Joins("JOIN memberships ON memberships.team_id = teams.id").
		Where("memberships.member_id = ?", personID).Order("teams.slug").Scan(&out).Error
	return out, wrap("find visible teams", err)
}

// VisibleOneOnOnes returns the one-on-one pairs of the team whose
// audience includes the person (CanSee).
func (db *DB) VisibleOneOnOnes(ctx context.Context, personID, teamID int64) ([]OneOnOnePair, error) {
	var ps []OneOnOne
	err := db.gorm.WithContext(ctx).Where("team_id = ? AND (lead_id = ? OR member_id = ?)", teamID, personID, personID).
		Order("id").Find(&ps).Error
	if err != nil {
		return nil, wrap("find one-on-ones", err)
	}
	ps = slices.DeleteFunc(ps, func(p OneOnOne) bool { return !CanSee(personID, p.Audience()) })
	return db.pairs(ctx, ps)
}
