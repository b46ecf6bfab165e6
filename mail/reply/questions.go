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
func isBlockerKey(q Question) bool {
	switch q.Key {
	case "blockers", "blocker", "problems", "blocked", "impediments":
		return true
	}
	return false
}
