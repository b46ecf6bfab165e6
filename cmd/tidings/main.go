// Command tidings is the single Tidings binary: the service (serve), the
// configuration sync (apply) and the operator's tools.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal, restore the default handling so a second
		// one kills the process at once.
		<-ctx.Done()
		stop()
	}()
	endProfile, err := startProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tidings:", err)
		os.Exit(1)
	}
	root, a := newRoot(os.Stdin, os.Stdout, os.Stderr)
	err = root.ExecuteContext(ctx)
	endProfile()
	if err == nil {
		return
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(os.Stderr, "tidings:", a.redact(ee.msg))
		}
		os.Exit(ee.code)
	}
	fmt.Fprintln(os.Stderr, "tidings:", a.redact(err.Error()))
	os.Exit(1)
}

// exitError carries a process exit code (sysexits where mail tools expect
// them) up to main.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// Exit codes from sysexits.h used by the commands that mail software runs.
const (
	exUsage    = 64
	exDataErr  = 65
	exNoInput  = 66
	exNoUser   = 67
	exSoftware = 70
	exTempFail = 75
	exConfig   = 78
)
