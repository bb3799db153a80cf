package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/foccolojas/promob-integration/shared/domain"
)

var _ domain.JobStore = (*Store)(nil)

// A record's jobs live in a partition of their own, one item per kind.
func jobsPK(storeID, recordID string) string { return storePK(storeID) + "#JOBS#" + recordID }

const jobSKPrefix = "JOB#"

func jobSK(kind string) string { return jobSKPrefix + kind }

// jobNames are the attribute names of SetJob's expression (some are
// DynamoDB reserved words).
func jobNames(withMessage bool) map[string]string {
	names := map[string]string{"#kind": "kind", "#state": "state", "#attempt": "attempt", "#updated": "updatedAt", "#next": "nextTryAt", "#reason": "reason"}
	if withMessage {
		names["#message"] = "message"
	}
	return names
}

type jobItem struct {
	PK        string     `dynamodbav:"PK"`
	SK        string     `dynamodbav:"SK"`
	Kind      string     `dynamodbav:"kind"`
	State     string     `dynamodbav:"state"`
	Attempt   int        `dynamodbav:"attempt"`
	NextTryAt *time.Time `dynamodbav:"nextTryAt,omitempty"`
	Reason    string     `dynamodbav:"reason,omitempty"`
	UpdatedAt time.Time  `dynamodbav:"updatedAt"`
	Message   []byte     `dynamodbav:"message,omitempty"`
}

func (it jobItem) domain() domain.Job {
	return domain.Job{Kind: it.Kind, State: it.State, Attempt: it.Attempt, NextTryAt: it.NextTryAt, Reason: it.Reason, UpdatedAt: it.UpdatedAt}
}

// SetJob records a job's state; the stored message is kept when message
// is nil.
func (s *Store) SetJob(ctx context.Context, ref domain.JobRef, job domain.Job, message []byte) error {
	// Every field is set (a NULL next try, an empty reason), so that a
	// state never keeps what an earlier one said.
	values := map[string]any{
		":kind": ref.Kind, ":state": job.State, ":attempt": job.Attempt, ":updated": job.UpdatedAt.UTC(),
		":next": job.NextTryAt, ":reason": job.Reason,
	}
	expr := "SET #kind = :kind, #state = :state, #attempt = :attempt, #updated = :updated, #next = :next, #reason = :reason"
	if message != nil {
		expr += ", #message = :message"
		values[":message"] = message
	}
	av, err := attributevalue.MarshalMap(values)
	if err != nil {
		return wrap("set job", err)
	}
	_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       key(jobsPK(ref.StoreID, ref.RecordID), jobSK(ref.Kind)),
		UpdateExpression:          &expr,
		ExpressionAttributeNames:  jobNames(message != nil),
		ExpressionAttributeValues: av,
	})
	return wrap("set job", err)
}

// Jobs returns the jobs of a record, by kind (none is not an error).
func (s *Store) Jobs(ctx context.Context, storeID, recordID string) ([]domain.Job, error) {
	jobs := []domain.Job{}
	err := queryPrefix(ctx, s, jobsPK(storeID, recordID), jobSKPrefix, false, func(it jobItem) (bool, error) {
		jobs = append(jobs, it.domain())
		return true, nil
	})
	return jobs, wrap("jobs", err)
}

// JobMessage returns a job and its queue message, or a not_found *Error.
func (s *Store) JobMessage(ctx context.Context, ref domain.JobRef) (domain.Job, []byte, error) {
	var it jobItem
	if err := s.getExisting(ctx, jobsPK(ref.StoreID, ref.RecordID), jobSK(ref.Kind), &it, "job", domain.NotFound("No such job.")); err != nil {
		return domain.Job{}, nil, err
	}
	return it.domain(), it.Message, nil
}
