package dynamo

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TTLAttribute is the attribute whose epoch seconds expire an item (the
// table's TimeToLiveSpecification).
const TTLAttribute = attrTTL

// TableSchema returns what the store needs of its table, named name: the
// key attributes, the key schema and the GSI1, GSI2 and GSI3 indexes, on-demand. template.yaml
// declares the same table (a test in infra/samtemplate checks it); tests
// create their tables from this.
func TableSchema(name string) *dynamodb.CreateTableInput {
	key := func(attr string, typ types.KeyType) types.KeySchemaElement {
		return types.KeySchemaElement{AttributeName: aws.String(attr), KeyType: typ}
	}
	str := func(attr string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(attr), AttributeType: types.ScalarAttributeTypeS}
	}
	return &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{str(attrPK), str(attrSK), str(attrGSI1PK), str(attrGSI1SK), str(attrGSI2PK), str(attrGSI2SK), str(attrGSI3PK)},
		KeySchema:            []types.KeySchemaElement{key(attrPK, types.KeyTypeHash), key(attrSK, types.KeyTypeRange)},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{
			{
				IndexName:  aws.String(indexGSI1),
				KeySchema:  []types.KeySchemaElement{key(attrGSI1PK, types.KeyTypeHash), key(attrGSI1SK, types.KeyTypeRange)},
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
			},
			{ // the store's projects, newest activity first
				IndexName:  aws.String(indexGSI2),
				KeySchema:  []types.KeySchemaElement{key(attrGSI2PK, types.KeyTypeHash), key(attrGSI2SK, types.KeyTypeRange)},
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
			},
			{ // a client's projects, newest activity first
				IndexName:  aws.String(indexGSI3),
				KeySchema:  []types.KeySchemaElement{key(attrGSI3PK, types.KeyTypeHash), key(attrGSI2SK, types.KeyTypeRange)},
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
			},
		},
	}
}
