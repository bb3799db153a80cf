package rie

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/foccolojas/promob-integration/infra/proc"
)

// lambdaFlags are the Makefile's flags for a Lambda build.
var lambdaFlags = []string{"build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w"}

// buildFor compiles pkg with the Lambda flags for goarch (linux) into
// dir/bootstrap and returns its path.
func buildFor(b *testing.B, root, pkg, goarch, dir string) string {
	out := filepath.Join(dir, "bootstrap")
	cmd := exec.CommandContext(b.Context(), "go", append(lambdaFlags, "-o", out, pkg)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
	return out
}

// initReport is the emulator's line about a finished init phase.
var initReport = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// benchEnv is every variable template.yaml gives a function, pointed at
// ports where nothing listens: init builds clients, it does not call them.
// LOG_LEVEL is also the emulator's, which reports INIT at DEBUG.
var benchEnv = map[string]string{
	"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
	"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:9", "AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:9",
	"TABLE_NAME": "promob-local-Table", "LOG_LEVEL": "DEBUG",
	"IMPORTS_QUEUE_URL":       "http://127.0.0.1:9/000000000000/promob-local-imports.fifo",
	"PROMOB_OUTBOX_QUEUE_URL": "http://127.0.0.1:9/000000000000/promob-local-promob-outbox",
	"NOTIFICATIONS_QUEUE_URL": "http://127.0.0.1:9/000000000000/promob-local-notifications",
	"PROMOB_API_URL":          "http://127.0.0.1:9",
}

// BenchmarkColdStart builds each function's bootstrap as the Makefile does
// and reports the size of the linux/arm64 binary Lambda runs, then starts
// the function (built for this machine) under the runtime interface
// emulator, invokes it once with an empty event, and reports the init
// duration the emulator measured (INIT REPORT): the cold start the function
// itself adds, from exec to its first request for work.
func BenchmarkColdStart(b *testing.B) {
	root := mustRoot(b)
	bin := mustBinary(b, root)
	ids := make([]string, 0, len(functionDirs))
	for id := range functionDirs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		b.Run(id, func(b *testing.B) {
			pkg, err := FunctionPackage(id)
			if err != nil {
				b.Fatal(err)
			}
			arm := buildFor(b, root, pkg, "arm64", b.TempDir())
			st, err := os.Stat(arm)
			if err != nil {
				b.Fatal(err)
			}
			bootstrap := buildFor(b, root, pkg, runtime.GOARCH, b.TempDir())
			var total float64
			for b.Loop() {
				log := &proc.Buffer{}
				em, err := Start(b.Context(), Options{RIE: bin, Bootstrap: bootstrap, Env: benchEnv, Log: log})
				if err != nil {
					b.Fatal(err)
				}
				_, ierr := em.Invoke(b.Context(), []byte(`{}`))
				if err := em.Stop(); err != nil {
					b.Fatalf("the function crashed: %v\n%s", err, log)
				}
				m := initReport.FindStringSubmatch(log.String())
				if m == nil {
					b.Fatalf("no INIT REPORT from the emulator (invoke: %v):\n%s", ierr, log)
				}
				ms, _ := strconv.ParseFloat(m[1], 64)
				total += ms
			}
			b.ReportMetric(total/float64(b.N), "init-ms")
			b.ReportMetric(float64(st.Size())/(1<<20), "arm64-MB")
		})
	}
}
