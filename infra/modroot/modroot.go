// Package modroot finds the root directory of the Go module, so that the local
// tools can reach infra/, template.yaml and .local/ wherever they are run from
// inside the repository.
package modroot

import (
	"errors"
	"os"
	"path/filepath"
)

// Dir returns the nearest directory at or above the working directory that
// holds a go.mod file. It fails when the working directory cannot be read or
// when no go.mod is found up to the file system root.
func Dir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return From(wd)
}

// From returns the nearest directory at or above dir that holds a go.mod file,
// or an error when there is none.
func From(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found in the working directory or above: run from inside the repository")
		}
		dir = parent
	}
}
