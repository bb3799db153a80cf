package main

import (
	"bytes"
	"io"
	"sync"
)

// functionLines returns a writer that passes on to w the function's own log
// lines and drops the emulator's: its "(rapid)" lines and its START, END and
// REPORT lines.
func functionLines(w io.Writer) io.Writer { return &lineFilter{w: w} }

type lineFilter struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

func (f *lineFilter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.buf = append(f.buf, p...)
	for {
		i := bytes.IndexByte(f.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := f.buf[:i+1]
		f.buf = f.buf[i+1:]
		if emulatorLine(line) {
			continue
		}
		if _, err := f.w.Write(line); err != nil {
			return len(p), err
		}
	}
}

// emulatorLine reports whether the line (with the "[rie] " prefix of its
// process) is the emulator's rather than the function's.
func emulatorLine(line []byte) bool {
	line = bytes.TrimPrefix(line, []byte("[rie] "))
	if bytes.Contains(line, []byte("(rapid)")) {
		return true
	}
	for _, p := range []string{"START RequestId:", "END RequestId:", "REPORT RequestId:"} {
		if bytes.HasPrefix(line, []byte(p)) {
			return true
		}
	}
	return false
}
