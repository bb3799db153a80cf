package httpapi

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/shopspring/decimal"
)

// A stored Promob item is answered as it is, after "source": the same
// object the decoded item would give, decimals and escaped text included.
func TestItemViewAnswersTheStoredItem(t *testing.T) {
	item := domain.PromobItem{
		ID: "12", Parent: "3", Level: 2, Category: "Portas", Reference: "PT-<1>&2",
		Description: `Porta "Lisa" 40`, Width: decimal.RequireFromString("396.5"),
		Height: decimal.RequireFromString("700"), Quantity: decimal.RequireFromString("2"),
		PriceTotal: decimal.RequireFromString("1234.56"),
	}
	stored, err := json.Marshal(item) // as the importer's ItemWriter stores it
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(ItemView{Promob: stored})
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(struct {
		Source string `json:"source"`
		domain.PromobItem
	}{"promob", item})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("answer\n%s\nwant\n%s", got, want)
	}
	var back struct {
		Source string `json:"source"`
		domain.PromobItem
	}
	if err := json.Unmarshal(got, &back); err != nil || back.Source != "promob" || back.ID != "12" || !back.PriceTotal.Equal(item.PriceTotal) {
		t.Fatalf("decoded %+v, %v", back, err)
	}

	manual, err := json.Marshal(ItemView{Manual: &domain.ManualItem{ID: "m1", Description: "Puxador"}})
	if err != nil || !bytes.HasPrefix(manual, []byte(`{"source":"manual","id":"m1"`)) {
		t.Fatalf("manual item answered %s, %v", manual, err)
	}
}

// A stored value that is not an object with fields is an error, never
// an answer that is not JSON.
func TestItemViewRefusesWhatIsNotAnItem(t *testing.T) {
	for _, stored := range []string{`{}`, `{ }`, `[1]`, `"x"`} {
		if out, err := json.Marshal(ItemView{Promob: json.RawMessage(stored)}); err == nil {
			t.Errorf("%s answered %s", stored, out)
		}
	}
}

// A page whose stored items include one that is not an object is an error,
// before any answer is written; objects are handed on as stored.
func TestStoredPageChecksEachItem(t *testing.T) {
	reader := func(lines string) itemReader {
		return func(fn func(dec *json.Decoder) (bool, error)) (domain.ItemPos, bool, error) {
			dec := json.NewDecoder(strings.NewReader(lines))
			for dec.More() {
				if more, err := fn(dec); err != nil || !more {
					return domain.ItemPos{}, dec.More(), err
				}
			}
			return domain.ItemPos{}, false, nil
		}
	}
	items, _, done, err := storedPage(reader(`{"id":"1"}`+"\n"+`{"id":"2","width":"1.5"}`+"\n"), 50)
	if err != nil || !done || len(items) != 2 || string(items[1]) != `{"id":"2","width":"1.5"}` {
		t.Fatalf("items %s, done %v, %v", items, done, err)
	}
	if _, _, _, err := storedPage(reader(`{"id":"1"}`+"\n"+`{}`+"\n"), 50); err == nil {
		t.Fatal("an empty stored object was answered")
	}
}
