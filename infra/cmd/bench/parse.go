package main

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// results are the metrics of each benchmark by unit, the benchmark named
// without its "Benchmark" prefix and its -GOMAXPROCS suffix
// ("Parse/10k/price").
type results map[string]map[string]float64

// get returns the metric, and false when the benchmark did not report it.
func (r results) get(name, unit string) (float64, bool) {
	v, ok := r[name][unit]
	return v, ok
}

// parse reads `go test -bench` output and adds each result line's metrics to
// r; other lines are ignored.
func (r results) parse(out io.Reader) error {
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		m := r[name]
		if m == nil {
			m = map[string]float64{}
			r[name] = m
		}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				m[f[i+1]] = v
			}
		}
	}
	return sc.Err()
}
