// Package listingtest is test support for listings: it finds the real
// Promob sample (third-party data kept beside the project, never inside
// it) and prices a listing's items.
package listingtest

import (
	"os"
	"path/filepath"
	"testing"
)

// SampleName is the real export in ../shared/promob-samples/.
const SampleName = "promob_cozinha.xml"

// Sample returns the bytes of the real Promob export (see SamplePath). It
// skips tb with the reason when the sample is not there.
func Sample(tb testing.TB) []byte {
	tb.Helper()
	data, err := os.ReadFile(SamplePath(tb))
	if err != nil {
		tb.Skipf("real Promob sample not available (%v): place %s under ../shared/promob-samples/ beside the module root", err, SampleName)
	}
	return data
}

// SamplePath returns the path of the real Promob export,
// ../shared/promob-samples/ relative to the module root (the directory of
// go.mod above the working directory). It skips tb with the reason when the
// sample is not there, and fails tb when no go.mod is found.
func SamplePath(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		up := filepath.Dir(dir)
		if up == dir {
			tb.Fatal("go.mod not found above the test directory")
		}
		dir = up
	}
	p := filepath.Join(dir, "..", "shared", "promob-samples", SampleName)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("real Promob sample not available (%v): place %s under ../shared/promob-samples/ beside the module root", err, SampleName)
	}
	return p
}
