package promob

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// ConnectProject is a project of Promob's Connect list.
type ConnectProject struct {
	ProjectID    string               `json:"projectId"`
	ExternalID   string               `json:"externalId"`
	Name         string               `json:"name"`
	CustomerID   string               `json:"customerId"`
	CustomerName string               `json:"customerName"`
	Situation    string               `json:"situation"`
	Stage        string               `json:"stage"`
	Environments []ConnectEnvironment `json:"environments"`
}

// ConnectEnvironment is an environment of a Connect project at its current
// revision.
type ConnectEnvironment struct {
	EnvironmentID string `json:"environmentId"`
	ExternalID    string `json:"externalId"`
	Name          string `json:"name"`
	Revision      int    `json:"revision"`
}

// Projects returns the account's Connect list (GET …/projects): its
// projects with their customer and environments. It returns a *Error for
// an answer other than 2xx.
func (c *Client) Projects(ctx context.Context, account, token string) ([]ConnectProject, error) {
	var out struct {
		Projects []ConnectProject `json:"projects"`
	}
	path := "/v1/accounts/" + url.PathEscape(account) + "/projects"
	err := c.do(ctx, http.MethodGet, path, token, "", nil, func(resp *http.Response) error {
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			return fmt.Errorf("promob: decode %s: %w", path, err)
		}
		return nil
	})
	return out.Projects, err
}
