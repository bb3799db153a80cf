package samtemplate

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Table is the template's AWS::DynamoDB::Table.
type Table struct {
	LogicalID string
	Name      string
	// Input creates the table: name, attributes, key schema, secondary
	// indexes, billing mode, throughput, stream and SSE specifications.
	Input *dynamodb.CreateTableInput
	// TTLAttribute is the attribute of TimeToLiveSpecification, "" when TTL
	// is not enabled.
	TTLAttribute        string
	PointInTimeRecovery bool
}

type cfnKey struct {
	AttributeName string
	KeyType       string
}

type cfnProjection struct {
	ProjectionType   string
	NonKeyAttributes []string
}

type cfnThroughput struct {
	ReadCapacityUnits  number
	WriteCapacityUnits number
}

type cfnIndex struct {
	IndexName             string
	KeySchema             []cfnKey
	Projection            cfnProjection
	ProvisionedThroughput *cfnThroughput
}

type cfnTable struct {
	TableName            string
	BillingMode          string
	AttributeDefinitions []struct {
		AttributeName string
		AttributeType string
	}
	KeySchema               []cfnKey
	GlobalSecondaryIndexes  []cfnIndex
	LocalSecondaryIndexes   []cfnIndex
	ProvisionedThroughput   *cfnThroughput
	TimeToLiveSpecification *struct {
		AttributeName string
		Enabled       boolean
	}
	PointInTimeRecoverySpecification *struct {
		PointInTimeRecoveryEnabled boolean
	}
	StreamSpecification *struct {
		StreamViewType string
	}
	SSESpecification *struct {
		SSEEnabled boolean
	}
}

// Table returns the template's only DynamoDB table. It returns an error when
// the template has no table or several, or when its properties cannot be
// resolved.
func (r *Resolver) Table() (Table, error) {
	tables := r.tpl.ResourcesOfType("AWS::DynamoDB::Table")
	if len(tables) != 1 {
		return Table{}, fmt.Errorf("the template has %d DynamoDB tables, want 1", len(tables))
	}
	res := tables[0]
	v, err := r.Value(res.Properties)
	if err != nil {
		return Table{}, fmt.Errorf("table %s: %w", res.LogicalID, err)
	}
	var p cfnTable
	if err := decodeInto(v, &p); err != nil {
		return Table{}, fmt.Errorf("table %s: %w", res.LogicalID, err)
	}
	name, err := r.PhysicalName(res.LogicalID)
	if err != nil {
		return Table{}, err
	}
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		KeySchema:   keySchema(p.KeySchema),
		BillingMode: types.BillingModeProvisioned,
	}
	if p.BillingMode != "" {
		in.BillingMode = types.BillingMode(p.BillingMode)
	}
	for _, a := range p.AttributeDefinitions {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(a.AttributeName),
			AttributeType: types.ScalarAttributeType(a.AttributeType),
		})
	}
	in.ProvisionedThroughput = throughput(p.ProvisionedThroughput)
	for _, ix := range p.GlobalSecondaryIndexes {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName:             aws.String(ix.IndexName),
			KeySchema:             keySchema(ix.KeySchema),
			Projection:            projection(ix.Projection),
			ProvisionedThroughput: throughput(ix.ProvisionedThroughput),
		})
	}
	for _, ix := range p.LocalSecondaryIndexes {
		in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{
			IndexName:  aws.String(ix.IndexName),
			KeySchema:  keySchema(ix.KeySchema),
			Projection: projection(ix.Projection),
		})
	}
	if s := p.StreamSpecification; s != nil {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewType(s.StreamViewType)}
	}
	if s := p.SSESpecification; s != nil {
		in.SSESpecification = &types.SSESpecification{Enabled: aws.Bool(bool(s.SSEEnabled))}
	}
	t := Table{LogicalID: res.LogicalID, Name: name, Input: in}
	if s := p.TimeToLiveSpecification; s != nil && bool(s.Enabled) {
		t.TTLAttribute = s.AttributeName
	}
	if s := p.PointInTimeRecoverySpecification; s != nil {
		t.PointInTimeRecovery = bool(s.PointInTimeRecoveryEnabled)
	}
	return t, nil
}

func keySchema(keys []cfnKey) []types.KeySchemaElement {
	out := make([]types.KeySchemaElement, 0, len(keys))
	for _, k := range keys {
		out = append(out, types.KeySchemaElement{AttributeName: aws.String(k.AttributeName), KeyType: types.KeyType(k.KeyType)})
	}
	return out
}

func projection(p cfnProjection) *types.Projection {
	return &types.Projection{ProjectionType: types.ProjectionType(p.ProjectionType), NonKeyAttributes: p.NonKeyAttributes}
}

func throughput(t *cfnThroughput) *types.ProvisionedThroughput {
	if t == nil {
		return nil
	}
	return &types.ProvisionedThroughput{
		ReadCapacityUnits:  aws.Int64(int64(t.ReadCapacityUnits)),
		WriteCapacityUnits: aws.Int64(int64(t.WriteCapacityUnits)),
	}
}
