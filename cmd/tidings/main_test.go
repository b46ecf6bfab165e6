package main

import (
	"os"
	"testing"
)

// TestMain turns DNS off for every command the tests run (auth.dns), so
// no test asks the host's resolver; tests that check DKIM and DMARC set
// TIDINGS_AUTH_DNS to an in-process server (mailtest.NewDNS).
func TestMain(m *testing.M) {
	if _, ok := os.LookupEnv("TIDINGS_AUTH_DNS"); !ok {
		os.Setenv("TIDINGS_AUTH_DNS", "off")
	}
	os.Exit(m.Run())
}
