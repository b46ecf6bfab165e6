package reply

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Verbs that end or carry an attribution line ("… wrote:"), by language.
const attribVerbs = `wrote|writes|a\s+écrit|nous\s+a\s+dit|escribió|escreveu|schrieb|schrieben\s+Sie|geschrieben|ha\s+scritto|scrisse|schreef|het\s+volgende\s+geschreven|skrev|skriver|napisał\(a\)|napisała|napisał|pisze|napsal|написал\(а\)|написала|написал|написав|пишет|пише|kirjoitti|írta|yazdı`

// attribVerbsMore are the attribution verbs of further languages (Czech,
// Slovak, Catalan, Romanian, Greek, Hebrew, Arabic, Korean, Japanese Apple
// Mail, Vietnamese, Thai, Indonesian, Hindi, Croatian, Baltic, Persian):
// their regexps run only when one of them occurs in the line.
const attribVerbsMore = `napsal\(a\)|napsala|napísal\(a\)|napísala|napísal|написа|ezt\s+írta|şunu\s+yazdı|ha\s+escrit|va\s+escriure|a\s+scris|έγραψε|כתב\(ה\)|כתבה|כתב|كتب|작성|のメッセージ|đã\s+viết|viết|เขียนว่า|เขียน|menulis|ने\s+लिखा|लिखा|je\s+napisao|je\s+napisala|je\s+napisal|rašė|rakstīja|kirjutas|نوشت`

// Words that open an attribution line ("On …", "Am …", "Le …").
const attribOpeners = `on|at|am|le|el|em|il|il\s+giorno|op|den|dnia|w\s+dniu|dňa|в|у|pada|på`

// attribOpenersMore are openers of further languages ("Dne", "Pe", "Στις").
const attribOpenersMore = attribOpeners + `|dne|pe|în|στις|στο|ב-?|في|vào|lúc|เมื่อ|tanggal|kl\.`

var (
	// CJK: "在 2026年11月24日 … 写道：".
	reAttribCJK = regexp.MustCompile(`^(?:在|於|于)?.*\d.*(?:写道|寫道|が書きました)\s*[:：]?\s*$`)
	// "Ana <a@x> schrieb am Di., 24. Nov. 2026 um 09:00 Uhr:".
	reAttribWroteOn = regexp.MustCompile(`(?i)^.+\s(?:wrote|schrieb|a\s+écrit|escribió|escreveu|skrev)\s+(?:on|am|le|el|em|den)\s.*\d.*[:：]\s*$`)
	// "2026-11-24 9:00 GMT+01:00 Ana <a@x>:", "2026年11月24日(火) 9:00 Ana <a@x>:".
	reAttribDateEmail = regexp.MustCompile(`^[^<>@]{0,40}(?:19|20)\d\d[^<>@]*<[^<>\s@]+@[^<>\s]+>{1,2}\s*[:：]?\s*$`)
	// mutt: "* Ana <a@x> [2026-11-24 09:00]:".
	reMuttAttrib = regexp.MustCompile(`^\*\s.+\s\[\d{4}-\d\d-\d\d[^\]]*\]:\s*$`)
	// "2016-03-03 17:21 GMT+01:00 Some One".
	reAttribISOGMT = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d?:\d\d GMT[+-]\d\d:\d\d [\pL\s.'-]+$`)
	// Lines that may begin an attribution wrapped over several lines.
	reAttribStart = regexp.MustCompile(`(?i)^(?:(?:` + attribOpenersMore + `)\s|\d|[^\s\d]{1,15},?\s+\d|.*<\S*$|.*\s(?:wrote|schrieb)\s+(?:on|am)\s)`)

	reAttribWroteOnStart = regexp.MustCompile(`(?i)\s(?:wrote|schrieb)\s+(?:on|am)\s`)
	// wroteWords: reAttribWroteOnStart holds one of them (fold.go).
	wroteWords = []string{foldKey("wrote"), foldKey("schrieb")}

	attribRegexps = append(attribShapes(attribOpeners, attribVerbs),
		reAttribCJK, reAttribWroteOn, reAttribDateEmail, reAttribISOGMT, reMuttAttrib)
	// attribRegexpsMore are the same shapes for attribVerbsMore.
	attribRegexpsMore = attribShapes(attribOpenersMore, attribVerbsMore)
)

// Forwarded-message and original-message markers.
var (
	reForwardRule  = regexp.MustCompile(`(?i)^[\s>*_]*-{2,}\s*(?:(?:Forwarded|Original|Reply)\s+message|Forwarded|Original|Mensaje\s+(?:original|reenviado)|Message\s+(?:transféré|d'origine|original|réexpédié)|Ursprüngliche\s+Nachricht|Weitergeleitete\s+Nachricht|Originalnachricht|Mensagem\s+(?:original|encaminhada|reencaminhada)|Messaggio\s+(?:originale|inoltrato)|Oorspronkelijk\s+bericht|Doorgestuurd\s+bericht|Origineel\s+bericht|Ursprungligt\s+meddelande|Vidarebefordrat\s+meddelande|Videresendt\s+(?:melding|meddelelse)|Opprinnelig\s+melding|Oprindelig\s+meddelelse|Wiadomość\s+(?:oryginalna|przekazana)|Przekazana\s+wiadomość|Исходное\s+сообщение|Пересылаемое\s+сообщение|Пересланное\s+сообщение|Оригінальне\s+повідомлення|Переслане\s+повідомлення|Пересланий\s+лист|原始邮件|转发邮件|已转发邮件|転送メッセージ|転送されたメッセージ|元のメッセージ|Původní\s+(?:e-mail|zpráva)|Přeposlaná\s+zpráva|Pôvodná\s+správa|Eredeti\s+üzenet|Továbbított\s+üzenet|Orijinal\s+ileti|İletilen\s+ileti|Alkuperäinen\s+viesti|Välitetty\s+viesti|Αρχικό\s+μήνυμα|Προωθημένο\s+μήνυμα|Mesaj\s+original|Mesaj\s+redirecționat|Missatge\s+original|Missatge\s+reenviat|ההודעה\s+המקורית|הודעה\s+שהועברה|الرسالة\s+الأصلية|رسالة\s+محولة|원본\s+메시지|전달된\s+메시지|Thư\s+gốc|Thư\s+chuyển\s+tiếp|ข้อความต้นฉบับ|ข้อความที่ส่งต่อ|Pesan\s+Asli|Pesan\s+Terusan|मूल\s+संदेश|अग्रेषित\s+संदेश)\s*-{2,}[\s*_]*$`)
	reForwardBegin = regexp.MustCompile(`(?i)^[\s>*]*(?:Begin\s+forwarded\s+message|Anfang\s+der\s+weitergeleiteten\s+(?:Nachricht|E-Mail)|Début\s+du\s+message\s+(?:réexpédié|transféré)|Inicio\s+del\s+mensaje\s+reenviado|Início\s+da\s+mensagem\s+(?:reencaminhada|encaminhada)|Inizio\s+messaggio\s+inoltrato|Begin\s+doorgestuurd\s+bericht|Vidarebefordrat\s+mejl|Videresendt\s+e-post|Videresendt\s+besked|Początek\s+przekazywanej\s+wiadomości|Начало\s+переадресованного\s+сообщения|Початок\s+пересланого\s+повідомлення|転送されたメッセージ|以下是转发的邮件|转发的邮件)\s*[:：]?\s*\*?$`)
	// reForwardWord tells a forward marker from an original-message one.
	reForwardWord = regexp.MustCompile(`(?i)已转发|forward|přeposl|továbbít|iletilen|välitet|προωθ|redirecț|reenviat|הועבר|محولة|전달|chuyển\s+tiếp|ส่งต่อ|terusan|अग्रेषित|transf|weitergeleit|reenvi|encaminh|reencaminh|inoltr|doorgestuurd|vidarebefordr|videresendt|przekaz|пересыла|переслан|переадрес|пересла|转发|転送`)
)

// Header names of an embedded header block, by role, in many languages.
const (
	hdrFrom    = `from|von|de|da|van|från|fra|od|от|від|差出人|发件人|寄件者|送信者|expéditeur|remitente|mittente|afzender|avsändare|afsender|nadawca|отправитель|feladó|kimden|gönderen|lähettäjä|από|de\s+la|מאת|من|보낸\s*사람|từ|จาก|dari|प्रेषक|lähettäjä|odesílatel|pengirim`
	hdrDate    = `sent|date|datum|gesendet|envoyé|enviado|enviada|enviada\s+em|fecha|data|inviato|verzonden|skickat|sendt|wysłano|wysłane|отправлено|надіслано|дата|送信日時|日付|发送时间|日期|发送日期|寄件日期|傳送日期|le|odesláno|elküldve|dátum|gönderildi|tarih|gönderilme\s+tarihi|lähetetty|päivämäärä|στάλθηκε|ημερομηνία|trimis|dată|enviat|נשלח|תאריך|تاريخ\s+الإرسال|التاريخ|أرسلت|보낸\s*날짜|날짜|đã\s+gửi|ngày|ส่ง|วันที่|dikirim|tanggal|भेजा\s+गया|दिनांक|tiistai|pvm`
	hdrTo      = `to|an|à|a|pour|para|aan|till|til|do|кому|宛先|收件人|收件者|副本|抄送|destinataire|destinatario|destinatário|cc|kopie|копия|komu|kopie|címzett|másolat|kime|bilgi|vastaanottaja|kopio|προς|κοιν|către|per\s+a|a\/c|אל|עותק|إلى|نسخة|받는\s*사람|참조|đến|ถึง|kepada|tembusan|प्रति|प्रतिलिपि`
	hdrSubject = `subject|betreff|objet|asunto|assunto|oggetto|onderwerp|ämne|emne|temat|тема|件名|主题|主題|主旨|sujet|předmět|tárgy|konu|aihe|θέμα|subiect|assumpte|נושא|الموضوع|제목|chủ\s+đề|tiêu\s+đề|เรื่อง|subjek|perihal|विषय`
	hdrOther   = `reply-to|antwort\s+an|répondre\s+à|responder\s+a|risposta|beantwoorden\s+-\s+aan|svara\s+till`
)

var (
	reHeaderLine = regexp.MustCompile(`(?i)^[\s>]*\*{0,2}(` + hdrFrom + `|` + hdrDate + `|` + hdrTo + `|` + hdrSubject + `|` + hdrOther + `)\*{0,2}\s*[:：]\s*\*{0,2}\s*\S`)
	reHeaderFrom = regexp.MustCompile(`(?i)^(?:` + hdrFrom + `)$`)
	reHeaderDate = regexp.MustCompile(`(?i)^(?:` + hdrDate + `)$`)
	reHeaderSubj = regexp.MustCompile(`(?i)^(?:` + hdrSubject + `)$`)
)

// Mobile and client footers ("Sent from my iPhone"), matched on one line
// after markdown links are reduced to their text.
var reFooter = regexp.MustCompile(`(?i)^[\s(<]*(?:` +
	`sent\s+(?:from|via|with|by|using)\s+\S.{0,80}|` +
	`get\s+(?:outlook|the\s+\S+\s+app)\s+for\s.{0,60}|` +
	`\S+\s+from\s+mobile|from\s+my\s+(?:iphone|ipad|android|mobile|samsung|galaxy|phone|blackberry|\S+\s+\d+).{0,20}|` +
	`envoyé\s+(?:de|depuis|à\s+partir\s+de)\s+(?:mon|ma|yahoo|outlook).{0,60}|` +
	`von\s+meinem\s+.{1,40}\s+gesendet.{0,40}|gesendet\s+(?:von|mit)\s+(?:meinem|der|mobile).{0,60}|` +
	`diese\s+nachricht\s+wurde\s+von\s.{1,60}\s+gesendet.{0,10}|` +
	`inviato\s+da\s.{1,60}|enviado\s+(?:desde|do|de)\s+(?:mi|meu|o|yahoo|outlook).{0,60}|` +
	`sendt\s+fra\s+(?:min|mi|yahoo|outlook).{0,60}|skickat\s+från\s.{1,60}|från\s+min\s.{1,40}|` +
	`verzonden\s+(?:met|vanaf|van)\s.{1,60}|verstuurd\s+vanaf\s.{1,60}|` +
	`wysłane\s+z\s.{1,60}|wysłano\s+z\s.{1,60}|отправлено\s+(?:с|из)\s.{1,60}|надіслано\s+з\s.{1,60}|` +
	`从我的.{1,20}发送|從我的.{1,20}傳送|发自我的.{1,20}|.{1,20}から送信|` +
	`gesendet\s+(?:von|mit|vom)\s+(?:meinem\s+|meiner\s+)?(?:outlook|iphone|ipad|android|samsung|handy|smartphone|mobil|galaxy|gmx|web\.de|yahoo).{0,40}|holen\s+sie\s+sich\s+outlook.{0,40}|` +
	`t[ée]l[ée]charger\s+outlook.{0,40}|obtenir\s+outlook.{0,40}|obt[eé]n(?:er|ga)?\s+outlook.{0,40}|obter\s+o\s+outlook.{0,40}|scarica\s+outlook.{0,40}|outlook\s+voor\s+\S+\s+downloaden|` +
	`hämta\s+outlook.{0,40}|få\s+outlook.{0,40}|pobierz\s+(?:aplikację\s+)?outlook.{0,40}|получить\s+outlook.{0,40}|` +
	`.{0,20}outlook\s*を入手|获取\s*outlook.{0,40}|.{0,30}outlook\s*받기|.{0,20}에서\s*보냄|` +
	`أُ?رسلت\s+من\s.{1,40}|تم\s+الإرسال\s+من\s.{1,40}|.{1,30}['’]?(?:umdan|imden|undan|ından|dan|den|tan|ten)\s+gönderildi|` +
	`odesláno\s+z\s.{1,40}|odoslané\s+z\s.{1,40}|elküldve\s+(?:az?\s+)?\S.{0,40}|lähetetty\s+\S+(?:sta|stä)\b.{0,30}|` +
	`στάλθηκε\s+από\s.{1,40}|εστάλη\s+από\s.{1,40}|.{1,30}(?:ról|ről)\s+küldve|được\s+gửi\s+từ\s.{1,40}|trimis\s+de\s+pe\s.{1,40}|enviat\s+des\s+de(?:l)?\s.{1,40}|נשלח\s+מ.{1,40}|` +
	`gửi\s+từ\s.{1,40}|ส่งจาก.{1,40}|dikirim\s+dari\s.{1,40}|.{1,30}से\s+भेजा\s+गया|poslano\s+s\s.{1,40}|` +
	`get\s+outlook\s+for\s.{0,60}` +
	`)[\s)>.]*$`)

var (
	reMarkdownLink = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	reDelimiter    = regexp.MustCompile(`^\s*[-_=+~#*ᐧ—,·•━─═＿－]+\s*$`)
	reSigDash      = regexp.MustCompile(`^(?:--|—|–)\s*$`)
	reQuote        = regexp.MustCompile(`^\s*(?:[A-Za-z]{1,3})?>`)
	reCodeFence    = regexp.MustCompile("^\\s*(?:```|~~~)")
	reDisclaimer   = regexp.MustCompile(`(?i)^\W*(?:disclaimer|confidentiality\s+notice|confidential|this\s+(?:e-?mail|message|communication|transmission)\b.*\b(?:confidential|privileged|intended\s+(?:solely|only|for))|the\s+information\s+(?:contained\s+)?in\s+this\s+(?:e-?mail|message).*\b(?:confidential|privileged|intended)|diese\s+(?:e-?mail|nachricht)\s+(?:enthält|kann)\s.*vertraulich|ce\s+(?:message|courriel|e-?mail)\s.*confidenti|este\s+(?:mensaje|correo|e-?mail)\s.*confidencial|questo\s+messaggio\s.*riservat|dit\s+bericht\s.*vertrouwelijk|aviso\s+legal|avís\s+legal|avertissement|mentions\s+légales|haftungsausschluss|rechtliche[rn]?\s+hinweis|vertraulichkeitshinweis|treść\s+tej\s+wiadomości|ta\s+wiadomość\s.*poufn|esta\s+mensagem\s.*confidencia|aquest\s+missatge\s.*confidencia|denne\s+(?:e-?mail|meddelelse|melding)\s.*fortrolig|detta\s+(?:e-?post|meddelande)\s.*konfidentiell|tämä\s+viesti\s.*luottamuksellinen|bu\s+e-?posta\s.*gizli|ez\s+az\s+e-?mail\s.*bizalmas|tato\s+zpráva\s.*důvěrn|το\s+παρόν\s.*εμπιστευτικ|ההודעה\s.*סודי|هذه\s+الرسالة\s.*سري|この(?:メール|電子メール).*機密|本邮件.*保密|本郵件.*保密|이\s+메일.*기밀|acest\s+mesaj\s.*confidențial)`)
)

// attribShapes compiles the attribution shapes that hold a verb, for one
// list of openers and verbs:
//   - "On Tue, 24 Nov 2026 at 09:00, Ana <a@x> wrote:", verb last;
//   - "Am 24.11.2026 um 09:00 schrieb Ana <a@x>:", verb before the name;
//   - "24 нояб. 2026 г. Ana <a@x> написал:", a date first;
//   - "Ana <a@x> wrote:", "ana via Tidings wrote:".
func attribShapes(openers, verbs string) []*regexp.Regexp {
	return []*regexp.Regexp{
		regexp.MustCompile(`(?i)^(?:` + openers + `)\s.*\d.*[\s"'>)\]](?:` + verbs + `)\s*(?:[:：]|-{2,})?\s*$`),
		regexp.MustCompile(`(?i)^(?:` + openers + `)\s.*\d.*\s(?:` + verbs + `)\s.+[:：]\s*$`),
		regexp.MustCompile(`(?i)^[^\s\d]{0,15}[,.]?\s*\d.*[\s"'>)\]](?:` + verbs + `)(?:\s.*)?[:：]\s*$`),
		regexp.MustCompile(`(?i)^.*(?:@|\svia\s).*[\s"'>)\]](?:` + verbs + `)\s*[:：]?\s*$`),
	}
}

// isWroteOn reports whether s holds "wrote on" or "schrieb am" (an
// attribution wrapped after its verb).
func isWroteOn(s string) bool {
	return containsFold(s, wroteWords) && reAttribWroteOnStart.MatchString(s)
}

// isAttribution reports whether s (one line, or several joined) reads as an
// attribution line such as "On … wrote:".
func isAttribution(s string) bool {
	if reMuttAttrib.MatchString(strings.TrimSpace(s)) {
		return true
	}
	s = strings.TrimSpace(strings.TrimLeft(s, " \t>*-"))
	if len(s) < 8 || len(s) > 400 || !mayBeAttribution(s) {
		return false
	}
	res := attribRegexps
	if !hasEnding(s, attribEndings) {
		res = attribVerbless
	}
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	if hasEnding(s, attribEndingsMore) {
		for _, re := range attribRegexpsMore {
			if re.MatchString(s) {
				return true
			}
		}
	}
	return false
}

// attribVerbless are the attribution shapes that need no verb.
var attribVerbless = []*regexp.Regexp{reAttribCJK, reAttribDateEmail, reAttribISOGMT, reMuttAttrib}

// hasAttribVerb reports whether s holds the last word of some attribution
// verb ("wrote", "écrit", "작성"): a cheap necessary condition for the
// regexps that need one.
func hasAttribVerb(s string) bool {
	return hasEnding(s, attribEndings) || hasEnding(s, attribEndingsMore)
}

// hasEnding reports whether s, lower-cased, contains one of endings.
func hasEnding(s string, endings []string) bool {
	l := strings.ToLower(s)
	for _, e := range endings {
		if strings.Contains(l, e) {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// attribEndings are the last words of the attribution verbs ("wrote",
// "écrit", "napisał(a)"), lower case.
var (
	attribEndings     = endingsOf(attribVerbs)
	attribEndingsMore = endingsOf(attribVerbsMore)
)

func endingsOf(verbs string) []string {
	var out []string
	for _, v := range strings.Split(verbs, "|") {
		f := strings.Split(v, `\s+`)
		out = append(out, strings.NewReplacer(`\(`, "(", `\)`, ")").Replace(f[len(f)-1]))
	}
	return out
}

// mayBeAttribution is a cheap necessary condition for isAttribution's
// regexps on a trimmed line: every attribution ends with a colon, "--",
// ">", a CJK "wrote" or an attribution verb, or starts with a digit
// ("2016-03-03 17:21 GMT+01:00 Ana"); and it holds a digit, "@" or "via".
func mayBeAttribution(s string) bool {
	if !strings.ContainsAny(s, "0123456789@") && !containsFoldASCII(s, "via") {
		return false
	}
	if len(s) > 5 && s[4] == '-' && isDigits(s[:4]) {
		return true // "2016-03-03 17:21 GMT+01:00 Some One"
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	switch last {
	case ':', '：', '-', '>', '道', 'た':
		return true
	}
	i := strings.LastIndexAny(s, " \t\"'>)]")
	if last == ')' {
		i = strings.LastIndexAny(s, " \t\"'>]")
	}
	word := strings.ToLower(s[i+1:])
	for _, e := range attribEndings {
		if word == e {
			return true
		}
	}
	for _, e := range attribEndingsMore {
		if word == e {
			return true
		}
	}
	return false
}

// containsFoldASCII reports whether s contains the lower-case ASCII word
// sub, ignoring ASCII case.
func containsFoldASCII(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		j := 0
		for j < len(sub) && s[i+j]|0x20 == sub[j] {
			j++
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

// isForwardMarker reports whether the line opens a forwarded or original
// message ("---------- Forwarded message ---------", "Begin forwarded
// message:"), and whether it is a forward rather than quoted history.
func isForwardMarker(s string) (marker, forward bool) {
	if len(s) > 200 {
		return false, false
	}
	if strings.Contains(s, "--") && reForwardRule.MatchString(s) || reForwardBegin.MatchString(s) {
		return true, reForwardWord.MatchString(s)
	}
	return false, false
}

// headerField splits an embedded header line ("*From:* Ana") into its
// lower-cased name and value; ok is false when it is not one.
func headerField(s string) (name, value string, ok bool) {
	if len(s) > maxLineBytes || !strings.ContainsAny(s, ":：") || !knownLabel(s) || !reHeaderLine.MatchString(s) {
		return "", "", false
	}
	s = strings.TrimLeft(s, " \t>")
	i := strings.IndexAny(s, ":：")
	name = strings.ToLower(strings.Trim(s[:i], " \t*"))
	value = strings.TrimPrefix(s[i:], ":")
	value = strings.TrimPrefix(value, "：")
	return name, strings.Trim(value, "* \t"), true
}

// isFooter reports whether the line is a mobile or client footer.
func isFooter(s string) bool {
	if len(s) > 200 || len(strings.Fields(s)) > 16 || !mayBeFooter(s) {
		return false
	}
	if strings.Contains(s, "](") {
		s = reMarkdownLink.ReplaceAllString(s, "$1")
	}
	if i := strings.Index(s, "<http"); i > 0 {
		s = s[:i]
	}
	return reFooter.MatchString(s) && !footerIsProse(s)
}

// proseWords are words a client footer never holds but a sentence that
// merely starts "Sent from my desk, …" does.
var proseWords = map[string]bool{"is": true, "was": true, "are": true, "were": true, "than": true, "then": true,
	"because": true, "which": true, "that": true, "it": true, "it's": true, "i": true, "we": true, "but": true,
	"ist": true, "war": true, "weil": true, "est": true, "parce": true, "es": true, "porque": true, "é": true, "è": true, "perché": true}

// footerIsProse reports whether a line that reads like a footer goes on
// as a sentence ("Sent from my desk, is much easier than my phone.").
func footerIsProse(s string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == ',' || r == '.' || r == ';' || r == '!' || r == '?' || r == '\t'
	}) {
		if proseWords[w] {
			return true
		}
	}
	return false
}

// footerStems are pieces one of which every footer reFooter knows holds,
// lower case: a cheap necessary condition tried before the regexp.
var footerStems = []string{"sent", "get outlook", "get the ", "from my", "from mobile", "envoy", "gesendet", "nachricht", "inviato", "enviado", "enviat", "sendt",
	"skickat", "från", "verzonden", "verstuurd", "wysła", "отправлено", "надіслано", "发送", "傳送", "发自", "送信", "holen",
	"charger", "obten", "obtén", "obter", "scarica", "downloaden", "hämta", "få ", "pobierz", "получить", "を入手", "获取",
	"받기", "보냄", "رسلت", "الإرسال", "gönderildi", "odeslán", "odoslan", "küldve", "lähetetty", "στάλθηκε", "εστάλη",
	"trimis", "נשלח", "gửi", "ส่งจาก", "dikirim", "भेजा", "poslano", "outlook"}

// mayBeFooter is a cheap necessary condition for reFooter.
func mayBeFooter(s string) bool {
	l := strings.ToLower(s)
	for _, st := range footerStems {
		if strings.Contains(l, st) {
			return true
		}
	}
	return false
}

// headerLabels are the header names of hdrFrom … hdrOther, lower case,
// single-spaced.
var headerLabels = func() map[string]bool {
	out := map[string]bool{}
	for _, list := range []string{hdrFrom, hdrDate, hdrTo, hdrSubject, hdrOther} {
		for _, l := range strings.Split(list, "|") {
			l = strings.NewReplacer(`\s+`, " ", `\/`, "/", `\-`, "-").Replace(l)
			out[strings.ReplaceAll(l, `\s*`, "")] = true
			out[strings.ReplaceAll(l, `\s*`, " ")] = true
		}
	}
	return out
}()

// knownLabel is a cheap necessary condition for reHeaderLine: what comes
// before the first colon, without "*" and ">", is a known header name.
func knownLabel(s string) bool {
	i := strings.IndexAny(s, ":：")
	label := strings.Trim(s[:i], " \t>*")
	if len(label) > 40 {
		return false
	}
	return headerLabels[strings.Join(strings.Fields(strings.ToLower(label)), " ")]
}
