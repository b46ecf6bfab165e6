package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidings-app/tidings/mail/okr"
	"github.com/tidings-app/tidings/mail/reply"
	"github.com/tidings-app/tidings/store"
)

// okrParseFlags are `tidings parse --checkin okr`'s own flags.
type okrParseFlags struct {
	team, quarter, locale, owner string
}

func addOKRParseFlags(cmd *cobra.Command) *okrParseFlags {
	f := &okrParseFlags{}
	cmd.Flags().StringVar(&f.team, "team", "", "with --checkin okr: read the key results of this team from --config")
	cmd.Flags().StringVar(&f.quarter, "quarter", "", "with --checkin okr: the quarter (default: the one holding the message's date)")
	cmd.Flags().StringVar(&f.owner, "owner", "", "with --checkin okr: only this member's key results (default: the message's From)")
	cmd.Flags().StringVar(&f.locale, "locale", "", "with --checkin okr: the member's language (de, fr…) for 1.240 vs 1,240 (default: the Content-Language header)")
	return f
}

// okrParse is the JSON of `tidings parse --checkin okr`: the message and
// what its text says about key results.
type okrParse struct {
	*reply.Message
	KeyResults []reply.KRRef    `json:"key_results"`
	OKR        reply.OKRReading `json:"okr"`
}

// run parses raw as a key-result check-in reply. The key results come from
// the configuration file's okrs for --team (those owned by --owner, else
// by the sender), when there is one; without, any "KRn" label is read.
func (f *okrParseFlags) run(cmd *cobra.Command, raw []byte, rcpt string) error {
	msg, err := reply.Parse(raw, reply.Options{Questions: []reply.Question{}, Rcpt: rcpt, Now: time.Now()})
	if err != nil {
		return &exitError{code: exDataErr, msg: err.Error()}
	}
	krs, err := f.keyResults(cmd, msg)
	if err != nil {
		return err
	}
	locale := f.locale
	if locale == "" {
		locale = okr.ContentLanguage(raw) // as filing a reply does
	}
	out := okrParse{Message: msg, KeyResults: krs, OKR: reply.ParseOKR(msg.Text, krs, reply.OKROptions{Locale: locale})}
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func (f *okrParseFlags) keyResults(cmd *cobra.Command, msg *reply.Message) ([]reply.KRRef, error) {
	path := cmd.Flag("config").Value.String()
	cfg, err := LoadConfig(path, func(string) (string, bool) { return "", false })
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && f.team == "" {
			return nil, nil
		}
		return nil, &exitError{code: exConfig, msg: err.Error()}
	}
	owner := f.owner
	if owner == "" {
		owner = msg.From
	}
	var out []reply.KRRef
	found := f.team == ""
	for _, t := range cfg.Teams {
		if f.team != "" && t.Slug != f.team {
			continue
		}
		found = true
		for _, qs := range okrSpecs(t) {
			if f.quarter != "" && qs.Quarter != f.quarter {
				continue
			}
			if f.quarter == "" && !msg.Date.IsZero() && qs.Quarter != store.QuarterOf(msg.Date, time.UTC).String() {
				continue
			}
			for _, o := range qs.Objectives {
				for _, kr := range o.KeyResults {
					if owner == "" || strings.EqualFold(kr.Owner, owner) {
						out = append(out, reply.KRRef{Key: kr.Key, Title: kr.Title, Unit: kr.Unit, Currency: kr.Currency, Start: kr.Start, Target: kr.Target})
					}
				}
			}
		}
	}
	if !found {
		return nil, &exitError{code: exUsage, msg: "no team " + f.team + " in " + path}
	}
	return out, nil
}
