package httpapi

import (
	"context"
	"sync"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// seenUsers remembers, per store and user, the day and roles this process
// last recorded, so that a user's requests write the user record at most
// once a day (or when their roles change).
type seenUsers struct {
	mu   sync.Mutex
	seen map[[2]string]string
}

// see records the caller in the store unless this process already did
// today with the same roles. A failure is logged by the caller's request
// only: it never refuses the request.
func (s *Server) see(ctx context.Context, id domain.Identity) error {
	now := s.now().UTC()
	k, v := [2]string{id.StoreID, id.UserID}, now.Format(time.DateOnly)
	for _, r := range id.Roles {
		v += "," + string(r)
	}
	s.seen.mu.Lock()
	done := s.seen.seen[k] == v
	s.seen.mu.Unlock()
	if done {
		return nil
	}
	if err := s.store.SeeUser(ctx, id.StoreID, id.UserID, id.Roles, now); err != nil {
		return err
	}
	s.seen.mu.Lock()
	if s.seen.seen == nil {
		s.seen.seen = map[[2]string]string{}
	}
	s.seen.seen[k] = v
	s.seen.mu.Unlock()
	return nil
}
