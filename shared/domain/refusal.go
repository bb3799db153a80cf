package domain

import "errors"

// The sale's refusals: each code of the workflow is built here, once, with
// one wording, whichever rule (workflow.go, versionbudget.go) or guarded
// write (a failed DynamoDB condition read back) finds it.

// Locked refuses any change of an environment whose review is complete:
// its purchase orders exist, so neither Promob nor the store changes it.
func Locked(envID string) *Error {
	return errorf(CodeLocked, "Environment %s is locked: its review is complete and its purchase orders exist, so it can no longer change.", envID)
}

// Outdated refuses the approval of an environment whose latest version is
// not Promob's current revision; reason says what waits.
func Outdated(envID, reason string) *Error {
	return errorf(CodeOutdated, "Environment %s cannot be approved yet: %s.", envID, reason)
}

// AlreadyConverted refuses a change of the converted version's budget, or a
// second approval.
func AlreadyConverted(envID string, version int) *Error {
	return errorf(CodeAlreadyConverted, "Version %d of environment %s is approved: its budget is the contract and never changes.", version, envID)
}

// NotConverted refuses a review of an environment not approved.
func NotConverted(envID string) *Error {
	return errorf(CodeNotConverted, "Environment %s is not approved: the review starts after the approval.", envID)
}

// NotFinanciallyReleased refuses a review before the project's contract is
// released by finance.
func NotFinanciallyReleased(projectID string) *Error {
	return errorf(CodeNotFinanciallyReleased, "The contract of project %s has no financial release: the review starts after it.", projectID)
}

// ReviewNotStarted refuses to complete a review that was not started.
func ReviewNotStarted(envID string) *Error {
	return errorf(CodeReviewNotStarted, "The review of environment %s was not started.", envID)
}

// UpdateRequired refuses to complete a review before its mandatory update
// from Promob; startVersion was the latest when the review started.
func UpdateRequired(envID string, startVersion int) *Error {
	return errorf(CodeUpdateRequired, "The review of environment %s requires an update: import Promob's current listing (version %d was the latest when the review started).", envID, startVersion)
}

// PromobItemReadonly refuses a change of an item that comes from Promob.
func PromobItemReadonly(itemID string) *Error {
	return errorf(CodePromobItemReadonly, "Item %s comes from Promob: it is changed in Promob.", itemID)
}

// AlreadySynced refuses to create in Promob what Promob already holds; what
// names the record ("Client", "Environment").
func AlreadySynced(what, id string) *Error {
	return errorf(CodeAlreadySynced, "%s %s is already in Promob.", what, id)
}

// ErrChanged is what a guarded write returns when its condition fails
// because the record is no longer as it was read. The use case (package
// sale) reads the record again and answers the refusal its rule gives now,
// or Changed when no rule refuses.
var ErrChanged = errors.New("the record changed since it was read")

// Changed is the conflict answered when a record changed between its read
// and its guarded write and no rule refuses the action: reading it again
// and retrying may succeed. what names the record ("Environment",
// "Project", …).
func Changed(what, recordID string) *Error {
	return Conflict("%s %s changed meanwhile; read it again and retry.", what, recordID)
}
