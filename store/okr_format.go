package store

import (
	"math"
	"strconv"
	"strings"
)

// Format writes v in the key result's unit for people: "99.7 %",
// "1,240", "EUR 12,500", "done"/"not done". Thousands are grouped with
// commas and at most two decimals are shown, trailing zeros dropped.
func (kr *KeyResult) Format(v float64) string {
	switch kr.Unit {
	case UnitBoolean:
		if v >= 1 {
			return "done"
		}
		return "not done"
	case UnitPercent:
		return FormatNumber(v) + " %"
	case UnitCurrency:
		return kr.Currency + " " + FormatNumber(v)
	}
	return FormatNumber(v)
}

// FormatNumber writes v with comma-grouped thousands and at most two
// decimals ("1,240", "99.75", "-3.5").
func FormatNumber(v float64) string {
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, fp, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range ip {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if fp != "" {
		out += "." + fp
	}
	if neg {
		out = "-" + out
	}
	return out
}

// TextBar draws progress p (a fraction, clipped to 0–1) as width cells of
// '#' and '-' ("[#####-----]").
func TextBar(p float64, width int) string {
	n := int(math.Round(math.Max(0, math.Min(1, p)) * float64(width)))
	return "[" + strings.Repeat("#", n) + strings.Repeat("-", width-n) + "]"
}

// Percent writes a fraction as a whole percentage ("62%").
func Percent(p float64) string {
	return strconv.Itoa(int(math.Round(p*100))) + "%"
}

// Round rounds an expected value to what the key result is counted in:
// whole units when start and target are whole and the unit is not %,
// else hundredths.
func (kr *KeyResult) Round(v float64) float64 {
	if kr.Unit != UnitPercent && kr.Start == math.Trunc(kr.Start) && kr.Target == math.Trunc(kr.Target) {
		return math.Round(v)
	}
	return math.Round(v*100) / 100
}
