package rie

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// EnvVar names the variable that may hold the path of aws-lambda-rie.
const EnvVar = "AWS_LAMBDA_RIE"

// Binary returns the path of the aws-lambda-rie executable: $AWS_LAMBDA_RIE
// when set, else the one on PATH, else root/.local/bin/aws-lambda-rie (where
// `make rie` installs it). It fails with a message saying how to install it.
func Binary(root string) (string, error) {
	if p := os.Getenv(EnvVar); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %v: run `make rie` to install the runtime interface emulator", EnvVar, p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		return p, nil
	}
	p := filepath.Join(root, ".local", "bin", "aws-lambda-rie")
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("aws-lambda-rie not found ($%s, PATH, .local/bin): run `make test` (or `make rie`) to install it", EnvVar)
}
