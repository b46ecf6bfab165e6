package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/tidings-app/tidings/store"
)

// teamHandler serves a page of a team the viewer may see.
type teamHandler func(w http.ResponseWriter, r *http.Request, t *teamCtx)

// teamCtx is a team page's request: the viewer, the team (with the
// viewer's role) and its zone.
type teamCtx struct {
	me   *store.Member
	team store.VisibleTeam
	loc  *time.Location
}

// withTeam signs the request in (else redirects to the sign-in page) and
// resolves {team}: a team that does not exist and one the viewer may not
// see are both 404.
func (s *Server) withTeam(h teamHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r, v, ok := s.signedIn(w, r)
		if !ok {
			return
		}
		if v == nil {
			http.Redirect(w, r, loginURL(r), http.StatusSeeOther)
			return
		}
		teams, err := s.db.VisibleTeams(r.Context(), v.member.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		// VisibleTeams is the store's rule for teams (store/access.go): a
		// team not in it is 404.
		for _, t := range teams {
			if t.Slug == r.PathValue("team") {
				h(w, r, &teamCtx{me: v.member, team: t, loc: s.zone(t.Timezone)})
				return
			}
		}
		s.notFound(w, r)
	}
}

// can asks the store whether the viewer may see obj: false means answer
// 404. A store failure is answered here and reported as handled.
func (s *Server) can(w http.ResponseWriter, r *http.Request, t *teamCtx, obj store.Object) (ok, handled bool) {
	ok, err := s.db.CanView(r.Context(), t.me.ID, obj)
	if err != nil {
		s.fail(w, r, err)
		return false, true
	}
	if !ok {
		s.notFound(w, r)
		return false, true
	}
	return true, false
}

// pathID parses the {name} path value as a positive ID; 0 when it is not.
func pathID(r *http.Request, name string) int64 {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// teamPage renders a page of the team with its navigation.
func (s *Server) teamPage(w http.ResponseWriter, r *http.Request, t *teamCtx, name, nav, title string, data any) {
	s.render(w, r, http.StatusOK, name, page{Title: title + " · " + t.team.Name, Team: &t.team, Nav: nav, Data: data})
}

// missing answers 404 for ErrNotFound and 500/503 for other errors; it
// reports whether err was handled.
func (s *Server) missing(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	default:
		s.fail(w, r, err)
	}
	return true
}

// zone is the named location, UTC when the name is unknown; loaded once
// per name (time.LoadLocation reads the zone database every call).
func (s *Server) zone(name string) *time.Location {
	if l, ok := s.zones.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = time.UTC
	}
	s.zones.Store(name, l)
	return l
}
