package e2e_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/infra/stacktest"
	"github.com/foccolojas/promob-integration/shared/domain"
)

// readStack is a store on the real local stack with one environment whose
// version 1 is a Promob listing of the given size, imported as a user
// would (legacy import: the importer fetches it from the simulator).
type readStack struct {
	s       *stack
	store   string
	envID   string
	seller  string
	envPath string
}

func newReadStack(b *testing.B, s *stack, parts int) *readStack {
	b.Helper()
	store, account, apiToken := s.linkedStore()
	admin := s.Token("admin-1", store, "admin")
	pe := newPromobEnv(s, account, apiToken)
	pe.save(nil, parts)
	_, projectID := s.Project(admin, "Ana Silva", "529.982.247-25", "Casa")
	var env envView
	s.ImportEnvironment(admin, projectID, pe.project, pe.env, "Casa inteira", &env)
	r := &readStack{s: s, store: store, envID: env.ID, seller: s.Token("seller-1", store, "seller"), envPath: "/v1/environments/" + env.ID}
	poll.Until(b, 10*time.Minute, fmt.Sprintf("the %d-part version imported", parts), func() bool {
		var e envView
		s.Call(http.MethodGet, r.envPath, admin, nil, http.StatusOK, &e)
		if e.ImportStatus == domain.ImportFailed {
			b.Fatalf("import failed: %s", e.ImportError)
		}
		return e.LatestVersion == 1
	})
	return r
}

// get sends GET path through the gateway as a browser would (Accept-Encoding
// gzip when gz) and returns the time to the last byte and the bytes on the
// wire.
func (r *readStack) get(b *testing.B, path string, gz bool) (time.Duration, []byte) {
	b.Helper()
	header := map[string]string{"Authorization": "Bearer " + r.seller}
	if gz {
		header["Accept-Encoding"] = "gzip"
	}
	start := time.Now()
	a := stacktest.Send(b, http.MethodGet, r.s.URL()+path, nil, header)
	took := time.Since(start)
	if a.Status != http.StatusOK {
		b.Fatalf("GET %s: %d %.300s", path, a.Status, a.Body)
	}
	return took, a.Body
}

// medians runs each of fns in turn, warm rounds not counted and then n
// rounds, and returns the median duration of each: the reads of a round
// follow one another, so a change of the machine's load weighs on all of
// them alike. The rounds not counted let DynamoDB Local's JIT compiler and
// the gateway's connections settle, which the first version size measured
// would otherwise pay alone.
func medians(warm, n int, fns ...func() time.Duration) []time.Duration {
	d := make([][]time.Duration, len(fns))
	for round := range warm + n {
		for i, fn := range fns {
			if took := fn(); round >= warm {
				d[i] = append(d[i], took)
			}
		}
	}
	out := make([]time.Duration, len(fns))
	for i := range d {
		slices.Sort(d[i])
		out[i] = d[i][n/2]
	}
	return out
}

// readUnits returns the read capacity DynamoDB reports for the reads the
// API makes for the first page of items (one query of the environment and
// the newest first chunk of items), for the budget summary (one query of
// the environment and its newest version) and for the first page of budget
// lines (the environment, the version, its first chunk of items), issued
// with the same keys, limits and consistency.
func (r *readStack) readUnits(b *testing.B) (items, budget, lines float64) {
	b.Helper()
	ctx, db, table := b.Context(), local.DynamoDB(), r.s.Resources().TableName
	pk := &types.AttributeValueMemberS{Value: "STORE#" + r.store + "#ENV#" + r.envID}
	units := func(c *types.ConsumedCapacity) float64 {
		if c == nil || c.CapacityUnits == nil {
			b.Fatal("DynamoDB Local reported no consumed capacity")
		}
		return *c.CapacityUnits
	}
	query := func(cond string, values map[string]string, ascending bool) ([]map[string]types.AttributeValue, float64) {
		av := map[string]types.AttributeValue{":pk": pk}
		for k, v := range values {
			av[k] = &types.AttributeValueMemberS{Value: v}
		}
		out, err := db.Query(ctx, &dynamodb.QueryInput{TableName: &table, KeyConditionExpression: aws.String("PK = :pk AND " + cond),
			ExpressionAttributeValues: av, ScanIndexForward: aws.Bool(ascending), Limit: aws.Int32(2), ConsistentRead: aws.Bool(true),
			ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
		if err != nil {
			b.Fatal(err)
		}
		if len(out.Items) != 2 {
			b.Fatalf("%d items where %s, want 2", len(out.Items), cond)
		}
		return out.Items, units(out.ConsumedCapacity)
	}
	first, items := query("begins_with(SK, :env)", map[string]string{":env": "ENV"}, true)
	newest, budget := query("SK BETWEEN :versions AND :env", map[string]string{":versions": "EN#VERSION#", ":env": "ENV"}, false)
	get := func(item map[string]types.AttributeValue, consistent bool) float64 {
		out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, ConsistentRead: aws.Bool(consistent),
			Key:                    map[string]types.AttributeValue{"PK": pk, "SK": item["SK"]},
			ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
		if err != nil || out.Item == nil {
			b.Fatalf("get %v: %v", item["SK"], err)
		}
		return units(out.ConsumedCapacity)
	}
	// first[0] is the environment, first[1] its newest first chunk of
	// items; newest[0] is the environment again and newest[1] its newest version.
	lines = get(first[0], true) + get(newest[1], true) + get(first[1], false)
	return items, budget, lines
}

// BenchmarkLargeVersionReads imports versions of 3,000, 30,000 and 100,000
// parts on the local stack and measures, through the gateway, the first
// page of items and the budget summary (median of 30 rounds, after 10 not
// counted) beside GET
// /health through the same gateway plus one DynamoDB GetItem of the
// environment (the baseline: a read that does not depend on the version's
// size), one of each in every round; the size of every answer a screen of
// the version reads (the largest page: 200 items or budget lines); a page
// of 200 items gzip-encoded; and the read capacity of the first page and
// of the summary.
func BenchmarkLargeVersionReads(b *testing.B) {
	s := startRealStack(b)
	for _, parts := range []int{3_000, 30_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", parts/1000), func(b *testing.B) {
			r := newReadStack(b, s, parts)
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			for b.Loop() {
				table := s.Resources().TableName
				m := medians(10, 30, func() time.Duration {
					start := time.Now()
					a := stacktest.Send(b, http.MethodGet, s.URL()+"/health", nil, nil)
					if a.Status != http.StatusOK {
						b.Fatalf("health: %d", a.Status)
					}
					return time.Since(start)
				}, func() time.Duration {
					start := time.Now()
					_, err := local.DynamoDB().GetItem(b.Context(), &dynamodb.GetItemInput{TableName: &table, ConsistentRead: aws.Bool(true),
						Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "STORE#" + r.store + "#ENV#" + r.envID},
							"SK": &types.AttributeValueMemberS{Value: "ENV"}}})
					if err != nil {
						b.Fatal(err)
					}
					return time.Since(start)
				},
					func() time.Duration { d, _ := r.get(b, r.envPath+"/items", false); return d },
					func() time.Duration { d, _ := r.get(b, r.envPath+"/budget", false); return d })
				health, getItem, items, budget := m[0], m[1], m[2], m[3]
				base := health + getItem
				b.ReportMetric(ms(health), "health-ms")
				b.ReportMetric(ms(getItem), "getitem-ms")
				b.ReportMetric(ms(base), "base-ms")
				b.ReportMetric(ms(items), "items-ms")
				b.ReportMetric(ms(budget), "budget-ms")
			}
			largest := 0
			for _, p := range []string{"/items", "/items?limit=200", "/budget", "/budget/lines?limit=200", "/versions", "/versions/1", "/versions/1/items?limit=200"} {
				_, body := r.get(b, r.envPath+p, false)
				largest = max(largest, len(body))
			}
			_, plain := r.get(b, r.envPath+"/items?limit=200", false)
			_, packed := r.get(b, r.envPath+"/items?limit=200", true)
			if zr, err := gzip.NewReader(bytes.NewReader(packed)); err != nil || zr.Close() != nil {
				b.Fatalf("a gzip answer was expected: %v", err)
			}
			_, summary := r.get(b, r.envPath+"/budget", false)
			_, first := r.get(b, r.envPath+"/items", false)
			itemsRCU, budgetRCU, linesRCU := r.readUnits(b)
			b.ReportMetric(float64(largest)/1024, "max-KB")
			b.ReportMetric(float64(len(plain))/1024, "page200-KB")
			b.ReportMetric(float64(len(packed))/1024, "page200-gz-KB")
			b.ReportMetric(float64(len(summary))/1024, "budget-KB")
			b.ReportMetric(float64(len(first))/1024, "items-KB")
			b.ReportMetric(itemsRCU, "items-rcu")
			b.ReportMetric(budgetRCU, "budget-rcu")
			b.ReportMetric(linesRCU, "lines-rcu")
		})
	}
}
