package promob

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// UserToken is what Promob answers for a user's right credentials.
type UserToken struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// VerifyUser checks a Promob user's credentials (POST …/users/verify, made
// with the store's integration token) and returns the user's token. Wrong
// credentials come back as a *Error with status 401.
func (c *Client) VerifyUser(ctx context.Context, account, token, user, password string) (UserToken, error) {
	var out UserToken
	err := c.postJSON(ctx, "/v1/accounts/"+url.PathEscape(account)+"/users/verify", token, "",
		map[string]string{"user": user, "password": password}, &out)
	if err == nil && out.Token == "" {
		err = fmt.Errorf("promob: users/verify answered no token")
	}
	return out, err
}

// Customer is a client as Promob keeps it; ExternalID is the FoccoLojas id.
type Customer struct {
	ExternalID string `json:"externalId"`
	Name       string `json:"name"`
	Document   string `json:"document"`
	Email      string `json:"email"`
	Phone      string `json:"phone"`
}

// CreateCustomer creates a customer with the Idempotency-Key key (a repeat
// with the same key and body returns the same customer) and returns its id.
func (c *Client) CreateCustomer(ctx context.Context, account, token, key string, cu Customer) (string, error) {
	var out struct {
		CustomerID string `json:"customerId"`
	}
	err := c.postJSON(ctx, "/v1/accounts/"+url.PathEscape(account)+"/customers", token, key, cu, &out)
	if err == nil && out.CustomerID == "" {
		err = fmt.Errorf("promob: customers answered no customerId")
	}
	return out.CustomerID, err
}

// Project is a Promob project to create.
type Project struct {
	ExternalID string `json:"externalId"`
	CustomerID string `json:"customerId"`
	Name       string `json:"name"`
}

// CreateProject creates a project with the Idempotency-Key key and returns
// its id.
func (c *Client) CreateProject(ctx context.Context, account, token, key string, p Project) (string, error) {
	var out struct {
		ProjectID string `json:"projectId"`
	}
	err := c.postJSON(ctx, "/v1/accounts/"+url.PathEscape(account)+"/projects", token, key, p, &out)
	if err == nil && out.ProjectID == "" {
		err = fmt.Errorf("promob: projects answered no projectId")
	}
	return out.ProjectID, err
}

// Source is where a new environment's listing comes from: Kind "blank", or
// "copy" of EnvironmentID at Revision.
type Source struct {
	Kind          string `json:"kind"`
	EnvironmentID string `json:"environmentId,omitempty"`
	Revision      int    `json:"revision,omitempty"`
}

// NewEnvironment is a Promob environment to create.
type NewEnvironment struct {
	ExternalID string `json:"externalId"`
	Name       string `json:"name"`
	Source     Source `json:"source"`
}

// CreateEnvironment creates an environment in a Promob project with the
// Idempotency-Key key and returns its id and revision.
func (c *Client) CreateEnvironment(ctx context.Context, account, token, key, projectID string, e NewEnvironment) (string, int, error) {
	var out struct {
		EnvironmentID string `json:"environmentId"`
		Revision      int    `json:"revision"`
	}
	err := c.postJSON(ctx, "/v1/accounts/"+url.PathEscape(account)+"/projects/"+url.PathEscape(projectID)+"/environments", token, key, e, &out)
	if err == nil && out.EnvironmentID == "" {
		err = fmt.Errorf("promob: environments answered no environmentId")
	}
	return out.EnvironmentID, out.Revision, err
}

// postJSON posts in as JSON and decodes the 2xx answer into out.
func (c *Client) postJSON(ctx context.Context, path, token, key string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("promob: encode: %w", err)
	}
	return c.do(ctx, http.MethodPost, path, token, key, body, func(resp *http.Response) error {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return fmt.Errorf("promob: decode %s: %w", path, err)
		}
		return nil
	})
}
