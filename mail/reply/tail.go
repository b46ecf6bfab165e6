package reply

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Words that open a greeting line ("Hi Lena,", "Morning,", "Hallo zusammen"), by language.
const greetingWords = `hi|hello|hey|hiya|howdy|dear|morning|good\s+morning|good\s+afternoon|good\s+evening|greetings|hi\s+all|hi\s+team|hello\s+all|hey\s+all|` +
	`hallo|hi\s+zusammen|hallo\s+zusammen|guten\s+morgen|guten\s+tag|moin|servus|liebe|lieber|grüezi|` +
	`bonjour|salut|coucou|bonsoir|hola|buenos\s+días|buen\s+día|buenas|buenas\s+tardes|estimad[oa]s?|olá|oi|bom\s+dia|boa\s+tarde|prezad[oa]s?|` +
	`ciao|buongiorno|salve|car[oa]|hoi|goedemorgen|goedemiddag|beste|hej|hejsan|hallå|god\s+morgon|god\s+morgen|` +
	`cześć|czesc|dzień\s+dobry|witam|witajcie|ahoj|dobrý\s+den|dobré\s+ráno|szia|sziasztok|jó\s+reggelt|merhaba|selam|günaydın|hei|moi|huomenta|` +
	`bună|bună\s+ziua|bon\s+dia|привет|здравствуйте|добрый\s+день|доброе\s+утро|вітаю|привіт|добрий\s+день|γεια|γεια\s+σας|καλημέρα|` +
	`שלום|היי|مرحبا|السلام\s+عليكم|xin\s+chào|chào|halo|hai|selamat\s+pagi|namaste|नमस्ते|สวัสดี(?:ครับ|ค่ะ)?|` +
	`こんにちは|おはようございます|お疲れ様です|お疲れさまです|你好|您好|大家好|안녕하세요`

var (
	// reGreetingLine is a greeting alone on its line, with up to three
	// more words (a name, "team", "all").
	reGreetingLine = regexp.MustCompile(`(?i)^(?:` + greetingWords + `)(?:[\s,]+[\p{L}\p{M}'’.-]+){0,3}\s*[,!.:;?—–-]*\s*$`)
	// reGreetingLead is a greeting that opens a sentence: "Hi Lena, …".
	reGreetingLead = regexp.MustCompile(`(?i)^(?:` + greetingWords + `)(?:\s+[\p{L}\p{M}'’.-]+){0,3}\s*[,!—–]\s*`)
	// reNameComma is a name alone with a comma: "Lena,".
	reNameComma = regexp.MustCompile(`^\p{Lu}[\p{L}\p{M}'’.-]*(?:\s+\p{Lu}[\p{L}\p{M}'’.-]*)?\s*,\s*$`)
	// reBanner is an external-sender warning a mail gateway puts on top.
	reBanner = regexp.MustCompile(`(?i)originated\s+from\s+outside|from\s+outside\s+(?:of\s+)?(?:the|your|our)\s+organi[sz]ation|external\s+(?:sender|email|e-mail|message)|^\W*\[?external\]?\W|you\s+don['’]t\s+often\s+get\s+email\s+from|came\s+from\s+outside|von\s+außerhalb|externe[rn]?\s+(?:absender|e-mail|quelle)|provient\s+de\s+l['’]extérieur|expéditeur\s+externe|courriel\s+externe|fuera\s+de\s+(?:la|su|nuestra)\s+organización|remitente\s+externo|correo\s+externo|fora\s+da\s+(?:sua\s+)?organização|remetente\s+externo|esterno\s+all['’]organizzazione|mittente\s+esterno|buiten\s+(?:de|uw|onze)\s+organisatie|externe\s+afzender|utanför\s+(?:din\s+)?organisation|spoza\s+(?:twojej\s+)?organizacji|внешн(?:его|ий)\s+отправител|извне\s+организации|組織外|外部から|外部发件人|来自外部`)
)

// markBanner marks an external-sender banner: the first paragraph of the
// body (at most six lines) when it says the mail came from outside.
func markBanner(lines []string, kinds []lineKind) {
	i := 0
	for i < len(kinds) && kinds[i] == lBlank {
		i++
	}
	start := i
	for i < len(kinds) && kinds[i] == lText && i-start < 6 {
		i++
	}
	if i == start || i < len(kinds) && kinds[i] != lBlank {
		return
	}
	para := strings.Join(lines[start:i], " ")
	if !mayBeBanner(para) || !reBanner.MatchString(para) {
		return
	}
	for j := start; j < i; j++ {
		kinds[j] = lBanner
	}
}

// markGreeting marks the first line of the new text when it is a greeting
// alone ("Hi Lena,", "Morning!", "Lena,") and more text follows.
func markGreeting(lines []string, kinds []lineKind) *Removed {
	first := -1
	for i, k := range kinds {
		if k == lText && strings.TrimSpace(lines[i]) != "" {
			first = i
			break
		}
	}
	if first < 0 {
		return nil
	}
	t := strings.TrimSpace(strings.Trim(strings.TrimSpace(lines[first]), "*_"))
	if len(t) > 80 || !isGreetingLine(t) && !reNameComma.MatchString(t) {
		return nil
	}
	kinds[first] = lGreeting
	return &Removed{Kind: "greeting", Text: t}
}

// closing is what markTail found.
type closing struct {
	removed []Removed
	// unsure is set when the block held more than a sign-off and a name.
	unsure string
}

// markTail finds the sign-off and signature block that closes the new
// text. It is anchored by a sign-off line ("Thanks,", "Mit freundlichen
// Grüßen"), the sender's name, a name followed by contact lines, or two
// contact lines (phone, links, address, title, company, pronouns, legal);
// after the anchor only short lines may follow. The sign-off and the name
// right after it become lSignoff (they stay in the text); the rest
// becomes lSignature (left out of the text).
func markTail(lines []string, kinds []lineKind, who *sender, qs []Question) closing {
	type cl struct {
		i int
		c sigClass
	}
	var run []cl
	for i := len(lines) - 1; i >= 0 && len(run) < 16; i-- {
		if kinds[i] == lBlank {
			continue
		}
		if kinds[i] != lText {
			break
		}
		c := classifySig(lines[i], who, qs)
		if c == scOther {
			break
		}
		run = append([]cl{{i, c}}, run...)
	}
	p := -1
	for k := 0; k < len(run) && p < 0; k++ {
		switch run[k].c {
		case scSignOff, scName:
			p = k
		case scWeakName:
			if k+1 < len(run) && run[k+1].c == scContact ||
				k == len(run)-1 && !firstTextLine(kinds, run[k].i) && blankBefore(lines, kinds, run[k].i) && len(strings.Fields(lines[run[k].i])) <= 2 {
				p = k
			}
		case scContact:
			n, links, short := 0, 0, false
			for _, r := range run[k:] {
				n += b2i(r.c == scContact)
				links += b2i(r.c == scLink)
				short = short || r.c == scShort
			}
			if n >= 1 && n+links >= 2 && !short { // two contact lines, not only links (see scLink)
				p = k
			}
		}
	}
	if p < 0 || firstTextLine(kinds, run[p].i) && run[p].c != scSignOff && run[p].c != scName {
		return closing{}
	}
	var off, sig []string
	inSig, named := false, false
	// Without a sign-off word, a name followed by more lines is the first
	// line of a signature, not a sign-off.
	inSig = run[p].c != scSignOff && p < len(run)-1
	for k, r := range run[p:] {
		switch {
		case inSig:
		case r.c == scSignOff && !named:
		case k == 0 && r.c == scName:
			named = true
		case !named && (r.c == scName || r.c == scWeakName || r.c == scShort && utf8.RuneCountInString(strings.TrimSpace(lines[r.i])) <= 30):
			named = true
		default:
			inSig = true
		}
		if inSig {
			kinds[r.i] = lSignature
			sig = append(sig, strings.TrimSpace(lines[r.i]))
		} else {
			kinds[r.i] = lSignoff
			off = append(off, strings.TrimSpace(lines[r.i]))
		}
	}
	for i := run[p].i; i <= run[len(run)-1].i; i++ {
		if kinds[i] == lBlank && inSigRange(kinds, i) {
			kinds[i] = lSignature
		}
	}
	var c closing
	if len(off) > 0 {
		c.removed = append(c.removed, Removed{Kind: "signoff", Text: strings.Join(off, "\n")})
	}
	if len(sig) > 0 {
		c.removed = append(c.removed, Removed{Kind: "signature", Text: strings.Join(sig, "\n")})
		c.unsure = "removed a signature without a \"-- \" line: " + sig[0]
	} else if run[p].c == scWeakName && p == len(run)-1 {
		c.unsure = "took the last line for a name: " + off[0]
	}
	return c
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// inSigRange reports whether blank line i sits between signature lines.
func inSigRange(kinds []lineKind, i int) bool {
	before, after := false, false
	for j := i - 1; j >= 0 && kinds[j] != lText; j-- {
		if kinds[j] == lSignature {
			before = true
			break
		}
		if kinds[j] != lBlank {
			break
		}
	}
	for j := i + 1; j < len(kinds); j++ {
		if kinds[j] == lSignature {
			after = true
			break
		}
		if kinds[j] != lBlank {
			break
		}
	}
	return before && after
}

// firstTextLine reports whether no text line comes before line i.
func firstTextLine(kinds []lineKind, i int) bool {
	for j := 0; j < i; j++ {
		if kinds[j] == lText || kinds[j] == lGreeting {
			return false
		}
	}
	return true
}

// hasTextAfter reports whether a text line follows line i.
func hasTextAfter(kinds []lineKind, i int) bool {
	for j := i + 1; j < len(kinds); j++ {
		if kinds[j] == lText {
			return true
		}
	}
	return false
}

// blankBefore reports whether line i starts a paragraph.
func blankBefore(lines []string, kinds []lineKind, i int) bool {
	return i > 0 && (kinds[i-1] == lBlank || kinds[i-1] == lSignoff)
}

// bannerStems are words one of which every banner reBanner knows holds.
var bannerStems = []string{"outside", "extern", "often get email", "außerhalb", "extérieur", "fuera", "fora da", "esterno",
	"buiten", "utanför", "spoza", "внешн", "извне", "組織外", "外部", "来自外部"}

// mayBeBanner is a cheap necessary condition for reBanner.
func mayBeBanner(s string) bool {
	if len(s) > 1200 {
		return false
	}
	l := strings.ToLower(s)
	for _, st := range bannerStems {
		if strings.Contains(l, st) {
			return true
		}
	}
	return false
}

// reGreetingPhrase is a greeting of two words or more ("Good morning",
// "Hallo zusammen"), which may stand without punctuation.
var reGreetingPhrase = regexp.MustCompile(`(?i)^(?:good\s+(?:morning|afternoon|evening)|hi\s+(?:all|team|everyone)|hello\s+(?:all|team|everyone)|guten\s+(?:morgen|tag)|hallo\s+zusammen|hi\s+zusammen|buenos\s+días|bom\s+dia|dzień\s+dobry|dobrý\s+den|god\s+morgon|good\s+day)\b`)

// isGreetingLine reports whether t is a greeting alone: a greeting word
// and up to three more words, ending with punctuation ("Morning,"), or at
// most two words ("Hi Lena"), or a greeting phrase ("Good morning team").
// "Morning standup moved" is not one.
func isGreetingLine(t string) bool {
	if !reGreetingLine.MatchString(t) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(t)
	return strings.ContainsRune(",!.:;?—–-", last) || len(strings.Fields(t)) <= 2 || reGreetingPhrase.MatchString(t)
}
