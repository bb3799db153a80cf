package main

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	out := `goos: linux
BenchmarkParse/10k/price-2   	       6	 211407245 ns/op	  58.77 MB/s	       169.0 allocs/part	     21141 ns/part
--- BENCH: BenchmarkWebhookAck-2
BenchmarkWebhookAck-2   	       1	7248176039 ns/op	       275.9 acks/s	        51.77 p50-ms
BenchmarkColdStart/ApiFunction-2         	       5	 111295234 ns/op	        10.69 arm64-MB
PASS
`
	r := results{}
	if err := r.parse(strings.NewReader(out)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, unit string
		want       float64
		ok         bool
	}{
		{"Parse/10k/price", "ns/part", 21141, true},
		{"Parse/10k/price", "allocs/part", 169, true},
		{"WebhookAck", "p50-ms", 51.77, true},
		{"ColdStart/ApiFunction", "arm64-MB", 10.69, true},
		{"ColdStart/ApiFunction", "init-ms", 0, false},
		{"Parse/10k/tokens", "ns/part", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.unit, func(t *testing.T) {
			got, ok := r.get(tt.name, tt.unit)
			if got != tt.want || ok != tt.ok {
				t.Errorf("get = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
