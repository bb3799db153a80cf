package promobsim

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a settable clock starting at the real time (webhook receivers
// check timestamps against the real clock).
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// harness is a simulator behind a real HTTP server on 127.0.0.1.
type harness struct {
	t     *testing.T
	sim   *Sim
	srv   *httptest.Server
	clock *clock
}

func newHarness(t *testing.T, dataFile string) *harness {
	t.Helper()
	c := &clock{now: time.Now()}
	sim, err := New(Options{DataFile: dataFile, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return &harness{t: t, sim: sim, srv: srv, clock: c}
}

// answer is a response read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("answer %d is not JSON: %v: %s", a.status, err, a.body)
	}
	return m
}

// errorCode returns error.code of a JSON error answer, failing t when the
// answer is not one.
func (a answer) errorCode(t *testing.T) string {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(a.body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("answer %d is not a JSON error: %s", a.status, a.body)
	}
	return e.Error.Code
}

// do sends a request; body is sent as is when it is a string or []byte, else
// as JSON. headers alternate names and values.
func (h *harness) do(method, path string, body any, headers ...string) answer {
	h.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, r)
	if err != nil {
		h.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

// want fails t unless the answer has the status.
func (a answer) want(t *testing.T, status int) answer {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, a.body)
	}
	return a
}

// account creates acc with users and returns its integration token.
func (h *harness) account(acc string, fields map[string]any) string {
	h.t.Helper()
	return h.do("PUT", "/_sim/accounts/"+acc, fields).want(h.t, http.StatusCreated).json(h.t)["integrationToken"].(string)
}

func bearer(token string) []string { return []string{"Authorization", "Bearer " + token} }

// create sends a create call with an Idempotency-Key and returns the field.
func (h *harness) create(token, path, key, field string, body any) string {
	h.t.Helper()
	return h.do("POST", path, body, append(bearer(token), "Idempotency-Key", key)...).want(h.t, http.StatusCreated).json(h.t)[field].(string)
}

// fixture is an account with a customer, a project and a blank environment.
type fixture struct {
	acc, token, customer, project, env string
}

func (h *harness) fixture(acc string, fields map[string]any) fixture {
	h.t.Helper()
	f := fixture{acc: acc, token: h.account(acc, fields)}
	base := "/v1/accounts/" + acc
	f.customer = h.create(f.token, base+"/customers", "c-1", "customerId", map[string]string{"externalId": "cli-1", "name": "Maria Souza"})
	f.project = h.create(f.token, base+"/projects", "p-1", "projectId", map[string]string{"externalId": "prj-1", "customerId": f.customer, "name": "Apartamento 101"})
	f.env = h.create(f.token, base+"/projects/"+f.project+"/environments", "e-1", "environmentId",
		map[string]any{"externalId": "amb-1", "name": "Cozinha", "source": map[string]string{"kind": "blank"}})
	return f
}

func (f fixture) envPath() string {
	return "/accounts/" + f.acc + "/projects/" + f.project + "/environments/" + f.env
}

// listingFacts are the fields of a listing the tests compare.
type listingFacts struct {
	Project struct {
		GUID string `xml:"GUID,attr"`
	} `xml:"PROJECTGUID"`
	Ambient struct {
		GUID        string `xml:"GUID,attr"`
		Description string `xml:"DESCRIPTION,attr"`
	} `xml:"AMBIENTS>AMBIENT"`
	Customer []struct {
		ID    string `xml:"ID,attr"`
		Value string `xml:"VALUE,attr"`
	} `xml:"CUSTOMERSDATA>DATA"`
	Items int
}

func parseListing(t *testing.T, data []byte) listingFacts {
	t.Helper()
	var f listingFacts
	if err := xml.Unmarshal(data, &f); err != nil {
		t.Fatalf("listing is not XML: %v", err)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	inTree := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return f
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			switch tok.Name.Local {
			case "AMBIENTS":
				inTree = true
			case "ITEM":
				if inTree {
					f.Items++
				}
			}
		case xml.EndElement:
			if tok.Name.Local == "AMBIENTS" {
				inTree = false
			}
		}
	}
}
