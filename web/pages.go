package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
)

// timelineDays is how many days one timeline page covers.
const timelineDays = 14

// day is one day of a timeline, its updates newest first.
type day struct {
	Date    time.Time
	Updates []store.UpdateView
}

// timelineData is the data of the timeline and history pages.
type timelineData struct {
	Days   []day
	Older  string // link to the page before, "" when none
	Member *store.Member
	Loc    *time.Location
}

// timeline lists the team's updates by day, newest first, timelineDays
// days per page (?before=YYYY-MM-DD pages back).
func (s *Server) timeline(w http.ResponseWriter, r *http.Request, t *teamCtx) {
	now := s.opts.Now().In(t.loc)
	until := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, t.loc)
	if b, err := time.ParseInLocation("2006-01-02", r.URL.Query().Get("before"), t.loc); err == nil {
		until = b
	}
	since := until.AddDate(0, 0, -timelineDays)
	us, err := s.db.FindUpdates(r.Context(), store.UpdateFilter{TeamID: t.team.ID, Since: since, Until: until})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	older, err := s.db.FindUpdates(r.Context(), store.UpdateFilter{TeamID: t.team.ID, Until: since, Limit: 1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := timelineData{Days: byDay(us, t.loc), Loc: t.loc}
	if len(older) > 0 {
		data.Older = "/t/" + t.team.Slug + "/?before=" + since.Format("2006-01-02")
	}
	s.teamPage(w, r, t, "timeline", "timeline", "Timeline", data)
}

// byDay groups updates (oldest first) into days, newest day and update
// first.
func byDay(us []store.UpdateView, loc *time.Location) []day {
	var out []day
	for i := len(us) - 1; i >= 0; i-- {
		at := us[i].AnsweredAt.In(loc)
		d := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, loc)
		if len(out) == 0 || !out[len(out)-1].Date.Equal(d) {
			out = append(out, day{Date: d})
		}
		out[len(out)-1].Updates = append(out[len(out)-1].Updates, us[i])
	}
	return out
}

// history is one member's updates in this team, newest first.
func (s *Server) history(w http.ResponseWriter, r *http.Request, t *teamCtx) {
	id := pathID(r, "member")
	if ok, done := s.can(w, r, t, store.Object{Kind: store.ObjMember, ID: id, Team: t.team.ID}); !ok || done {
		return
	}
	m, err := s.db.MemberByID(r.Context(), id)
	if s.missing(w, r, err) {
		return
	}
	us, err := s.db.FindUpdates(r.Context(), store.UpdateFilter{TeamID: t.team.ID, MemberID: id})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.teamPage(w, r, t, "timeline", "", m.Name, timelineData{Days: byDay(us, t.loc), Member: m, Loc: t.loc})
}

// updateData is the data of the update page.
type updateData struct {
	store.UpdateView
	Revisions []store.UpdateRevision
	Digest    *store.DigestCopy // the digest that covered it, if kept
	Loc       *time.Location
}

// update is one update with its earlier versions.
func (s *Server) update(w http.ResponseWriter, r *http.Request, t *teamCtx) {
	id := pathID(r, "id")
	if ok, done := s.can(w, r, t, store.Object{Kind: store.ObjUpdate, ID: id}); !ok || done {
		return
	}
	u, err := s.db.UpdateByID(r.Context(), id)
	if s.missing(w, r, err) {
		return
	}
	if u.TeamID != t.team.ID {
		s.notFound(w, r)
		return
	}
	m, err := s.db.MemberByID(r.Context(), u.MemberID)
	if s.missing(w, r, err) {
		return
	}
	view := store.UpdateView{Update: *u, MemberName: m.Name, TeamSlug: t.team.Slug}
	if ci, err := s.db.CheckInByID(r.Context(), u.CheckInID); err == nil {
		view.CheckInName = ci.Name
	}
	data := updateData{UpdateView: view, Loc: t.loc}
	if data.Revisions, err = s.db.UpdateRevisions(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	slices.Reverse(data.Revisions)
	d, err := s.db.DigestCovering(r.Context(), t.team.ID, u.AnsweredAt)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	data.Digest = d
	s.teamPage(w, r, t, "update", "timeline", m.Name+"'s update", data)
}

// prompt is where a prompt email's link lands: the update that answered
// it once there is one (a redirect, so the address bar shows the update's
// own page), else, for the prompt's member, a page saying it is not
// answered yet. Everyone else gets 404 (store.ObjPrompt).
func (s *Server) prompt(w http.ResponseWriter, r *http.Request, t *teamCtx) {
	id := pathID(r, "id")
	if ok, done := s.can(w, r, t, store.Object{Kind: store.ObjPrompt, ID: id}); !ok || done {
		return
	}
	p, err := s.db.PromptByID(r.Context(), id)
	if s.missing(w, r, err) {
		return
	}
	if p.TeamID != t.team.ID {
		s.notFound(w, r)
		return
	}
	u, err := s.db.CurrentUpdate(r.Context(), p.ID)
	switch {
	case err == nil:
		http.Redirect(w, r, "/t/"+t.team.Slug+"/u/"+strconv.FormatInt(u.ID, 10), http.StatusSeeOther)
	case errors.Is(err, store.ErrNotFound):
		m := message{Heading: "Not answered yet",
			Text:     "You have not answered this check-in yet. Reply to its email and your update will be on this page.",
			Link:     "/t/" + t.team.Slug + "/",
			LinkText: "Your team's timeline"}
		switch p.Status {
		case store.PromptSkipped:
			m.Heading, m.Text = "Skipped", "You skipped this check-in, so there is no update to show."
		case store.PromptExpired:
			m.Heading, m.Text = "Closed without an answer", "This check-in closed before a reply arrived, so there is no update to show."
		}
		s.teamPage(w, r, t, "message", "timeline", m.Heading, m)
	default:
		s.fail(w, r, err)
	}
}

// digests lists the digests kept as sent, newest first.
func (s *Server) digests(w http.ResponseWriter, r *http.Request, t *teamCtx) {
	cs, err := s.db.FindDigestCopies(r.Context(), t.team.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.teamPage(w, r, t, "digests", "digests", "Digests", struct {
		Items []store.DigestCopy
		Loc   *time.Location
	}{cs, t.loc})
}

// digestOf resolves {id}, a digest period key ("2026-W48"), to the
// team's archived digest the viewer may see; it answers 404 itself.
func (s *Server) digestOf(w http.ResponseWriter, r *http.Request, t *teamCtx) *store.DigestArchived {
	d, err := s.db.DigestFor(r.Context(), t.team.ID, r.PathValue("id"))
	if s.missing(w, r, err) {
		return nil
	}
	if ok, done := s.can(w, r, t, store.Object{Kind: store.ObjDigest, ID: d.ID}); !ok || done {
		return nil
	}
	a, err := s.db.DigestWithCopy(r.Context(), d.ID)
	if s.missing(w, r, err) {
		return nil
	}
	return a
}

// digestPage shows a digest as it was sent: its plain text, and a link to
// the HTML email.
func (s *Server) digestPage(w http.ResponseWriter, r *http.Request, t *teamCtx) {
	if a := s.digestOf(w, r, t); a != nil {
		s.teamPage(w, r, t, "digest", "digests", a.Copy.Subject, struct {
			*store.DigestArchived
			Loc *time.Location
		}{a, t.loc})
	}
}

// digestEmail is the HTML of a digest as sent, served sandboxed (CSP
// sandbox: no script, no form, an opaque origin) with no remote resource.
func (s *Server) digestEmail(w http.ResponseWriter, r *http.Request, t *teamCtx) {
	a := s.digestOf(w, r, t)
	if a == nil {
		return
	}
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(a.Copy.HTML))
}

// noteItem is an action item with its owner's name.
type noteItem struct {
	store.ActionItem
	Owner string
}

// notes lists the team's filed meeting notes, newest first.
func (s *Server) notes(w http.ResponseWriter, r *http.Request, t *teamCtx) {
	ns, err := s.db.FindMeetingNotes(r.Context(), store.MeetingNoteFilter{TeamID: &t.team.ID, Status: store.NoteFiled})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.teamPage(w, r, t, "notes", "notes", "Meeting notes", struct {
		Notes []store.MeetingNoteSummary
		Loc   *time.Location
	}{ns, t.loc})
}

// note is one filed meeting note with its decisions and action items by
// owner, open first.
func (s *Server) note(w http.ResponseWriter, r *http.Request, t *teamCtx) {
	id := pathID(r, "id")
	if ok, done := s.can(w, r, t, store.Object{Kind: store.ObjMeetingNote, ID: id}); !ok || done {
		return
	}
	n, err := s.db.MeetingNoteByID(r.Context(), id)
	if s.missing(w, r, err) {
		return
	}
	if n.TeamID == nil || *n.TeamID != t.team.ID {
		s.notFound(w, r)
		return
	}
	items, err := s.db.FindActionItems(r.Context(), store.ActionItemFilter{NoteID: id})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]noteItem, len(items))
	for i, it := range items {
		out[i] = noteItem{ActionItem: it, Owner: it.OwnerText}
		if it.OwnerMemberID != nil {
			if m, err := s.db.MemberByID(r.Context(), *it.OwnerMemberID); err == nil {
				out[i].Owner = m.Name
			}
		}
	}
	slices.SortStableFunc(out, func(a, b noteItem) int {
		if c := strings.Compare(a.Status, b.Status) * -1; a.Status != b.Status {
			return c // "open" before "done"
		}
		return strings.Compare(strings.ToLower(a.Owner), strings.ToLower(b.Owner))
	})
	s.teamPage(w, r, t, "note", "notes", n.Title, struct {
		*store.MeetingNote
		Items []noteItem
		Loc   *time.Location
	}{n, out, t.loc})
}
