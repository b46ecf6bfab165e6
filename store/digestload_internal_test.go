package store

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// answerSamples are JSON texts decodeAnswers must decode exactly like
// encoding/json: what gorm writes (HTML and U+2028 escaped), every other
// escape, non-ASCII and invalid UTF-8, other spellings of the keys, other
// fields and values, whitespace, null, and malformed input.
func answerSamples() []string {
	written, _ := json.Marshal([]Answer{
		{Key: "done", Question: "What did you get done?", Text: "<script>alert(1)</script> & \"q\"\n\tline \u2028 ü 🚧"},
		{Key: "blockers", Text: "none"},
	})
	return []string{
		string(written), "", "null", " null ", "[]", " [ ] ", `[{}]`,
		`[{"key":"done","question":"","text":"plain"}]`,
		` [ { "key" : "a" , "text" : "b" } , { "question" : "c" } ] `,
		`[{"key":"a\/b\\c\"d\u00e9\ud83d\ude00\b\f\n\r\t"}]`,
		`[{"key":"\ud800"}]`, "[{\"key\":\"\xff\xfe\"}]", "[{\"text\":\"caf\xc3\xa9\"}]",
		"[{\"text\":\"a\x01b\"}]", `[{"Key":"upper"}]`, `[{"TEXT":"upper"}]`, `[{"key":"a","key":"b"}]`,
		`[{"key":"a","extra":[1,{"x":null}]}]`, `[{"key":null}]`, `[{"key":1}]`,
		`[{"key":"a"}`, `[{"key":"a"}]]`, `[{"key":"a"},]`, `{"key":"a"}`, `[{"key":"a}]`, `[{"key":"a\`,
		`nul`, `nullx`, `[1]`, `[null]`, `[{"key":"a"} {"key":"b"}]`,
	}
}

func TestDecodeAnswersMatchesEncodingJSON(t *testing.T) {
	for _, in := range answerSamples() {
		checkAnswers(t, in)
	}
}

// FuzzDecodeAnswers checks that decodeAnswers agrees with encoding/json on
// any input: the same answers, or an error from both.
func FuzzDecodeAnswers(f *testing.F) {
	for _, in := range answerSamples() {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkAnswers(t, string(in)) })
}

func checkAnswers(t *testing.T, in string) {
	t.Helper()
	got, err := decodeAnswers([]byte(in))
	var want []Answer
	wantErr := error(nil)
	if in != "" {
		wantErr = json.Unmarshal([]byte(in), &want)
	}
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("decodeAnswers(%q) error %v, encoding/json %v", in, err, wantErr)
	}
	if wantErr == nil && !cmp.Equal(want, got) {
		t.Fatalf("decodeAnswers(%q) = %#v, encoding/json %#v", in, got, want)
	}
}

// TestParseSQLiteTime checks the direct parser against the driver's way
// (time.ParseInLocation, layout by layout): the same instant and offset
// for times as SQLite's driver writes them, in several zones and with
// every fraction length, and the same outcome for malformed text.
func TestParseSQLiteTime(t *testing.T) {
	const layout = "2006-01-02 15:04:05.999999999-07:00"
	r := rand.New(rand.NewPCG(1, 2))
	zones := []*time.Location{time.UTC, time.FixedZone("", -3*3600), time.FixedZone("", 5*3600+1800), time.FixedZone("", -(9*3600 + 30*60))}
	var in []string
	for i := range 2000 {
		tm := time.Unix(r.Int64N(4e9), r.Int64N(1e9)).Truncate(time.Duration([]int64{1, 1e3, 1e6, 1e9}[i%4]))
		in = append(in, tm.In(zones[i%len(zones)]).Format(layout))
	}
	in = append(in, "2026-11-23 14:00:00+00:00", "2026-11-23 14:00:00.5-00:00", "2026-11-23T14:00:00+00:00",
		"2026-11-23 14:00:00Z", "2026-11-23 14:00:00", "2026-11-23", "2026-11-23 14:00:00 +0000 UTC",
		"2026-04-31 10:00:00+00:00", "2026-02-29 10:00:00+00:00", "2026-11-23 24:00:00+00:00", "2026-11-23 14:60:00+00:00",
		"2026-13-01 10:00:00+00:00", "2026-11-23 14:00:00.1234567891+00:00", "2026-11-23 14:00:00.+00:00",
		"2026-11-23 14:00:00+25:00", "2026-11-23 14:00:00+01:60", "2026-11-23 14:00:00+0100", "2026-1x-23 14:00:00+00:00", "junk")
	for _, s := range in {
		got, err := parseSQLiteTime(s)
		want, wantErr := driverParseTime(s)
		if (err != nil) != (wantErr != nil) || !got.Equal(want) || zoneOffset(got) != zoneOffset(want) || got.Location() == time.UTC != (want.Location() == time.UTC) {
			t.Errorf("parseSQLiteTime(%q) = %v, %v; driver: %v, %v", s, got, err, want, wantErr)
		}
	}
}

func zoneOffset(t time.Time) int {
	_, off := t.Zone()
	return off
}

// driverParseTime is glebarez/go-sqlite's parseTime, spelled out.
func driverParseTime(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", s); err == nil {
		return t, nil
	}
	ts := s
	if len(ts) > 0 && ts[len(ts)-1] == 'Z' {
		ts = ts[:len(ts)-1]
	}
	for _, f := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999-07:00",
		"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05",
		"2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(f, ts, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unknown layout %q", s)
}
