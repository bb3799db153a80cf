// Package logging configures structured JSON logs and carries per-request
// attributes (request id, store id) through the context.
package logging

import (
	"context"
	"io"
	"log/slog"
	"strings"
)

// New returns a JSON logger writing to w at the level named by level
// (DEBUG, INFO, WARN, ERROR; INFO when empty or unknown). Records carry the
// attributes stored in the context with With.
func New(w io.Writer, level string) *slog.Logger {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		lv = slog.LevelInfo
	}
	return slog.New(contextHandler{slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lv})})
}

type attrsKey struct{}

// With returns a context whose log records carry the extra attributes
// (for example "request_id", "store_id").
func With(ctx context.Context, args ...any) context.Context {
	prev, _ := ctx.Value(attrsKey{}).([]any)
	next := make([]any, 0, len(prev)+len(args))
	next = append(append(next, prev...), args...)
	return context.WithValue(ctx, attrsKey{}, next)
}

type contextHandler struct{ slog.Handler }

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if args, ok := ctx.Value(attrsKey{}).([]any); ok {
		r.Add(args...)
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(attrs)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}
