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
	var checkin, rcpt string
	cmd := &cobra.Command{
		Use:   "parse [--checkin daily|weekly|one-on-one|FILE.yaml] [--rcpt ADDR] [FILE|-]",
		Short: "Parse one email (reply, forward, bounce…) and print it as JSON",
		Long: `Parse reads one RFC 5322 message from FILE (or standard input) and prints
what Tidings understands of it as one JSON object: its kind, the new text,
answers to the check-in's questions, commands, a forwarded message, meeting
decisions and action items, or bounce details.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			qs, err := loadCheckin(checkin)
			if err != nil {
				return &exitError{code: exUsage, msg: err.Error()}
			}
			raw, err := readInput(cmd.InOrStdin(), args)
			if err != nil {
				return &exitError{code: exDataErr, msg: err.Error()}
			}
			msg, err := reply.Parse(raw, reply.Options{Questions: qs, Rcpt: rcpt, Now: time.Now()})
			if err != nil {
				return &exitError{code: exDataErr, msg: err.Error()}
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
	cmd.Flags().StringVar(&checkin, "checkin", "daily", "questions: daily, weekly, one-on-one, or a YAML file with questions: [{key, text, aliases}]")
	cmd.Flags().StringVar(&rcpt, "rcpt", "", "envelope recipient (default: the To header)")
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
