package digest_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tidings-app/tidings/digest"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// build is digest.Build on data whose answers carry the Negative verdicts
// mail/inbound records when it files them (reply.IsNegative), as answers
// in the store do. Only this test file uses mail/reply: digest does not.
func build(data *store.DigestData, p digest.Period, now time.Time) digest.Digest {
	for i := range data.Updates {
		data.Updates[i].Answers = store.Judged(data.Updates[i].Answers, reply.IsNegative)
	}
	return digest.Build(data, p, now)
}

// TestAnswersSayingNothing checks how the digest decides an answer says
// nothing: the verdict recorded on it wins; an answer filed before
// verdicts were recorded is judged by Options.Negative (BuildJudged), and
// without a judge only a blank one is left out.
func TestAnswersSayingNothing(t *testing.T) {
	p := weekPeriod(t)
	yes, no := true, false
	notes := func(d digest.Digest) []string {
		var out []string
		for _, mu := range d.Updates {
			for _, day := range mu.Days {
				for _, a := range day.Answers {
					if a.Label == "Notes" {
						out = append(out, a.Text)
					}
				}
			}
		}
		return out
	}
	data := func() *store.DigestData {
		c := newCaseWeek("America/New_York")
		c.week("aaaaa", "")
		for i, a := range []store.Answer{
			{Key: "notes", Text: "none", Negative: &yes}, // judged at filing: says nothing
			{Key: "notes", Text: "n/a", Negative: &no},   // judged at filing: printed, whatever a judge says now
			{Key: "notes", Text: "Keine, danke"},         // old row: the judge decides
			{Key: "notes", Text: "  "},                   // old row, blank
			{Key: "notes", Text: "shipped the export", Negative: &no},
		} {
			c.d.Updates[i].Answers = append(c.d.Updates[i].Answers, a)
		}
		return c.d
	}
	for _, tc := range []struct {
		name  string
		judge func(string) bool
		want  []string
	}{
		{"reply.IsNegative", reply.IsNegative, []string{"n/a", "shipped the export"}},
		{"no judge", nil, []string{"n/a", "Keine, danke", "shipped the export"}},
	} {
		got := notes(digest.BuildJudged(data(), p, p.End, tc.judge))
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: notes printed (-want +got):\n%s", tc.name, diff)
		}
	}
}
