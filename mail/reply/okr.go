package reply

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// KRRef is a key result a check-in reply may report on. Unit is one of
// "%", "number", "currency", "boolean" (store's units); Start and Target
// help read an ambiguous "1.240" as 1240 or 1.24.
type KRRef struct {
	Key      string  `json:"key"`
	Title    string  `json:"title"`
	Unit     string  `json:"unit"`
	Currency string  `json:"currency,omitempty"`
	Start    float64 `json:"start"`
	Target   float64 `json:"target"`
}

// OKROptions tunes ParseOKR.
type OKROptions struct {
	// Locale is the member's language tag ("de", "en-US"): it decides
	// whether "1,240" is 1240 or 1.24. Empty: the reading closer to the
	// key result's range wins.
	Locale string
}

// KRReport is what a reply says about one key result. Exactly one of
// Value (a new value), Done (target reached, or a boolean achieved) and
// NoChange is set, or only Status (an override without a new value).
type KRReport struct {
	Key        string   `json:"key"`
	Value      *float64 `json:"value,omitempty"`
	Done       bool     `json:"done,omitempty"`
	NoChange   bool     `json:"no_change,omitempty"`
	Confidence *int     `json:"confidence,omitempty"` // 0–10
	// Status is the member's override: "on_track", "at_risk", "off_track".
	Status  string `json:"status,omitempty"`
	Comment string `json:"comment,omitempty"`
	Line    string `json:"line"` // the line it was read from
}

// OKRProblem is a line that names a key result but could not be used.
type OKRProblem struct {
	Line    string `json:"line"`
	Problem string `json:"problem"`
}

// OKRReading is what ParseOKR understood: reports in the order written
// (one per key result; a later line for the same key replaces an earlier
// one), problems, and the lines it did not recognise, kept as a comment.
type OKRReading struct {
	Reports      []KRReport   `json:"reports"`
	Problems     []OKRProblem `json:"problems"`
	Unrecognised []string     `json:"unrecognised"`
}

// Comment is the unrecognised lines joined, as a general comment.
func (r OKRReading) Comment() string { return strings.Join(r.Unrecognised, "\n") }

var (
	krLabelRE = regexp.MustCompile(`(?i)^\s*(?:[-*•·]\s*)?\b(kr\s?#?\d{1,3}[a-z]?|o\d{1,2}\s?kr\d{1,3})\b\s*[:=\-–—.)]?\s*`)
	confRE    = regexp.MustCompile(`(?i)[(\[,;]?\s*\b(?:confidence|conf|confiance|zuversicht|konfidenz|confianza|fiducia|confiança)\b\s*(?:is|:|=|ist|de|est)?\s*(\d{1,2})(?:\s*/\s*10|\s+out of 10)?\s*[)\]]?` +
		`|[(\[,;]?\s*\b(\d{1,2})\s*/\s*10\b(?:\s*(?:confidence|confident|sure))?\s*[)\]]?`)
	statusRE = regexp.MustCompile(`(?i)\b(on[ -]?track|at[ -]?risk|off[ -]?track|im plan|gefährdet|en bonne voie|en risque|en riesgo)\b`)
	noChgRE  = regexp.MustCompile(`(?i)\b(no change|unchanged|no progress|same as last week|same|keine änderung|unverändert|pas de changement|inchangé|sin cambios|sem alteração|nessun cambiamento)\b|^\s*=\s*`)
	notDnRE  = regexp.MustCompile(`(?i)\b(not (?:yet )?done|not yet|not shipped|nicht erledigt|pas encore|todavía no|ainda não|no)\b`)
	doneRE   = regexp.MustCompile(`(?i)(\b(done|achieved|completed?|shipped|launched|finished|reached|hit|erledigt|geschafft|fait|terminé|atteint|hecho|logrado|completado|fatto|feito|concluído|yes|ja|oui|sí)\b|✅|✓|✔)`)
)

// ParseOKR reads a key-result check-in reply: one line per key result in
// many forms ("KR2: 45%", "uptime 99.7", "signups 1,240 (confidence
// 6/10)", "KR3 done", "KR1: no change, waiting on legal", "KR2: 40%, at
// risk"), or answers written under the quoted lines of the prompt that
// name each key result. krs are the member's key results; with none,
// any "KRn" label is accepted. It is pure and never fails: lines naming
// an unknown key result or without a readable value become Problems,
// other unrecognised lines are kept in Unrecognised.
func ParseOKR(text string, krs []KRRef, opts OKROptions) OKRReading {
	p := okrParser{krs: krs, opts: opts, at: map[string]int{}}
	for _, raw := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		p.line(raw)
	}
	p.finish()
	if p.out.Reports == nil {
		p.out.Reports = []KRReport{}
	}
	if p.out.Problems == nil {
		p.out.Problems = []OKRProblem{}
	}
	if p.out.Unrecognised == nil {
		p.out.Unrecognised = []string{}
	}
	return p.out
}

type okrParser struct {
	krs     []KRRef
	opts    OKROptions
	out     OKRReading
	at      map[string]int // key → index in out.Reports
	context string         // the key result the last quoted or labelled line named
	// interleaved is set once a quoted line named a key result: the
	// reply is written under the quoted prompt.
	interleaved bool
	pending     map[string][]string
}

func (p *okrParser) line(raw string) {
	l := strings.TrimSpace(raw)
	if l == "" {
		return
	}
	if strings.HasPrefix(l, ">") {
		// A quoted line of our prompt sets the context for the answer below it.
		q := strings.TrimSpace(strings.TrimLeft(l, "> "))
		if key, _, ok := p.label(q); ok && key != "" {
			p.context, p.interleaved = key, true
		} else if q != "" && p.context != "" && !strings.HasPrefix(q, "KR") {
			// A quoted line about something else (our instructions) ends it.
			if _, _, ok := p.label(q); !ok {
				p.context = ""
			}
		}
		return
	}
	key, rest, labelled := p.label(l)
	switch {
	case labelled && key == "":
		p.problem(l, fmt.Sprintf("%s is not one of your key results (%s)", p.named(l), p.keyList()))
		return
	case labelled:
		// Lines after a labelled one are its comment only in a reply
		// written under the quoted key results.
		if p.interleaved {
			p.context = key
		}
		p.report(key, rest, l, true)
		return
	case p.context != "":
		p.report(p.context, l, l, false)
		return
	case len(p.krs) == 1:
		if r, ok := p.read(p.krs[0], l); ok && (r.Value != nil || r.Done || r.NoChange) {
			p.put(r)
			return
		}
	}
	p.out.Unrecognised = append(p.out.Unrecognised, l)
}

// label finds which key result a line names, by key ("KR2:") or by words
// of its title ("uptime 99.7"). ok with an empty key means a key-like
// label that names none of krs. rest is the line after the label.
func (p *okrParser) label(l string) (key, rest string, ok bool) {
	if m := krLabelRE.FindStringSubmatchIndex(l); m != nil {
		name := strings.ToUpper(strings.Join(strings.Fields(l[m[2]:m[3]]), ""))
		name = strings.ReplaceAll(name, "#", "")
		rest = l[m[1]:]
		if len(p.krs) == 0 {
			return name, rest, true
		}
		for _, kr := range p.krs {
			if normKey(kr.Key) == name {
				return kr.Key, rest, true
			}
		}
		return "", rest, true
	}
	for _, kr := range p.krs {
		if normKey(kr.Key) != "" && strings.HasPrefix(strings.ToUpper(l), normKey(kr.Key)) {
			r := l[len(kr.Key):]
			if r == "" || !unicode.IsLetter(rune(r[0])) && !unicode.IsDigit(rune(r[0])) {
				return kr.Key, strings.TrimLeft(r, " :=-–—"), true
			}
		}
	}
	// By title: the words before the first digit, currency or keyword.
	head := l
	if i := strings.IndexFunc(l, func(r rune) bool { return unicode.IsDigit(r) || strings.ContainsRune("€$£:=", r) }); i >= 0 {
		head = l[:i]
	}
	words := titleWords(head)
	if len(words) == 0 || len(words) > 6 {
		return "", "", false
	}
	best, bestN, tie := -1, 0, false
	for i, kr := range p.krs {
		n := 0
		tw := titleWords(kr.Title)
		for _, w := range words {
			if slices.Contains(tw, w) {
				n++
			}
		}
		switch {
		case n > bestN:
			best, bestN, tie = i, n, false
		case n == bestN && n > 0:
			tie = true
		}
	}
	if best < 0 || tie {
		return "", "", false
	}
	return p.krs[best].Key, strings.TrimLeft(l[len(head):], " :=-–—"), true
}

var okrStopWords = map[string]bool{"the": true, "and": true, "our": true, "for": true, "per": true, "with": true,
	"from": true, "reach": true, "get": true, "week": true, "weekly": true, "monthly": true, "this": true,
	"now": true, "are": true, "was": true, "ist": true, "der": true, "die": true, "das": true, "les": true,
	"des": true, "une": true, "los": true, "las": true, "done": true, "change": true, "still": true, "at": true}

// titleWords are the significant words of s, lower case, plural "s" cut.
func titleWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len([]rune(w)) < 3 || okrStopWords[w] {
			continue
		}
		out = append(out, strings.TrimSuffix(w, "s"))
	}
	return out
}

func normKey(k string) string { return strings.ToUpper(strings.Join(strings.Fields(k), "")) }

func (p *okrParser) ref(key string) KRRef {
	for _, kr := range p.krs {
		if kr.Key == key {
			return kr
		}
	}
	return KRRef{Key: key, Unit: "number"}
}

// report reads rest as the answer for key. A labelled line without a
// value is a problem; an unlabelled one under a key result is its comment.
func (p *okrParser) report(key, rest, line string, labelled bool) {
	r, ok := p.read(p.ref(key), rest)
	r.Line = line
	if ok {
		p.put(r)
		return
	}
	if i, have := p.at[key]; have {
		p.out.Reports[i].Comment = joinComment(p.out.Reports[i].Comment, strings.TrimSpace(rest))
		return
	}
	if labelled {
		p.problem(line, fmt.Sprintf("no value for %s could be read in %q (write e.g. \"%s: %s\")", key, strings.TrimSpace(rest), key, krExample(p.ref(key))))
		return
	}
	if p.pending == nil {
		p.pending = map[string][]string{}
	}
	p.pending[key] = append(p.pending[key], line)
}

// finish turns comments written under a quoted key result that never got
// a value into problems, so the member hears that nothing was recorded.
func (p *okrParser) finish() {
	for _, kr := range p.krs {
		if lines, ok := p.pending[kr.Key]; ok {
			if _, have := p.at[kr.Key]; !have {
				p.problem(strings.Join(lines, " / "), fmt.Sprintf("no value for %s could be read (write e.g. \"%s: %s\")", kr.Key, kr.Key, krExample(kr)))
			}
		}
	}
}

func krExample(kr KRRef) string {
	switch kr.Unit {
	case "%":
		return "45%"
	case "boolean":
		return "done"
	case "currency":
		return kr.Currency + " 12,500"
	}
	return "1,240"
}

func (p *okrParser) put(r KRReport) {
	if i, ok := p.at[r.Key]; ok {
		r.Comment = joinComment(p.out.Reports[i].Comment, r.Comment)
		p.out.Reports[i] = r
		return
	}
	p.at[r.Key] = len(p.out.Reports)
	p.out.Reports = append(p.out.Reports, r)
}

func (p *okrParser) problem(line, msg string) {
	p.out.Problems = append(p.out.Problems, OKRProblem{Line: line, Problem: msg})
}

// named is the key-like label of a line, for messages.
func (p *okrParser) named(l string) string {
	if m := krLabelRE.FindStringSubmatch(l); m != nil {
		return strings.ToUpper(strings.Join(strings.Fields(m[1]), ""))
	}
	return strings.Fields(l)[0]
}

func (p *okrParser) keyList() string {
	if len(p.krs) == 0 {
		return "none"
	}
	var ks []string
	for _, kr := range p.krs {
		ks = append(ks, kr.Key)
	}
	return strings.Join(ks, ", ")
}

func joinComment(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// read reads a value, done, no change, confidence, status and comment
// from s for kr; ok is false when s holds none of value, done, no change
// or status.
func (p *okrParser) read(kr KRRef, s string) (KRReport, bool) {
	r := KRReport{Key: kr.Key, Line: s}
	rest := s
	if m := confRE.FindStringSubmatchIndex(rest); m != nil {
		var d string
		if m[2] >= 0 {
			d = rest[m[2]:m[3]]
		} else {
			d = rest[m[4]:m[5]]
		}
		if c, err := strconv.Atoi(d); err == nil && c <= 10 {
			r.Confidence = &c
			rest = rest[:m[0]] + " " + rest[m[1]:]
		}
	}
	if m := statusRE.FindStringSubmatchIndex(rest); m != nil {
		r.Status = statusKey(rest[m[2]:m[3]])
		rest = rest[:m[0]] + " " + rest[m[1]:]
	}
	nums := findNumbers(rest, p.opts.Locale)
	switch {
	case noChgRE.MatchString(rest):
		r.NoChange = true
		rest = noChgRE.ReplaceAllString(rest, " ")
	case kr.Unit == "boolean" && notDnRE.MatchString(rest):
		v := 0.0
		r.Value = &v
		rest = notDnRE.ReplaceAllString(rest, " ")
	case kr.Unit == "boolean" && doneRE.MatchString(rest):
		r.Done = true
		rest = doneRE.ReplaceAllString(rest, " ")
	case len(nums) > 0:
		n := nums[0]
		v := okrPick(n.Values, kr)
		if kr.Unit == "boolean" {
			if v >= 1 && (!n.Percent || v >= 100) {
				r.Done = true
			} else {
				zero := 0.0
				r.Value = &zero
			}
		} else {
			r.Value = &v
		}
		rest = rest[:n.Start] + " " + rest[n.End:]
	case doneRE.MatchString(rest) && !notDnRE.MatchString(rest):
		r.Done = true
		rest = doneRE.ReplaceAllString(rest, " ")
	}
	r.Comment = cleanComment(rest)
	return r, r.Value != nil || r.Done || r.NoChange || r.Status != ""
}

// okrPick chooses among readings of an ambiguous number the one nearest to
// the key result's range.
func okrPick(vs []float64, kr KRRef) float64 {
	if len(vs) == 1 || kr.Start == kr.Target {
		return vs[0]
	}
	lo, hi := math.Min(kr.Start, kr.Target), math.Max(kr.Start, kr.Target)
	dist := func(v float64) float64 {
		switch {
		case v < lo:
			return math.Log1p(lo-v) - math.Log1p(0)
		case v > hi:
			return math.Log1p(v - hi)
		}
		return 0
	}
	best := vs[0]
	for _, v := range vs[1:] {
		if dist(v) < dist(best) {
			best = v
		}
	}
	return best
}

func statusKey(s string) string {
	s = strings.ToLower(s)
	switch {
	case strings.HasPrefix(s, "on") || s == "im plan" || s == "en bonne voie":
		return "on_track"
	case strings.HasPrefix(s, "off"):
		return "off_track"
	}
	return "at_risk"
}

// cleanComment trims separators and brackets left behind.
func cleanComment(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.ReplaceAll(s, "()", "")
	s = strings.ReplaceAll(s, "[]", "")
	return strings.Trim(strings.TrimSpace(s), " ,;:.-–—=()")
}
