package promobsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/queue"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// account returns the store's Promob account (with its integration token).
func (s *Syncer) account(ctx context.Context, storeID string) (domain.Account, error) {
	integ, err := s.store.GetIntegration(ctx, storeID)
	if err != nil {
		return domain.Account{}, err
	}
	acc, err := s.store.Account(ctx, integ.PromobAccountID)
	if err != nil {
		return domain.Account{}, err
	}
	if acc.StoreID != storeID {
		return domain.Account{}, fmt.Errorf("promobsync: account %s belongs to another store", acc.AccountID)
	}
	return acc, nil
}

// createCustomer creates a client in Promob and records it synced.
func (s *Syncer) createCustomer(ctx context.Context, msg message.CustomerCreate) error {
	ctx = logging.With(ctx, "store_id", msg.StoreID, "client_id", msg.ClientID, "user_id", msg.UserID)
	c, err := s.store.Client(ctx, msg.StoreID, msg.ClientID)
	if err != nil {
		return err
	}
	if c.PromobSync.Status == domain.SyncSynced {
		return nil
	}
	err = func() error {
		acc, err := s.account(ctx, msg.StoreID)
		if err != nil {
			return err
		}
		_, err = s.ensureCustomer(ctx, acc, msg.UserID, c)
		return err
	}()
	return giveUp(ctx, err, "client not created in Promob", func(reason string) error {
		return s.store.SetClientSync(ctx, msg.StoreID, c.ID, domain.PromobSync{Status: domain.SyncFailed, Reason: reason})
	})
}

// ensureCustomer returns the client's Promob customer, creating it when the
// client has none; the client's id is the Idempotency-Key, so every caller
// gets the same customer.
func (s *Syncer) ensureCustomer(ctx context.Context, acc domain.Account, userID string, c domain.Client) (string, error) {
	if c.PromobSync.Status == domain.SyncSynced && c.PromobSync.PromobCustomerID != "" {
		return c.PromobSync.PromobCustomerID, nil
	}
	var id string
	err := s.tokens.Call(ctx, acc, userID, func(token string) error {
		var err error
		id, err = s.promob.CreateCustomer(ctx, acc.AccountID, token, c.ID, promob.Customer{
			ExternalID: c.ID, Name: c.Name, Document: c.Document, Email: c.Email, Phone: c.Phone,
		})
		return err
	})
	if err != nil {
		return "", err
	}
	if err := s.store.SetClientSync(ctx, acc.StoreID, c.ID, domain.PromobSync{Status: domain.SyncSynced, PromobCustomerID: id}); err != nil {
		return "", err
	}
	slog.InfoContext(ctx, "client created in Promob", "promob_customer", id)
	return id, nil
}

// createEnvironment creates the project's Promob project when needed, then
// the environment, and makes it ready.
func (s *Syncer) createEnvironment(ctx context.Context, msg message.EnvironmentCreate) error {
	ctx = logging.With(ctx, "store_id", msg.StoreID, "project_id", msg.ProjectID, "environment_id", msg.EnvironmentID, "user_id", msg.UserID)
	env, err := s.store.Environment(ctx, msg.StoreID, msg.EnvironmentID)
	if err != nil {
		return err
	}
	if env.Status == domain.EnvReady {
		return nil
	}
	return giveUp(ctx, s.makeEnvironment(ctx, msg, env), "environment not created in Promob", s.creationFailed(ctx, msg.StoreID, env.ID))
}

func (s *Syncer) makeEnvironment(ctx context.Context, msg message.EnvironmentCreate, env domain.Environment) error {
	acc, err := s.account(ctx, msg.StoreID)
	if err != nil {
		return err
	}
	project, err := s.store.Project(ctx, msg.StoreID, env.ProjectID)
	if err != nil {
		return err
	}
	promobProject := project.PromobProjectID
	if promobProject == "" {
		client, err := s.store.Client(ctx, msg.StoreID, project.ClientID)
		if err != nil {
			return err
		}
		customer, err := s.ensureCustomer(ctx, acc, msg.UserID, client)
		if err != nil {
			return err
		}
		err = s.tokens.Call(ctx, acc, msg.UserID, func(token string) error {
			promobProject, err = s.promob.CreateProject(ctx, acc.AccountID, token, project.ID, promob.Project{
				ExternalID: project.ID, CustomerID: customer, Name: project.Name,
			})
			return err
		})
		if err != nil {
			return err
		}
		if err := s.store.SetProjectPromobID(ctx, msg.StoreID, project.ID, promobProject); err != nil {
			return err
		}
	}
	promobEnv, err := s.placeEnvironment(ctx, acc, msg.UserID, env.ID, promobProject, env, promob.Source{Kind: "blank"})
	if err != nil {
		return err
	}
	slog.InfoContext(ctx, "environment created in Promob", "promob_project", promobProject, "promob_environment", promobEnv)
	return nil
}

// placeEnvironment creates env's Promob environment (Idempotency-Key key)
// in the Promob project from src, and makes env ready with its routing; it
// returns the Promob environment's id.
func (s *Syncer) placeEnvironment(ctx context.Context, acc domain.Account, userID, key, promobProject string, env domain.Environment, src promob.Source) (string, error) {
	var (
		promobEnv string
		revision  int
	)
	err := s.tokens.Call(ctx, acc, userID, func(token string) error {
		var err error
		promobEnv, revision, err = s.promob.CreateEnvironment(ctx, acc.AccountID, token, key, promobProject, promob.NewEnvironment{
			ExternalID: env.ID, Name: env.Name, Source: src,
		})
		return err
	})
	if err != nil {
		return "", err
	}
	return promobEnv, s.store.EnvironmentCreated(ctx, env, acc.AccountID, promobProject, promobEnv, revision, s.now().UTC())
}

// lastAttempt reports whether the message being processed is on its last
// delivery.
func lastAttempt(ctx context.Context) bool { return queue.ReceiveCount(ctx) >= MaxAttempts }

// giveUp returns err, the failure of a creation in Promob. On the message's
// last delivery it first logs what failed and records the failure with
// record(promob.Reason(err)) (a record synced meanwhile, domain.ErrChanged, is
// not an error), and
// marks err final (queue.Final): the message is consumed, not retried. A
// failure to record is returned instead, so that the queue retries.
func giveUp(ctx context.Context, err error, what string, record func(reason string) error) error {
	if err == nil || !lastAttempt(ctx) {
		return err
	}
	slog.WarnContext(ctx, what, "err", err)
	if err := record(promob.Reason(err)); err != nil && !errors.Is(err, domain.ErrChanged) {
		return err
	}
	return queue.Final(err)
}

// creationFailed records that the Promob environment of the store's
// environment (or assistance) envID could not be created.
func (s *Syncer) creationFailed(ctx context.Context, storeID, envID string) func(reason string) error {
	return func(reason string) error {
		return s.store.SetEnvironmentCreation(ctx, storeID, envID, domain.EnvFailed, reason, s.now().UTC())
	}
}
