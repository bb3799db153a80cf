package sale_test

import (
	"testing"

	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
)

// local is DynamoDB Local: the test run's, else started for the package.
var local *dynamotest.Local

func TestMain(m *testing.M) {
	dynamotest.MainForTest(m, func(l *dynamotest.Local) { local = l })
}

// racingStore is the store with a race: before, when set, runs once just
// before the next guarded write, as another request that changes the
// record between the use case's read and its write.
type racingStore struct {
	*dynamo.Store
	before func()
}

func (s *racingStore) race() {
	if fn := s.before; fn != nil {
		s.before = nil
		fn()
	}
}
