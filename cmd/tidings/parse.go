package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/tidings-app/tidings/mail/reply"
)

// maxParseInput bounds what `tidings parse` reads (the SMTP limit is lower).
const maxParseInput = 64 << 20

// newParseCmd builds `tidings parse`: read one message, print one JSON
// object describing it. It needs no database.
func newParseCmd() *cobra.Command {
	var checkin, rcpt, choices string
	var multiple bool
	var okr *okrParseFlags
	cmd := &cobra.Command{
		Use:   "parse [--checkin daily|weekly|okr|one-on-one|ask|FILE.yaml] [--rcpt ADDR] [FILE|-]",
		Short: "Parse one email (reply, forward, bounce…) and print it as JSON",
		Long: `Parse reads one RFC 5322 message from FILE (or standard input) and prints
what Tidings understands of it as one JSON object: its kind, the new text,
answers to the check-in's questions, commands, a forwarded message, meeting
decisions and action items, or bounce details. "removed" lists what was
neither an answer nor quoted history (greeting, sign-off, signature,
banner, footer); "unsure" says why the parser had to guess (empty when it
did not). See docs/reply-understanding.md.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			askMode := checkin == "ask"
			if askMode {
				checkin = "daily"
			}
			qs, err := loadCheckin(checkin)
			if err != nil && checkin != "okr" {
				return &exitError{code: exUsage, msg: err.Error()}
			}
			raw, err := readInput(cmd.InOrStdin(), args)
			if err != nil {
				return &exitError{code: exDataErr, msg: err.Error()}
			}
			if checkin == "okr" {
				return okr.run(cmd, raw, rcpt)
			}
			msg, err := reply.Parse(raw, reply.Options{Questions: qs, Rcpt: rcpt, Now: time.Now()})
			if err != nil {
				return &exitError{code: exDataErr, msg: err.Error()}
			}
			if askMode {
				return writeAskParse(cmd.OutOrStdout(), msg, choices, multiple)
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if isOneOnOne(checkin) {
				return enc.Encode(oneOnOneParse{Message: msg, OneOnOne: reply.ReadOneOnOne(msg, time.Local)})
			}
			return enc.Encode(msg)
		},
	}
	cmd.Flags().StringVar(&checkin, "checkin", "daily", "questions: daily, weekly, okr (key results), one-on-one, ask, or a YAML file with questions: [{key, text, aliases}]")
	okr = addOKRParseFlags(cmd)
	cmd.Flags().StringVar(&rcpt, "rcpt", "", "envelope recipient (default: the To header)")
	cmd.Flags().StringVar(&choices, "choices", "", "with --checkin ask: the ask's choices, comma-separated, to read the message as a vote")
	cmd.Flags().BoolVar(&multiple, "multiple", false, "with --checkin ask --choices: the ask takes several choices")
	return cmd
}

// loadCheckin returns the built-in question sets or reads a YAML file.
func loadCheckin(name string) ([]reply.Question, error) {
	switch name {
	case "", "daily":
		return reply.Daily(), nil
	case "one-on-one", "oneonone", "1on1":
		return reply.OneOnOneQuestions(), nil
	case "weekly":
		return reply.Weekly(), nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("checkin: %w", err)
	}
	var f struct {
		Questions []reply.Question `yaml:"questions"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("checkin %s: %w", name, err)
	}
	if len(f.Questions) == 0 {
		return nil, fmt.Errorf("checkin %s: no questions", name)
	}
	for _, q := range f.Questions {
		if strings.TrimSpace(q.Key) == "" {
			return nil, fmt.Errorf("checkin %s: a question has no key", name)
		}
	}
	return f.Questions, nil
}

// readInput reads the named file, or standard input for "-" or no name.
func readInput(stdin io.Reader, args []string) ([]byte, error) {
	r := stdin
	if len(args) == 1 && args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxParseInput+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if len(b) > maxParseInput {
		return nil, errors.New("input larger than 64 MiB")
	}
	return b, nil
}
