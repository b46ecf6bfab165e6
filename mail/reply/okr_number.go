package reply

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// okrNumber is a number found in a key-result line with what it says
// about its unit.
type okrNumber struct {
	// Values are the readings of the number: one, or two when a single
	// "," or "." before three digits may group thousands or mark decimals
	// and the locale does not say which.
	Values   []float64
	Percent  bool
	Currency string // "€", "$", "EUR"…, when written
	Start    int    // byte span in the line
	End      int
}

// okrNumberRE finds a number with an optional currency before it and a
// percent sign, multiplier or currency after it. Digits may be grouped
// by ",", ".", "'", spaces or narrow no-break spaces.
var okrNumberRE = regexp.MustCompile(`(?i)(?:(€|\$|£|¥|₹|\b(?:eur|usd|gbp|chf|jpy|brl|inr)\b)\s?)?` +
	`([-+−]?\d(?:[\d.,'\x{00a0}\x{202f}]|\s\d{3}\b)*)` +
	`(?:\s?(%|\bpercent\b|\bprozent\b|\bpour ?cent\b|\bpor ?ciento\b|k\b|m\b|mio\b|million\b|€|\$|£|\b(?:eur|usd|gbp|chf|jpy|brl|inr)\b))?`)

// decimalCommaLocales are the languages that write 1.240,5 (the
// base language of a BCP 47 tag).
var decimalCommaLocales = map[string]bool{"de": true, "fr": true, "es": true, "it": true, "pt": true, "nl": true,
	"ru": true, "pl": true, "sv": true, "da": true, "nb": true, "no": true, "fi": true, "cs": true, "tr": true,
	"id": true, "ro": true, "hu": true, "el": true, "uk": true}

// decimalComma reports whether locale writes decimals with a comma:
// true, false, or unknown (ok false) for an empty or unknown locale.
func decimalComma(locale string) (comma, ok bool) {
	base, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(locale, "_", "-")), "-")
	switch {
	case base == "":
		return false, false
	case decimalCommaLocales[base]:
		return true, true
	}
	return false, true
}

// findNumbers returns the numbers of s in order.
func findNumbers(s, locale string) []okrNumber {
	var out []okrNumber
	for _, m := range okrNumberRE.FindAllStringSubmatchIndex(s, -1) {
		digits := s[m[4]:m[5]]
		// A letter right before the digits (KR2, Q1, v2) is not a number.
		if m[2] < 0 && m[4] > 0 {
			if c := s[m[4]-1]; c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' {
				continue
			}
		}
		vals := readNumber(digits, locale)
		if len(vals) == 0 {
			continue
		}
		n := okrNumber{Values: vals, Start: m[0], End: m[1]}
		if m[2] >= 0 {
			n.Currency = s[m[2]:m[3]]
		}
		if m[6] >= 0 {
			switch suf := strings.ToLower(strings.TrimSpace(s[m[6]:m[7]])); suf {
			case "k":
				n.Values = okrScale(n.Values, 1e3)
			case "m", "mio", "million":
				n.Values = okrScale(n.Values, 1e6)
			case "%", "percent", "prozent", "pour cent", "pourcent", "por ciento", "porciento":
				n.Percent = true
			default:
				n.Currency = suf
			}
		}
		out = append(out, n)
	}
	return out
}

func okrScale(vs []float64, f float64) []float64 {
	out := make([]float64, len(vs))
	for i, v := range vs {
		out[i] = v * f
	}
	return out
}

// readNumber reads digits written with grouping and decimal marks in
// any common style. It returns both readings when one "," or "." is
// followed by exactly three digits and locale does not decide.
func readNumber(s, locale string) []float64 {
	s = strings.TrimRight(s, ".,' \u00a0\u202f")
	neg := strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−")
	s = strings.TrimLeft(s, "+-−")
	for _, sp := range []string{" ", "\u00a0", "\u202f", "'"} {
		s = strings.ReplaceAll(s, sp, "")
	}
	commas, dots := strings.Count(s, ","), strings.Count(s, ".")
	var cands []string
	switch {
	case commas == 0 && dots == 0:
		cands = []string{s}
	case commas > 0 && dots > 0:
		// The later mark is the decimal one: 1,240.50 or 1.240,50.
		if strings.LastIndex(s, ",") > strings.LastIndex(s, ".") {
			cands = []string{strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ".")}
		} else {
			cands = []string{strings.ReplaceAll(s, ",", "")}
		}
	case commas > 1 || dots > 1:
		cands = []string{strings.NewReplacer(",", "", ".", "").Replace(s)} // 1,240,000
	default:
		mark := ","
		if dots == 1 {
			mark = "."
		}
		i := strings.Index(s, mark)
		grouped := strings.Replace(s, mark, "", 1)
		decimal := strings.Replace(s, mark, ".", 1)
		if len(s)-i-1 != 3 || i == 0 || i > 3 {
			cands = []string{decimal} // 99,7 and 1.5 are decimals
			break
		}
		comma, known := decimalComma(locale)
		switch {
		case known && (mark == ",") == comma:
			cands = []string{decimal}
		case known:
			cands = []string{grouped}
		case mark == ",":
			cands = []string{grouped, decimal} // English habit first
		default:
			cands = []string{decimal, grouped}
		}
	}
	var out []float64
	for _, c := range cands {
		v, err := strconv.ParseFloat(c, 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			continue
		}
		if neg {
			v = -v
		}
		out = append(out, v)
	}
	return out
}
