// Package sale holds the sale's use cases: one function for each thing a
// user or Promob does to a project, an environment or an assistance
// (approve, release financially, start and complete a review, request an
// update, record a Promob save, import a revision, add, change or remove a
// manual item, reprice, create an environment or an assistance, request a
// design).
//
// Each use case loads what it needs through a narrow store interface
// declared beside it, asks domain whether the action is allowed, and
// writes. The writes stay guarded (DynamoDB conditions): a condition that
// fails is read back and answered with the same domain refusal the rule
// gives. The adapters, the REST API (httpapi), the webhook and the queue
// workers (importer, promobsync), translate their input into one call and
// its result into their answer; none of them decides a rule.
package sale

import (
	"errors"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// refusedNow is the answer of a use case whose guarded write failed with
// err: err itself, unless the record changed since it was read
// (domain.ErrChanged); then the refusal the rule gives on the record as it
// is now (recheck reads it again and asks the rule), or domain.Changed
// (what, id) when the rule allows the action still.
func refusedNow(err error, what, id string, recheck func() error) error {
	if !errors.Is(err, domain.ErrChanged) {
		return err
	}
	if rerr := recheck(); rerr != nil {
		return rerr
	}
	return domain.Changed(what, id)
}
