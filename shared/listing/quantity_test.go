package listing_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/listing"
)

func TestRealQuantity(t *testing.T) {
	// module ×2 → drawer ×3 → board 1.5 m² repeated twice: 2 × 3 × 1.5 × 2.
	in := doc(item(`QUANTITY="2"`, "0",
		item(`QUANTITY="3" REPETITION="1"`, "0",
			item(`QUANTITY="1,5" REPETITION="2"`, "9"),
			item(`QUANTITY="0.25" REPETITION="0"`, "1"),
			item(`QUANTITY="4"`, "0")),
		item(`QUANTITY="0"`, "0")))
	_, items, err := listing.ParseAll(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		index      int
		level      int
		repetition string
		real       string
	}{
		{0, 1, "1", "2"},
		{1, 2, "1", "6"},
		{2, 3, "2", "18"},  // 2 × 3 × 1.5 × 2
		{3, 3, "1", "1.5"}, // REPETITION 0 counts as 1: 2 × 3 × 0.25
		{4, 3, "1", "24"},  // no REPETITION: 2 × 3 × 4
		{5, 2, "1", "0"},
	}
	if len(items) != len(tests) {
		t.Fatalf("%d items, want %d", len(items), len(tests))
	}
	for _, tt := range tests {
		it := items[tt.index]
		if it.Level != tt.level || it.Repetition.String() != tt.repetition || it.RealQuantity.String() != tt.real {
			t.Errorf("item %d: level %d, repetition %s, real %s; want %d, %s, %s",
				tt.index, it.Level, it.Repetition, it.RealQuantity, tt.level, tt.repetition, tt.real)
		}
	}
	checkTree(t, items)
}

// TestDeliveryOrder checks that each item reaches the callback once, parents
// before their children, and that an error of the callback stops the parse
// and comes back unchanged.
func TestDeliveryOrder(t *testing.T) {
	in := doc(item(`QUANTITY="1"`, "0", item(`QUANTITY="1"`, "1"), item(`QUANTITY="1"`, "2")) + item(`QUANTITY="1"`, "3"))
	var got []int
	if _, err := listing.Parse(strings.NewReader(in), func(it listing.Item) error {
		got = append(got, it.Index)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0] != 0 || got[1] != 1 || got[2] != 2 || got[3] != 3 {
		t.Errorf("delivered %v, want [0 1 2 3]", got)
	}
	stop := errors.New("stop")
	calls := 0
	_, err := listing.Parse(strings.NewReader(in), func(listing.Item) error {
		if calls++; calls == 2 {
			return stop
		}
		return nil
	})
	if err != stop || calls != 2 {
		t.Errorf("err %v after %d calls, want the callback's error after 2", err, calls)
	}
}
