// Package promob calls the Promob integration API (PROMOB-API.md section 2).
package promob

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/foccolojas/promob-integration/shared/metrics"
)

// DefaultMaxListing bounds the listing bodies read from Promob unless a
// Client sets its own: 256 MB, about 215,000 parts. The importer streams the
// body, so its memory does not grow with the bound; the bound keeps an
// endless body from holding an importer until its timeout.
const DefaultMaxListing = 256 << 20

// Client calls one Promob API.
type Client struct {
	base *url.URL
	http *http.Client
	// Attempts is how many times a retryable failure (network, 429, 5xx) is
	// tried before giving up; Backoff is the first pause, doubled each time.
	Attempts int
	Backoff  time.Duration
	// MaxListing bounds the listing bodies Listing reads, in bytes.
	MaxListing int64
	// Metrics receives each call's status and latency (nil: none).
	Metrics *metrics.Emitter
}

// New returns a client of the API at baseURL, or an error when it is not an
// http(s) URL.
func New(baseURL string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("promob: base URL %q is not an http(s) URL", baseURL)
	}
	if hc == nil {
		hc = &http.Client{Timeout: 20 * time.Second}
	}
	return &Client{base: u, http: hc, Attempts: 3, Backoff: 200 * time.Millisecond, MaxListing: DefaultMaxListing}, nil
}

// MaxRetryAfter is the longest Retry-After the client waits for itself
// before trying again; a longer one ends the call with the *Error, whose
// RetryAfter the queue honours.
const MaxRetryAfter = 2 * time.Second

// Error is an answer of Promob other than success.
type Error struct {
	Status  int
	Code    string
	Message string
	// Retry is Promob's Retry-After on a 429 or 503 (0 when absent).
	Retry time.Duration
}

// RetryAfter returns how long Promob asked to wait before trying again.
func (e *Error) RetryAfter() time.Duration { return e.Retry }

func (e *Error) Error() string {
	return fmt.Sprintf("promob: %d %s: %s", e.Status, e.Code, e.Message)
}

// Retryable reports whether the call may succeed if made again.
func (e *Error) Retryable() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// IsUnauthorized reports whether Promob refused the token.
func IsUnauthorized(err error) bool {
	var pe *Error
	return errors.As(err, &pe) && pe.Status == http.StatusUnauthorized
}

// IsNotFound reports whether Promob does not know the id.
func IsNotFound(err error) bool {
	var pe *Error
	return errors.As(err, &pe) && pe.Status == http.StatusNotFound
}

// Listing returns the listing XML of an environment at a revision (0: the
// current one) as a stream, and the revision it is. Network failures, 429
// and 5xx are retried before the body is handed over; the caller reads the
// body and closes it. Reading fails once the body exceeds c.MaxListing bytes,
// and a failure while reading is not retried here. It returns a *Error for
// an answer other than 2xx, or an error when the answer has no valid
// Promob-Revision header.
func (c *Client) Listing(ctx context.Context, account, token, projectID, environmentID string, revision int) (io.ReadCloser, int, error) {
	path := "/v1/accounts/" + url.PathEscape(account) + "/projects/" + url.PathEscape(projectID) +
		"/environments/" + url.PathEscape(environmentID) + "/listing"
	if revision > 0 {
		path += "?revision=" + strconv.Itoa(revision)
	}
	resp, err := c.send(ctx, http.MethodGet, path, token, "", nil)
	if err != nil {
		return nil, 0, err
	}
	rev, err := strconv.Atoi(resp.Header.Get("Promob-Revision"))
	if err != nil || rev < 1 {
		resp.Body.Close()
		return nil, 0, fmt.Errorf("promob: listing without a valid Promob-Revision header")
	}
	return &listingBody{r: io.LimitReader(resp.Body, c.MaxListing+1), body: resp.Body, max: c.MaxListing}, rev, nil
}

// listingBody reads a listing's body up to max bytes.
type listingBody struct {
	r    io.Reader
	body io.Closer
	max  int64
	read int64
	err  error // sticky once the limit is exceeded
}

func (b *listingBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	if b.read > b.max {
		b.err = fmt.Errorf("promob: listing over %d bytes", b.max)
		return n - int(b.read-b.max), b.err
	}
	if err != nil && err != io.EOF {
		err = fmt.Errorf("promob: read listing: %w", err)
	}
	return n, err
}

func (b *listingBody) Close() error { return b.body.Close() }

// Status is the Connect situation and stage of a Promob project, set for
// one of its environments at a version.
type Status struct {
	Situation     string `json:"situation"`
	Stage         string `json:"stage"`
	EnvironmentID string `json:"environmentId"`
	Version       int    `json:"version"`
}

// SetStatus sets a project's situation and stage in Connect (PUT
// …/projects/{projectId}/status). Setting the same status again is
// harmless, so the call is retried like the others; it returns a *Error
// for an answer other than 2xx.
func (c *Client) SetStatus(ctx context.Context, account, token, projectID string, st Status) error {
	body, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("promob: encode status: %w", err)
	}
	path := "/v1/accounts/" + url.PathEscape(account) + "/projects/" + url.PathEscape(projectID) + "/status"
	return c.do(ctx, http.MethodPut, path, token, "", body, func(*http.Response) error { return nil })
}

// do makes the call (see send) and hands the 2xx answer to read.
func (c *Client) do(ctx context.Context, method, path, token, idemKey string, body []byte, read func(*http.Response) error) error {
	resp, err := c.send(ctx, method, path, token, idemKey, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return read(resp)
}

// send makes the call with the JSON body (none when nil) and the
// Idempotency-Key (none when ""), retrying network failures, 429 and 5xx
// with exponential backoff. It returns the 2xx answer, whose body the
// caller closes, or a *Error for another answer.
func (c *Client) send(ctx context.Context, method, path, token, idemKey string, body []byte) (*http.Response, error) {
	pause := c.Backoff
	var last error
	for attempt := 1; attempt <= max(1, c.Attempts); attempt++ {
		if attempt > 1 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(pause):
			}
			pause *= 2
		}
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, rd)
		if err != nil {
			return nil, fmt.Errorf("promob: %w", err)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if idemKey != "" {
			req.Header.Set("Idempotency-Key", idemKey)
		}
		start := time.Now()
		resp, err := c.http.Do(req)
		if err != nil {
			c.Metrics.Count(ctx, "PromobCalls", 1, metrics.Dim{Name: "Status", Value: "network"})
			last = fmt.Errorf("promob: %s %s: %w", method, path, err)
			continue
		}
		c.Metrics.Count(ctx, "PromobCalls", 1, metrics.Dim{Name: "Status", Value: strconv.Itoa(resp.StatusCode)})
		c.Metrics.Duration(ctx, "PromobLatency", time.Since(start))
		if resp.StatusCode < 300 {
			return resp, nil
		}
		last = answerError(resp)
		resp.Body.Close()
		// A refusal retrying cannot cure, or a Retry-After longer than
		// the client waits (MaxRetryAfter), is for the caller (the queue)
		// to handle; a shorter one is waited for.
		if pe := (*Error)(nil); errors.As(last, &pe) {
			if !pe.Retryable() || pe.Retry > MaxRetryAfter {
				return nil, last
			}
			pause = max(pause, pe.Retry)
		}
	}
	return nil, last
}

func answerError(resp *http.Response) error {
	var body struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body)
	return &Error{Status: resp.StatusCode, Code: body.Error.Code, Message: body.Error.Message, Retry: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date; 0
// when absent or malformed.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now).Round(time.Second)
	}
	return 0
}
