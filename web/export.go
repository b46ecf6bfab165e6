package web

import (
	"bytes"
	"net/http"
	"time"

	"github.com/tidings-app/tidings/store"
)

// export downloads the team's archive as CSV or JSON (store.Export). Only
// the team's leads may (store.ObjExport); anyone else gets 404. It is a
// GET without side effects, so it needs no CSRF token: a cross-site page
// can start the download but cannot read it.
func (s *Server) export(format string) teamHandler {
	return func(w http.ResponseWriter, r *http.Request, t *teamCtx) { s.exportAs(w, r, t, format) }
}

func (s *Server) exportAs(w http.ResponseWriter, r *http.Request, t *teamCtx, format string) {
	if ok, done := s.can(w, r, t, store.Object{Kind: store.ObjExport, ID: t.team.ID}); !ok || done {
		return
	}
	var buf bytes.Buffer
	n, err := s.db.Export(r.Context(), &buf, store.ExportQuery{TeamID: t.team.ID, Format: format})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "team exported", "team", t.team.Slug, "format", format, "records", n, "member", t.me.ID)
	ctype := "text/csv; charset=utf-8"
	if format == store.ExportJSON {
		ctype = "application/json"
	}
	name := t.team.Slug + "-" + s.opts.Now().In(t.loc).Format(time.DateOnly) + "." + format
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = w.Write(buf.Bytes())
}
