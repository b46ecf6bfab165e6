package reply

import "regexp"

// cue is what a sentence of a prose reply is about.
type cue uint8

const (
	cueNone     cue = iota
	cuePast         // yesterday, finished, shipped
	cueToday        // today, this morning, working on
	cueThisWeek     // this week
	cueNextWeek     // next week
	cueBlock        // blocked, waiting on, stuck
	cueNoBlock      // no blockers, nothing blocking, all good
)

// Cue words and phrases, by language, as data. Alphabetic scripts are
// matched as whole words; the CJK and Thai lists anywhere.
var cueWords = map[cue]struct{ words, cjk string }{
	cueNoBlock: {
		words: `no\s+blockers?|ingen\s+blokeringer|ingen\s+blokkere|ingen\s+blokkeringer|ingen\s+hindringer|inga\s+blockerare|no\s+blocks|no\s+blocking\s+issues|nothing\s+(?:is\s+)?blocking(?:\s+me)?|not\s+blocked|no\s+longer\s+blocked|no\s+impediments|all\s+good|all\s+clear|no\s+issues|nothing\s+in\s+my\s+way|unblocked(?:\s+now)?|(?:is|are|was|got|been)\s+(?:now\s+)?(?:resolved|cleared|fixed|sorted)|blockers?\s*:?\s*none|` +
			`keine\s+(?:blocker|hindernisse|blockaden|probleme)|nichts\s+blockiert|alles\s+gut|alles\s+klar|nicht\s+blockiert|` +
			`aucun\s+(?:blocage|bloquant|souci|problème)|rien\s+de\s+bloquant|pas\s+de\s+blocage|rien\s+ne\s+me\s+bloque|tout\s+va\s+bien|débloqué|` +
			`sin\s+bloqueos?|ningún\s+bloqueo|nada\s+me\s+bloquea|sin\s+impedimentos|todo\s+bien|desbloquead[oa]|` +
			`sem\s+bloqueios?|nenhum\s+bloqueio|nada\s+me\s+bloqueia|tudo\s+certo|tudo\s+bem|desbloquead[oa]|` +
			`nessun\s+blocco|niente\s+mi\s+blocca|nessun\s+problema|tutto\s+ok|tutto\s+bene|sbloccat[oa]|` +
			`geen\s+blokkades|niets\s+blokkeert|alles\s+goed|inga\s+hinder|inget\s+blockerar|allt\s+bra|ingen\s+blokkeringer|ingenting\s+blokkerer|` +
			`brak\s+blokerów|sense\s+bloquejos|cap\s+bloqueig|res\s+(?:no\s+)?em\s+bloqueja|κανένα\s+εμπόδιο|τίποτα\s+δεν\s+με\s+μπλοκάρει|ei\s+(?:mitään\s+)?(?:esteitä|estettä|blokkereita)|nincs\s+(?:semmi\s+)?akadály|engel\s+yok|herhangi\s+bir\s+engel\s+yok|nu\s+am\s+blocaje|niciun\s+blocaj|fără\s+blocaje|không\s+có\s+(?:gì\s+)?(?:vướng|trở\s+ngại|rào\s+cản)|tidak\s+ada\s+(?:hambatan|kendala|blocker)|कोई\s+(?:रुकावट|बाधा)\s+नहीं|אין\s+חסמים|لا\s+(?:توجد|يوجد)\s+(?:عوائق|مشاكل)|žádné\s+překážky|nic\s+mnie\s+nie\s+blokuje|wszystko\s+ok|žádné\s+blokery|nic\s+mě\s+neblokuje|nincs\s+akadály|engel\s+yok|` +
			`блокеров\s+нет|нет\s+блокеров|ничего\s+не\s+блокирует|вс[её]\s+хорошо|блокерів\s+немає|немає\s+блокерів|κανένα\s+εμπόδιο`,
		cjk: `ブロッカーなし|블로커는\s*없습니다|블로커\s*없습니다|블로커는\s*없어요|ブロッカーはありません|特にありません|ไม่มีปัญหา|ไม่มีอะไรติดขัด|블로커\s*없|ブロッカーはありません|問題なし|特になし|没有阻碍|无阻碍|没有障碍|無阻礙|没有问题|沒有問題|블로커\s*없음|문제\s*없음|ไม่มีปัญหา`,
	},
	cueBlock: {
		words: `blocked|blocking\s+me|zasekl(?:a)?\s+jsem\s+se|zaseknut[ýá]|zablokovan[ýá]|elakadtam|takıldım|jumissa|κόλλησα|m-am\s+blocat|terhambat|terblokir|bị\s+chặn|bị\s+kẹt|अटका|अटकी|תקוע|תקועה|חסום|عالق|encallat|aștept|astept|sunt\s+blocat[ăa]?|estou\s+à\s+espera|à\s+espera\s+d[eoa]|várok|várom|odotan|περιμένω|menunggu|đang\s+chờ|इंतज़ार|प्रतीक्षा|מחכה|ממתין|أنتظر|بانتظار|bloquejat|blocker\s+is|waiting\s+(?:on|for)|still\s+waiting|stuck\s+(?:on|with|in)|stuck|can['’]?t\s+.{1,40}\s+until|cannot\s+.{1,40}\s+until|held\s+up\s+by|on\s+hold|` +
			`blockiert|warte\s+(?:auf|noch)|warten\s+auf|hänge\s+(?:an|bei|fest)|komme\s+nicht\s+weiter|` +
			`bloqué(?:e|s)?|j['’]attends|en\s+attente\s+(?:de|du|d['’])|coincée?|` +
			`bloquead[oa]s?|esperando|atascad[oa]|pendiente\s+de|aguardando|travad[oa]|` +
			`bloccat[oa]|in\s+attesa\s+di|aspetto|fermo\s+su|geblokkeerd|wacht\s+op|zit\s+vast|blockerad|väntar\s+på|blokkert|venter\s+på|sitter\s+fast|` +
			`zablokowan[ya]|czekam\s+na|utknął(?:em)?|utknęłam|zablokováno|čekám\s+na|blokkolva|várok|engellendi|bekliyorum|` +
			`заблокирован[ао]?|жду|ожидаю|застрял[аи]?|заблоковано|чекаю\s+на|застряг|μπλοκαρισμένος`,
		cjk: `ブロックされ|รอ|待ち|待っています|詰まって|阻塞|被卡|卡在|等待|等着|막혀|대기\s*중|기다리`,
	},
	cuePast: {
		words: `yesterday|finished|completed|shipped|wrapped\s+up|got\s+done|last\s+night|` +
			`gestern|abgeschlossen|fertiggestellt|erledigt|hier\s*,?\s*(?:j['’]ai|nous|on|je)|terminé|livré|` +
			`ayer|terminé|completé|acabé|ontem|terminei|concluí|finalizei|ieri|finito|completato|terminato|` +
			`gisteren|afgerond|igår|i\s+går|wczoraj|skończył(?:em|am)|včera|tegnap|dün|χθες|eilen|ahir|אתמול|أمس|hôm\s+qua|kemarin|` +
			`вчера|закончил[аи]?|вчора|завершив|завершила`,
		cjk: `昨日|昨天|어제|เมื่อวาน`,
	},
	cueToday: {
		words: `today|this\s+morning|ma\s+(?:a|az|is|délelőtt|délután)|this\s+afternoon|tonight|next\s+up|working\s+on|currently|i['’]m\s+on|` +
			`heute|heute\s+morgen|aujourd['’]hui|ce\s+matin|cet\s+après-midi|hoy|esta\s+mañana|hoje|oggi|stamattina|` +
			`vandaag|vanochtend|idag|i\s+dag|dzisiaj|dziś|dnes|bugün|σήμερα|astăzi|azi|tänään|avui|היום|اليوم|hôm\s+nay|hari\s+ini|आज|` +
			`сегодня|сьогодні`,
		cjk: `今日|本日|今天|오늘|วันนี้`,
	},
	cueThisWeek: {
		words: `this\s+week|last\s+week|diese\s+woche|cette\s+semaine|esta\s+semana|questa\s+settimana|deze\s+week|denna\s+vecka|denne\s+uken?|w\s+tym\s+tygodniu|на\s+этой\s+неделе`,
		cjk:   `今週|本周|这周|這週|이번\s*주`,
	},
	cueNextWeek: {
		words: `next\s+week|nächste\s+woche|(?:la\s+)?semaine\s+prochaine|(?:la\s+)?próxima\s+semana|(?:la\s+)?prossima\s+settimana|volgende\s+week|nästa\s+vecka|neste\s+uke|w\s+przyszłym\s+tygodniu|на\s+следующей\s+неделе`,
		cjk:   `来週|下周|下週|다음\s*주`,
	},
}

// cueRe is one compiled cue table: re finds the cue anywhere, start only
// at the start of a clause (after at most two marks such as "- ").
type cueRe struct {
	c         cue
	re, start *regexp.Regexp
}

// cueRes are the compiled cue tables, in the order they are tried.
var cueRes = func() []cueRe {
	var out []cueRe
	for _, c := range []cue{cueNoBlock, cueBlock, cueNextWeek, cueThisWeek, cueToday, cuePast} {
		w := cueWords[c]
		out = append(out, cueRe{
			c:     c,
			re:    regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}])(?:` + w.words + `)(?:[^\p{L}\p{N}]|$)|` + w.cjk),
			start: regexp.MustCompile(`(?i)^[^\p{L}\p{N}]{0,2}(?:(?:` + w.words + `)(?:[^\p{L}\p{N}]|$)|` + w.cjk + `)`),
		})
	}
	return out
}()

// cueOf returns what a sentence is about: a blocker statement (either way)
// wins; else the time cue that comes first in the sentence.
func cueOf(s string) cue {
	best, at := cueNone, len(s)+1
	for _, r := range cueRes {
		loc := r.re.FindStringIndex(s)
		if loc == nil {
			continue
		}
		if r.c == cueNoBlock || r.c == cueBlock {
			return r.c
		}
		if loc[0] < at {
			best, at = r.c, loc[0]
		}
	}
	return best
}

// startsWithCue reports whether s opens with a cue (for splitting "…,
// today I …" and "… and waiting on Bob").
func startsWithCue(s string) bool {
	for _, r := range cueRes {
		if r.start.MatchString(s) {
			return true
		}
	}
	return false
}

// cueQuestion returns which question a cue files under, or -1.
func cueQuestion(c cue, qs []Question) int {
	var keys []string
	switch c {
	case cuePast:
		keys = []string{"done", "yesterday", "accomplishments"}
	case cueToday:
		keys = []string{"today", "plans"}
	case cueThisWeek:
		keys = []string{"accomplishments", "today"}
	case cueNextWeek:
		keys = []string{"plans", "today"}
	case cueBlock, cueNoBlock:
		for i, q := range qs {
			if isBlockerKey(q) {
				return i
			}
		}
		return -1
	}
	for _, k := range keys {
		for i, q := range qs {
			if q.Key == k {
				return i
			}
		}
	}
	return -1
}
