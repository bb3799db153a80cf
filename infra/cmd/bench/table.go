package main

import (
	"fmt"
	"io"
	"strings"
)

// row is one line of the table: a measure, its value, the baseline it is
// compared with in the same run, and the goal.
type row struct {
	measure, value, baseline, ratio, goal, met string
}

// num formats a metric, or "n/a" when the benchmark did not report it (it
// was skipped or failed).
func num(r results, name, unit, format string) string {
	v, ok := r.get(name, unit)
	if !ok {
		return "n/a"
	}
	return fmt.Sprintf(format, v) + " " + unit
}

// ratio returns a/b of two metrics and whether both were reported.
func ratio(r results, aName, aUnit, bName, bUnit string) (float64, bool) {
	a, okA := r.get(aName, aUnit)
	b, okB := r.get(bName, bUnit)
	if !okA || !okB || b == 0 {
		return 0, false
	}
	return a / b, true
}

// check formats a ratio and whether it meets the goal.
func check(v float64, ok bool, meets func(float64) bool) (string, string) {
	if !ok {
		return "n/a", "n/a"
	}
	if meets(v) {
		return fmt.Sprintf("%.2f×", v), "yes"
	}
	return fmt.Sprintf("%.2f×", v), "**no**"
}

// rows builds the table from the results.
func rows(r results) []row {
	var out []row
	for _, in := range []string{"sample", "1k", "10k", "100k"} {
		for _, kind := range []string{"parse", "price"} {
			name := "Parse/" + in + "/" + kind
			what := "parse"
			if kind == "price" {
				what = "parse+price"
			}
			v, ok := ratio(r, name, "ns/part", "Parse/"+in+"/tokens", "ns/part")
			q, met := check(v, ok, func(v float64) bool { return v <= 2 })
			out = append(out, row{
				measure:  fmt.Sprintf("%s %s listing (time, allocs)", what, in),
				value:    num(r, name, "ns/part", "%.0f") + ", " + num(r, name, "allocs/part", "%.1f"),
				baseline: "xml token scan " + num(r, "Parse/"+in+"/tokens", "ns/part", "%.0f") + ", " + num(r, "Parse/"+in+"/tokens", "allocs/part", "%.1f"),
				ratio:    q, goal: "≤ 2× (time)", met: met,
			})
		}
	}
	for _, n := range []string{"1k", "10k"} {
		name := "ImportWriteCost/" + n
		v, ok := ratio(r, name, "wcu/1kparts", name, "ideal-wcu/1kparts")
		q, met := check(v, ok, func(v float64) bool { return v <= 1.3 })
		out = append(out, row{
			measure:  "write capacity per 1,000 parts, " + n + " import",
			value:    num(r, name, "wcu/1kparts", "%.1f") + " (" + num(r, name, "B/part", "%.1f") + " stored)",
			baseline: "ceil(stored bytes / 1 KB) " + num(r, name, "ideal-wcu/1kparts", "%.1f"),
			ratio:    q, goal: "≤ 1.3×", met: met,
		})
		v, ok = ratio(r, name, "naive-wcu/1kparts", name, "wcu/1kparts")
		q, met = check(v, ok, func(v float64) bool { return v >= 10 })
		if n != "10k" {
			met = "(goal at 10k)"
		}
		out = append(out, row{
			measure:  "naive one-item-per-part layout, " + n + " import",
			value:    num(r, name, "naive-wcu/1kparts", "%.0f") + " (" + num(r, name, "naive-B/part", "%.1f") + ")",
			baseline: "chunked " + num(r, name, "wcu/1kparts", "%.1f"),
			ratio:    q + " cheaper", goal: "≥ 10× cheaper at 10k", met: met,
		})
	}
	for _, gc := range []string{"default-gc", "gomemlimit=100MiB"} {
		name := "ImportPeakMemory/" + gc
		// The goal is judged on all the memory the Go runtime maps (heap,
		// stacks, its own structures), not on the heap alone.
		v, ok := r.get(name, "peak-mapped-MB")
		_, met := check(v, ok, func(v float64) bool { return v <= 128 })
		out = append(out, row{
			measure: "peak memory, 100,000-part import (" + gc + ")",
			value: num(r, name, "peak-mapped-MB", "%.1f") + " (heap " + num(r, name, "peak-heap-MB", "%.1f") +
				", of which the import " + num(r, name, "import-heap-MB", "%.1f") + ")",
			baseline: "the listing itself " + num(r, name, "listing-MB", "%.1f"),
			goal:     "≤ 128 MB", met: met,
		})
	}
	for _, fn := range []string{"WebhookFunction", "ApiFunction", "ImporterFunction", "PromobSyncFunction", "NotifierFunction"} {
		name := "ColdStart/" + fn
		out = append(out, row{
			measure: "cold start " + fn + " (init under the emulator, arm64 stripped size)",
			value:   num(r, name, "init-ms", "%.1f") + ", " + num(r, name, "arm64-MB", "%.2f"),
		})
	}
	for _, size := range []string{"3k", "30k", "100k"} {
		name := "LargeVersionReads/" + size
		base := "GET /health + GetItem " + num(r, name, "base-ms", "%.1f")
		for _, read := range []struct{ what, unit, kb string }{
			{"first page of items (50)", "items-ms", "items-KB"},
			{"budget summary", "budget-ms", "budget-KB"},
		} {
			v, ok := ratio(r, name, read.unit, name, "base-ms")
			q, met := check(v, ok, func(v float64) bool { return v <= 2 })
			out = append(out, row{
				measure:  read.what + ", " + size + "-part version (median of 30)",
				value:    num(r, name, read.unit, "%.1f") + " (" + num(r, name, read.kb, "%.1f") + ")",
				baseline: base, ratio: q, goal: "≤ 2×", met: met,
			})
		}
		v, ok := r.get(name, "max-KB")
		_, met := check(v, ok, func(v float64) bool { return v <= 1024 })
		out = append(out, row{
			measure: "largest answer of a " + size + "-part version (items, lines, budget, versions, detail; 200 a page)",
			value:   num(r, name, "max-KB", "%.1f"), goal: "≤ 1 MB", met: met,
		})
		v, ok = ratio(r, name, "page200-KB", name, "page200-gz-KB")
		q, _ := check(v, ok, func(float64) bool { return true })
		out = append(out, row{
			measure:  "a page of 200 items gzip-encoded on the wire, " + size,
			value:    num(r, name, "page200-gz-KB", "%.1f"),
			baseline: "plain " + num(r, name, "page200-KB", "%.1f"), ratio: q + " smaller",
		})
		out = append(out, row{
			measure: "read capacity: first page of items, budget summary, first page of budget lines, " + size,
			value:   num(r, name, "items-rcu", "%.1f") + ", " + num(r, name, "budget-rcu", "%.1f") + ", " + num(r, name, "lines-rcu", "%.1f"),
		})
	}
	out = append(out,
		row{
			measure: "Promob save → notification readable, 10 saves/s for 60 s, 1,000-part listings (p50, p99)",
			value: num(r, "SaveToNotification", "p50-ms", "%.0f") + ", " + num(r, "SaveToNotification", "p99-ms", "%.0f") +
				" (" + num(r, "SaveToNotification", "saves", "%.0f") + ", " + num(r, "SaveToNotification", "sqs-sends/save", "%.2f") + ")",
		},
		row{
			measure: "webhook acks, 2,000 signed deliveries 16 at a time (p50, p99)",
			value:   num(r, "WebhookAck", "acks/s", "%.0f") + " (" + num(r, "WebhookAck", "p50-ms", "%.1f") + ", " + num(r, "WebhookAck", "p99-ms", "%.1f") + ")",
		},
		row{
			measure: "importer, successive 1,000-part versions of one environment",
			value:   num(r, "ImporterVersions", "versions/s", "%.1f") + " (" + num(r, "ImporterVersions", "ms/version", "%.0f") + ")",
		},
	)
	return out
}

// printTable writes the rows as a Markdown table.
func printTable(w io.Writer, rs []row) {
	line := func(cells ...string) {
		for i, c := range cells {
			if c == "" {
				cells[i] = "–"
			}
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	line("measure", "value", "baseline (same run)", "ratio", "goal", "met")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, r := range rs {
		line(r.measure, r.value, r.baseline, r.ratio, r.goal, r.met)
	}
}
