package domain

// The rules of what Promob's revisions do to an environment (or an
// assistance's design): the lock (Environment.CanChange) refuses them, a save marks the environment
// outdated, a listing newer than the latest version becomes the next one.

// ChangesEnvironment reports whether a Promob event of the type changes
// the environment it names: a save, a prepared or a negotiated listing.
func ChangesEnvironment(eventType string) bool {
	switch eventType {
	case EventSaved, EventPrepared, EventNegotiated:
		return true
	}
	return false
}

// HasRevision reports whether the environment's latest version has the
// Promob revision or a newer one: importing it changes nothing.
func (e Environment) HasRevision(revision int) bool {
	return revision <= e.ImportedRevision
}

// KnowsSave reports whether a save of the revision tells nothing new: the
// environment knows the revision, or a newer one, and has it imported.
func (e Environment) KnowsSave(revision int) bool {
	return revision <= e.PromobRevision && e.HasRevision(revision)
}

// WaitsFor reports whether the environment is outdated at the revision:
// it is the newest Promob revision known, and it is not imported.
func (e Environment) WaitsFor(revision int) bool {
	return e.PromobRevision == revision && e.Outdated()
}
