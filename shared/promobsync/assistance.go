package promobsync

import (
	"context"
	"log/slog"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// designAssistance creates an assistance's Promob environment in its
// environment's Promob project, blank or a copy of the source revision,
// and makes its design ready with its routing; on the last delivery a
// failure is recorded instead.
func (s *Syncer) designAssistance(ctx context.Context, msg message.AssistanceDesign) error {
	ctx = logging.With(ctx, "store_id", msg.StoreID, "assistance_id", msg.AssistanceID, "user_id", msg.UserID)
	a, err := s.store.Assistance(ctx, msg.StoreID, msg.AssistanceID)
	if domain.IsNotFound(err) {
		slog.WarnContext(ctx, "design of an assistance that does not exist; dropped")
		return nil
	}
	if err != nil {
		return err
	}
	if a.Design.Status != domain.EnvCreating {
		return nil // ready already, or never requested
	}
	return giveUp(ctx, s.makeDesign(ctx, msg, a), "assistance not designed in Promob", s.creationFailed(ctx, msg.StoreID, a.ID))
}

func (s *Syncer) makeDesign(ctx context.Context, msg message.AssistanceDesign, a domain.Assistance) error {
	acc, err := s.account(ctx, msg.StoreID)
	if err != nil {
		return err
	}
	if a.Env.PromobAccountID != acc.AccountID {
		return domain.Conflict("The assistance belongs to Promob account %s, no longer the store's.", a.Env.PromobAccountID)
	}
	src := promob.Source{Kind: "blank"}
	if a.Design.Source == domain.DesignRevision {
		src = promob.Source{Kind: "copy", EnvironmentID: a.Design.SourcePromobEnvironmentID, Revision: a.Design.SourceRevision}
	}
	promobEnv, err := s.placeEnvironment(ctx, acc, msg.UserID, domain.DesignKey(a.ID, a.Design.Attempt), a.Design.PromobProjectID, a.Env, src)
	if err != nil {
		return err
	}
	slog.InfoContext(ctx, "assistance designed in Promob", "promob_project", a.Design.PromobProjectID, "promob_environment", promobEnv, "source", src.Kind)
	return nil
}
