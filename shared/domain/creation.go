package domain

// The states in which FoccoLojas may ask promobsync to create a record in
// Promob (again): a client or an environment until Promob holds it, an
// assistance's design when it was never requested or failed, and only in
// an environment Promob holds.

// CanSync returns nil when the client's creation in Promob may be queued
// (again), else already_synced once Promob holds it.
func (c Client) CanSync() error {
	if c.PromobSync.Status == SyncSynced {
		return AlreadySynced("Client", c.ID)
	}
	return nil
}

// CanRetryCreation returns nil when the environment's creation in Promob
// may be queued again (it is being created or failed), else already_synced
// once it is ready.
func (e Environment) CanRetryCreation() error {
	if e.Status == EnvReady {
		return AlreadySynced("Environment", e.ID)
	}
	return nil
}

// CanHostDesign returns nil when an assistance of the environment can have
// its design created in Promob: the environment is ready there, in a Promob
// project. Else it returns a conflict *Error.
func (e Environment) CanHostDesign() error {
	if e.Status != EnvReady || e.PromobProjectID == "" {
		return Conflict("Environment %s is not in Promob yet.", e.ID)
	}
	return nil
}

// CanRequestDesign returns nil when the assistance's design may be
// requested: it never was, or its last request failed. Else (being created,
// or ready) it returns a conflict *Error.
func (a Assistance) CanRequestDesign() error {
	if a.Design.Status != DesignNone && a.Design.Status != EnvFailed {
		return Conflict("The design of assistance %s is already %s.", a.ID, a.Design.Status)
	}
	return nil
}
