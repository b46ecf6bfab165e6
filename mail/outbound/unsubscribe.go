package outbound

import (
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/store"
)

var unsubPage = template.Must(template.New("u").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Tidings</title></head>
<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:32em;margin:3em auto;padding:0 1em">
{{if .Done}}<p>You're unsubscribed: Tidings will send no more email to {{.Email}}. Ask your team lead if you want back in.</p>
{{else}}<p>Stop all Tidings email (prompts, reminders and digests) to {{.Email}}?</p>
<form method="post"><button type="submit">Unsubscribe</button></form>{{end}}
</body></html>`))

// UnsubscribeHandler serves /u/TOKEN (mount it with http.StripPrefix or at
// "/u/"): GET shows a confirmation page with a button and changes nothing
// (link scanners follow GETs); POST, including RFC 8058 one-click
// ("List-Unsubscribe=One-Click" from the mail client), sets the member's
// Unsubscribed flag. A bad token gives 404; a database error 503.
func UnsubscribeHandler(db *store.DB, signer *mail.Signer, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		id, err := signer.Verify(PurposeUnsubscribe, tok)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		m, err := db.MemberByID(r.Context(), id)
		if err != nil {
			unsubError(w, log, err)
			return
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_ = unsubPage.Execute(w, map[string]any{"Email": m.Email, "Done": m.Unsubscribed})
		case http.MethodPost:
			if err := db.SetUnsubscribed(r.Context(), id, true); err != nil {
				unsubError(w, log, err)
				return
			}
			log.Info("member unsubscribed", "component", "unsubscribe", "member", id)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_ = unsubPage.Execute(w, map[string]any{"Email": m.Email, "Done": true})
		default:
			w.Header().Set("Allow", "GET, HEAD, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
}

func unsubError(w http.ResponseWriter, log *slog.Logger, err error) {
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	log.Error("unsubscribe", "component", "unsubscribe", "err", err)
	http.Error(w, "temporarily unavailable, please try again", http.StatusServiceUnavailable)
}
