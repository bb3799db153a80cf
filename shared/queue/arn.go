package queue

import (
	"fmt"
	"strings"
)

// QueueURL returns the URL of the queue of an SQS ARN
// (arn:PARTITION:sqs:REGION:ACCOUNT:NAME), as AWS names it; SQS and the
// local SQS both find the queue from the region, account and name in it.
func QueueURL(arn string) (string, error) {
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sqs" || parts[3] == "" || parts[4] == "" || parts[5] == "" {
		return "", fmt.Errorf("queue: %q is not an SQS queue ARN", arn)
	}
	domain := "amazonaws.com"
	if parts[1] == "aws-cn" {
		domain = "amazonaws.com.cn"
	}
	return fmt.Sprintf("https://sqs.%s.%s/%s/%s", parts[3], domain, parts[4], parts[5]), nil
}
