package main

import (
	"io"
	"os"

	"github.com/spf13/cobra"
)

// newRootCmd builds the command tree. Each subcommand lives in its own file.
func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root, _ := newRoot(stdin, stdout, stderr)
	return root
}

// newRoot is newRootCmd that also returns the app, whose redactor main
// uses for the final error.
func newRoot(stdin io.Reader, stdout, stderr io.Writer) (*cobra.Command, *app) {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "tidings",
		Short: "Email-first async updates for teams",
		Long: `Tidings emails each team member scheduled check-in prompts, turns their
email replies into structured updates and sends the team a digest.

Start with "tidings serve --config examples/tidings.yaml".`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	defCfg := defaultConfigPath
	if v, ok := os.LookupEnv("TIDINGS_CONFIG"); ok && v != "" {
		defCfg = v
	}
	root.PersistentFlags().StringVarP(&a.configPath, "config", "c", defCfg, "configuration file (env TIDINGS_CONFIG)")
	root.PersistentFlags().StringVar(&a.logLevel, "log-level", "", "log level: debug, info, warn, error (default from config, else info)")
	root.AddCommand(
		newServeCmd(a),
		newApplyCmd(a),
		newVersionCmd(a),
		newParseCmd(),
		newDigestCmd(a),
		newIngestCmd(a),
		newInboundCmd(a),
		newUpdatesCmd(a),
		newMeetingsCmd(a),
		newAsksCmd(a),
		newPromptsCmd(a),
		newHealthcheckCmd(a),
		newOKRsCmd(a),
		newMembersCmd(a),
		newOneOnOnesCmd(a),
		newMigrateCmd(a),
		newExportCmd(a),
	)
	return root, a
}
