package samtemplate

import (
	"reflect"
	"strings"
	"testing"
)

const functionsTemplate = `
Globals:
  Function:
    Runtime: provided.al2023
    Handler: bootstrap
    Architectures: [arm64]
    Timeout: 30
    Environment:
      Variables:
        SHARED: from-globals
        OVERRIDDEN: from-globals
        QUEUE: !Ref Work
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration:
              issuer: !Sub "https://issuer.${AWS::Region}"
              audience: [aud-1, aud-2]
  OpenApi:
    Type: AWS::Serverless::HttpApi
  Work:
    Type: AWS::SQS::Queue
  Web:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: makefile
    Properties:
      CodeUri: .
      Timeout: "10"
      MemorySize: 512
      Architectures: [x86_64]
      Environment:
        Variables:
          OVERRIDDEN: from-function
          NUMBER: 5
      Policies:
        - AWSLambdaBasicExecutionRole
        - SQSSendMessagePolicy:
            QueueName: !GetAtt Work.QueueName
      Events:
        Guarded:
          Type: HttpApi
          Properties:
            ApiId: !Ref Api
            Path: /items/{id}
            Method: get
        Open:
          Type: HttpApi
          Properties:
            ApiId: {Ref: Api}
            Path: /public
            Method: POST
            Auth:
              Authorizer: NONE
        Elsewhere:
          Type: HttpApi
          Properties:
            ApiId: !Ref OpenApi
            Path: /free
        Timer:
          Type: Schedule
          Properties:
            Schedule: rate(1 minute)
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ./worker
      Policies: AWSLambdaBasicExecutionRole
      Events:
        Long:
          Type: SQS
          Properties:
            Queue: {"Fn::GetAtt": [Work, Arn]}
        Short:
          Type: SQS
          Properties:
            Queue: !GetAtt Work.Arn
            BatchSize: 5
            MaximumBatchingWindowInSeconds: 2
            FunctionResponseTypes: [ReportBatchItemFailures]
`

func TestFunctionsMergeGlobalsAndReadEvents(t *testing.T) {
	r := mustResolver(t, mustParse(t, functionsTemplate), Context{
		StackName: "st", Region: "us-east-1", AccountID: "000000000000",
		QueueURL: func(n string) string { return "http://sqs.local/" + n },
	})
	fns, err := r.Functions()
	if err != nil {
		t.Fatalf("Functions: %v", err)
	}
	want := []Function{
		{
			LogicalID: "Web", CodeURI: ".", Handler: "bootstrap", Runtime: "provided.al2023",
			Architectures: []string{"x86_64"}, MemorySize: 512, Timeout: 10, BuildMethod: "makefile",
			Env: map[string]string{"SHARED": "from-globals", "OVERRIDDEN": "from-function", "QUEUE": "http://sqs.local/st-Work", "NUMBER": "5"},
			Policies: []any{
				"AWSLambdaBasicExecutionRole",
				map[string]any{"SQSSendMessagePolicy": map[string]any{"QueueName": "st-Work"}},
			},
			HTTPRoutes: []Route{
				{Event: "Guarded", API: "Api", Method: "GET", Path: "/items/{id}", Authorizer: "Jwt"},
				{Event: "Open", API: "Api", Method: "POST", Path: "/public", NoAuth: true},
				{Event: "Elsewhere", API: "OpenApi", Method: "ANY", Path: "/free", NoAuth: true},
			},
		},
		{
			LogicalID: "Worker", CodeURI: "./worker", Handler: "bootstrap", Runtime: "provided.al2023",
			Architectures: []string{"arm64"}, MemorySize: 128, Timeout: 30,
			Env:      map[string]string{"SHARED": "from-globals", "OVERRIDDEN": "from-globals", "QUEUE": "http://sqs.local/st-Work"},
			Policies: []any{"AWSLambdaBasicExecutionRole"},
			SQSEvents: []SQSSource{
				{Event: "Long", QueueLogicalID: "Work", BatchSize: 10},
				{Event: "Short", QueueLogicalID: "Work", BatchSize: 5, MaximumBatchingWindowInSeconds: 2, ReportBatchItemFailures: true},
			},
		},
	}
	if !reflect.DeepEqual(fns, want) {
		t.Errorf("Functions:\n got %#v\nwant %#v", fns, want)
	}
	if got := fns[0].HTTPRoutes[0].Key(); got != "GET /items/{id}" {
		t.Errorf("route key = %q", got)
	}
}

func TestHTTPAPIAuthorizers(t *testing.T) {
	r := mustResolver(t, mustParse(t, functionsTemplate), Context{StackName: "st", Region: "eu-west-1", AccountID: "000000000000"})
	api, err := r.HTTPAPI("Api")
	if err != nil {
		t.Fatalf("HTTPAPI: %v", err)
	}
	want := HTTPAPI{
		LogicalID: "Api", ID: apiID("st", "Api"), StageName: "$default", DefaultAuthorizer: "Jwt",
		Authorizers: map[string]JWTAuthorizer{"Jwt": {
			IdentitySource: "$request.header.Authorization", Issuer: "https://issuer.eu-west-1", Audience: []string{"aud-1", "aud-2"},
		}},
	}
	if !reflect.DeepEqual(api, want) {
		t.Errorf("HTTPAPI:\n got %#v\nwant %#v", api, want)
	}
	if _, err := r.HTTPAPI("Work"); err == nil || !strings.Contains(err.Error(), "not an AWS::Serverless::HttpApi") {
		t.Errorf("HTTPAPI of a queue: error = %v", err)
	}
}

func TestFunctionErrors(t *testing.T) {
	cases := []struct{ name, events, want string }{
		{name: "SQS queue is a literal ARN", events: `
        E:
          Type: SQS
          Properties:
            Queue: arn:aws:sqs:us-east-1:000000000000:elsewhere`, want: "event E: Queue must be"},
		{name: "SQS queue is not a queue", events: `
        E:
          Type: SQS
          Properties:
            Queue: !GetAtt Fn.Arn`, want: "Queue must be"},
		{name: "ApiId is not a Ref", events: `
        E:
          Type: HttpApi
          Properties:
            ApiId: abc
            Path: /x`, want: "ApiId must be a Ref"},
		{name: "unknown Ref in a route", events: `
        E:
          Type: HttpApi
          Properties:
            Path: !Ref Nope`, want: "Ref Nope"},
		{name: "bad batch size", events: `
        E:
          Type: SQS
          Properties:
            Queue: !GetAtt Q.Arn
            BatchSize: many`, want: "not an integer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:" + tc.events + "\n"
			r := mustResolver(t, mustParse(t, src), Context{})
			_, err := r.Functions()
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "function Fn") {
				t.Errorf("error = %v, want one naming function Fn and containing %q", err, tc.want)
			}
		})
	}
}
