package main

import (
	"os"
	"testing"
)

// TestMain turns DNS off for every command the tests run (auth.dns), so
// no test asks the host's resolver; tests that check DKIM and DMARC set
// TIDINGS_AUTH_DNS to an in-process server (mailtest.NewDNS).
//
// With GO_TEST_TIDINGS_RUN_MAIN=1 the test binary is the tidings binary: it
// runs main with its arguments (runMain in redact_test.go uses this to
// check everything the real process prints).
func TestMain(m *testing.M) {
	if os.Getenv("GO_TEST_TIDINGS_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	if _, ok := os.LookupEnv("TIDINGS_AUTH_DNS"); !ok {
		os.Setenv("TIDINGS_AUTH_DNS", "off")
	}
	os.Exit(m.Run())
}
