package domain

import (
	"context"
	"slices"
)

// Role is what a FoccoLojas user may do.
type Role string

// The roles a token's "roles" claim may carry.
const (
	RoleAdmin    Role = "admin"
	RoleSeller   Role = "seller"
	RoleReviewer Role = "reviewer"
	RoleFinance  Role = "finance"
)

// Identity is the authenticated caller, as the JWT authorizer vouches for it.
type Identity struct {
	UserID  string
	StoreID string
	Roles   []Role
}

// Has reports whether the identity holds any of the roles.
func (id Identity) Has(roles ...Role) bool {
	for _, r := range roles {
		if slices.Contains(id.Roles, r) {
			return true
		}
	}
	return false
}

// Require returns a forbidden *Error unless the identity holds one of the roles.
func (id Identity) Require(roles ...Role) error {
	if id.Has(roles...) {
		return nil
	}
	return Forbidden("This action needs one of the roles %v.", roles)
}

type identityKey struct{}

// WithIdentity returns a context that carries the identity.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// IdentityFrom returns the identity in ctx, or an unauthorized *Error when
// there is none.
func IdentityFrom(ctx context.Context) (Identity, error) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	if !ok || id.StoreID == "" || id.UserID == "" {
		return Identity{}, Unauthorized("The request carries no valid identity.")
	}
	return id, nil
}
