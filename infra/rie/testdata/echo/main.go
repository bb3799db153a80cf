// Command echo is a Lambda function for the emulator tests: it answers the
// event and $GREETING, or fails when the event asks it to.
package main

import (
	"context"
	"errors"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	Fail bool   `json:"fail"`
	Name string `json:"name"`
}

type answer struct {
	Greeting string `json:"greeting"`
	Name     string `json:"name"`
}

func handle(ctx context.Context, e event) (answer, error) {
	if e.Fail {
		return answer{}, errors.New("asked to fail")
	}
	return answer{Greeting: os.Getenv("GREETING"), Name: e.Name}, nil
}

func main() { lambda.Start(handle) }
