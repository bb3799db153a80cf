package proc

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// alive reports whether pid names a process that has not exited (zombies
// count as exited).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d still running", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestStopEndsTheGroup(t *testing.T) {
	tests := []struct {
		name   string
		script string
	}{
		{"exits on SIGTERM", `sleep 60 & echo child=$!; wait`},
		{"ignores SIGTERM", `trap '' TERM; sleep 60 & echo child=$!; while :; do sleep 1; done`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var child int
			p, err := Start(exec.Command("sh", "-c", tt.script), Options{Name: "sh", OnLine: func(l string) {
				if v, ok := strings.CutPrefix(l, "child="); ok {
					mu.Lock()
					child, _ = strconv.Atoi(v)
					mu.Unlock()
				}
			}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = p.Stop(0) })
			err = p.WaitReady(context.Background(), 5*time.Second, func(context.Context) error {
				mu.Lock()
				defer mu.Unlock()
				if child == 0 {
					return errors.New("no child pid yet")
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Stop(300 * time.Millisecond); err != nil {
				t.Fatalf("Stop: %v", err)
			}
			waitGone(t, p.Pid())
			waitGone(t, child)
		})
	}
}

func TestWaitReadyReportsExit(t *testing.T) {
	p, err := Start(exec.Command("sh", "-c", "echo port in use >&2; exit 3"), Options{Name: "server"})
	if err != nil {
		t.Fatal(err)
	}
	err = p.WaitReady(context.Background(), 5*time.Second, func(context.Context) error { return errors.New("not yet") })
	if err == nil {
		t.Fatal("WaitReady succeeded for a child that exited")
	}
	for _, want := range []string{"server exited before it was ready", "exit status 3", "port in use"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if err := p.Stop(time.Second); err == nil || !strings.Contains(err.Error(), "exited on its own") {
		t.Errorf("Stop after a crash = %v, want an error saying it exited on its own", err)
	}
}

func TestWaitReadyTimesOut(t *testing.T) {
	p, err := Start(exec.Command("sleep", "60"), Options{Name: "sleeper"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Stop(time.Second) })
	err = p.WaitReady(context.Background(), 300*time.Millisecond, func(context.Context) error { return errors.New("refused") })
	if err == nil || !strings.Contains(err.Error(), "not ready after 300ms (last check: refused)") {
		t.Fatalf("WaitReady = %v, want a timeout naming the last check", err)
	}
}

func TestLogPrefixesLines(t *testing.T) {
	var log strings.Builder
	w := newLineWriter("ddb", &log, nil, nil)
	for _, chunk := range []string{"one\ntw", "o\r\nthree"} {
		if _, err := w.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	w.flush()
	want := "[ddb] one\n[ddb] two\n[ddb] three\n"
	if log.String() != want {
		t.Errorf("log = %q, want %q", log.String(), want)
	}
	if got := w.tail(); got != "one\ntwo\nthree" {
		t.Errorf("tail = %q", got)
	}
}
