package importer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	"github.com/foccolojas/promob-integration/shared/importer"
	"github.com/foccolojas/promob-integration/shared/listing/listinggen"
)

// kb is the unit of a DynamoDB write: one write capacity unit per started
// kilobyte of an item.
const kb = 1024

// costStore is the store the write-cost benchmark imports through. It
// counts the capacity the version's items consumed, as DynamoDB reports it
// (ReturnConsumedCapacity) and by DynamoDB's rule (ceil(item bytes / 1 KB)
// per item written). Chunked, it writes the items as the importer does;
// naive, one DynamoDB item per part, 25 to a BatchWriteItem.
type costStore struct {
	*dynamo.Store
	db       *dynamodb.Client
	table    string
	naive    bool
	reported float64 // units DynamoDB reported
	bySize   int     // units by DynamoDB's rule, naive layout
	bytes    int     // bytes of the items written, naive layout
}

func (s *costStore) WriteItems(ctx context.Context, storeID, envID string, revision int, fn func(emit func(any) error) error) ([]int, float64, error) {
	if !s.naive {
		chunks, units, err := s.Store.WriteItems(ctx, storeID, envID, revision, fn)
		s.reported += units
		return chunks, units, err
	}
	pk := "STORE#" + storeID + "#ENV#" + envID
	var batch []types.WriteRequest
	flush := func() error {
		for len(batch) > 0 {
			out, err := s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
				RequestItems:           map[string][]types.WriteRequest{s.table: batch},
				ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
			})
			if err != nil {
				return err
			}
			for _, c := range out.ConsumedCapacity {
				s.reported += aws.ToFloat64(c.CapacityUnits)
			}
			batch = out.UnprocessedItems[s.table]
		}
		return nil
	}
	n := 0
	err := fn(func(item any) error {
		data, err := json.Marshal(item)
		if err != nil {
			return err
		}
		av := map[string]types.AttributeValue{
			"PK":   &types.AttributeValueMemberS{Value: pk},
			"SK":   &types.AttributeValueMemberS{Value: fmt.Sprintf("VITEM#r%010d#%07d", revision, n)},
			"data": &types.AttributeValueMemberS{Value: string(data)},
		}
		size, err := itemSize(av)
		if err != nil {
			return err
		}
		s.bytes += size
		s.bySize += (size + kb - 1) / kb
		n++
		batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
		if len(batch) == 25 {
			return flush()
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return []int{}, 0, flush()
}

// storedChunks returns the number of item chunks in the table, their bytes
// and the units writing them costs by DynamoDB's rule.
func storedChunks(b *testing.B, db *dynamodb.Client, table string) (chunks, bytes, bySize int) {
	for _, size := range chunkSizes(b, db, table) {
		chunks++
		bytes += size
		bySize += (size + kb - 1) / kb
	}
	return chunks, bytes, bySize
}

// quiet discards the importer's logs until the benchmark ends.
func quiet(b *testing.B) {
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	b.Cleanup(func() { slog.SetDefault(prev) })
}

// costFixture is an importer fixture on a fresh DynamoDB Local table whose
// importer writes through a costStore.
func costFixture(b *testing.B, naive bool) (*fixture, *costStore) {
	quiet(b)
	db := local.DynamoDB()
	table := dynamotest.CreateTable(b, db)
	f := newFixtureOn(b, dynamo.New(db, table))
	cs := &costStore{Store: f.store, db: db, table: table, naive: naive}
	f.im = importer.New(cs, f.promob, nil, f.notes, time.Now)
	return f, cs
}

// BenchmarkImportWriteCost imports a generated listing into DynamoDB Local
// as the importer stores it (gzip-compressed JSON lines in chunks of up to
// 300 KB) and, in the same run, as a naive layout would (one item per part,
// the same JSON uncompressed), and reports the write capacity of each per
// 1,000 parts: as DynamoDB Local reports it (wcu) and by DynamoDB's rule
// (size-wcu), beside the floor ceil(stored bytes / 1 KB) (ideal-wcu).
func BenchmarkImportWriteCost(b *testing.B) {
	for _, parts := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("%dk", parts/1000), func(b *testing.B) {
			xml := listingXML(parts, int64(parts))
			chunked, cs := costFixture(b, false)
			naive, ns := costFixture(b, true)
			rev := 0
			for b.Loop() {
				rev++
				for _, f := range []*fixture{chunked, naive} {
					f.promob.put(rev, xml)
					if failed := f.update(1); failed != nil {
						b.Fatalf("the import failed: %v", failed)
					}
				}
			}
			chunks, stored, bySize := storedChunks(b, cs.db, cs.table)
			per := func(units float64) float64 { return units / float64(rev) / float64(parts) * 1000 }
			ideal := float64((stored + kb - 1) / kb)
			b.ReportMetric(per(cs.reported), "wcu/1kparts")
			b.ReportMetric(per(float64(bySize)), "size-wcu/1kparts")
			b.ReportMetric(per(ideal), "ideal-wcu/1kparts")
			b.ReportMetric(per(ns.reported), "naive-wcu/1kparts")
			b.ReportMetric(per(float64(ns.bySize)), "naive-size-wcu/1kparts")
			b.ReportMetric(float64(stored)/float64(rev*parts), "B/part")
			b.ReportMetric(float64(ns.bytes)/float64(rev*parts), "naive-B/part")
			b.ReportMetric(float64(chunks)/float64(rev), "chunks")
		})
	}
}

// heapSampler records the peak of the Go runtime's memory while it runs.
type heapSampler struct {
	stop     chan struct{}
	done     sync.WaitGroup
	mu       sync.Mutex
	objects  uint64 // peak bytes of live and unswept heap objects
	total    uint64 // peak bytes the runtime has mapped
	interval time.Duration
}

var sampled = []string{"/memory/classes/heap/objects:bytes", "/memory/classes/total:bytes"}

func readMemory() (objects, total uint64) {
	s := []metrics.Sample{{Name: sampled[0]}, {Name: sampled[1]}}
	metrics.Read(s)
	return s[0].Value.Uint64(), s[1].Value.Uint64()
}

func startSampler(interval time.Duration) *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), interval: interval}
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		t := time.NewTicker(h.interval)
		defer t.Stop()
		for {
			h.sample()
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) sample() {
	o, t := readMemory()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.objects, h.total = max(h.objects, o), max(h.total, t)
}

// Stop ends the sampling and returns the peaks.
func (h *heapSampler) Stop() (objects, total uint64) {
	close(h.stop)
	h.done.Wait()
	h.sample()
	return h.objects, h.total
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// streamedListing serves a generated listing as Promob's body arrives: a
// pipe fed by listinggen.Write, so the benchmark holds no copy of it; size
// counts the bytes served.
func streamedListing(spec listinggen.Spec, size *atomic.Int64) func() io.ReadCloser {
	return func() io.ReadCloser {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(listinggen.Write(countingWriter{pw, size}, spec)) }()
		return pr
	}
}

// BenchmarkImportPeakMemory imports a generated 100,000-part listing into
// DynamoDB Local, streamed to the importer as Promob's body would be, while
// sampling the runtime's memory every millisecond, and reports the peak of
// the heap's objects, what the import added to the heap, and the peak of
// all the memory the Go runtime mapped: the part of a Lambda's memory the
// function controls. The generator (bounded by one module) runs in the
// benchmark's process and is counted too. It runs with the collector's
// defaults and with a soft memory limit of 100 MiB (GOMEMLIMIT, what a
// 128 MB function would set), to tell garbage waiting for the collector
// from memory the import holds.
func BenchmarkImportPeakMemory(b *testing.B) {
	const parts = 100_000
	const mb = 1 << 20
	spec := listinggen.Spec{EnvironmentGUID: promobEnv, Parts: parts, Seed: parts}
	for _, limit := range []int64{math.MaxInt64, 100 * mb} {
		name := "default-gc"
		if limit != math.MaxInt64 {
			name = fmt.Sprintf("gomemlimit=%dMiB", limit/mb)
		}
		b.Run(name, func(b *testing.B) {
			prev := debug.SetMemoryLimit(limit)
			defer debug.SetMemoryLimit(prev)
			f, _ := costFixture(b, false)
			var (
				peakObjects, peakTotal, added uint64
				size                          atomic.Int64
			)
			rev := 0
			for b.Loop() {
				rev++
				size.Store(0)
				f.promob.putStream(rev, streamedListing(spec, &size))
				b.StopTimer()
				runtime.GC()
				base, _ := readMemory()
				b.StartTimer()
				h := startSampler(time.Millisecond)
				failed := f.update(1)
				objects, total := h.Stop()
				if failed != nil {
					b.Fatalf("the import failed: %v", failed)
				}
				peakObjects, peakTotal = max(peakObjects, objects), max(peakTotal, total)
				added = max(added, objects-min(objects, base))
			}
			b.ReportMetric(float64(size.Load())/mb, "listing-MB")
			b.ReportMetric(float64(peakObjects)/mb, "peak-heap-MB")
			b.ReportMetric(float64(added)/mb, "import-heap-MB")
			b.ReportMetric(float64(peakTotal)/mb, "peak-mapped-MB")
		})
	}
}

// BenchmarkImporterVersions imports successive revisions of a generated
// 1,000-part listing into one environment, one after the other as the FIFO
// queue hands them over, and reports the sustained versions per second.
func BenchmarkImporterVersions(b *testing.B) {
	const parts, versions = 1_000, 20
	xml := listingXML(parts, parts)
	f, _ := costFixture(b, false)
	rev := 0
	for b.Loop() {
		for range versions {
			rev++
			f.promob.put(rev, xml)
			if failed := f.update(1); failed != nil {
				b.Fatalf("the import failed: %v", failed)
			}
		}
	}
	b.ReportMetric(float64(rev)/b.Elapsed().Seconds(), "versions/s")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(rev), "ms/version")
}
