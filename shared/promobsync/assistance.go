package promobsync

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/queue"
)

// designAssistance creates an assistance's Promob environment in its
// environment's Promob project, blank or a copy of the source revision,
// and makes its design ready with its routing; on the last delivery a
// failure is recorded instead.
func (s *Syncer) designAssistance(ctx context.Context, body []byte) error {
	var msg domain.AssistanceMessage
	if err := json.Unmarshal(body, &msg); err != nil {
		return fmt.Errorf("promobsync: decode: %w", err)
	}
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
	err = s.makeDesign(ctx, msg, a)
	if err != nil && lastAttempt(ctx) {
		slog.WarnContext(ctx, "assistance not designed in Promob", "err", err)
		if err := s.store.SetEnvironmentCreation(ctx, msg.StoreID, a.ID, domain.EnvFailed, Reason(err), s.now().UTC()); err != nil && domain.ErrorCode(err) != domain.CodeAlreadySynced {
			return err
		}
		return queue.Final(err)
	}
	return err
}

func (s *Syncer) makeDesign(ctx context.Context, msg domain.AssistanceMessage, a domain.Assistance) error {
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
	var (
		promobEnv string
		revision  int
	)
	err = s.tokens.Call(ctx, acc, msg.UserID, func(token string) error {
		key := domain.DesignKey(a.ID, a.Design.Attempt)
		promobEnv, revision, err = s.promob.CreateEnvironment(ctx, acc.AccountID, token, key, a.Design.PromobProjectID, promob.NewEnvironment{
			ExternalID: a.ID, Name: a.Env.Name, Source: src,
		})
		return err
	})
	if err != nil {
		return err
	}
	if err := s.store.EnvironmentCreated(ctx, a.Env, acc.AccountID, a.Design.PromobProjectID, promobEnv, revision, s.now().UTC()); err != nil {
		return err
	}
	slog.InfoContext(ctx, "assistance designed in Promob", "promob_project", a.Design.PromobProjectID, "promob_environment", promobEnv, "source", src.Kind)
	return nil
}
