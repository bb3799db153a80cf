package rie

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// functionDirs maps each function's logical id in template.yaml to its
// directory under functions/ (the Makefile's build-<LogicalId> targets use the
// same pairs).
var functionDirs = map[string]string{
	"WebhookFunction":    "webhook",
	"ApiFunction":        "api",
	"ImporterFunction":   "importer",
	"PromobSyncFunction": "promobsync",
	"NotifierFunction":   "notifier",
}

// FunctionPackage returns the package path ("./functions/api") of the function
// with the logical id, or an error listing the known ids.
func FunctionPackage(logicalID string) (string, error) {
	dir, ok := functionDirs[logicalID]
	if !ok {
		ids := make([]string, 0, len(functionDirs))
		for id := range functionDirs {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		return "", fmt.Errorf("unknown function %q: want one of %s", logicalID, strings.Join(ids, ", "))
	}
	return "./functions/" + dir, nil
}

// Build compiles the main package pkg (a path relative to the module root
// root, such as "./functions/api") for this machine, with the lambda.norpc tag
// the cloud build uses, into outDir/bootstrap. It returns the binary's path,
// or an error carrying the compiler's output.
func Build(ctx context.Context, root, pkg, outDir string) (string, error) {
	out, err := filepath.Abs(filepath.Join(outDir, "bootstrap"))
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", pkg, err, msg)
	}
	return out, nil
}
