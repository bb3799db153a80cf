package promob_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/promob"
)

// zeros is an endless stream of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestListing serves listing answers and checks what Listing returns and
// what reading its body gives: answers before the body are retried, the
// body is streamed and bounded by the client's MaxListing.
func TestListing(t *testing.T) {
	const maxListing = 1 << 20
	tests := []struct {
		name     string
		serve    func(w http.ResponseWriter, call int)
		wantErr  string // of Listing; "" = none
		wantRead string // of reading the body; "" = none
		wantBody string
		wantRev  int
		calls    int32
	}{
		{"streamed", func(w http.ResponseWriter, _ int) {
			w.Header().Set("Promob-Revision", "7")
			io.WriteString(w, "<LISTING />")
		}, "", "", "<LISTING />", 7, 1},
		{"503 then the listing", func(w http.ResponseWriter, call int) {
			if call == 1 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			w.Header().Set("Promob-Revision", "2")
			io.WriteString(w, "<LISTING />")
		}, "", "", "<LISTING />", 2, 2},
		{"404 is not retried", func(w http.ResponseWriter, _ int) {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":{"code":"not_found","message":"no such environment"}}`)
		}, "no such environment", "", "", 0, 1},
		{"no revision header", func(w http.ResponseWriter, _ int) {
			io.WriteString(w, "<LISTING />")
		}, "Promob-Revision", "", "", 0, 1},
		{"over MaxListing", func(w http.ResponseWriter, _ int) {
			w.Header().Set("Promob-Revision", "1")
			io.CopyN(w, zeros{}, maxListing+100)
		}, "", "over", "", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				tt.serve(w, int(calls.Add(1)))
			}))
			defer srv.Close()
			c, err := promob.New(srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			c.Backoff = time.Millisecond
			c.MaxListing = maxListing
			body, rev, err := c.Listing(t.Context(), "acc-1", "tok", "p1", "e1", 0)
			if got := calls.Load(); got != tt.calls {
				t.Fatalf("calls = %d, want %d", got, tt.calls)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || body != nil {
					t.Fatalf("Listing = %v, %v; want an error about %q", body, err, tt.wantErr)
				}
				return
			}
			if err != nil || rev != tt.wantRev {
				t.Fatalf("Listing = revision %d, %v; want %d", rev, err, tt.wantRev)
			}
			defer body.Close()
			data, err := io.ReadAll(body)
			if tt.wantRead != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantRead) || len(data) != maxListing {
					t.Fatalf("read %d bytes, %v; want %d and an error about %q", len(data), err, maxListing, tt.wantRead)
				}
				if _, again := body.Read(make([]byte, 1)); again != err {
					t.Fatalf("read after the limit = %v, want %v again", again, err)
				}
				return
			}
			if err != nil || string(data) != tt.wantBody {
				t.Fatalf("body = %q, %v; want %q", data, err, tt.wantBody)
			}
		})
	}
}
