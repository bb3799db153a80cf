package sale

import (
	"context"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// CreateAssistance opens the assistance in (validated: its project and
// environment ids, number and description) by the actor; its design is not
// requested yet. It returns not_found for a project or environment the
// actor's store does not have, invalid_request for an environment of
// another project, integration_missing before the store configured the
// integration, and conflict when the project already has an assistance of
// that number.
func (c Creation) CreateAssistance(ctx context.Context, actor domain.Identity, in domain.Assistance) (domain.Assistance, error) {
	project, err := c.Store.Project(ctx, actor.StoreID, in.ProjectID)
	if err != nil {
		return domain.Assistance{}, err
	}
	env, err := c.environment(ctx, actor.StoreID, in.EnvironmentID)
	if err != nil {
		return domain.Assistance{}, err
	}
	if env.ProjectID != project.ID {
		return domain.Assistance{}, domain.Invalid("environmentId must be an environment of project %s.", project.ID)
	}
	integ, err := c.Store.GetIntegration(ctx, actor.StoreID)
	if err != nil {
		return domain.Assistance{}, err
	}
	a := domain.Assistance{
		ID: domain.NewID(), StoreID: actor.StoreID, ProjectID: project.ID, EnvironmentID: env.ID, Number: in.Number,
		Description: in.Description, CreatedBy: actor.UserID, CreatedAt: c.Now().UTC(),
		Env: domain.Environment{Name: domain.DesignName(env.Name, in.Number), PromobAccountID: integ.PromobAccountID},
	}
	if err := c.Store.CreateAssistance(ctx, a); err != nil {
		return domain.Assistance{}, err
	}
	return c.Store.Assistance(ctx, actor.StoreID, a.ID)
}

// RequestDesign queues the creation of the assistance's Promob environment
// in its environment's Promob project: blank, or a copy of the revision of
// the environment's version asked for (version; 0 for the converted one);
// source and version are validated (domain.RequireDesignSource). It
// returns not_found for an assistance the store does not have or a version
// its environment does not have; conflict for an environment not in Promob
// yet (CanHostDesign), a revision source without a chosen or converted
// version, and a design already being created or ready
// (CanRequestDesign). A send that fails leaves the design failed and
// returns its error.
func (c Creation) RequestDesign(ctx context.Context, actor domain.Identity, assistanceID, source string, version int) (domain.Assistance, error) {
	a, err := c.Store.Assistance(ctx, actor.StoreID, assistanceID)
	if err != nil {
		return domain.Assistance{}, err
	}
	env, err := c.Store.Environment(ctx, actor.StoreID, a.EnvironmentID)
	if err != nil {
		return domain.Assistance{}, err
	}
	if err := env.CanHostDesign(); err != nil {
		return domain.Assistance{}, err
	}
	d := domain.AssistanceDesign{Source: source, PromobProjectID: env.PromobProjectID}
	if source == domain.DesignRevision {
		n, err := domain.DesignVersion(env, version)
		if err != nil {
			return domain.Assistance{}, err
		}
		v, err := c.Store.Version(ctx, env, n)
		if err != nil {
			return domain.Assistance{}, err
		}
		d.SourceVersion, d.SourceRevision, d.SourcePromobEnvironmentID = n, v.PromobRevision, env.PromobEnvironmentID
	}
	if err := a.CanRequestDesign(); err != nil {
		return domain.Assistance{}, err
	}
	if err := c.Store.RequestDesign(ctx, actor.StoreID, a.ID, d, c.Now().UTC()); err != nil {
		return domain.Assistance{}, refusedNow(err, "Assistance", a.ID, func() error {
			cur, err := c.Store.Assistance(ctx, actor.StoreID, a.ID)
			if err != nil {
				return err
			}
			return cur.CanRequestDesign()
		})
	}
	msg := message.AssistanceDesign{Kind: message.KindAssistanceDesign, StoreID: actor.StoreID, AssistanceID: a.ID, UserID: actor.UserID}
	err = SendOrFail(ctx, c.Outbox, msg, "", "", func(ctx context.Context) error {
		return c.Store.SetEnvironmentCreation(ctx, actor.StoreID, a.ID, domain.EnvFailed, Unqueued("request the design again."), c.Now().UTC())
	})
	if err != nil {
		return domain.Assistance{}, err
	}
	attempt := a.Design.Attempt
	a.Design = d
	a.Design.Status, a.Design.Attempt = domain.EnvCreating, attempt+1
	return a, nil
}
