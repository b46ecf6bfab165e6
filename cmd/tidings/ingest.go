package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/mail"
	"github.com/tidings-app/tidings/mail/inbound"
)

// newIngestCmd is `tidings ingest`: delivery from a local MTA's pipe.
func newIngestCmd(a *app) *cobra.Command {
	var rcpts []string
	var sender string
	cmd := &cobra.Command{
		Use:   "ingest [--rcpt ADDR] [FILE|-]",
		Short: "Store and process one message from a pipe (Postfix, procmail)",
		Long: `Ingest reads one RFC 5322 message from FILE or standard input, stores it
and runs the inbound pipeline on it, as the SMTP receiver would. Exit codes
follow sysexits: 0 stored, 67 unknown recipient, 75 database unavailable
(the MTA retries later).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.ingest(cmd, inbound.Envelope{MailFrom: sender, Rcpt: rcpts}, args)
		},
	}
	cmd.Flags().StringArrayVar(&rcpts, "rcpt", nil, "envelope recipient (repeatable; default: from the header)")
	cmd.Flags().StringVar(&sender, "sender", "", "envelope sender (Postfix ${sender})")
	return cmd
}

// readMessageInput reads the message from the file in args or standard
// input, refusing one larger than max bytes (server.smtp.max_message_bytes).
func readMessageInput(cmd *cobra.Command, args []string, max int64) ([]byte, error) {
	var r io.Reader = cmd.InOrStdin()
	if len(args) == 1 && args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			return nil, &exitError{code: exNoInput, msg: err.Error()}
		}
		defer f.Close()
		r = f
	}
	raw, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, &exitError{code: exTempFail, msg: fmt.Sprintf("read message: %v", err)}
	}
	if int64(len(raw)) > max {
		return nil, &exitError{code: exDataErr, msg: fmt.Sprintf("message larger than %d bytes (server.smtp.max_message_bytes)", max)}
	}
	return raw, nil
}

func (a *app) ingest(cmd *cobra.Command, env inbound.Envelope, args []string) error {
	ctx := cmd.Context()
	d, err := a.openDeps(ctx, time.Now)
	if err != nil {
		return err
	}
	defer d.db.Close()
	raw, err := readMessageInput(cmd, args, d.cfg.Server.SMTP.MaxMessageBytes)
	if err != nil {
		return err
	}
	p, err := d.processor()
	if err != nil {
		return err
	}
	id, err := p.Ingest(ctx, env, raw)
	switch {
	case errors.Is(err, mail.ErrUnknownRecipient), errors.Is(err, mail.ErrRelay):
		return &exitError{code: exNoUser, msg: err.Error()}
	case err != nil:
		return &exitError{code: exTempFail, msg: err.Error()}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "stored as inbound message %d\n", id)
	return nil
}
