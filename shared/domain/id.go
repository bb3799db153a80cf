package domain

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"time"
)

// ids hands out the time part of new ids: nanoseconds since the Unix epoch,
// made strictly increasing within the process.
var ids struct {
	mu   sync.Mutex
	last int64
}

// NewID returns a new record id: 32 lowercase hex digits, the first 16 the
// creation time in nanoseconds, the last 16 random. Ids sort as text in the
// order they were made (strictly within a process, by clock across
// processes), so keys built from them list records in creation order. It
// never fails.
func NewID() string {
	ids.mu.Lock()
	t := max(time.Now().UnixNano(), ids.last+1)
	ids.last = t
	ids.mu.Unlock()

	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(t))
	_, _ = rand.Read(b[8:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}
