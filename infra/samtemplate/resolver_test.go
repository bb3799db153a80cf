package samtemplate

import (
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const inlineTemplate = `
Parameters:
  Name:
    Type: String
    Default: orders
  Level:
    Type: String
    Default: INFO
    AllowedValues: [DEBUG, INFO]
  NoDefault:
    Type: String
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub "${AWS::StackName}-${Name}"
  Plain:
    Type: AWS::DynamoDB::Table
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName:
        Fn::Sub: "${AWS::StackName}-jobs.fifo"
      FifoQueue: true
  Unnamed:
    Type: AWS::SQS::Queue
  UnnamedFifo:
    Type: AWS::SQS::Queue
    Properties:
      FifoQueue: "true"
  Api:
    Type: AWS::Serverless::HttpApi
  Fn:
    Type: AWS::Serverless::Function
  LoopA:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !GetAtt LoopB.QueueName
  LoopB:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "${LoopA.QueueName}-b"
`

func mustParse(tb testing.TB, src string) *Template {
	tb.Helper()
	tpl, err := Parse([]byte(src))
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return tpl
}

func mustResolver(tb testing.TB, tpl *Template, c Context) *Resolver {
	tb.Helper()
	if c.StackName == "" {
		c.StackName, c.Region, c.AccountID = "st", "sa-east-1", "111122223333"
	}
	r, err := tpl.Resolver(c)
	if err != nil {
		tb.Fatalf("Resolver: %v", err)
	}
	return r
}

// evalExpr resolves a YAML expression written as it would appear in a
// template property.
func evalExpr(tb testing.TB, r *Resolver, expr string) (any, error) {
	tb.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(expr), &doc); err != nil {
		tb.Fatalf("expression %q: %v", expr, err)
	}
	return r.Value(doc.Content[0])
}

func TestResolveIntrinsics(t *testing.T) {
	tpl := mustParse(t, inlineTemplate)
	cases := []struct {
		name string
		ctx  Context
		expr string
		want any
	}{
		{name: "plain scalar", expr: `hello`, want: "hello"},
		{name: "integer scalar", expr: `42`, want: 42},
		{name: "boolean scalar", expr: `true`, want: true},
		{name: "short Ref parameter default", expr: `!Ref Name`, want: "orders"},
		{name: "long Ref parameter", expr: `{Ref: Level}`, want: "INFO"},
		{name: "Ref parameter override", ctx: Context{Parameters: map[string]string{"Name": "carts"}}, expr: `!Ref Name`, want: "carts"},
		{name: "Ref pseudo parameters", expr: `[!Ref AWS::StackName, !Ref AWS::Region, !Ref AWS::AccountId, !Ref AWS::URLSuffix, !Ref AWS::Partition]`,
			want: []any{"st", "sa-east-1", "111122223333", "amazonaws.com", "aws"}},
		{name: "Ref table with TableName", expr: `!Ref Table`, want: "st-orders"},
		{name: "Ref table without TableName", expr: `!Ref Plain`, want: "st-Plain"},
		{name: "Ref queue is its cloud URL", expr: `!Ref Jobs`, want: "https://sqs.sa-east-1.amazonaws.com/111122223333/st-jobs.fifo"},
		{name: "Ref queue URL from callback", ctx: Context{QueueURL: func(n string) string { return "http://q/" + n }}, expr: `!Ref Jobs`, want: "http://q/st-jobs.fifo"},
		{name: "Ref unnamed queue", expr: `!Ref Unnamed`, want: "https://sqs.sa-east-1.amazonaws.com/111122223333/st-Unnamed"},
		{name: "GetAtt unnamed FIFO queue name", expr: `!GetAtt UnnamedFifo.QueueName`, want: "st-UnnamedFifo.fifo"},
		{name: "Ref function", expr: `!Ref Fn`, want: "st-Fn"},
		{name: "Physical override", ctx: Context{Physical: func(id string) string {
			if id == "Plain" {
				return "chosen"
			}
			return ""
		}}, expr: `[!Ref Plain, !Ref Table]`, want: []any{"chosen", "st-orders"}},
		{name: "short GetAtt queue Arn", expr: `!GetAtt Jobs.Arn`, want: "arn:aws:sqs:sa-east-1:111122223333:st-jobs.fifo"},
		{name: "short GetAtt list form", expr: `!GetAtt [Jobs, QueueName]`, want: "st-jobs.fifo"},
		{name: "long GetAtt list form", expr: `{"Fn::GetAtt": [Jobs, Arn]}`, want: "arn:aws:sqs:sa-east-1:111122223333:st-jobs.fifo"},
		{name: "long GetAtt string form", expr: `{"Fn::GetAtt": Jobs.QueueUrl}`, want: "https://sqs.sa-east-1.amazonaws.com/111122223333/st-jobs.fifo"},
		{name: "GetAtt table Arn", expr: `!GetAtt Table.Arn`, want: "arn:aws:dynamodb:sa-east-1:111122223333:table/st-orders"},
		{name: "GetAtt function Arn", expr: `!GetAtt Fn.Arn`, want: "arn:aws:lambda:sa-east-1:111122223333:function:st-Fn"},
		{name: "Sub pseudo parameters", expr: `!Sub "${AWS::StackName}/${AWS::Region}/${AWS::AccountId}/${AWS::URLSuffix}"`, want: "st/sa-east-1/111122223333/amazonaws.com"},
		{name: "Sub parameter, resource and attribute", expr: `!Sub "${Name} ${Table} ${Jobs.Arn} ${Jobs}"`,
			want: "orders st-orders arn:aws:sqs:sa-east-1:111122223333:st-jobs.fifo https://sqs.sa-east-1.amazonaws.com/111122223333/st-jobs.fifo"},
		{name: "Sub literal", expr: `!Sub "${!Literal}-${Name}"`, want: "${Literal}-orders"},
		{name: "Sub with variables", expr: "!Sub\n  - \"${Prefix}:${Name}:${Arn}\"\n  - Prefix: p\n    Arn: !GetAtt Jobs.Arn",
			want: "p:orders:arn:aws:sqs:sa-east-1:111122223333:st-jobs.fifo"},
		{name: "long Sub nested in a mapping", expr: `{Key: {"Fn::Sub": "x-${AWS::Region}"}, Other: [1, !Ref Name]}`,
			want: map[string]any{"Key": "x-sa-east-1", "Other": []any{1, "orders"}}},
		{name: "API id is stable", expr: `!Ref Api`, want: apiID("st", "Api")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := mustResolver(t, tpl, tc.ctx)
			got, err := evalExpr(t, r, tc.expr)
			if err != nil {
				t.Fatalf("Value: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestAPIIDShape(t *testing.T) {
	id := apiID("promob-local", "HttpApi")
	if len(id) != 10 || strings.Trim(id, "0123456789abcdefghijklmnopqrstuvwxyz") != "" {
		t.Errorf("apiID = %q, want 10 lower-case alphanumerics", id)
	}
	if id == apiID("promob-local", "OtherApi") {
		t.Errorf("two APIs got the same id %q", id)
	}
}

func TestResolveErrors(t *testing.T) {
	tpl := mustParse(t, inlineTemplate)
	cases := []struct {
		name string
		ctx  Context
		expr string
		want string
	}{
		{name: "unknown Ref", expr: `!Ref Nope`, want: "Ref Nope: no such parameter or resource"},
		{name: "unknown long Ref", expr: `{Ref: Nope}`, want: "Ref Nope"},
		{name: "unknown GetAtt resource", expr: `!GetAtt Nope.Arn`, want: "GetAtt Nope.Arn: no such resource"},
		{name: "unknown GetAtt attribute", expr: `!GetAtt Jobs.Bogus`, want: "unsupported attribute"},
		{name: "malformed GetAtt", expr: `!GetAtt Jobs`, want: "Fn::GetAtt takes"},
		{name: "unknown Sub variable", expr: `!Sub "a-${Nope}"`, want: "Ref Nope"},
		{name: "unclosed Sub variable", expr: `!Sub "a-${Name"`, want: "unclosed"},
		{name: "unsupported short intrinsic", expr: `!Join [",", [a, b]]`, want: "unsupported intrinsic Fn::Join"},
		{name: "unsupported long intrinsic", expr: `{"Fn::If": [c, a, b]}`, want: "unsupported intrinsic Fn::If"},
		{name: "parameter without value", expr: `!Ref NoDefault`, want: "parameter NoDefault has no value"},
		{name: "parameter not allowed", ctx: Context{Parameters: map[string]string{"Level": "TRACE"}}, expr: `!Ref Level`, want: "not one of"},
		{name: "circular names", expr: `!GetAtt LoopA.Arn`, want: "circular reference"},
		{name: "queue without URL", ctx: Context{QueueURL: func(string) string { return "" }}, expr: `!Ref Jobs`, want: "queue st-jobs.fifo has no URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := mustResolver(t, tpl, tc.ctx)
			_, err := evalExpr(t, r, tc.expr)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestStringRejectsCollections(t *testing.T) {
	r := mustResolver(t, mustParse(t, inlineTemplate), Context{})
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(`[a, b]`), &doc); err != nil {
		t.Fatal(err)
	}
	if _, err := r.String(doc.Content[0]); err == nil {
		t.Error("String of a list: no error")
	}
}

func TestResolverNeedsIdentity(t *testing.T) {
	if _, err := mustParse(t, inlineTemplate).Resolver(Context{StackName: "st"}); err == nil {
		t.Error("Resolver without Region and AccountID: no error")
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{name: "not yaml", src: "a: [", want: "parse template"},
		{name: "not a mapping", src: "- a", want: "not a mapping"},
		{name: "no resources", src: "Parameters: {}", want: "no Resources"},
		{name: "resource without type", src: "Resources:\n  X:\n    Properties: {}", want: "resource X: no Type"},
		{name: "output without value", src: "Resources:\n  X:\n    Type: T\nOutputs:\n  O:\n    Description: d", want: "output O: no Value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
