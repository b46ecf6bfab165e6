package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// errNoConfig is the error of a command run where no configuration file
// is found and no TIDINGS_* variable configures the server: going on
// would create an empty tidings.db in the current directory.
func errNoConfig(path string) error {
	dir, _ := os.Getwd()
	return fmt.Errorf("config: no configuration file: %s not found in %s; run in the directory that has it, "+
		"pass --config FILE (or set TIDINGS_CONFIG), or configure with TIDINGS_* variables",
		path, filepath.Clean(dir))
}
