// Command bench runs the project's benchmarks (`make bench`) and prints one
// Markdown table of their results, each beside its baseline from the same
// run, with the machine it ran on. The raw `go test -bench` output is kept
// in .local/bench/raw.txt.
package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/foccolojas/promob-integration/infra/modroot"
)

// suites are the go test runs: packages, the benchmarks to run and how long.
// The DynamoDB, emulator and local-stack benchmarks each run a fixed load,
// so once is enough.
var suites = []struct{ pkgs, bench, benchtime string }{
	{"./shared/listing", "^BenchmarkParse$", "1s"},
	{"./shared/importer", "^Benchmark(ImportWriteCost|ImportPeakMemory|ImporterVersions)$", "1x"},
	{"./infra/rie", "^BenchmarkColdStart$", "5x"},
	{"./infra/e2e", "^Benchmark(WebhookAck|LargeVersionReads|SaveToNotification)$", "1x"},
}

func main() {
	if err := run(os.Stdout); err != nil {
		slog.Error("bench", "err", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	root, err := modroot.Dir()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(root, ".local", "bench"), 0o755); err != nil {
		return err
	}
	raw, err := os.Create(filepath.Join(root, ".local", "bench", "raw.txt"))
	if err != nil {
		return err
	}
	defer raw.Close()
	loadBefore := loadAvg()
	start := time.Now()
	r := results{}
	var failed []string
	for _, s := range suites {
		fmt.Fprintf(os.Stderr, "bench: %s %s\n", s.pkgs, s.bench)
		var out bytes.Buffer
		cmd := exec.Command("go", "test", "-run", "^$", "-bench", s.bench, "-benchtime", s.benchtime, "-benchmem", "-count", "1", s.pkgs)
		cmd.Dir = root
		cmd.Stdout = io.MultiWriter(&out, raw)
		cmd.Stderr = io.MultiWriter(&out, raw)
		if err := cmd.Run(); err != nil {
			failed = append(failed, fmt.Sprintf("%s (%v)", s.pkgs, err))
		}
		if err := r.parse(&out); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "Machine: %s, %s, %d CPUs; load average %s before, %s after; %s\n\n",
		goVersion(), cpuModel(), runtime.NumCPU(), loadBefore, loadAvg(), time.Since(start).Round(time.Second))
	printTable(w, rows(r))
	if len(failed) > 0 {
		return fmt.Errorf("benchmarks failed, see .local/bench/raw.txt: %s", strings.Join(failed, "; "))
	}
	return nil
}

func goVersion() string {
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		return runtime.Version()
	}
	return strings.TrimSpace(string(out)) + " " + runtime.GOOS + "/" + runtime.GOARCH
}

// cpuModel is the first "model name" of /proc/cpuinfo, or "unknown CPU".
func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for l := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// loadAvg is the 1-, 5- and 15-minute load average, or "unknown".
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
