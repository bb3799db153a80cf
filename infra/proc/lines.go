package proc

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
)

// tailLines is how many of a child's last lines are kept for error messages.
const tailLines = 40

// lineWriter splits a child's output into lines: each goes to the log with the
// child's name, to the OnLine callback, and into a ring of the last lines.
type lineWriter struct {
	name   string
	log    io.Writer
	onLine func(string)
	quiet  func(string) bool

	mu      sync.Mutex
	partial []byte
	last    []string
}

func newLineWriter(name string, log io.Writer, onLine func(string), quiet func(string) bool) *lineWriter {
	return &lineWriter{name: name, log: log, onLine: onLine, quiet: quiet}
}

func (w *lineWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, b...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		w.line(string(bytes.TrimRight(w.partial[:i], "\r")))
		w.partial = w.partial[i+1:]
	}
	return len(b), nil
}

// flush emits a last line that has no newline.
func (w *lineWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.partial) > 0 {
		w.line(string(w.partial))
		w.partial = nil
	}
}

func (w *lineWriter) line(s string) {
	if w.log != nil && (w.quiet == nil || !w.quiet(s)) {
		fmt.Fprintf(w.log, "[%s] %s\n", w.name, s)
	}
	if w.onLine != nil {
		w.onLine(s)
	}
	w.last = append(w.last, s)
	if len(w.last) > tailLines {
		w.last = w.last[len(w.last)-tailLines:]
	}
}

func (w *lineWriter) tail() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.last) == 0 {
		return "(no output)"
	}
	return strings.Join(w.last, "\n")
}
