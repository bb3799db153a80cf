package localstack

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// defaultTimeout is the deadline of an invocation whose function declares
// none.
const defaultTimeout = 30 * time.Second

// invocation returns the context a function runs in, as Lambda gives it: a
// request id in lambdacontext and the function's timeout as deadline. The
// invocation is not cancelled with parent (a Lambda invocation outlives the
// caller that started it).
func invocation(parent context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), timeout)
	return lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: newUUID()}), cancel
}

// newUUID returns a random version-4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// newRequestID returns an id in the style of API Gateway's request ids.
func newRequestID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])[:14] + "="
}

// safeCall runs f, turning a panic into an error as the Lambda runtime does.
func safeCall[T any](f func() (T, error)) (out T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("function panicked: %v", p)
		}
	}()
	return f()
}
