package metrics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/metrics"
)

// TestEmbeddedMetricFormat checks each line against the CloudWatch Embedded
// Metric Format: a JSON object whose _aws names the namespace, the
// dimension set and the metric with its unit, and whose root holds the
// metric's value and each dimension's value.
func TestEmbeddedMetricFormat(t *testing.T) {
	var buf bytes.Buffer
	m := metrics.New(&buf, "webhook")
	m.Count(context.Background(), "Webhooks", 1, metrics.Dim{Name: "Outcome", Value: "accepted"})
	m.Duration(context.Background(), "PromobLatency", 1500*time.Microsecond)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), buf.String())
	}
	tests := []struct {
		name, unit string
		value      float64
		dims       []string
	}{
		{"Webhooks", "Count", 1, []string{"Function", "Outcome"}},
		{"PromobLatency", "Milliseconds", 1.5, []string{"Function"}},
	}
	for i, tt := range tests {
		var line struct {
			AWS struct {
				Timestamp         int64
				CloudWatchMetrics []struct {
					Namespace  string
					Dimensions [][]string
					Metrics    []struct{ Name, Unit string }
				}
			} `json:"_aws"`
		}
		var root map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &line); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(lines[i]), &root); err != nil {
			t.Fatal(err)
		}
		if line.AWS.Timestamp == 0 || len(line.AWS.CloudWatchMetrics) != 1 {
			t.Fatalf("line %d: _aws = %+v", i, line.AWS)
		}
		cw := line.AWS.CloudWatchMetrics[0]
		if cw.Namespace != metrics.Namespace || len(cw.Metrics) != 1 || cw.Metrics[0].Name != tt.name || cw.Metrics[0].Unit != tt.unit {
			t.Errorf("line %d: %+v", i, cw)
		}
		if len(cw.Dimensions) != 1 || strings.Join(cw.Dimensions[0], ",") != strings.Join(tt.dims, ",") {
			t.Errorf("line %d: dimensions %v, want %v", i, cw.Dimensions, tt.dims)
		}
		for _, d := range tt.dims {
			if _, ok := root[d].(string); !ok {
				t.Errorf("line %d: dimension %s has no value at the root", i, d)
			}
		}
		if root[tt.name] != tt.value || root["Function"] != "webhook" {
			t.Errorf("line %d: %s = %v, Function = %v", i, tt.name, root[tt.name], root["Function"])
		}
	}
	var nilEmitter *metrics.Emitter
	nilEmitter.Count(context.Background(), "Nothing", 1) // must not panic
}
