package localstack

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
)

// MaxResponsePayload is the largest response a synchronously invoked Lambda
// function may return: the response's JSON as the function serializes it,
// envelope (status, headers) and body (base64 for a binary one) included.
// Lambda fails a larger one with Function.ResponseSizeTooLarge ("Response
// payload size exceeded maximum allowed payload size (6291556 bytes)"), and
// API Gateway's HTTP API answers the caller 500 Internal Server Error.
const MaxResponsePayload = 6291556

// checkResponsePayload returns the error Lambda reports when the function's
// response is over MaxResponsePayload.
func checkResponsePayload(resp events.APIGatewayV2HTTPResponse) error {
	b, err := json.Marshal(resp)
	if err != nil {
		return fmt.Errorf("response is not serializable: %w", err)
	}
	if len(b) > MaxResponsePayload {
		return fmt.Errorf("Function.ResponseSizeTooLarge: response payload size (%d bytes) exceeded maximum allowed payload size (%d bytes)", len(b), MaxResponsePayload)
	}
	return nil
}
