package promobsim

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// req is a Promob API call that passed the faults, the account lookup and
// authentication. Handlers run with the state locked.
type req struct {
	r    *http.Request
	acc  *account
	body []byte
	now  time.Time
	// integration is set when the caller holds the account's integration token.
	integration bool
}

// promob wraps a Promob API handler: faults first, then the account
// (404), the bearer token (401) and, for create calls, the Idempotency-Key
// (required; a repeat returns the first answer). Every call reaching a known
// account is recorded in its call log.
func (s *Sim) promob(create bool, h func(q *req) reply) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rp := s.servePromob(w, r, create, h)
		s.opts.Log.Info("promobsim call", "method", r.Method, "path", r.URL.Path, "status", rp.status,
			"idempotency_key", r.Header.Get("Idempotency-Key"))
		rp.write(w)
	})
}

func (s *Sim) servePromob(w http.ResponseWriter, r *http.Request, create bool, h func(q *req) reply) reply {
	accID := r.PathValue("acc")
	key := r.Header.Get("Idempotency-Key")
	body, bad := readBody(w, r, maxJSONBody)
	if f, ok := s.takeFault(); ok {
		if f.delay > 0 {
			t := time.NewTimer(f.delay)
			defer t.Stop()
			select {
			case <-t.C:
			case <-r.Context().Done():
				return errorReply(http.StatusServiceUnavailable, codeFault, "The client left during a simulated delay.")
			}
		}
		if f.status != 0 {
			rp := faultReply(f)
			s.mu.Lock()
			defer s.mu.Unlock()
			if a := s.st.Accounts[accID]; a != nil {
				a.record(call{At: s.opts.Now(), Method: r.Method, Path: r.URL.Path, IdempotencyKey: key, Status: rp.status, Fault: true})
			}
			return rp
		}
	}
	if bad != nil {
		return *bad
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.Accounts[accID]
	if a == nil {
		return notFound("account", accID)
	}
	now := s.opts.Now()
	c := call{At: now, Method: r.Method, Path: r.URL.Path, IdempotencyKey: key}
	rp := func() reply {
		caller, ok := authenticate(a, r, now)
		if !ok {
			rp := errorReply(http.StatusUnauthorized, codeUnauthorized, "The bearer token is missing, unknown, expired or revoked.")
			rp.header = http.Header{"Www-Authenticate": {`Bearer error="invalid_token"`}}
			return rp
		}
		c.Caller = caller
		q := &req{r: r, acc: a, body: body, now: now, integration: caller == "integration"}
		if !create {
			return h(q)
		}
		if key == "" {
			return invalid("Calls that create something need an Idempotency-Key header.")
		}
		sum := sha256.Sum256([]byte(r.Method + " " + r.URL.Path + "\n" + string(body)))
		hash := hex.EncodeToString(sum[:])
		if prev := a.Idempotency[key]; prev != nil {
			if prev.BodyHash != hash {
				return errorReply(http.StatusConflict, codeConflict, "Idempotency-Key %q was first used for a different request (%s %s).", key, prev.Method, prev.Path)
			}
			c.Replayed = true
			return reply{status: prev.Status, body: []byte(prev.Body), ctype: "application/json"}
		}
		rp := h(q)
		if rp.status >= 200 && rp.status < 300 {
			a.Idempotency[key] = &idempotent{Method: r.Method, Path: r.URL.Path, BodyHash: hash, Status: rp.status, Body: string(rp.body), At: now}
		}
		return rp
	}()
	c.Status = rp.status
	a.record(c)
	if r.Method != http.MethodGet { // a read changes only the call log, saved with the next change
		s.persist()
	}
	return rp
}

// authenticate returns who the bearer token stands for: "integration" or
// "user:<name>".
func authenticate(a *account, r *http.Request, now time.Time) (string, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return "", false
	}
	if a.IntegrationToken != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(a.IntegrationToken)) == 1 {
		return "integration", true
	}
	t := a.Tokens[tok]
	if t == nil || !now.Before(t.ExpiresAt) {
		return "", false
	}
	if _, ok := a.Users[t.User]; !ok {
		return "", false
	}
	return "user:" + t.User, true
}

// getAccountInfo answers who the account is: its CNPJ and the serial
// numbers of its Promob licences, to the account's integration token only.
func (s *Sim) getAccountInfo(q *req) reply {
	if !q.integration {
		return errorReply(http.StatusUnauthorized, codeUnauthorized, "Only the account's integration token may read the account.")
	}
	serials := q.acc.SerialNumbers
	if serials == nil {
		serials = []string{}
	}
	return jsonReply(http.StatusOK, map[string]any{"accountId": q.acc.ID, "cnpj": q.acc.CNPJ, "serialNumbers": serials})
}

func (s *Sim) verifyUser(q *req) reply {
	var in struct{ User, Password string }
	if rp := decode(q.body, &in); rp != nil {
		return *rp
	}
	if in.User == "" || in.Password == "" {
		return invalid("Both user and password are required.")
	}
	u := q.acc.Users[in.User]
	if u == nil || subtle.ConstantTimeCompare([]byte(u.PasswordHash), []byte(hashPassword(in.Password))) != 1 {
		return errorReply(http.StatusUnauthorized, codeUnauthorized, "Wrong user or password.")
	}
	for k, t := range q.acc.Tokens {
		if !q.now.Before(t.ExpiresAt) {
			delete(q.acc.Tokens, k)
		}
	}
	tok := "pmt_" + rand.Text()
	exp := q.now.Add(TokenTTL)
	q.acc.Tokens[tok] = &token{User: u.Name, IssuedAt: q.now, ExpiresAt: exp}
	return jsonReply(http.StatusOK, map[string]string{"token": tok, "expiresAt": exp.UTC().Format(time.RFC3339)})
}

func (s *Sim) createCustomer(q *req) reply {
	var in struct{ ExternalID, Name, Document, Email, Phone string }
	if rp := decode(q.body, &in); rp != nil {
		return *rp
	}
	if in.Name == "" {
		return invalid("The customer needs a name.")
	}
	c := &customer{ID: newGUID(), ExternalID: in.ExternalID, Name: in.Name, Document: in.Document, Email: in.Email,
		Phone: in.Phone, Seq: q.acc.nextSeq(), CreatedAt: q.now}
	q.acc.Customers[c.ID] = c
	return jsonReply(http.StatusCreated, map[string]string{"customerId": c.ID})
}

func (s *Sim) createProject(q *req) reply {
	var in struct{ ExternalID, CustomerID, Name string }
	if rp := decode(q.body, &in); rp != nil {
		return *rp
	}
	if in.Name == "" || in.CustomerID == "" {
		return invalid("The project needs a name and a customerId.")
	}
	if q.acc.Customers[in.CustomerID] == nil {
		return notFound("customer", in.CustomerID)
	}
	p := &project{ID: newGUID(), ExternalID: in.ExternalID, CustomerID: in.CustomerID, Name: in.Name,
		Seq: q.acc.nextSeq(), CreatedAt: q.now, UpdatedAt: q.now}
	q.acc.Projects[p.ID] = p
	return jsonReply(http.StatusCreated, map[string]string{"projectId": p.ID})
}

func (s *Sim) createEnvironment(q *req) reply {
	p := q.acc.Projects[q.r.PathValue("projectId")]
	if p == nil {
		return notFound("project", q.r.PathValue("projectId"))
	}
	var in struct {
		ExternalID, Name string
		Source           struct {
			Kind          string
			EnvironmentID string
			Revision      int
		}
	}
	if rp := decode(q.body, &in); rp != nil {
		return *rp
	}
	if in.Name == "" {
		return invalid("The environment needs a name.")
	}
	e := &environment{ID: newGUID(), ProjectID: p.ID, ExternalID: in.ExternalID, Name: in.Name, CreatedAt: q.now}
	switch in.Source.Kind {
	case "", "blank":
		e.Revisions = []revision{{Number: 1, SavedAt: q.now, Source: "blank",
			Listing: string(generated(q.acc, p, e.ID, e.Name, NewEnvironmentParts, seedOf(e.ID)))}}
	case "copy":
		src := q.acc.Environments[in.Source.EnvironmentID]
		if src == nil {
			return notFound("environment", in.Source.EnvironmentID)
		}
		n := in.Source.Revision
		if n == 0 {
			n = src.current()
		}
		rev := src.revision(n)
		if rev == nil {
			return errorReply(http.StatusNotFound, codeNotFound, "Environment %q has no revision %d.", src.ID, n)
		}
		e.Revisions = []revision{{Number: 1, SavedAt: q.now, Source: "copy " + src.ID + " r" + strconv.Itoa(n),
			Listing: string(retarget([]byte(rev.Listing), p.ID, e.ID, e.Name))}}
	default:
		return invalid("source.kind must be blank or copy, not %q.", in.Source.Kind)
	}
	q.acc.Environments[e.ID] = e
	p.Environments = append(p.Environments, e.ID)
	p.UpdatedAt = q.now
	return jsonReply(http.StatusCreated, map[string]any{"environmentId": e.ID, "revision": 1})
}

// environmentOf returns the environment of the path's project, or the 404.
func environmentOf(a *account, r *http.Request) (*environment, *reply) {
	pid, eid := r.PathValue("projectId"), r.PathValue("environmentId")
	if a.Projects[pid] == nil {
		rp := notFound("project", pid)
		return nil, &rp
	}
	e := a.Environments[eid]
	if e == nil || e.ProjectID != pid {
		rp := notFound("environment", eid)
		return nil, &rp
	}
	return e, nil
}

func (s *Sim) getListing(q *req) reply {
	e, rp := environmentOf(q.acc, q.r)
	if rp != nil {
		return *rp
	}
	n := e.current()
	if v := q.r.URL.Query().Get("revision"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			return invalid("revision must be a positive whole number, not %q.", v)
		}
	}
	rev := e.revision(n)
	if rev == nil {
		return errorReply(http.StatusNotFound, codeNotFound, "Environment %q has no revision %d.", e.ID, n)
	}
	return reply{status: http.StatusOK, body: []byte(rev.Listing), ctype: "application/xml; charset=utf-8",
		header: http.Header{"Promob-Revision": {strconv.Itoa(n)}}}
}

func (s *Sim) putStatus(q *req) reply {
	p := q.acc.Projects[q.r.PathValue("projectId")]
	if p == nil {
		return notFound("project", q.r.PathValue("projectId"))
	}
	var in struct {
		Situation, Stage, EnvironmentID string
		Version                         int
	}
	if rp := decode(q.body, &in); rp != nil {
		return *rp
	}
	if in.Situation == "" && in.Stage == "" {
		return invalid("A status update needs a situation or a stage.")
	}
	if in.EnvironmentID != "" {
		if e := q.acc.Environments[in.EnvironmentID]; e == nil || e.ProjectID != p.ID {
			return notFound("environment", in.EnvironmentID)
		}
	}
	if in.Situation != "" {
		p.Situation = in.Situation
	}
	if in.Stage != "" {
		p.Stage = in.Stage
	}
	p.StatusUpdates = append(p.StatusUpdates, statusUpdate{At: q.now, Situation: in.Situation, Stage: in.Stage,
		EnvironmentID: in.EnvironmentID, Version: in.Version})
	p.UpdatedAt = q.now
	return noContent()
}

// listProjects answers the Connect list: {"projects":[{…,"environments":[…]}]}.
func (s *Sim) listProjects(q *req) reply {
	return jsonReply(http.StatusOK, map[string]any{"projects": projectViews(q.acc, false)})
}
