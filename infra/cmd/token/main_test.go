package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestIssue(t *testing.T) {
	secret := []byte("s3cret")
	now := time.Now().Truncate(time.Second)
	tests := []struct {
		name      string
		store     string
		user      string
		roles     string
		ttl       time.Duration
		wantRoles []string
		wantErr   string
	}{
		{name: "admin and seller", store: "s1", user: "u1", roles: "admin,seller", ttl: 12 * time.Hour, wantRoles: []string{"admin", "seller"}},
		{name: "spaces and empty entries", store: "s2", user: "u9", roles: " finance , ,reviewer", ttl: time.Hour, wantRoles: []string{"finance", "reviewer"}},
		{name: "no store", user: "u1", roles: "admin", ttl: time.Hour, wantErr: "-store is required"},
		{name: "unknown role", store: "s1", user: "u1", roles: "admin,owner", ttl: time.Hour, wantErr: `unknown role "owner"`},
		{name: "no roles", store: "s1", user: "u1", roles: "", ttl: time.Hour, wantErr: "-roles must name at least one"},
		{name: "zero ttl", store: "s1", user: "u1", roles: "admin", ttl: 0, wantErr: "-ttl must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signed, err := issue(tt.store, tt.user, tt.roles, tt.ttl, secret, now)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("issue = %q, %v; want error %q", signed, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var c claims
			_, err = jwt.ParseWithClaims(signed, &c, func(*jwt.Token) (any, error) { return secret, nil },
				jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer(issuer), jwt.WithAudience(audience), jwt.WithExpirationRequired())
			if err != nil {
				t.Fatalf("the token does not verify: %v", err)
			}
			if c.Subject != tt.user || c.StoreID != tt.store || !slices.Equal(c.Roles, tt.wantRoles) {
				t.Errorf("claims sub=%q store_id=%q roles=%v; want %q %q %v", c.Subject, c.StoreID, c.Roles, tt.user, tt.store, tt.wantRoles)
			}
			if got := c.ExpiresAt.Sub(now); got != tt.ttl {
				t.Errorf("expires after %s, want %s", got, tt.ttl)
			}
			if _, err := jwt.Parse(signed, func(*jwt.Token) (any, error) { return []byte("other"), nil }); err == nil {
				t.Error("the token verifies with another secret")
			}
		})
	}
}
