package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
)

// hit is one search result as shown: its page and a snippet with the
// matched words in <mark>.
type hit struct {
	Kind    string
	Title   string
	Link    string
	Snippet template.HTML
	At      time.Time
}

// searchData is the data of the search page.
type searchData struct {
	Query string
	Hits  []hit
	Error string
	Loc   *time.Location
}

// search finds q in the team's updates, meeting notes, OKR comments and
// asks (store.Search), best first. Every hit is checked with CanView
// again before it is shown.
func (s *Server) search(w http.ResponseWriter, r *http.Request, t *teamCtx) {
	data := searchData{Query: strings.TrimSpace(r.URL.Query().Get("q")), Loc: t.loc}
	if data.Query == "" {
		s.teamPage(w, r, t, "search", "search", "Search", data)
		return
	}
	hits, err := s.db.Search(r.Context(), store.SearchQuery{Text: data.Query, TeamIDs: []int64{t.team.ID}, Limit: 50})
	if errors.Is(err, store.ErrEmptyQuery) {
		data.Error = "Type a word to look for."
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, h := range hits {
		obj, link, kind := s.hitTarget(t, h)
		if ok, err := s.db.CanView(r.Context(), t.me.ID, obj); err != nil {
			s.fail(w, r, err)
			return
		} else if !ok {
			continue
		}
		data.Hits = append(data.Hits, hit{Kind: kind, Title: h.Title, Link: link, Snippet: highlight(h.Snippet), At: h.At})
	}
	s.teamPage(w, r, t, "search", "search", "Search: "+data.Query, data)
}

// hitTarget is the object a hit shows (for CanView), its page and a label.
func (s *Server) hitTarget(t *teamCtx, h store.SearchHit) (store.Object, string, string) {
	base := "/t/" + t.team.Slug
	switch h.Kind {
	case store.SearchUpdate:
		return store.Object{Kind: store.ObjUpdate, ID: h.ObjectID}, fmt.Sprintf("%s/u/%d", base, h.ObjectID), "Update"
	case store.SearchMeeting:
		return store.Object{Kind: store.ObjMeetingNote, ID: h.ObjectID}, fmt.Sprintf("%s/n/%d", base, h.ObjectID), "Meeting note"
	case store.SearchAsk:
		return store.Object{Kind: store.ObjAsk, ID: h.ObjectID}, base + "/asks", "Ask"
	case store.SearchOKR:
		return store.Object{Kind: store.ObjTeam, ID: h.TeamID}, base + "/okrs", "OKR check-in"
	}
	return store.Object{}, base + "/", h.Kind
}

// highlight escapes a snippet and turns the store's match markers into
// <mark> elements.
func highlight(snippet string) template.HTML {
	esc := template.HTMLEscapeString(snippet)
	esc = strings.ReplaceAll(esc, store.SnippetStart, "<mark>")
	esc = strings.ReplaceAll(esc, store.SnippetEnd, "</mark>")
	return template.HTML(esc) // #nosec: escaped above; only <mark> added
}
