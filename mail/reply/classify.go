package reply

import (
	"regexp"
	"strings"
	"time"

	"github.com/emersion/go-message"
)

// reOOOSubject matches out-of-office subjects in many languages.
var reOOOSubject = regexp.MustCompile(`(?i)^\s*(?:\[[^\]]*\]\s*)?(?:out\s+of\s+(?:the\s+)?office|ooo\b|automatic\s+reply|auto(?:matic)?[\s-]*(?:reply|response)|autoreply|away\s+from\s+(?:the\s+)?office|on\s+vacation|on\s+leave|abwesenheitsnotiz|automatische\s+antwort|abwesend|réponse\s+automatique|absence|absent|respuesta\s+automática|fuera\s+de\s+la\s+oficina|resposta\s+automática|ausente|fora\s+do\s+escritório|risposta\s+automatica|fuori\s+sede|assente|afwezig|automatisch\s+antwoord|frånvaro|automatiskt\s+svar|fraværende|automatisk\s+svar|autosvar|fravær|odpowiedź\s+automatyczna|nieobecność|автоответ|автоматический\s+ответ|автовідповідь|自動応答|自動返信|不在|自动回复|自動回覆)`)

// reNoReplySender matches senders that never write by hand.
var reNoReplySender = regexp.MustCompile(`(?i)^(?:mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?|auto-?reply|autoresponder)(?:[+-][^@]*)?@`)

// isAutoReply applies RFC 3834 and common header conventions, the sender's
// address and out-of-office subjects.
func isAutoReply(h message.Header, m *Message) bool {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return true
	}
	if h.Get("X-Autoreply") != "" || h.Get("X-Autorespond") != "" || h.Get("X-Autoresponder") != "" {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "junk", "list", "auto_reply":
		return true
	}
	if strings.TrimSpace(h.Get("Return-Path")) == "<>" {
		return true
	}
	return reNoReplySender.MatchString(m.From) || reOOOSubject.MatchString(m.Subject)
}

// reReturn finds the phrase before a return date in an out-of-office text.
var reReturn = regexp.MustCompile(`(?i)(?:\b(?:until|till|through|thru|back\s+(?:on|in\s+the\s+office\s+on)?|return(?:ing)?\s+(?:on|to\s+the\s+office\s+on)?|returns\s+on|in\s+the\s+office\s+(?:on|again\s+on)|zurück\s+am|bis\s+(?:zum|einschließlich|einschl\.)?|wieder\s+(?:im\s+büro\s+)?(?:am|ab)|jusqu'au|jusqu’au|de\s+retour\s+le|retour\s+le|hasta\s+el|de\s+vuelta\s+el|regreso\s+el|até\s+(?:ao\s+dia|o\s+dia|dia)?|fino\s+al|rientro\s+il|tot\s+en\s+met|t/m|tot|till\s+och\s+med|t\.o\.m\.?|tillbaka(?:\s+(?:den|på))?|tilbake|tilbage|до)\s+)`)

// returnDate reads when an out-of-office sender is back. It returns the
// last day away: the day given after "until", or the day before "back on".
func returnDate(body string, ref time.Time) (time.Time, bool) {
	if len(body) > 20000 {
		body = body[:20000]
	}
	for _, loc := range reReturn.FindAllStringIndex(body, 20) {
		d, ok := dayAfter(body[loc[1]:], ref)
		if !ok {
			continue
		}
		phrase := strings.ToLower(body[loc[0]:loc[1]])
		if strings.Contains(phrase, "back") || strings.Contains(phrase, "return") || strings.Contains(phrase, "office") ||
			strings.Contains(phrase, "zurück") || strings.Contains(phrase, "wieder") || strings.Contains(phrase, "retour") ||
			strings.Contains(phrase, "vuelta") || strings.Contains(phrase, "regreso") || strings.Contains(phrase, "rientro") ||
			strings.Contains(phrase, "tilba") || strings.Contains(phrase, "tillba") {
			d = d.AddDate(0, 0, -1)
		}
		return d, true
	}
	if m := reCJKUntil.FindStringSubmatch(body); m != nil {
		mo, d := time.Month(atoi(m[1])), atoi(m[2])
		return time.Date(yearFor(mo, d, ref), mo, d, 0, 0, 0, 0, ref.Location()), true
	}
	return time.Time{}, false
}

// reCJKUntil reads "12月1日まで" (until 1 December).
var reCJKUntil = regexp.MustCompile(`(\d{1,2})月\s*(\d{1,2})日\s*(?:まで|迄|为止|為止)`)

// dayAfter reads a day at the start of s, trying the longest run of up to
// six words first ("Monday, December 7, 2026" before "Monday").
func dayAfter(s string, ref time.Time) (time.Time, bool) {
	if i := strings.IndexAny(s, "\n;"); i >= 0 {
		s = s[:i]
	}
	words := strings.Fields(s)
	if len(words) > 6 {
		words = words[:6]
	}
	for n := len(words); n > 0; n-- {
		if d, ok := parseDay(strings.Join(words[:n], " "), ref); ok {
			return d, true
		}
	}
	return time.Time{}, false
}
