package listing_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"runtime"
	"sync"
	"testing"

	"github.com/foccolojas/promob-integration/shared/listing"
	"github.com/foccolojas/promob-integration/shared/listing/listinggen"
	"github.com/foccolojas/promob-integration/shared/listing/listingtest"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/shopspring/decimal"
)

var generated sync.Map // parts → []byte

func generatedListing(parts int) []byte {
	if b, ok := generated.Load(parts); ok {
		return b.([]byte)
	}
	b := listinggen.Bytes(listinggen.Spec{Parts: parts, Seed: int64(parts)})
	generated.Store(parts, b)
	return b
}

// BenchmarkParse streams each listing through Parse (the callback keeps
// nothing), through Parse and pricing as the importer does (a line per leaf,
// then the budget), and, beside them, through a bare encoding/xml token scan
// of the same bytes: the floor any token-by-token parser stands on. Each
// reports ns/part and allocs/part, a part being an ITEM under the AMBIENT;
// make bench prints their ratios to the scan.
func BenchmarkParse(b *testing.B) {
	inputs := []struct {
		name string
		data func(b *testing.B) []byte
	}{
		{"sample", func(b *testing.B) []byte { return listingtest.Sample(b) }},
		{"1k", func(*testing.B) []byte { return generatedListing(1_000) }},
		{"10k", func(*testing.B) []byte { return generatedListing(10_000) }},
		{"100k", func(*testing.B) []byte { return generatedListing(100_000) }},
	}
	for _, in := range inputs {
		b.Run(in.name+"/parse", func(b *testing.B) {
			data := in.data(b)
			var parts int
			measure(b, data, func() {
				h, err := listing.Parse(bytes.NewReader(data), func(listing.Item) error { return nil })
				if err != nil {
					b.Fatal(err)
				}
				parts = h.Items
			}, &parts)
		})
		b.Run(in.name+"/price", func(b *testing.B) {
			data := in.data(b)
			var parts int
			measure(b, data, func() { parts = parseAndPrice(b, data) }, &parts)
		})
		b.Run(in.name+"/tokens", func(b *testing.B) {
			data := in.data(b)
			h, err := listing.Parse(bytes.NewReader(data), func(listing.Item) error { return nil })
			if err != nil {
				b.Fatal(err)
			}
			parts := h.Items
			measure(b, data, func() { scanTokens(b, data) }, &parts)
		})
	}
}

// measure runs f b.N times and reports ns/part, allocs/part and MB/s.
func measure(b *testing.B, data []byte, f func(), parts *int) {
	b.SetBytes(int64(len(data)))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for range b.N {
		f()
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	n := float64(b.N) * float64(*parts)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/part")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/part")
	b.ReportMetric(float64(*parts), "parts")
}

// benchRules are commercial rules with a markup of each kind.
var benchRules = pricing.Rules{
	DefaultMarkup:   decimal.RequireFromString("2.1"),
	FamilyMarkup:    map[string]decimal.Decimal{"Ferragens": decimal.RequireFromString("1.6")},
	CategoryMarkup:  map[string]decimal.Decimal{"Acessórios": decimal.RequireFromString("1.4")},
	FreightPercent:  decimal.NewFromInt(5),
	AssemblyPercent: decimal.NewFromInt(3),
}

// parseAndPrice prices the listing as the importer does and returns its
// number of parts.
func parseAndPrice(b *testing.B, data []byte) int {
	var lines []pricing.Line
	h, err := listing.Parse(bytes.NewReader(data), func(it listing.Item) error {
		if !it.HasChildren {
			lines = append(lines, pricing.LineOf(it.PromobItem()))
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if res := pricing.Budget(lines, nil, benchRules); res.Total.IsZero() {
		b.Fatal("the listing priced to zero")
	}
	return h.Items
}

func scanTokens(b *testing.B, data []byte) {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAll collects the items of a 10,000-part listing.
func BenchmarkParseAll(b *testing.B) {
	data := generatedListing(10_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for range b.N {
		_, items, err := listing.ParseAll(bytes.NewReader(data))
		if err != nil || len(items) != 10_000 {
			b.Fatal(fmt.Sprint(len(items), err))
		}
	}
}
