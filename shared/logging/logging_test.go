package logging_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/logging"
)

// records decodes the JSON lines written to buf; it fails the test on a line
// that is not a JSON object.
func records(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		out = append(out, r)
	}
	return out
}

func TestRecordsCarryTheContextAttributes(t *testing.T) {
	var buf bytes.Buffer
	log := logging.New(&buf, "INFO")
	base := logging.With(context.Background(), "request_id", "req-1")
	ctx := logging.With(base, "store_id", "s1")

	log.InfoContext(ctx, "configured", "account_id", "acc-1")
	log.With("component", "api").WarnContext(base, "slow")
	log.Info("no context")

	got := records(t, &buf)
	if len(got) != 3 {
		t.Fatalf("%d records, want 3", len(got))
	}
	tests := []struct {
		name string
		rec  map[string]any
		want map[string]any
		not  []string
	}{
		{"both attributes", got[0], map[string]any{"msg": "configured", "level": "INFO", "request_id": "req-1", "store_id": "s1", "account_id": "acc-1"}, nil},
		{"the parent context keeps only its own", got[1], map[string]any{"msg": "slow", "level": "WARN", "request_id": "req-1", "component": "api"}, []string{"store_id"}},
		{"no context attributes", got[2], map[string]any{"msg": "no context"}, []string{"request_id", "store_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.want {
				if tt.rec[k] != v {
					t.Errorf("%s = %v, want %v (record %v)", k, tt.rec[k], v, tt.rec)
				}
			}
			for _, k := range tt.not {
				if _, ok := tt.rec[k]; ok {
					t.Errorf("%s is set: %v", k, tt.rec)
				}
			}
			if _, ok := tt.rec["time"]; !ok {
				t.Errorf("no time in %v", tt.rec)
			}
		})
	}
}

func TestLevel(t *testing.T) {
	tests := []struct {
		level string
		// logged are the levels of the records written, of DEBUG, INFO, WARN, ERROR.
		logged []string
	}{
		{"DEBUG", []string{"DEBUG", "INFO", "WARN", "ERROR"}},
		{"debug", []string{"DEBUG", "INFO", "WARN", "ERROR"}},
		{"INFO", []string{"INFO", "WARN", "ERROR"}},
		{"WARN", []string{"WARN", "ERROR"}},
		{"warn", []string{"WARN", "ERROR"}},
		{"ERROR", []string{"ERROR"}},
		{"", []string{"INFO", "WARN", "ERROR"}},
		{"LOUD", []string{"INFO", "WARN", "ERROR"}},
	}
	for _, tt := range tests {
		t.Run(tt.level, func(t *testing.T) {
			var buf bytes.Buffer
			log := logging.New(&buf, tt.level)
			for _, lv := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
				log.Log(context.Background(), lv, "m")
			}
			var levels []string
			for _, r := range records(t, &buf) {
				levels = append(levels, r["level"].(string))
			}
			if strings.Join(levels, ",") != strings.Join(tt.logged, ",") {
				t.Errorf("logged %v, want %v", levels, tt.logged)
			}
		})
	}
}
