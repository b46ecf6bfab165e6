package reply

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Closing words, by language ("Thanks", "Best regards", "Mit freundlichen
// Grüßen", "Cordialement", "よろしくお願いします"). A sign-off line is one
// of these, maybe followed by a name on the same line.
const signOffWords = `thanks|thank\s+you|thanks\s+all|thanks\s+again|thanks\s+a\s+lot|many\s+thanks|thx|ty|tia|cheers|best|best\s+wishes|regards|best\s+regards|kind\s+regards|warm\s+regards|warmly|all\s+the\s+best|sincerely|yours|yours\s+truly|br|talk\s+soon|take\s+care|have\s+a\s+(?:good|great|nice)\s+(?:day|one|week|weekend)|` +
	`danke|danke\s+schön|vielen\s+dank|viele\s+grüße|liebe\s+grüße|beste\s+grüße|freundliche\s+grüße|mit\s+freundlichen\s+grüßen|mfg|grüße|gruß|lg|vg|bg|servus|` +
	`merci|merci\s+beaucoup|cordialement|bien\s+cordialement|bien\s+à\s+vous|bonne\s+journée|à\s+bientôt|amicalement|bises|` +
	`gracias|muchas\s+gracias|saludos|un\s+saludo|un\s+abrazo|atentamente|cordiales\s+saludos|` +
	`obrigad[oa]|muito\s+obrigad[oa]|abraços|abraço|att\.?|atenciosamente|cumprimentos|` +
	`grazie|grazie\s+mille|saluti|cordiali\s+saluti|distinti\s+saluti|un\s+saluto|a\s+presto|` +
	`bedankt|dank\s+je(?:\s+wel)?|groeten|groetjes|met\s+vriendelijke\s+groet(?:en)?|vriendelijke\s+groet(?:en)?|mvg|` +
	`tack|tack\s+så\s+mycket|hälsningar|med\s+vänlig\s+hälsning|vänliga\s+hälsningar|mvh|hilsen|med\s+venlig\s+hilsen|venlig\s+hilsen|vennlig\s+hilsen|takk|tak|` +
	`pozdrawiam|pozdrowienia|dzięki|dziękuję|z\s+poważaniem|s\s+pozdravem|díky|děkuji|üdvözlettel|köszönöm|üdv|saygılarımla|teşekkürler|iyi\s+çalışmalar|` +
	`cu\s+stimă|med\s+vennlig\s+hilsen|abs|terv|groet|danke\s*(?:&|und)\s*gruß|i̇yi\s+çalışmalar|İyi\s+çalışmalar|kolay\s+gelsin|mit\s+besten\s+grüßen|salut|cảm\s+ơn|مع\s+التحية|تحياتي|bien\s+à\s+toi|a\+|abrazos|besos|bss|ciao|mulțumesc|toate\s+cele\s+bune|ystävällisin\s+terveisin|terveisin|kiitos|salutacions|atentament|gràcies|` +
	`спасибо|с\s+уважением|всего\s+доброго|дякую|з\s+повагою|με\s+εκτίμηση|ευχαριστώ|בברכה|תודה|مع\s+تحياتي|شكرا|شكراً|` +
	`よろしくお願いします|よろしくお願いいたします|宜しくお願い致します|よろしく|ありがとうございます|谢谢|謝謝|此致|祝好|감사합니다|고맙습니다|` +
	`trân\s+trọng|cảm\s+ơn|ขอบคุณ(?:ครับ|ค่ะ)?|terima\s+kasih|salam|hormat\s+saya|धन्यवाद|सादर`

var (
	// reSignOffLine is a sign-off alone, or followed by a short name
	// ("Thanks, Ana", "Cheers - Bob").
	reSignOffLine = regexp.MustCompile(`(?i)^[\s\-–—~/]*(?:` + signOffWords + `)\s*[,.!。、:;،！-]*\s*(?:(?:[,\s\-–—]\s*\p{Lu}[\p{L}.'-]*(?:\s+\p{Lu}[\p{L}.'-]*){0,2}\s*[.!]?)|\s+\S+(?:\s+\S+)?\s*[,،]|\s+\S+\s*[!！])?\s*$`)
	// rePhone is a line holding a phone number, maybe labelled.
	rePhone = regexp.MustCompile(`(?i)^[\s(]*(?:(?:t|m|p|f|d|o|tel|tél|telefon|telephone|téléphone|teléfono|telefone|telefono|phone|ph|mobile|mobil|mob|cell|handy|fax|office|direct|móvil|celular|cel|tlf|puh|тел)\.?\s*[:.]?\s*)?\+?\(?\d[\d\s().\-/]{5,}\d\s*(?:\((?:\w+)\))?\s*$`)
	// reContactToken finds URLs, e-mail addresses and phone numbers in a line.
	reContactToken = regexp.MustCompile(`(?i)(?:https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\(?\d[\d\s().\-/]{6,}\d|\b[\w-]+\.(?:com|org|net|io|dev|de|fr|es|it|nl|se|co|app|ai)\b(?:/\S*)?)`)
	// reContactLabel is a labelled contact field ("E: ana@x", "Web: …").
	reContactLabel = regexp.MustCompile(`(?i)^\s*(?:t|m|e|w|p|f|tel|mob|mobile|phone|fax|email|e-mail|mail|web|www|website|skype|linkedin|twitter|github|address|adresse|anschrift|dirección|endereço|indirizzo|adres|adress|telegram|signal|whatsapp)\s*[:.]\s*\S`)
	// rePronouns is a pronouns line or part of one.
	rePronouns = regexp.MustCompile(`(?i)\b(?:she/her|he/him|they/them|she/they|he/they|xe/xem|sie/ihr|er/ihm|elle/la|il/lui)\b|\bpronouns\b`)
	// reCompany is a company form or registry note.
	reCompany = regexp.MustCompile(`(?:\b(?:GmbH|AG|Inc\.?|Ltd\.?|LLC|LLP|PLC|S\.A\.?|SAS|SARL|S\.L\.?|B\.V\.|N\.V\.|AB|Oy|ApS|ASA|S\.r\.l\.|Srl|S\.p\.A\.|SpA|K\.K\.|Pty|Corp\.?|KG|e\.V\.|UG|s\.r\.o\.|a\.s\.|Kft\.?|Zrt\.?|A\.Ş\.|Sp\.\s*z\s*o\.o\.)(?:\s|$|[,.·|])|株式会社|有限公司|\b(?i:registered\s+(?:office|in)|company\s+(?:no|number|registration)|amtsgericht|registergericht|hrb\s*\d|ust-?id|vat\s+(?:no|number|reg)|sitz\s+der\s+gesellschaft|geschäftsführ(?:er|ung)\s*:|siret|rcs\s|cif\s*:|nif\s*:|p\.?\s?iva|kvk|org\.?\s?nr|handelsregister))`)
	// reTitle holds job-title words.
	reTitle = regexp.MustCompile(`(?i)\b(?:engineer|engineering|developer|manager|director|lead|head\s+of|ceo|cto|coo|cfo|cio|founder|co-founder|vp|vice\s+president|president|consultant|architect|designer|analyst|specialist|officer|coordinator|administrator|intern|scientist|product\s+owner|scrum\s+master|team\s+lead|sre|devops|partner|associate|assistant|secretary|accountant|recruiter|researcher|professor|entwickler(?:in)?|ingenieur(?:in)?|leiter(?:in)?|geschäftsführer(?:in)?|projektleiter(?:in)?|berater(?:in)?|teamleiter(?:in)?|développeu(?:r|se)|ingénieur|directeur|directrice|responsable|chef\s+de\s+projet|chargé(?:e)?\s+de|desarrollador(?:a)?|ingenier[oa]|gerente|jef[ea]\s+de|desenvolvedor(?:a)?|engenheir[oa]|sviluppatore|ingegnere|responsabile|ontwikkelaar|projectleider|utvecklare|projektledare|programista|kierownik|разработчик|инженер|руководитель)\b`)
	// rePostal is a postcode followed by a town, or a street and number.
	rePostal = regexp.MustCompile(`(?:\b\d{4,5}\s+\p{Lu}\p{L}+|\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b|\p{L}+(?:straße|strasse|str\.|gasse|weg|platz|allee|ring|damm)\s+\d+|\b\d+\s+\p{Lu}\p{L}+\s+(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Boulevard|Blvd\.|Lane|Drive|Way)\b|\b(?:rue|avenue|boulevard|calle|avenida|rua|via|piazza|corso)\s+\p{L})`)
	// reSocial is a social or profile link.
	reSocial = regexp.MustCompile(`(?i)\b(?:linkedin|twitter|mastodon|github|gitlab|bluesky|bsky|instagram|facebook|xing|calendly)\b`)
)

// sender is what the message says about who wrote it, for recognising a
// closing name: the display name's words, the address's local part.
type sender struct {
	full     string   // display name, lower case, single-spaced
	words    []string // name words and local-part words, lower case
	initials string   // first letters of the display name's words
}

// newSender builds a sender from the From display name and address.
func newSender(name, addr string) *sender {
	s := &sender{full: strings.ToLower(strings.Join(strings.Fields(name), " "))}
	for _, w := range strings.Fields(s.full) {
		w = strings.Trim(w, `"'(),.`)
		if utf8.RuneCountInString(w) >= 2 {
			s.words = append(s.words, w)
		}
		if r, _ := utf8.DecodeRuneInString(w); r != utf8.RuneError && unicode.IsLetter(r) {
			s.initials += string(r)
		}
	}
	local, _, _ := strings.Cut(strings.ToLower(addr), "@")
	for _, w := range strings.FieldsFunc(local, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if utf8.RuneCountInString(w) >= 3 {
			s.words = append(s.words, w)
		}
	}
	if utf8.RuneCountInString(s.initials) < 2 {
		s.initials = ""
	}
	return s
}

// isName reports whether the line is the sender's name, first name, last
// name or initials, maybe after a dash ("—Ryan", "- AL").
func (s *sender) isName(line string) bool {
	if s == nil {
		return false
	}
	t := strings.ToLower(strings.Trim(strings.TrimSpace(line), "-–—~/*_ ,.!"))
	if t == "" || utf8.RuneCountInString(t) > 40 {
		return false
	}
	if t == s.full || s.initials != "" && t == s.initials {
		return true
	}
	if s.full != "" && strings.HasPrefix(t, s.full+" ") && strings.ContainsAny(t[len(s.full):len(s.full)+2], " /|,·-") && strings.ContainsAny(t[len(s.full):], "/|,·-") {
		return true // "김민준 / 플랫폼팀 책임": the name, then a title
	}
	words := strings.Fields(t)
	if len(words) > 3 {
		return false
	}
	for _, w := range words {
		w = strings.Trim(w, ".,")
		found := false
		for _, n := range s.words {
			found = found || w == n || utf8.RuneCountInString(w) == 1 && strings.HasPrefix(n, w)
		}
		if !found {
			return false
		}
	}
	return len(words) > 0 && utf8.RuneCountInString(words[0]) > 1
}

// looksLikeName reports whether the line could be a person's name: one to
// four capitalised words, no sentence punctuation ("Ana Lima", "J. Doe").
func looksLikeName(line string) bool {
	t := strings.Trim(strings.TrimSpace(line), "-–—~/ ")
	t = strings.TrimRight(t, ",.!")
	if t == "" || len(t) > 40 {
		return false
	}
	words := strings.Fields(t)
	if len(words) > 4 {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return false
		}
		for _, c := range w {
			if !unicode.IsLetter(c) && c != '.' && c != '-' && c != '\'' {
				return false
			}
		}
	}
	return !reNone.MatchString(t)
}

// sigClass is what one closing line looks like.
type sigClass uint8

const (
	scOther    sigClass = iota // ordinary text
	scSignOff                  // "Thanks,", "Mit freundlichen Grüßen"
	scName                     // the sender's name
	scWeakName                 // looks like a name, not known to be the sender's
	scContact                  // phone, URL, address, title, company, pronouns, legal line
	scShort                    // another short line, part of a block only after an anchor
	scLink                     // a line of links only: contact after an anchor, an answer's links without one
)

// classifySig says what a line at the end of the new text looks like.
func classifySig(line string, who *sender, qs []Question) sigClass {
	t := strings.TrimSpace(line)
	if t == "" || len(t) > 200 {
		return scOther
	}
	switch {
	case len(t) <= 80 && len(strings.Fields(t)) <= 6 && reSignOffLine.MatchString(t):
		return scSignOff
	case who.isName(t):
		return scName
	case isContactLine(t):
		if linksOnly(t) {
			return scLink
		}
		return scContact
	}
	if _, _, ok := heading(t, qs, nil); ok {
		return scOther
	}
	if looksLikeName(t) {
		return scWeakName
	}
	if isShortLine(t) {
		return scShort
	}
	return scOther
}

// isShortLine reports whether t could be a line of a signature block: a
// few words, not a sentence, not an answer such as "none".
func isShortLine(t string) bool {
	if utf8.RuneCountInString(t) > 60 || len(strings.Fields(t)) > 8 || strings.HasSuffix(t, ":") {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(t)
	return (last != '.' && last != '?' && last != '。' || len(strings.Fields(t)) <= 2) && !reNone.MatchString(t)
}

// isContactLine reports whether a line reads as part of a signature block
// rather than as text: mostly phone numbers, links and addresses, a
// "|"-separated title line, pronouns, a company form or a job title.
func isContactLine(t string) bool {
	digits := 0
	for i := 0; i < len(t); i++ {
		if t[i] >= '0' && t[i] <= '9' {
			digits++
		}
	}
	head := t
	if len(head) > 16 {
		head = head[:16]
	}
	if digits >= 6 && rePhone.MatchString(t) ||
		strings.ContainsAny(head, ":.") && reContactLabel.MatchString(t) ||
		(strings.Contains(t, "/") || containsFoldASCII(t, "pronoun")) && rePronouns.MatchString(t) {
		return true
	}
	words := len(strings.Fields(t))
	company := -1 // not yet known
	isCompany := func() bool {
		if company < 0 {
			company = b2i(mayBeCompany(t) && reCompany.MatchString(t))
		}
		return company == 1
	}
	if strings.HasSuffix(t, ".") && words > 6 && !isCompany() {
		return false // a sentence
	}
	if digits >= 7 || strings.Contains(t, "@") || strings.Contains(t, "www.") || strings.Contains(t, "://") || hasDomainDot(t) {
		rest := reContactToken.ReplaceAllString(t, " ")
		if rest != t && len(strings.Fields(strings.Trim(rest, " |·•,-–—/()[]<>"))) <= 3 {
			return true
		}
	}
	if words <= 10 && (strings.Count(t, " | ") >= 1 || strings.Count(t, " · ") >= 1 || strings.Count(t, " • ") >= 1) {
		return true
	}
	if words <= 8 && (isCompany() || (digits > 0 || mayBeStreet(t)) && rePostal.MatchString(t) || reSocial.MatchString(t)) {
		return true
	}
	if words <= 6 && !strings.ContainsAny(t, ":!?") && reTitle.MatchString(t) {
		return titleCase(t)
	}
	return words <= 40 && isCompany()
}

// mayBeStreet reports whether t names a street without a number first
// ("rue de la Paix"), for rePostal.
func mayBeStreet(t string) bool {
	l := strings.ToLower(t)
	for _, w := range []string{"rue ", "avenue", "boulevard", "calle ", "avenida", "rua ", "via ", "piazza", "corso "} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// titleConnectors are the lower-case words a title line may hold ("Head
// of Platform", "Ingénieur chez Acme").
var titleConnectors = map[string]bool{"of": true, "and": true, "&": true, "at": true, "@": true, "for": true, "de": true, "du": true,
	"des": true, "der": true, "die": true, "für": true, "bei": true, "chez": true, "en": true, "y": true, "e": true, "in": true, "di": true, "van": true, "och": true, "i": true}

// titleCase reports whether every word of t is capitalised or a connector.
func titleCase(t string) bool {
	for _, w := range strings.Fields(t) {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) && !titleConnectors[strings.ToLower(w)] && unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// hasDomainDot reports whether t holds a dot between two letters, as in
// "ana.dev" (not "end. Next").
func hasDomainDot(t string) bool {
	for i := 1; i+1 < len(t); i++ {
		if t[i] == '.' && isASCIILetter(t[i-1]) && isASCIILetter(t[i+1]) {
			return true
		}
	}
	return false
}

func isASCIILetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

// companyForms and registryWords are pieces one of which every line
// reCompany matches holds: a cheap necessary condition for it.
var (
	companyForms = []string{"GmbH", "AG", "Inc", "Ltd", "LLC", "LLP", "PLC", "S.A", "SA", "SAS", "SARL", "S.L", "B.V", "N.V",
		"AB", "Oy", "ApS", "ASA", "S.r.l", "Srl", "S.p.A", "SpA", "K.K", "Pty", "Corp", "KG", "e.V", "UG", "s.r.o", "a.s",
		"Kft", "Zrt", "A.Ş", "Sp.", "株式会社", "有限公司"}
	registryWords = []string{"registered", "company", "amtsgericht", "registergericht", "hrb", "ust", "vat", "sitz der",
		"geschäftsführ", "siret", "rcs", "cif", "nif", "iva", "kvk", "org", "handelsregister"}
)

// mayBeCompany is a cheap necessary condition for reCompany.
func mayBeCompany(t string) bool {
	for _, f := range companyForms {
		if strings.Contains(t, f) {
			return true
		}
	}
	l := strings.ToLower(t)
	for _, w := range registryWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// linksOnly reports whether a contact line holds nothing but web links
// ("https://github.com/acme/repo/pull/12"): no address, phone number,
// label, handle, pronouns or company.
func linksOnly(t string) bool {
	digits := 0
	for i := 0; i < len(t); i++ {
		if t[i] >= '0' && t[i] <= '9' {
			digits++
		}
	}
	if strings.Contains(t, "@") || digits >= 7 && rePhone.MatchString(t) || strings.ContainsAny(t, "|·•") ||
		reContactLabel.MatchString(t) || rePronouns.MatchString(t) || mayBeCompany(t) && reCompany.MatchString(t) {
		return false
	}
	return strings.Contains(t, "://") || strings.Contains(t, "www.") || hasDomainDot(t)
}
