package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
)

// What promobsync records of the records it creates in Promob: a client's
// promobSyncStatus/promobCustomerId/promobSyncReason, a project's
// promobProjectId, an environment's creationStatus/creationReason and
// Promob ids (with its PENV routing item once ready). Every write is
// conditional, so that repeats and concurrent messages agree.

// none stands for "no value" in conditions (an expression value cannot be
// compared with a missing attribute otherwise).
const none = "-"

// SetClientSync records where the client's creation in Promob stands. Once
// synced, a client stays synced: setting another state, or another Promob
// customer, fails with domain.ErrChanged (setting the same customer again
// succeeds). It fails with not_found for a client the store does not have.
func (s *Store) SetClientSync(ctx context.Context, storeID, clientID string, st domain.PromobSync) error {
	cust := st.PromobCustomerID
	if cust == "" {
		cust = none
	}
	update := "SET promobSyncStatus = :st, promobSyncReason = :reason"
	values := map[string]types.AttributeValue{":st": str(st.Status), ":reason": str(st.Reason), ":synced": str(domain.SyncSynced), ":cust": str(cust)}
	if st.PromobCustomerID != "" {
		update += ", promobCustomerId = :cust"
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(storePK(storeID), skClient+clientID),
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("attribute_exists(PK) AND (attribute_not_exists(promobSyncStatus) OR promobSyncStatus <> :synced OR promobCustomerId = :cust)"),
		ExpressionAttributeValues: values,
	})
	if isConditionFailed(err) {
		if _, err := s.Client(ctx, storeID, clientID); err != nil {
			return err
		}
		return errChanged(clientID)
	}
	return wrap("set client sync", err)
}

// SetProjectPromobID records the Promob project of a project. A project
// keeps its first Promob project: setting the same one again succeeds,
// another one fails with conflict; a project the store does not have fails
// with not_found.
func (s *Store) SetProjectPromobID(ctx context.Context, storeID, projectID, promobProjectID string) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(projectPK(storeID, projectID), skProject),
		UpdateExpression:          aws.String("SET promobProjectId = :id"),
		ConditionExpression:       aws.String("attribute_exists(PK) AND (attribute_not_exists(promobProjectId) OR promobProjectId = :id)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":id": str(promobProjectID)},
	})
	if isConditionFailed(err) {
		if _, err := s.projectItem(ctx, storeID, projectID); err != nil {
			return err
		}
		return domain.Conflict("Project %s is linked to another Promob project.", projectID)
	}
	return wrap("set project Promob id", err)
}

// SetEnvironmentCreation records that the environment's creation in Promob
// is queued again (domain.EnvCreating) or failed (domain.EnvFailed, with the
// reason). It fails with domain.ErrChanged once the environment is ready,
// and with not_found for an environment the store does not have.
func (s *Store) SetEnvironmentCreation(ctx context.Context, storeID, envID, status, reason string, now time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(envPK(storeID, envID), skEnv),
		UpdateExpression:          aws.String("SET creationStatus = :st, creationReason = :reason, updatedAt = :now"),
		ConditionExpression:       aws.String("attribute_exists(PK) AND attribute_exists(creationStatus) AND creationStatus <> :ready"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":st": str(status), ":reason": str(reason), ":now": stamp(now), ":ready": str(domain.EnvReady)},
	})
	if isConditionFailed(err) {
		if _, err := s.Environment(ctx, storeID, envID); err != nil {
			return err
		}
		return errChanged(envID)
	}
	return wrap("set environment creation", err)
}

// EnvironmentCreated makes the environment ready with its Promob ids and
// revision (its created revision too: see domain.Environment.Outdated), in
// one transaction with its Promob routing item (webhooks for
// the new Promob environment find it). Recording the same Promob
// environment again succeeds and changes nothing; it fails with conflict
// when the environment is ready with another one, and with not_found for
// an environment the store does not have.
func (s *Store) EnvironmentCreated(ctx context.Context, env domain.Environment, accountID, promobProjectID, promobEnvID string, revision int, now time.Time) error {
	route := map[string]types.AttributeValue{
		attrPK: str(promobEnvPK(accountID, promobEnvID)), attrSK: str(skPromobEnv),
		"storeId": str(env.StoreID), "environmentId": str(env.ID),
	}
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: &types.Update{
			TableName: &s.table, Key: key(envPK(env.StoreID, env.ID), skEnv),
			UpdateExpression: aws.String("SET creationStatus = :ready, creationReason = :empty, promobAccountId = :acc, " +
				"promobProjectId = :pp, promobEnvironmentId = :pe, promobRevision = :rev, createdRevision = :rev, updatedAt = :now"),
			ConditionExpression: aws.String("attribute_exists(PK) AND creationStatus <> :ready"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":ready": str(domain.EnvReady), ":empty": str(""), ":acc": str(accountID), ":pp": str(promobProjectID),
				":pe": str(promobEnvID), ":rev": num(revision), ":now": stamp(now),
			},
		}},
		{Put: &types.Put{TableName: &s.table, Item: route, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
	}})
	if cancellationReasons(err) != nil {
		cur, err := s.Environment(ctx, env.StoreID, env.ID)
		if err != nil {
			return err
		}
		if cur.Status == domain.EnvReady && cur.PromobEnvironmentID == promobEnvID {
			return nil
		}
		return domain.Conflict("Environment %s or Promob environment %s is linked to another one.", env.ID, promobEnvID)
	}
	return wrap("environment created", err)
}

// SetConnectDelivery records the Connect situation and stage last sent for
// the project and where their delivery stands. A delivery of an older
// version of the same environment never replaces a newer one's. It fails
// with not_found for a project the store does not have.
func (s *Store) SetConnectDelivery(ctx context.Context, storeID, projectID string, d domain.ConnectDelivery) error {
	av, err := attributevalue.Marshal(d)
	if err != nil {
		return wrap("encode Connect delivery", err)
	}
	_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(projectPK(storeID, projectID), skProject),
		UpdateExpression:          aws.String("SET #c = :d"),
		ConditionExpression:       aws.String("attribute_exists(PK) AND (attribute_not_exists(#c) OR #c.#e <> :env OR #c.#v <= :v)"),
		ExpressionAttributeNames:  map[string]string{"#c": "connect", "#e": "EnvironmentID", "#v": "Version"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": av, ":env": str(d.EnvironmentID), ":v": num(d.Version)},
	})
	if isConditionFailed(err) {
		_, err := s.projectItem(ctx, storeID, projectID)
		return err
	}
	return wrap("set Connect delivery", err)
}
