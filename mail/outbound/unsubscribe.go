package outbound

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/store"
)

// Links in our mail. Every URL carries a token signed for its purpose, so
// a link for one check-in cannot stop another's, nor be forged:
//
//	/u/TOKEN                 stop everything (links sent before per-kind
//	                         unsubscribe; they keep working)
//	/u/c/CHECKIN/TOKEN       stop one check-in's prompts and reminders
//	/u/d/TEAM/TOKEN          stop one team's digests
//	/c/TOKEN                 confirm an address or a settings message
//
// TOKEN is the member's (or, for /c/, the confirmation's) ID signed under
// a purpose that includes the check-in or team ID.

// PurposeConfirm is the token namespace of confirmation links (ID is a
// store.Confirmation).
const PurposeConfirm mail.Purpose = "confirm"

func checkInPurpose(id int64) mail.Purpose {
	return mail.Purpose("unsubscribe-checkin-" + strconv.FormatInt(id, 10))
}

func digestPurpose(id int64) mail.Purpose {
	return mail.Purpose("unsubscribe-digest-" + strconv.FormatInt(id, 10))
}

// CheckInUnsubscribeURL is the one-click link that stops one check-in's
// prompts for a member.
func CheckInUnsubscribeURL(base string, s *mail.Signer, checkInID, memberID int64) string {
	return fmt.Sprintf("%s/u/c/%d/%s", strings.TrimRight(base, "/"), checkInID, s.Token(checkInPurpose(checkInID), memberID))
}

// DigestUnsubscribeURL is the one-click link that stops one team's
// digests for a member.
func DigestUnsubscribeURL(base string, s *mail.Signer, teamID, memberID int64) string {
	return fmt.Sprintf("%s/u/d/%d/%s", strings.TrimRight(base, "/"), teamID, s.Token(digestPurpose(teamID), memberID))
}

// ConfirmURL is the link that settles a store.Confirmation.
func ConfirmURL(base string, s *mail.Signer, confirmationID int64) string {
	return strings.TrimRight(base, "/") + "/c/" + s.Token(PurposeConfirm, confirmationID)
}

// CheckInUnsubscribeURL is the prompter's CheckInUnsubscribeURL.
func (p *Prompter) CheckInUnsubscribeURL(checkInID, memberID int64) string {
	return CheckInUnsubscribeURL(p.opts.PublicURL, p.opts.Addresses.Signer, checkInID, memberID)
}

// LandingOptions configures the handler of the links in our mail.
type LandingOptions struct {
	DB     *store.DB    // required
	Signer *mail.Signer // required
	Logger *slog.Logger
	// Reprocess processes inbound messages again after a confirmation
	// (nil: they stay quarantined until `tidings inbound reprocess`).
	Reprocess func(ctx context.Context, ids []int64) error
}

// UnsubscribeHandler is LandingHandler without reprocessing, for /u/.
func UnsubscribeHandler(db *store.DB, signer *mail.Signer, log *slog.Logger) http.Handler {
	return LandingHandler(LandingOptions{DB: db, Signer: signer, Logger: log})
}

// LandingHandler serves /u/… and /c/… (mount it at both). GET shows a
// page with buttons and changes nothing (link scanners follow GETs). POST
// acts: with no "action" field (RFC 8058 one-click,
// "List-Unsubscribe=One-Click" from a mail client) it stops what the link
// names; action=all stops everything; action=resubscribe undoes "stop
// everything" and what the link names; on /c/ a POST confirms. Each change is recorded with actor
// "link". A bad token gives 404, a database error 503.
func LandingHandler(o LandingOptions) http.Handler {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	l := &landing{LandingOptions: o, log: o.Logger.With("component", "links")}
	return http.HandlerFunc(l.serve)
}

type landing struct {
	LandingOptions
	log *slog.Logger
}

// link is what a URL names.
type link struct {
	memberID int64
	kind     string // "" everything, or store.OptoutPrompts / OptoutDigest
	target   int64
	confirm  int64 // a confirmation, for /c/
}

func (l *landing) parse(path string) (link, bool) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	var k link
	var err error
	switch {
	case len(parts) == 2 && parts[0] == "u":
		k.memberID, err = l.Signer.Verify(PurposeUnsubscribe, parts[1])
	case len(parts) == 4 && parts[0] == "u" && (parts[1] == "c" || parts[1] == "d"):
		k.target, err = strconv.ParseInt(parts[2], 10, 64)
		if err != nil {
			return k, false
		}
		p := checkInPurpose(k.target)
		k.kind = store.OptoutPrompts
		if parts[1] == "d" {
			p, k.kind = digestPurpose(k.target), store.OptoutDigest
		}
		k.memberID, err = l.Signer.Verify(p, parts[3])
	case len(parts) == 2 && parts[0] == "c":
		k.confirm, err = l.Signer.Verify(PurposeConfirm, parts[1])
	default:
		return k, false
	}
	return k, err == nil
}

func (l *landing) serve(w http.ResponseWriter, r *http.Request) {
	k, ok := l.parse(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var v pageView
	var err error
	if k.confirm != 0 {
		v, err = l.confirm(r, k.confirm)
	} else {
		v, err = l.unsubscribe(r, k)
	}
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		l.log.Error("link", "err", err)
		http.Error(w, "temporarily unavailable, please try again", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = page.Execute(w, v)
}

// pageView is what the landing page shows: a message and buttons, each
// a POST form with an action.
type pageView struct {
	Message string
	Buttons []button
}

type button struct{ Action, Label string }

// unsubscribe handles the /u/ links.
func (l *landing) unsubscribe(r *http.Request, k link) (pageView, error) {
	ctx := r.Context()
	m, err := l.DB.MemberByID(ctx, k.memberID)
	if err != nil {
		return pageView{}, err
	}
	what, err := l.describe(ctx, k)
	if err != nil {
		return pageView{}, err
	}
	if r.Method == http.MethodPost {
		action := r.PostFormValue("action")
		switch {
		case action == "resubscribe":
			// Undo "stop everything", then what this link stops.
			if m.Unsubscribed {
				no := false
				_, err = l.DB.ChangeMemberState(ctx, m.ID, store.MemberChange{Unsubscribed: &no, Actor: store.ActorLink})
			}
			if err == nil && k.kind != "" {
				_, err = l.DB.OptIn(ctx, m.ID, k.kind, k.target, store.ActorLink)
			}
		case action == "all" || k.kind == "":
			yes := true
			err = l.DB.ChangeMember(ctx, m.ID, store.MemberChange{Unsubscribed: &yes, Actor: store.ActorLink})
		default:
			_, err = l.DB.OptOut(ctx, m.ID, k.kind, k.target, store.ActorLink)
		}
		if err != nil {
			return pageView{}, err
		}
		l.log.Info("link used", "member", m.ID, "action", action, "kind", k.kind, "target", k.target)
		if m, err = l.DB.MemberByID(ctx, k.memberID); err != nil {
			return pageView{}, err
		}
	}
	stopped := false
	if k.kind != "" {
		if stopped, err = l.DB.OptedOut(ctx, m.ID, k.kind, k.target); err != nil {
			return pageView{}, err
		}
	}
	switch {
	case m.Unsubscribed && k.kind == "":
		return pageView{Message: fmt.Sprintf("You're unsubscribed: Tidings sends no more email to %s. "+
			"Changed your mind? Resubscribe here, or reply \"subscribe\" to any Tidings email.", m.Email),
			Buttons: []button{{"resubscribe", "Resubscribe"}}}, nil
	case m.Unsubscribed:
		return pageView{Message: fmt.Sprintf("You're unsubscribed from all Tidings email to %s. "+
			"Changed your mind? Resubscribe to the %s here, or reply \"subscribe\" to any Tidings email.", m.Email, what),
			Buttons: []button{{"resubscribe", "Resubscribe to " + what}}}, nil
	case stopped:
		return pageView{Message: fmt.Sprintf("Done: no more %s to %s. Everything else from Tidings stays as it was.", what, m.Email),
			Buttons: []button{{"resubscribe", "Resubscribe to " + what}, {"all", "Stop everything from Tidings"}}}, nil
	case k.kind == "":
		return pageView{Message: fmt.Sprintf("Stop all Tidings email (prompts, reminders and digests) to %s?", m.Email),
			Buttons: []button{{"all", "Unsubscribe from everything"}}}, nil
	}
	return pageView{Message: fmt.Sprintf("Stop the %s to %s?", what, m.Email),
		Buttons: []button{{"", "Stop " + what}, {"all", "Stop everything from Tidings"}}}, nil
}

// describe names what a link stops ("Platform daily check-in prompts").
func (l *landing) describe(ctx context.Context, k link) (string, error) {
	switch k.kind {
	case store.OptoutDigest:
		t, err := l.DB.TeamByID(ctx, k.target)
		if err != nil {
			return "", err
		}
		return t.Name + " digests", nil
	case store.OptoutPrompts:
		c, err := l.DB.CheckInByID(ctx, k.target)
		if err != nil {
			return "", err
		}
		t, err := l.DB.TeamByID(ctx, c.TeamID)
		if err != nil {
			return "", err
		}
		return t.Name + " " + c.Name + " prompts", nil
	}
	return "Tidings email", nil
}

// confirm handles a /c/ link: GET asks, POST confirms and reprocesses the
// messages that waited for it.
func (l *landing) confirm(r *http.Request, id int64) (pageView, error) {
	ctx := r.Context()
	c, err := l.DB.ConfirmationByID(ctx, id)
	if err != nil {
		return pageView{}, err
	}
	m, err := l.DB.MemberByID(ctx, c.MemberID)
	if err != nil {
		return pageView{}, err
	}
	question := fmt.Sprintf("Is %s your address, %s? Confirming lets Tidings accept your replies from it.", c.Address, m.Name)
	done := fmt.Sprintf("Thanks: %s is now one of your addresses, and the reply you sent from it has been applied.", c.Address)
	if c.Kind == store.ConfirmSettings {
		question = fmt.Sprintf("Did you, %s, send Tidings a settings change from %s? Confirm to apply it.", m.Name, c.Address)
		done = "Thanks: your settings change has been applied; a confirmation is on its way."
	}
	if r.Method != http.MethodPost {
		if c.Status == store.ConfirmDone {
			return pageView{Message: "Already confirmed. Nothing more to do."}, nil
		}
		return pageView{Message: question, Buttons: []button{{"confirm", "Yes, confirm"}}}, nil
	}
	ids, err := l.DB.Confirm(ctx, id, store.ActorLink)
	if err != nil {
		return pageView{}, err
	}
	l.log.Info("confirmed", "confirmation", id, "kind", c.Kind, "member", m.ID, "reprocess", len(ids))
	if len(ids) > 0 && l.Reprocess != nil {
		if err := l.Reprocess(ctx, ids); err != nil {
			return pageView{}, err
		}
	}
	return pageView{Message: done}, nil
}

var page = template.Must(template.New("p").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Tidings</title></head>
<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:32em;margin:3em auto;padding:0 1em;color:#1a1a1a;line-height:1.5">
<p>{{.Message}}</p>
{{range .Buttons}}<form method="post" style="margin:0 0 1em"><input type="hidden" name="action" value="{{.Action}}"><button type="submit" style="font-size:1em;padding:.5em 1em">{{.Label}}</button></form>
{{end}}</body></html>`))
