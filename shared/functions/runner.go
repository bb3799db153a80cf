package functions

import (
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/foccolojas/promob-integration/shared/jobs"
	"github.com/foccolojas/promob-integration/shared/metrics"
	"github.com/foccolojas/promob-integration/shared/queue"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// maxReceives is every queue's maxReceiveCount (template.yaml).
const maxReceives = 5

// minRecordTime is the least time left in an invocation for a worker to
// start a record: about one Promob call with its retries.
const minRecordTime = 10 * time.Second

// NewMetrics returns the EMF emitter of a function, on standard output.
func NewMetrics(function string) *metrics.Emitter { return metrics.New(os.Stdout, function) }

// NewRunner returns a worker's batch runner: failed messages come back after
// their backoff, records not run in time are given back, and, when store is
// set, job states are recorded (the store's responsible user told through
// notices when a job gives up).
func NewRunner(client *sqs.Client, m *metrics.Emitter, store jobs.Store, notices message.Queue, reason func(error) string) queue.Runner {
	r := queue.Runner{Visibility: client, MaxReceives: maxReceives, MinRecordTime: minRecordTime, Metrics: m}
	if store != nil {
		r.Observer = jobs.NewTracker(store, notices, reason, time.Now)
	}
	return r
}
