package store

import (
	"bufio"
	"cmp"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Export formats (ExportQuery.Format).
const (
	ExportJSON = "json" // one JSON object: the team, its updates and filed meeting notes
	ExportCSV  = "csv"  // RFC 4180, header row, one row per answer of each update
	ExportMbox = "mbox" // mboxrd: the raw messages that carried the updates
)

// ErrBadFormat means ExportQuery.Format is not one of the Export* formats.
var ErrBadFormat = errors.New("unknown export format (want json, csv or mbox)")

// ExportQuery selects what Export writes: one team's updates (current
// versions; their earlier versions too in mbox), optionally one member's,
// answered in [Since, Until) (zero is open). JSON adds the team's filed
// meeting notes with their action items (dated in the range; not with a
// MemberID). One-on-one content is never exported.
type ExportQuery struct {
	TeamID   int64
	MemberID int64
	Since    time.Time
	Until    time.Time
	Format   string
}

// Export writes the archive q selects to w and returns how many records
// it wrote: updates for JSON (plus notes) and CSV, messages for mbox. An
// unknown team gives ErrNotFound, an unknown format ErrBadFormat.
func (db *DB) Export(ctx context.Context, w io.Writer, q ExportQuery) (n int, err error) {
	if q.Format != ExportJSON && q.Format != ExportCSV && q.Format != ExportMbox {
		return 0, fmt.Errorf("store: export: %q: %w", q.Format, ErrBadFormat)
	}
	var team Team
	if err := db.gorm.WithContext(ctx).Take(&team, q.TeamID).Error; err != nil {
		return 0, wrap("export: team", err)
	}
	ups, err := db.FindUpdates(ctx, UpdateFilter{TeamID: q.TeamID, MemberID: q.MemberID, Since: q.Since, Until: q.Until})
	if err != nil {
		return 0, fmt.Errorf("store: export: %w", err)
	}
	bw := bufio.NewWriter(w)
	switch q.Format {
	case ExportJSON:
		n, err = db.exportJSON(ctx, bw, &team, ups, q)
	case ExportCSV:
		n, err = exportCSV(bw, ups)
	default:
		n, err = db.exportMbox(ctx, bw, ups)
	}
	if err != nil {
		return n, fmt.Errorf("store: export %s: %w", q.Format, err)
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("store: export %s: %w", q.Format, err)
	}
	return n, nil
}

// exportedUpdate is an update in the JSON export.
type exportedUpdate struct {
	ID          int64     `json:"id"`
	Member      string    `json:"member"`
	MemberEmail string    `json:"member_email"`
	CheckIn     string    `json:"check_in"`
	Period      string    `json:"period"`
	AnsweredAt  time.Time `json:"answered_at"`
	Version     int       `json:"version"`
	HasBlocker  bool      `json:"has_blocker"`
	Answers     []Answer  `json:"answers"`
}

type exportedItem struct {
	Owner  string     `json:"owner,omitempty"`
	Text   string     `json:"text"`
	Due    *time.Time `json:"due,omitempty"`
	Status string     `json:"status"`
}

type exportedNote struct {
	ID          int64          `json:"id"`
	Title       string         `json:"title"`
	MeetingDate time.Time      `json:"meeting_date"`
	Summary     string         `json:"summary"`
	Decisions   []string       `json:"decisions"`
	ActionItems []exportedItem `json:"action_items"`
}

func (db *DB) exportJSON(ctx context.Context, w io.Writer, team *Team, ups []UpdateView, q ExportQuery) (int, error) {
	out := struct {
		Team         string           `json:"team"`
		Name         string           `json:"name"`
		Since        *time.Time       `json:"since,omitempty"`
		Until        *time.Time       `json:"until,omitempty"`
		Updates      []exportedUpdate `json:"updates"`
		MeetingNotes []exportedNote   `json:"meeting_notes"`
	}{Team: team.Slug, Name: team.Name, Updates: []exportedUpdate{}, MeetingNotes: []exportedNote{}}
	if !q.Since.IsZero() {
		s := q.Since.UTC()
		out.Since = &s
	}
	if !q.Until.IsZero() {
		u := q.Until.UTC()
		out.Until = &u
	}
	for _, u := range ups {
		out.Updates = append(out.Updates, exportedUpdate{ID: u.ID, Member: u.MemberName, MemberEmail: u.MemberEmail,
			CheckIn: u.CheckInName, Period: u.Period, AnsweredAt: u.AnsweredAt.UTC(), Version: u.Version,
			HasBlocker: u.HasBlocker, Answers: u.Answers})
	}
	if q.MemberID == 0 {
		notes, err := db.FindMeetingNotes(ctx, MeetingNoteFilter{TeamID: &team.ID, Status: NoteFiled, Since: q.Since, Until: q.Until})
		if err != nil {
			return 0, err
		}
		for i := len(notes) - 1; i >= 0; i-- { // oldest first, like updates
			nt := notes[i]
			items, err := db.FindActionItems(ctx, ActionItemFilter{NoteID: nt.ID})
			if err != nil {
				return 0, err
			}
			en := exportedNote{ID: nt.ID, Title: nt.Title, MeetingDate: nt.MeetingDate.UTC(), Summary: nt.Summary,
				Decisions: nt.Decisions, ActionItems: []exportedItem{}}
			if en.Decisions == nil {
				en.Decisions = []string{}
			}
			for _, it := range items {
				en.ActionItems = append(en.ActionItems, exportedItem{Owner: it.OwnerText, Text: it.Text, Due: it.Due, Status: it.Status})
			}
			out.MeetingNotes = append(out.MeetingNotes, en)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return len(out.Updates) + len(out.MeetingNotes), enc.Encode(out)
}

// csvHeader names the CSV export's columns.
var csvHeader = []string{"update_id", "team", "member", "member_email", "check_in", "period",
	"answered_at", "version", "has_blocker", "question_key", "question", "answer"}

// exportCSV writes one row per answer (an update without answers gets one
// row with empty answer columns). Cells a spreadsheet would run as a
// formula (starting with = + - @ or a tab) get a leading apostrophe.
func exportCSV(w io.Writer, ups []UpdateView) (int, error) {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(csvHeader); err != nil {
		return 0, err
	}
	for _, u := range ups {
		base := []string{strconv.FormatInt(u.ID, 10), u.TeamSlug, cell(u.MemberName), u.MemberEmail, cell(u.CheckInName),
			u.Period, u.AnsweredAt.UTC().Format(time.RFC3339), strconv.Itoa(u.Version), strconv.FormatBool(u.HasBlocker)}
		answers := u.Answers
		if len(answers) == 0 {
			answers = []Answer{{}}
		}
		for _, a := range answers {
			row := append(append([]string(nil), base...), cell(a.Key), cell(a.Question), cell(a.Text))
			if err := cw.Write(row); err != nil {
				return 0, err
			}
		}
	}
	cw.Flush()
	return len(ups), cw.Error()
}

// cell defuses spreadsheet formulas (CSV injection).
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// exportMbox writes the raw inbound messages behind ups (each update's
// current and earlier versions), oldest first, as mboxrd: a "From "
// separator line per message, LF line endings, and every body line that
// starts with ">*From " quoted with one more ">". Messages whose raw
// bytes were dropped by retention are left out.
func (db *DB) exportMbox(ctx context.Context, w io.Writer, ups []UpdateView) (int, error) {
	var ids []int64
	for _, u := range ups {
		ids = append(ids, u.InboundID)
	}
	if len(ups) > 0 {
		var revs []int64
		upIDs := make([]int64, len(ups))
		for i, u := range ups {
			upIDs[i] = u.ID
		}
		for chunk := range slices.Chunk(upIDs, 500) {
			var part []int64
			if err := db.gorm.WithContext(ctx).Model(&UpdateRevision{}).Where("update_id IN ?", chunk).Pluck("inbound_id", &part).Error; err != nil {
				return 0, err
			}
			revs = append(revs, part...)
		}
		ids = append(ids, revs...)
	}
	n := 0
	seen := map[int64]bool{}
	var msgs []InboundMessage
	for chunk := range slices.Chunk(ids, 200) {
		var part []InboundMessage
		if err := db.gorm.WithContext(ctx).Where("id IN ?", chunk).Find(&part).Error; err != nil {
			return 0, err
		}
		msgs = append(msgs, part...)
	}
	slices.SortFunc(msgs, func(a, b InboundMessage) int {
		if c := a.ReceivedAt.Compare(b.ReceivedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for _, m := range msgs {
		if seen[m.ID] || len(m.Raw) == 0 {
			continue
		}
		seen[m.ID] = true
		if err := writeMboxrd(w, &m); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// writeMboxrd writes one message in mboxrd form.
func writeMboxrd(w io.Writer, m *InboundMessage) error {
	from := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, m.MailFrom)
	if from == "" {
		from = "MAILER-DAEMON"
	}
	if _, err := fmt.Fprintf(w, "From %s %s\n", from, m.ReceivedAt.UTC().Format(time.ANSIC)); err != nil {
		return err
	}
	raw := bytes.ReplaceAll(m.Raw, []byte("\r\n"), []byte("\n"))
	raw = bytes.TrimSuffix(raw, []byte("\n"))
	for line := range bytes.SplitSeq(raw, []byte("\n")) {
		if bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From ")) {
			if _, err := w.Write([]byte(">")); err != nil {
				return err
			}
		}
		if _, err := w.Write(append(line, '\n')); err != nil {
			return err
		}
	}
	_, err := w.Write([]byte("\n"))
	return err
}
