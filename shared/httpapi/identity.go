package httpapi

import (
	"net/http"
	"strings"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/foccolojas/promob-integration/shared/domain"
)

// identityFromGateway reads the caller's identity from the JWT claims that API
// Gateway's authorizer put in the request context. HTTP APIs pass every claim
// as a string: an array claim such as roles arrives as "[admin seller]".
func identityFromGateway(r *http.Request) (domain.Identity, error) {
	gw, ok := core.GetAPIGatewayV2ContextFromContext(r.Context())
	if !ok || gw.Authorizer == nil || gw.Authorizer.JWT == nil {
		return domain.Identity{}, domain.Errorf(domain.CodeUnauthorized, "The request carries no verified token.")
	}
	claims := gw.Authorizer.JWT.Claims
	id := domain.Identity{UserID: claims["sub"], StoreID: claims["store_id"], Roles: parseRoles(claims["roles"])}
	if id.UserID == "" {
		return domain.Identity{}, domain.Errorf(domain.CodeUnauthorized, "The token has no sub claim.")
	}
	if id.StoreID == "" {
		return domain.Identity{}, domain.Errorf(domain.CodeUnauthorized, "The token has no store_id claim.")
	}
	return id, nil
}

// parseRoles reads a roles claim as API Gateway passes it: "[admin seller]",
// or a JSON-ish `["admin","seller"]`, or "admin,seller". Unknown roles are dropped.
func parseRoles(s string) []domain.Role {
	s = strings.Trim(strings.TrimSpace(s), "[]")
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
	roles := make([]domain.Role, 0, len(fields))
	for _, f := range fields {
		switch r := domain.Role(strings.Trim(f, `"'`)); r {
		case domain.RoleAdmin, domain.RoleSeller, domain.RoleReviewer, domain.RoleFinance:
			roles = append(roles, r)
		}
	}
	return roles
}
