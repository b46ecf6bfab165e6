package main

import (
	"io"

	"github.com/spf13/cobra"
)

// newRootCmd builds the command tree. Each subcommand lives in its own file.
func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "tidings",
		Short: "Email-first async updates for teams",
		Long: `Tidings emails each team member scheduled check-in prompts, turns their
email replies into structured updates and sends the team a digest.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newParseCmd())
	return root
}
