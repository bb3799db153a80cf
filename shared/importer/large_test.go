package importer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	"github.com/foccolojas/promob-integration/shared/listing/listingtest"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/shopspring/decimal"
)

// maxItemBytes is DynamoDB's item size limit.
const maxItemBytes = 400 * 1024

// itemSize is the size DynamoDB counts for an item whose attributes are
// strings, numbers and binaries: each attribute's name plus its value; an
// attribute of another type is an error.
func itemSize(item map[string]types.AttributeValue) (int, error) {
	n := 0
	for name, v := range item {
		n += len(name)
		switch v := v.(type) {
		case *types.AttributeValueMemberS:
			n += len(v.Value)
		case *types.AttributeValueMemberN:
			n += len(v.Value)
		case *types.AttributeValueMemberB:
			n += len(v.Value)
		default:
			return 0, fmt.Errorf("attribute %s of type %T in an item chunk", name, v)
		}
	}
	return n, nil
}

// chunkSizes returns the size (see itemSize) of each item chunk in the
// table, read by a consistent scan.
func chunkSizes(tb testing.TB, db *dynamodb.Client, table string) []int {
	tb.Helper()
	var sizes []int
	pages := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: &table, ConsistentRead: aws.Bool(true)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(tb.Context())
		if err != nil {
			tb.Fatal(err)
		}
		for _, item := range page.Items {
			if sk, ok := item["SK"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(sk.Value, "ENV#ITEMS#") {
				size, err := itemSize(item)
				if err != nil {
					tb.Fatal(err)
				}
				sizes = append(sizes, size)
			}
		}
	}
	return sizes
}

// TestGeneratedListingOf20000Parts imports a generated 20,000-part listing
// on DynamoDB Local (which enforces the 400 KB item limit) and checks that
// it becomes one version of 20,000 items, stored in a few chunks under the
// limit, priced as the listing prices independently.
func TestGeneratedListingOf20000Parts(t *testing.T) {
	const parts = 20_000
	db := local.DynamoDB()
	table := dynamotest.CreateTable(t, db)
	f := newFixtureOn(t, dynamo.New(db, table))
	ctx := context.Background()

	rules := pricing.Rules{
		DefaultMarkup:   decimal.RequireFromString("2.1"),
		FamilyMarkup:    map[string]decimal.Decimal{"Ferragens": decimal.RequireFromString("1.6")},
		CategoryMarkup:  map[string]decimal.Decimal{"Acessórios": decimal.RequireFromString("1.4")},
		FreightPercent:  decimal.NewFromInt(5),
		AssemblyPercent: decimal.NewFromInt(3),
	}
	if err := f.store.SaveCommercialRules(ctx, "s1", rules, time.Now()); err != nil {
		t.Fatal(err)
	}
	manual := domain.ManualItem{ID: domain.NewID(), Description: "Tampo de granito", Reference: "GR-1",
		Quantity: decimal.NewFromInt(3), UnitPrice: decimal.RequireFromString("125.50"), CreatedBy: "seller-1", CreatedAt: time.Now()}
	if err := addManual(ctx, f.store, "s1", f.env.ID, manual); err != nil {
		t.Fatal(err)
	}

	xml := listingXML(parts, 20)
	f.promob.put(1, xml)
	if failed := f.update(1); failed != nil {
		t.Fatalf("the import failed: %v", failed)
	}

	env := f.environment()
	if got := numbers(f.versions()); got != "1(r1,latest=true)" {
		t.Fatalf("versions = %s, want one", got)
	}
	v, err := f.store.Version(ctx, env, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v.ItemCount != parts {
		t.Errorf("itemCount = %d, want %d", v.ItemCount, parts)
	}

	// The listing priced independently: every item's PRICE@TOTAL (items
	// with children carry 0) by the rules, plus the manual item.
	header, lines := listingtest.PricingLines(t, xml)
	want := pricing.Budget(lines, []pricing.ManualLine{{Description: manual.Description, Reference: manual.Reference,
		Quantity: manual.Quantity, UnitPrice: manual.UnitPrice}}, rules)
	if len(lines) != parts || v.Total != want.Total.String() {
		t.Errorf("version total %s, the listing's %d items priced independently %s", v.Total, len(lines), want.Total)
	}

	t.Run("items read back", func(t *testing.T) {
		n := 0
		cost := decimal.Zero
		err := f.store.VersionItems(ctx, env, 1, func(dec *json.Decoder) error {
			var it domain.PromobItem
			if err := dec.Decode(&it); err != nil {
				return err
			}
			if it.ID != domain.PromobItemID(n) {
				t.Fatalf("item %d has id %s", n, it.ID)
			}
			cost = cost.Add(it.PriceTotal)
			n++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n != parts {
			t.Errorf("read %d items, want %d", n, parts)
		}
		if !cost.Equal(header.Table) || cost.IsZero() {
			t.Errorf("Σ priceTotal of the stored items = %s, the listing's TOTALPRICES@TABLE %s", cost, header.Table)
		}
	})

	t.Run("chunks under the item limit, few writes", func(t *testing.T) {
		sizes := chunkSizes(t, db, table)
		if len(sizes) < 2 {
			t.Fatalf("%d item chunks: 20,000 items should need several", len(sizes))
		}
		total := 0
		for _, n := range sizes {
			if n >= maxItemBytes {
				t.Errorf("a chunk of %d bytes is over DynamoDB's %d", n, maxItemBytes)
			}
			total += n
		}
		// One write per chunk of a few hundred items (each chunk is read
		// whole by a page of items): the writes grow with the items by
		// hundreds, not one per item, and every chunk but the last is full.
		if len(sizes) > parts/400+1 {
			t.Errorf("%d chunks for %d bytes", len(sizes), total)
		}
		t.Logf("%d items in %d chunks, %d bytes", parts, len(sizes), total)
	})
}
