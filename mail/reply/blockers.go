package reply

import (
	"regexp"
	"strings"
	"unicode"
)

// Words and phrases that say "no blockers", by language. They are joined
// into reNone: an optional prefix ("bisher"), a none word ("keine",
// "rien", "nada"), an optional noun or phrase ("Blocker", "à signaler")
// and an optional qualifier ("for now", "pour le moment", "danke").
const (
	nonePrefixes = `so\s+far|currently|right\s+now|bisher|derzeit|aktuell|momentan|zurzeit|actuellement|pour\s+l['’]instant|por\s+ahora|por\s+enquanto|per\s+ora|特に`
	noneWords    = `none|no|nope|nah|nothing|n/?a|na|nil|zero|0|nada\s+por\s+ahora|لا\s+شيء|لا\s+يوجد|لا|cap|res|κανένα|κανένας|τίποτα|όχι|ei\s+mitään|ei\s+ole|ei|कुछ\s+नहीं|कोई\s+नहीं|नहीं|kuch\s+nahi|koi\s+nahi|nahi|tidak\s+ada|tidak|nggak\s+ada|gak\s+ada|niciunul|niciuna|nimic|nu|ไม่มี|yok|hiçbir\s+şey|không\s+có|không|אין|אין\s+כלום|沒有|없음|없습니다|없어요|nincs|semmi|nem|žádné|žádný|nic|nič|žiadne|žiadny|ništa|nema|nimeni|ne|нічого|ніяких|ingenting|intet|inget|ikke\s+noget|niet|nee|keine\s+ahnung\b|not\s+blocked|not\s+really|all\s+good|all\s+clear|clear|nichts|keine|keiner|nein|aucun|aucune|rien|non|nada|ninguno|ninguna|ningún|nenhum|nenhuma|nessuno|nessuna|niente|geen|niks|inget|ingen|inga|nej|nei|nic|brak|żadnych|нет|ничего|немає|なし|ない|无|無|没有|沒有|없음|-+|—|–|\.+`
	noneNouns    = `blockers?|blocks|blocking(?:\s+me)?|issues|problems|at\s+all|really|blocker|bloqueigs?|blocatges?|εμπόδια|εμπόδιο|esteitä|estettä|akadály|engel|rào\s+cản|hambatan|blocaje|obstacole|חסמים|překážky|blokery|ブロッカーはありません|特に|問題ありません|ติดขัด|ปัญหา|blockaden|hindernisse|probleme|blocages?|bloquants?|problèmes?|de\s+bloquant|de\s+spécial|de\s+particulier|à\s+signaler|bloqueos?|bloqueios?|impedimentos?|problemas?|blocchi|impedimenti|ostacoli|problemi|blokkades|blokkeringen|problemen|hinder|blockerare|problem|blokerów|blokad|przeszkód|problemów|блокеров|блокеры|проблем|блокерів|проблем|阻碍|阻礙|障碍|问题|問題|ブロッカー|問題なし`
	noneAfter    = `so\s+far|today|right\s+now|at\s+the\s+moment|for\s+now|yet|thanks|thank\s+you|bisher|derzeit|im\s+moment|gerade|heute|danke|pour\s+le\s+moment|pour\s+l['’]instant|aujourd['’]hui|merci|por\s+ahora|por\s+el\s+momento|por\s+enquanto|de\s+momento|no\s+momento|hoy|hoje|gracias|obrigad[oa]|per\s+ora|per\s+il\s+momento|al\s+momento|oggi|grazie|op\s+dit\s+moment|voorlopig|vandaag|bedankt|för\s+tillfället|just\s+nu|idag|tack|for\s+øyeblikket|i\s+dag|takk|na\s+razie|obecnie|dzisiaj|dzięki|пока|сейчас|сегодня|спасибо`
)

var (
	reNone = regexp.MustCompile(`(?i)^(?:(?:` + nonePrefixes + `)\s*,?\s*)?(?:` + noneWords + `)(?:\s*(?:` + noneNouns + `))?(?:\s*,?\s+(?:` + noneAfter + `))?\s*[.!:)。]*$`)
	// reNoneLead is a none word followed by punctuation: "Nada, todo bien".
	reNoneLead = regexp.MustCompile(`(?i)^(?:` + noneWords + `)\s*[,.!;:—–-]\s*`)
)

// Words after a leading "none" that say there is a blocker after all:
// "Rien, mais j'attends le VPN". Conjunctions must be whole words; stems
// may sit anywhere in a word.
var (
	butWords = []string{"but", "however", "except", "although", "aber", "außer", "mais", "sauf", "pero", "salvo", "mas", "exceto", "ma", "tranne", "maar", "behalve", "men", "utom", "ale", "oprócz", "но", "кроме", "але", "但", "但是", "ただ", "しかし"}
	butStems = []string{"wait", "block", "warte", "attend", "bloqu", "esper", "aguard", "aspett", "attesa", "wacht", "blokk", "vänt", "vent", "czek", "блок", "жд", "чека", "等", "待ち", "阻"}
)

// saysBlocked reports whether a blockers answer names a blocker, rather
// than none / no / n/a / "-" / keine / rien / nada in any common form.
func saysBlocked(s string) bool {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "*_`"))
	if s == "" || reNone.MatchString(s) {
		return false
	}
	if noBlockStatement(s) {
		return false
	}
	if loc := reNoneLead.FindStringIndex(s); loc != nil {
		rest := strings.ToLower(s[loc[1]:])
		words := strings.FieldsFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
		if !strings.ContainsAny(rest, "0123456789") && len(words) <= 5 && !mentionsBlocker(rest, words) {
			return false
		}
	}
	return true
}

// mentionsBlocker reports whether the rest of a "none, …" answer turns to
// a blocker ("but", "waiting on").
func mentionsBlocker(rest string, words []string) bool {
	for _, w := range words {
		for _, b := range butWords {
			if w == b {
				return true
			}
		}
	}
	for _, st := range butStems {
		if strings.Contains(rest, st) {
			return true
		}
	}
	return false
}

// reResolved opens an answer that says the blocker is gone: "resolved -
// the cert was renewed", "cleared by CAB", "unblocked now".
var reResolved = regexp.MustCompile(`(?i)^\W*(?:resolved|cleared|unblocked|fixed|sorted|solved|gelöst|erledigt|behoben|résolu|débloqué|resuelto|desbloqueado|resolvido|desbloqueado|risolto|sbloccato|opgelost|löst|løst|rozwiązane|odblokowane|решено|решён|вирішено|解決済み|已解决|已解決|해결)(?:[^\p{L}]|$)`)

// noBlockStatement reports whether s says there is no blocker ("No
// blockers.", "Nessun blocco.", "resolved - …", "All good otherwise.")
// without also naming an open one.
func noBlockStatement(s string) bool {
	var no *regexp.Regexp
	for _, r := range cueRes {
		if r.c == cueNoBlock {
			no = r.re
		}
	}
	if !reResolved.MatchString(s) && !no.MatchString(s) {
		return false
	}
	rest := strings.ToLower(no.ReplaceAllString(reResolved.ReplaceAllString(s, " "), " "))
	for _, r := range cueRes {
		if r.c == cueBlock && r.re.MatchString(rest) {
			return false
		}
	}
	words := strings.FieldsFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	for _, w := range words {
		for _, b := range butWords {
			if w == b {
				return false
			}
		}
	}
	return true
}
