// Command token prints a signed access token for the local stack, the kind
// the FoccoLojas identity provider issues (HS256; issuer foccolojas-local,
// audience promob-integration):
//
//	go run ./infra/cmd/token -store s1 -user u1 -roles admin,seller [-ttl 12h]
//
// The signing secret is $LOCAL_JWT_SECRET, or local-dev-secret when unset.
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	issuer        = "foccolojas-local"
	audience      = "promob-integration"
	defaultSecret = "local-dev-secret"
)

// roles are the values the roles claim may hold.
var roles = []string{"admin", "seller", "reviewer", "finance"}

// claims is the token's payload.
type claims struct {
	StoreID string   `json:"store_id"`
	Roles   []string `json:"roles"`
	jwt.RegisteredClaims
}

func main() {
	store := flag.String("store", "", "store id (store_id claim); required")
	user := flag.String("user", "u1", "user id (sub claim)")
	roleList := flag.String("roles", "admin", "comma-separated roles: "+strings.Join(roles, ", "))
	ttl := flag.Duration("ttl", 12*time.Hour, "validity from now")
	flag.Parse()

	secret := os.Getenv("LOCAL_JWT_SECRET")
	if secret == "" {
		secret = defaultSecret
	}
	token, err := issue(*store, *user, *roleList, *ttl, []byte(secret), time.Now())
	if err != nil {
		fmt.Fprintln(os.Stderr, "token:", err)
		os.Exit(2)
	}
	fmt.Println(token)
}

// issue returns the signed token, or an error when the store or user is
// empty, a role is unknown or ttl is not positive.
func issue(store, user, roleList string, ttl time.Duration, secret []byte, now time.Time) (string, error) {
	if store == "" {
		return "", fmt.Errorf("-store is required")
	}
	if user == "" {
		return "", fmt.Errorf("-user must not be empty")
	}
	if ttl <= 0 {
		return "", fmt.Errorf("-ttl must be positive, got %s", ttl)
	}
	var rs []string
	for r := range strings.SplitSeq(roleList, ",") {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if !slices.Contains(roles, r) {
			return "", fmt.Errorf("unknown role %q: want some of %s", r, strings.Join(roles, ", "))
		}
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		return "", fmt.Errorf("-roles must name at least one of %s", strings.Join(roles, ", "))
	}
	c := claims{
		StoreID: store,
		Roles:   rs,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   user,
			Audience:  jwt.ClaimStrings{audience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
}
