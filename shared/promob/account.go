package promob

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// Account is who a Promob account is: the CNPJ it was opened for and the
// serial numbers of its Promob licences.
type Account struct {
	AccountID     string   `json:"accountId"`
	CNPJ          string   `json:"cnpj"`
	SerialNumbers []string `json:"serialNumbers"`
}

// Account reads the account with its integration token (GET
// /v1/accounts/{acc}). A token that is not the account's comes back as a
// *Error with status 401, an account Promob does not know as one with 404.
func (c *Client) Account(ctx context.Context, account, token string) (Account, error) {
	var out Account
	err := c.do(ctx, http.MethodGet, "/v1/accounts/"+url.PathEscape(account), token, "", nil, func(resp *http.Response) error {
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			return fmt.Errorf("promob: decode account: %w", err)
		}
		return nil
	})
	if err == nil && out.AccountID != account {
		err = fmt.Errorf("promob: asked for account %s, answered %s", account, out.AccountID)
	}
	return out, err
}
