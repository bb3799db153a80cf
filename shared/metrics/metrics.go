// Package metrics writes business metrics as CloudWatch Embedded Metric
// Format (EMF) lines: JSON objects on standard output that CloudWatch Logs
// turns into metrics, with no agent and no API call.
package metrics

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Namespace is the CloudWatch namespace of every metric of the project.
const Namespace = "PromobIntegration"

// Units of CloudWatch.
const (
	UnitCount        = "Count"
	UnitMilliseconds = "Milliseconds"
)

// Emitter writes EMF lines for one function. A nil *Emitter writes nothing,
// so code that measures does not care whether metrics are wired.
type Emitter struct {
	mu       sync.Mutex
	w        io.Writer
	function string
	now      func() time.Time
}

// New returns an emitter writing to w, every metric carrying the Function
// dimension.
func New(w io.Writer, function string) *Emitter {
	return &Emitter{w: w, function: function, now: time.Now}
}

// Dim is one extra dimension of a metric (e.g. Outcome=accepted).
type Dim struct{ Name, Value string }

// Count records n occurrences of name.
func (e *Emitter) Count(ctx context.Context, name string, n int, dims ...Dim) {
	e.Put(ctx, name, float64(n), UnitCount, dims...)
}

// Duration records d, in milliseconds, as name.
func (e *Emitter) Duration(ctx context.Context, name string, d time.Duration, dims ...Dim) {
	e.Put(ctx, name, float64(d.Microseconds())/1000, UnitMilliseconds, dims...)
}

// Put writes one metric value as one EMF line: dimensions Function and
// dims; a write failure is logged.
func (e *Emitter) Put(ctx context.Context, name string, value float64, unit string, dims ...Dim) {
	if e == nil {
		return
	}
	names := []string{"Function"}
	line := map[string]any{"Function": e.function, name: value}
	for _, d := range dims {
		names = append(names, d.Name)
		line[d.Name] = d.Value
	}
	line["_aws"] = map[string]any{
		"Timestamp": e.now().UnixMilli(),
		"CloudWatchMetrics": []any{map[string]any{
			"Namespace":  Namespace,
			"Dimensions": [][]string{names},
			"Metrics":    []any{map[string]string{"Name": name, "Unit": unit}},
		}},
	}
	b, err := json.Marshal(line)
	if err != nil {
		slog.ErrorContext(ctx, "metric not written", "metric", name, "err", err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := e.w.Write(append(b, '\n')); err != nil {
		slog.ErrorContext(ctx, "metric not written", "metric", name, "err", err)
	}
}
