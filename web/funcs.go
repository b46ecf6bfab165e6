package web

import (
	"html/template"
	"strings"
	"time"

	"github.com/tidings-app/tidings/store"
)

// funcs are the helpers the page templates use.
var funcs = template.FuncMap{
	// day formats a date in loc: "Tuesday, 24 November 2026".
	"day": func(t time.Time, loc *time.Location) string { return t.In(loc).Format("Monday, 2 January 2006") },
	// when formats an instant in loc: "24 Nov 2026, 14:05 MST".
	"when": func(t time.Time, loc *time.Location) string { return t.In(loc).Format("2 Jan 2006, 15:04 MST") },
	// iso is the machine-readable form for <time datetime>.
	"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	// dueDay formats a calendar date stored as UTC midnight (ActionItem.Due).
	"dueDay": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return store.DateIn(*t, time.UTC).Format("2 Jan 2006")
	},
	// blockerKey reports whether an answer's key is a blockers question
	// (shown in bold when the update has a blocker; "none" is not one).
	"blockerKey": func(key string) bool { return strings.Contains(strings.ToLower(key), "block") },
	"card": func(slug string, loc *time.Location, u store.UpdateView) updateCard {
		return updateCard{Slug: slug, Loc: loc, U: u}
	},
}

// updateCard is what the "updateCard" template shows.
type updateCard struct {
	Slug string
	Loc  *time.Location
	U    store.UpdateView
}
