package reply

import (
	"strings"
	"testing"
	"time"
)

func oneOnOneEML(body string) []byte {
	return []byte("From: Ana Lima <ana@example.com>\r\nTo: reply+abc@tidings.example\r\n" +
		"Subject: Re: Your 1:1 with Ben on Tue 8 Dec\r\nDate: Sun, 6 Dec 2026 18:00:00 -0300\r\n" +
		"Message-ID: <r1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		strings.ReplaceAll(body, "\n", "\r\n"))
}

func TestReadOneOnOneAnswersAndMood(t *testing.T) {
	m, err := Parse(oneOnOneEML("Mood: 4/5, better than last week\n\nTopics:\n- promotion path\n- on-call load\n\nNeeds: a second reviewer\n\ndone: send the design doc\n\nOn Sun, 6 Dec 2026 Tidings wrote:\n> What would you like to talk about?\n"),
		Options{Questions: OneOnOneQuestions()})
	if err != nil {
		t.Fatal(err)
	}
	r := ReadOneOnOne(m, time.UTC)
	if r.Mood != 4 {
		t.Errorf("mood = %d, want 4 (answers %+v)", r.Mood, m.Answers)
	}
	if len(r.Done) != 1 || r.Done[0] != "send the design doc" {
		t.Errorf("done = %q", r.Done)
	}
	var topics string
	for _, a := range m.Answers {
		if a.Key == "topics" {
			topics = a.Text
		}
	}
	if !strings.Contains(topics, "promotion path") || !strings.Contains(topics, "on-call load") {
		t.Errorf("topics = %q", topics)
	}
}

func TestReadOneOnOneCommands(t *testing.T) {
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	for _, c := range []struct {
		body string
		skip bool
		at   string
	}{
		{"skip\n", true, ""},
		{"reschedule thu 10:00\n", false, "2026-12-10T10:00:00-03:00"},
		{"Reschedule to Friday 3pm.\n", false, "2026-12-11T15:00:00-03:00"},
		{"move it to mon 9:30\n", false, "2026-12-07T09:30:00-03:00"},
		{"reschedule thu 25:00\n", false, ""},
	} {
		m, err := Parse(oneOnOneEML(c.body), Options{Questions: OneOnOneQuestions()})
		if err != nil {
			t.Fatal(err)
		}
		r := ReadOneOnOne(m, sp)
		got := ""
		if !r.RescheduleAt.IsZero() {
			got = r.RescheduleAt.Format(time.RFC3339)
		}
		if r.Skip != c.skip || got != c.at {
			t.Errorf("%q: skip %v at %q, want %v %q", c.body, r.Skip, got, c.skip, c.at)
		}
	}
}

func TestReadOneOnOneNotes(t *testing.T) {
	m, err := Parse(oneOnOneEML("Notes from today:\n\nDecisions:\n- Ana leads the Q1 migration\n\nAction items:\n- Ben: ask finance about the conference budget\n- Ana to draft the migration plan by Dec 18\n"),
		Options{Questions: OneOnOneQuestions()})
	if err != nil {
		t.Fatal(err)
	}
	r := ReadOneOnOne(m, time.UTC)
	if len(r.Decisions) != 1 || !strings.Contains(r.Decisions[0], "Q1 migration") {
		t.Errorf("decisions = %q", r.Decisions)
	}
	if len(r.ActionItems) != 2 || r.ActionItems[0].Owner != "Ben" || r.ActionItems[1].Owner != "Ana" || r.ActionItems[1].Due != "2026-12-18" {
		t.Errorf("items = %+v", r.ActionItems)
	}
}
