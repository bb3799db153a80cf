package promobsim

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// maxGeneratedParts bounds the listing PUT …/environments/{id} generates.
const maxGeneratedParts = 200_000

// putAccount creates or updates an account:
// {"webhookUrl","webhookSecret","integrationToken","cnpj","serialNumbers","users":[{"user","password"}]},
// every field optional.
func (s *Sim) putAccount(w http.ResponseWriter, r *http.Request) reply {
	var in struct {
		WebhookURL       *string   `json:"webhookUrl"`
		WebhookSecret    *string   `json:"webhookSecret"`
		IntegrationToken *string   `json:"integrationToken"`
		CNPJ             *string   `json:"cnpj"`
		SerialNumbers    *[]string `json:"serialNumbers"`
		Users            *[]struct {
			User     string `json:"user"`
			Password string `json:"password"`
		} `json:"users"`
	}
	if rp := readJSON(w, r, &in); rp != nil {
		return *rp
	}
	if in.WebhookURL != nil && *in.WebhookURL != "" {
		u, err := url.Parse(*in.WebhookURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return invalid("webhookUrl must be an absolute http(s) URL, not %q.", *in.WebhookURL)
		}
	}
	if in.WebhookSecret != nil {
		if _, err := standardwebhooks.NewWebhook(*in.WebhookSecret); err != nil || !strings.HasPrefix(*in.WebhookSecret, "whsec_") || len(*in.WebhookSecret) < 10 {
			return invalid("webhookSecret must be whsec_ followed by base64.")
		}
	}
	if in.IntegrationToken != nil && *in.IntegrationToken == "" {
		return invalid("integrationToken must not be empty.")
	}
	if in.Users != nil {
		seen := map[string]bool{}
		for _, u := range *in.Users {
			if u.User == "" || u.Password == "" || seen[u.User] {
				return invalid("Every user needs a distinct name and a password.")
			}
			seen[u.User] = true
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	id := r.PathValue("acc")
	a, status := s.st.Accounts[id], http.StatusOK
	if a == nil {
		a, status = newAccount(id, now), http.StatusCreated
		a.IntegrationToken, a.WebhookSecret = "pmi_"+rand.Text(), newSecret()
		s.st.Accounts[id] = a
	}
	if in.WebhookURL != nil {
		a.WebhookURL = *in.WebhookURL
	}
	if in.WebhookSecret != nil {
		a.WebhookSecret = *in.WebhookSecret
	}
	if in.IntegrationToken != nil {
		a.IntegrationToken = *in.IntegrationToken
	}
	if in.CNPJ != nil {
		a.CNPJ = *in.CNPJ
	}
	if in.SerialNumbers != nil {
		a.SerialNumbers = slices.Clone(*in.SerialNumbers)
	}
	if in.Users != nil {
		users := map[string]*user{}
		for _, u := range *in.Users {
			h := hashPassword(u.Password)
			if old := a.Users[u.User]; old != nil && old.PasswordHash == h {
				users[u.User] = old
				continue
			}
			users[u.User] = &user{Name: u.User, PasswordHash: h, PasswordChangedAt: now}
		}
		for name, old := range a.Users {
			if users[name] != old {
				a.revokeTokens(name)
			}
		}
		a.Users = users
	}
	s.persist()
	return jsonReply(status, map[string]string{"accountId": a.ID, "integrationToken": a.IntegrationToken, "webhookSecret": a.WebhookSecret})
}

func (s *Sim) getAccount(_ http.ResponseWriter, r *http.Request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.Accounts[r.PathValue("acc")]
	if a == nil {
		return notFound("account", r.PathValue("acc"))
	}
	return jsonReply(http.StatusOK, viewOf(a))
}

func (s *Sim) deleteAccount(_ http.ResponseWriter, r *http.Request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.Accounts[r.PathValue("acc")] == nil {
		return notFound("account", r.PathValue("acc"))
	}
	delete(s.st.Accounts, r.PathValue("acc"))
	s.persist()
	return noContent()
}

// changePassword sets {"password"}; the user's earlier tokens stop working.
func (s *Sim) changePassword(w http.ResponseWriter, r *http.Request) reply {
	var in struct {
		Password string `json:"password"`
	}
	if rp := readJSON(w, r, &in); rp != nil {
		return *rp
	}
	if in.Password == "" {
		return invalid("The new password must not be empty.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.Accounts[r.PathValue("acc")]
	if a == nil {
		return notFound("account", r.PathValue("acc"))
	}
	u := a.Users[r.PathValue("user")]
	if u == nil {
		return notFound("user", r.PathValue("user"))
	}
	u.PasswordHash, u.PasswordChangedAt = hashPassword(in.Password), s.opts.Now()
	a.revokeTokens(u.Name)
	s.persist()
	return noContent()
}

// saveRevision stores the body as the next revision of the environment, as
// a designer saving in Promob would; an empty body stores a generated
// listing (query parts and seed). The project and the environment are
// created when absent, named by the Promob-Name header.
func (s *Sim) saveRevision(w http.ResponseWriter, r *http.Request) reply {
	body, rp := readBody(w, r, maxListingBody)
	if rp != nil {
		return *rp
	}
	parts, seed := NewEnvironmentParts, int64(0)
	q := r.URL.Query()
	if v := q.Get("parts"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxGeneratedParts {
			return invalid("parts must be 1 to %d, not %q.", maxGeneratedParts, v)
		}
		parts = n
	}
	if v := q.Get("seed"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return invalid("seed must be a whole number, not %q.", v)
		}
		seed = n
	}
	name := r.Header.Get("Promob-Name")
	if u, err := url.PathUnescape(name); err == nil {
		name = u
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.Accounts[r.PathValue("acc")]
	if a == nil {
		return notFound("account", r.PathValue("acc"))
	}
	now := s.opts.Now()
	pid, eid := r.PathValue("projectId"), r.PathValue("environmentId")
	p := a.Projects[pid]
	if p == nil {
		p = &project{ID: pid, Name: "Projeto " + pid, Seq: a.nextSeq(), CreatedAt: now, UpdatedAt: now}
		a.Projects[pid] = p
	}
	e := a.Environments[eid]
	switch {
	case e == nil:
		e = &environment{ID: eid, ProjectID: pid, Name: cmp.Or(name, "Ambiente"), CreatedAt: now}
		a.Environments[eid] = e
		p.Environments = append(p.Environments, eid)
	case e.ProjectID != pid:
		return errorReply(http.StatusConflict, codeConflict, "Environment %q belongs to project %q.", eid, e.ProjectID)
	case name != "":
		e.Name = name
	}
	rev := revision{Number: e.current() + 1, SavedAt: now, Source: "control", Listing: string(body)}
	if len(bytes.TrimSpace(body)) == 0 {
		if seed == 0 {
			seed = seedOf(e.ID + "#" + strconv.Itoa(rev.Number))
		}
		rev.Source, rev.Listing = "control generated", string(generated(a, p, e.ID, e.Name, parts, seed))
	}
	e.Revisions = append(e.Revisions, rev)
	p.UpdatedAt = now
	s.persist()
	return jsonReply(http.StatusOK, map[string]int{"revision": rev.Number})
}
