package reply

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestReadAsk(t *testing.T) {
	lisbon, _ := time.LoadLocation("Europe/Lisbon")
	now := time.Date(2026, 12, 1, 10, 30, 0, 0, lisbon) // a Tuesday
	for _, c := range []struct {
		name, subject, text string
		want                AskRequest
	}{
		{"letters, deadline line, options", "Re: Which city for the offsite?",
			"We have budget for one.\n\nA) Lisbon\nB) Porto\nC) Madrid\n\nanonymous, multiple\nby Thursday\n",
			AskRequest{Question: "Which city for the offsite?", Context: "We have budget for one.",
				Choices: []string{"Lisbon", "Porto", "Madrid"}, Anonymous: true, Multiple: true,
				Deadline: time.Date(2026, 12, 3, 17, 0, 0, 0, lisbon), DeadlineText: "by Thursday"}},
		{"dashes and until with a time", "Offsite date",
			"Which day works?\n- Tue 12 Jan\n- Wed 13 Jan\nuntil Fri 17:30",
			AskRequest{Question: "Offsite date", Context: "Which day works?", Choices: []string{"Tue 12 Jan", "Wed 13 Jan"},
				Deadline: time.Date(2026, 12, 4, 17, 30, 0, 0, lisbon), DeadlineText: "until Fri 17:30"}},
		{"feedback, deadline in the subject, default clock", "Feedback on the attached RFC by Thursday?",
			"Mostly section 3.\n\nThanks, Ana",
			AskRequest{Question: "Feedback on the attached RFC by Thursday?", Context: "Mostly section 3.\n\nThanks, Ana",
				Choices: []string{}, Deadline: time.Date(2026, 12, 3, 17, 0, 0, 0, lisbon), DeadlineText: "by Thursday"}},
		{"no deadline: two working days", "Lunch?", "1. Pizza\n2. Sushi",
			AskRequest{Question: "Lunch?", Choices: []string{"Pizza", "Sushi"}, Deadline: time.Date(2026, 12, 3, 10, 30, 0, 0, lisbon)}},
		{"urgent FYI", "URGENT: prod freeze starts now", "No deploys until further notice.",
			AskRequest{Question: "Prod freeze starts now", Context: "No deploys until further notice.", Choices: []string{},
				Urgent: true, Deadline: time.Date(2026, 12, 3, 10, 30, 0, 0, lisbon)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ReadAsk(c.subject, c.text, now)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// Friday: two working days is Tuesday.
	fri := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	if got := ReadAsk("Q", "", fri).Deadline; !got.Equal(time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("default deadline from Friday = %v, want Tue 8 Dec", got)
	}
}

func TestReadVote(t *testing.T) {
	city := []string{"Lisbon", "Porto", "Madrid"}
	days := []string{"Tue 12 Jan", "Wed 13 Jan", "Thu 14 Jan"}
	for _, c := range []struct {
		name     string
		text     string
		choices  []string
		multiple bool
		want     Vote
	}{
		{"letter", "B", city, false, Vote{Choices: []int{1}}},
		{"lower letter with paren and comment", "b)\nCheaper flights.", city, false, Vote{Choices: []int{1}, Comment: "Cheaper flights."}},
		{"number", "3", city, false, Vote{Choices: []int{2}}},
		{"text", "lisbon", city, false, Vote{Choices: []int{0}}},
		{"text and comment on one line", "Lisbon - the food!", city, false, Vote{Choices: []int{0}, Comment: "the food!"}},
		{"prefix of a date", "Tue", days, false, Vote{Choices: []int{0}}},
		{"several for multiple", "A, C", days, true, Vote{Choices: []int{0, 2}}},
		{"several with and", "Tue and Thu\nWed I am out.", days, true, Vote{Choices: []int{0, 2}, Comment: "Wed I am out."}},
		{"several for single", "A, C", city, false, Vote{Choices: []int{}, Problem: "several choices named; this ask takes one"}},
		{"sentence naming a choice", "I'd go with Porto this time", city, false, Vote{Choices: []int{1}, Comment: "I'd go with Porto this time"}},
		{"comment only", "No strong opinion, sorry", city, false, Vote{Choices: []int{}, Comment: "No strong opinion, sorry"}},
		{"feedback", "Section 3 needs numbers.\nOtherwise fine.", nil, false, Vote{Choices: []int{}, Comment: "Section 3 needs numbers.\nOtherwise fine."}},
		{"attribution left above a dropped quote", "Lisbon, actually\n\nOn Tue Ana wrote:", city, false, Vote{Choices: []int{0}, Comment: "actually"}},
		{"out of range letter", "Z", city, false, Vote{Choices: []int{}, Comment: "Z"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ReadVote(c.text, c.choices, c.multiple)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestIsClose(t *testing.T) {
	for s, want := range map[string]bool{"close": true, "Close.\n\nThanks": true, "close the poll": true, "B": false, "closed shop": false} {
		if IsClose(s) != want {
			t.Errorf("IsClose(%q) = %t", s, !want)
		}
	}
}
