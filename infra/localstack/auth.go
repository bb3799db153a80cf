package localstack

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// JWTAuthorizer verifies bearer tokens as the HTTP API's JWT authorizer does,
// with a shared HS256 secret standing in for the identity provider's keys.
type JWTAuthorizer struct {
	Secret   []byte
	Issuer   string
	Audience []string
}

// errUnauthorized is what every rejected token yields: API Gateway does not
// tell the caller why.
var errUnauthorized = errors.New("unauthorized")

// Verify checks the Authorization header value ("Bearer <jwt>" or the bare
// token): HS256 signature, issuer, one of the audiences, an expiry in the
// future. It returns the claims as API Gateway passes them to the function
// (every value a string, arrays as "[a b]"), the token's scopes, or an error
// when the token is missing or invalid.
func (a JWTAuthorizer) Verify(header string) (map[string]string, []string, error) {
	tok := strings.TrimSpace(header)
	if len(tok) > 7 && strings.EqualFold(tok[:7], "bearer ") {
		tok = strings.TrimSpace(tok[7:])
	}
	if tok == "" {
		return nil, nil, fmt.Errorf("%w: no token", errUnauthorized)
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(a.Issuer),
		jwt.WithExpirationRequired(),
		jwt.WithJSONNumber(),
	}
	if len(a.Audience) > 0 {
		opts = append(opts, jwt.WithAudience(a.Audience...))
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return a.Secret, nil }, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errUnauthorized, err)
	}
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		out[k] = claimString(v)
	}
	var scopes []string
	if s, ok := claims["scope"].(string); ok {
		scopes = strings.Fields(s)
	}
	return out, scopes, nil
}

// Token returns a signed HS256 token with the claims plus iss, aud (the first
// audience), iat and exp (now + ttl), as a local identity provider would
// issue. It returns an error when signing fails.
func (a JWTAuthorizer) Token(claims map[string]any, ttl time.Duration) (string, error) {
	now := time.Now()
	mc := jwt.MapClaims{"iss": a.Issuer, "iat": now.Unix(), "exp": now.Add(ttl).Unix()}
	if len(a.Audience) > 0 {
		mc["aud"] = a.Audience[0]
	}
	for k, v := range claims {
		mc[k] = v
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, mc).SignedString(a.Secret)
}

// claimString renders a claim as API Gateway's HTTP API does: strings as
// they are, numbers in decimal, arrays as "[a b]", objects as JSON.
func claimString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = claimString(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case nil:
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
