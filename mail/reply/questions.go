package reply

// Daily returns the built-in daily stand-up questions.
func Daily() []Question {
	return []Question{
		{Key: "done", Text: "What did you get done yesterday?", Aliases: []string{"yesterday", "done", "y"}},
		{Key: "today", Text: "What are you working on today?", Aliases: []string{"today", "t"}},
		{Key: "blockers", Text: "Anything blocking you?", Aliases: []string{"blockers", "blocked", "blocker", "b"}},
	}
}

// Weekly returns the built-in weekly check-in questions.
func Weekly() []Question {
	return []Question{
		{Key: "accomplishments", Text: "What did you accomplish this week?", Aliases: []string{"accomplishments", "accomplished", "done", "wins", "a"}},
		{Key: "plans", Text: "What are you planning for next week?", Aliases: []string{"plans", "next week", "next", "p"}},
		{Key: "problems", Text: "Any problems or blockers?", Aliases: []string{"problems", "blockers", "blocked", "issues", "b"}},
	}
}

// isBlockerKey reports whether answers to this question are about blockers.
func isBlockerKey(q Question) bool { return IsBlockerKey(q.Key) }

// IsBlockerKey reports whether answers to the question with this key decide
// whether an update has an open blocker ("blockers", "problems", …).
func IsBlockerKey(key string) bool {
	switch key {
	case "blockers", "blocker", "problems", "blocked", "impediments":
		return true
	}
	return false
}

// localizedAliases returns the headings members write in other languages
// (German, French, Spanish, Portuguese, Italian, Dutch, Swedish/Norwegian/
// Danish, Polish, Russian/Ukrainian, Japanese, Chinese) for a well-known
// question key, or nil.
func localizedAliases(key string) []string {
	switch key {
	case "done":
		return []string{"gestern", "hier", "ayer", "ontem", "ieri", "gisteren", "igår", "i går", "wczoraj", "вчера", "вчора", "昨日", "昨天",
			"dün", "včera", "tegnap", "eilen", "χθες", "ahir", "אתמול", "أمس", "어제", "hôm qua", "เมื่อวาน", "kemarin", "कल", "erledigt", "fait", "hecho", "feito", "fatto"}
	case "today":
		return []string{"heute", "aujourd'hui", "aujourd’hui", "hoy", "hoje", "oggi", "vandaag", "idag", "i dag", "dzisiaj", "dziś", "сегодня", "сьогодні", "今日", "今天",
			"bugün", "dnes", "ma", "astăzi", "azi", "tänään", "σήμερα", "avui", "היום", "اليوم", "오늘", "hôm nay", "วันนี้", "hari ini", "आज"}
	case "blockers":
		return []string{"hindernisse", "probleme", "bloquants", "bloquant", "blocages", "blocage", "bloqueos", "bloqueo", "impedimentos", "bloqueios", "bloqueio", "blocchi", "ostacoli", "blokkades", "hinder", "blockerare", "blokery", "przeszkody", "блокеры", "блокери", "ブロッカー", "阻碍", "障碍",
			"blocker", "blockaden", "probleme", "bloqueos", "impedimentos", "engeller", "engel", "překážky", "blokery", "akadályok", "blocaje", "esteet", "εμπόδια",
			"bloquejos", "חסמים", "عوائق", "블로커", "장애물", "vướng mắc", "trở ngại", "อุปสรรค", "hambatan", "kendala", "रुकावटें", "बाधाएं", "блокеры", "проблемы", "阻礙", "卡点"}
	case "accomplishments":
		return []string{"diese woche", "erledigt", "erreicht", "cette semaine", "réalisations", "esta semana", "logros", "realizações", "conquistas", "questa settimana", "risultati", "deze week", "denna vecka", "denne uke", "w tym tygodniu"}
	case "plans":
		return []string{"nächste woche", "pläne", "semaine prochaine", "la semaine prochaine", "próxima semana", "planes", "planos", "prossima settimana", "piani", "volgende week", "plannen", "nästa vecka", "neste uke", "w przyszłym tygodniu", "plany"}
	case "problems":
		return []string{"probleme", "blocker", "problèmes", "bloquants", "problemas", "bloqueos", "bloqueios", "problemi", "problemen", "problem", "problemy", "проблемы"}
	}
	return nil
}

// withLocalizedAliases adds localizedAliases to the questions of a check-in
// whose keys are exactly the built-in daily set (done, today, blockers) or
// weekly set (accomplishments, plans, problems); other check-ins, whose
// keys may mean something else, are returned unchanged. qs is not changed.
func withLocalizedAliases(qs []Question) []Question {
	if !sameKeys(qs, Daily()) && !sameKeys(qs, Weekly()) {
		return qs
	}
	out := make([]Question, len(qs))
	for i, q := range qs {
		q.Aliases = append(append([]string(nil), q.Aliases...), localizedAliases(q.Key)...)
		out[i] = q
	}
	return out
}

// sameKeys reports whether a and b have the same keys, in any order.
func sameKeys(a, b []Question) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			found = found || x.Key == y.Key
		}
		if !found {
			return false
		}
	}
	return true
}
