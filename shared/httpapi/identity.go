package httpapi

import (
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/strictjson"
)

// identityFromGateway reads the caller's identity from the token API
// Gateway's JWT authorizer verified. The authorizer hands the function its
// claims flattened to strings (an array ["seller admin"] and the two roles
// ["seller","admin"] both arrive as "[seller admin]", a number as its
// digits), so the claims are read with their JSON types from the token in
// the Authorization header, which is the token the authorizer verified, and
// must agree with the authorizer's. sub and store_id must be JSON strings
// that are valid ids (domain.ValidID: bounded, no key separators, no
// control characters); roles must be a JSON array of strings, of which only
// the exact names of known roles count. A violation is answered 401 and
// logged at WARN, without the token.
func identityFromGateway(r *http.Request) (domain.Identity, error) {
	gw, ok := core.GetAPIGatewayV2ContextFromContext(r.Context())
	if !ok || gw.Authorizer == nil || gw.Authorizer.JWT == nil {
		return domain.Identity{}, domain.Unauthorized("The request carries no verified token.")
	}
	verified := gw.Authorizer.JWT.Claims
	claims, err := tokenClaims(r.Header.Get("Authorization"))
	if err != nil {
		return refuse(r, domain.ErrorMessage(err))
	}
	switch {
	case claims.Sub == nil || *claims.Sub == "":
		return refuse(r, "The token has no sub claim.")
	case claims.StoreID == nil || *claims.StoreID == "":
		return refuse(r, "The token has no store_id claim.")
	case *claims.Sub != verified["sub"] || *claims.StoreID != verified["store_id"]:
		return refuse(r, "The token is not the one the authorizer verified.")
	case !domain.ValidID(*claims.Sub):
		return refuse(r, "The token's sub claim is not a valid user id.")
	case !domain.ValidID(*claims.StoreID):
		return refuse(r, "The token's store_id claim is not a valid store id.")
	}
	roles, unknown := exactRoles(claims.Roles)
	if unknown {
		slog.WarnContext(r.Context(), "token roles claim holds values that are not roles; they grant nothing", "store_id", *claims.StoreID, "user_id", *claims.Sub)
	}
	return domain.Identity{UserID: *claims.Sub, StoreID: *claims.StoreID, Roles: roles}, nil
}

// refuse logs why a verified token is refused (never the token) and
// returns the unauthorized *domain.Error to answer.
func refuse(r *http.Request, why string) (domain.Identity, error) {
	slog.WarnContext(r.Context(), "token refused", "reason", why)
	return domain.Identity{}, domain.Unauthorized("%s", why)
}

// jwtClaims are the claims the API reads, with their JSON types: a pointer
// is nil when the claim is absent; a claim of another type fails decoding.
type jwtClaims struct {
	Sub     *string `json:"sub"`
	StoreID *string `json:"store_id"`
	Roles   any     `json:"roles"` // as given: only an array of strings grants roles
}

// tokenClaims decodes the payload of the bearer token in the Authorization
// header (its signature was checked by the authorizer) strictly: one JSON
// object, no claim given twice, sub and store_id strings when present.
func tokenClaims(header string) (jwtClaims, error) {
	tok := strings.TrimSpace(header)
	if len(tok) > 7 && strings.EqualFold(tok[:7], "bearer ") {
		tok = strings.TrimSpace(tok[7:])
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return jwtClaims{}, domain.Unauthorized("The request carries no bearer token.")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return jwtClaims{}, domain.Unauthorized("The token's payload is not base64url.")
	}
	var c jwtClaims
	if err := strictjson.Decode(payload, &c, false); err != nil {
		return jwtClaims{}, domain.Unauthorized("The token's claims are malformed (sub and store_id must be strings, no claim given twice).")
	}
	return c, nil
}

// exactRoles returns the known roles named exactly in the roles claim, a
// JSON array of strings; anything else grants no role. unknown reports
// whether the claim held something that is not a known role.
func exactRoles(claim any) (roles []domain.Role, unknown bool) {
	if claim == nil {
		return []domain.Role{}, false
	}
	list, ok := claim.([]any)
	if !ok {
		return []domain.Role{}, true
	}
	roles = make([]domain.Role, 0, len(list))
	for _, v := range list {
		s, _ := v.(string)
		switch r := domain.Role(s); r {
		case domain.RoleAdmin, domain.RoleSeller, domain.RoleReviewer, domain.RoleFinance:
			roles = append(roles, r)
		default:
			unknown = true
		}
	}
	return roles, unknown
}
