// Package proc runs the local stand-in servers (DynamoDB Local, fauxqs, the
// Lambda runtime interface emulator) as child processes that never outlive
// their parent: each runs in its own process group, receives SIGKILL when the
// parent dies, and Stop ends the whole group.
package proc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Options configures a child process.
type Options struct {
	// Name labels the child's output lines and its errors ("dynamodb").
	Name string
	// Log receives the child's stdout and stderr, one "[name] line" at a
	// time; nil discards them.
	Log io.Writer
	// OnLine, when set, is called with every line the child writes.
	OnLine func(line string)
	// Quiet, when set, keeps the lines it reports true for out of Log
	// (OnLine and error messages still see them).
	Quiet func(line string) bool
}

// Process is a running child process.
type Process struct {
	name     string
	cmd      *exec.Cmd
	out      *lineWriter
	done     chan struct{}
	waitErr  error
	stopOnce sync.Once
	stopErr  error
}

// Start starts cmd in a new process group that the kernel kills when this
// process dies. It fails when the command cannot be started.
func Start(cmd *exec.Cmd, opts Options) (*Process, error) {
	out := newLineWriter(opts.Name, opts.Log, opts.OnLine, opts.Quiet)
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// A grandchild in another process group may hold the output pipe open
	// after the child exits; stop reading it soon after.
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", opts.Name, err)
	}
	p := &Process{name: opts.Name, cmd: cmd, out: out, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		out.flush()
		close(p.done)
	}()
	return p, nil
}

// Pid returns the child's process id, which is also its process group id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the child has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Tail returns the last lines the child wrote.
func (p *Process) Tail() string { return p.out.tail() }

// WaitReady calls check every 100ms until it returns nil. It fails with the
// last check error and the child's last output when the child exits, when
// timeout passes or when ctx ends.
func (p *Process) WaitReady(ctx context.Context, timeout time.Duration, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		attempt, cancelAttempt := context.WithTimeout(ctx, 2*time.Second)
		last = check(attempt)
		cancelAttempt()
		if last == nil {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s exited before it was ready (%v); last output:\n%s", p.name, p.waitErr, p.Tail())
		case <-ctx.Done():
			return fmt.Errorf("%s not ready after %s (last check: %v); last output:\n%s", p.name, timeout, last, p.Tail())
		case <-tick.C:
		}
	}
}

// Stop sends SIGTERM to the child's process group, waits up to grace for the
// child to exit, then sends SIGKILL to the group and waits. It returns an
// error when the child had already exited on its own with a failure (with its
// last output), or when the group cannot be signalled. Later calls return the
// first call's result.
func (p *Process) Stop(grace time.Duration) error {
	p.stopOnce.Do(func() {
		select {
		case <-p.done:
			if p.waitErr != nil {
				p.stopErr = fmt.Errorf("%s exited on its own (%v); last output:\n%s", p.name, p.waitErr, p.Tail())
			}
			return
		default:
		}
		pgid := p.Pid()
		if err := syscall.Kill(-pgid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
			p.stopErr = fmt.Errorf("stop %s: %w", p.name, err)
		}
		select {
		case <-p.done:
		case <-time.After(grace):
			if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
				p.stopErr = fmt.Errorf("kill %s: %w", p.name, err)
			}
			<-p.done
		}
	})
	return p.stopErr
}
