package dynamo

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
)

// versionSK is the sort key of version n. Versions sort right before the
// environment record (skEnv), oldest first, so that the record and its
// newest version are the last two items of the partition up to the
// record's key: one Query of two items reads both.
func versionSK(n int) string { return fmt.Sprintf("%s%010d", skVersionPrefix, n) }

// itemsPrefix is the sort key prefix of a Promob revision's item chunks.
// The chunks' keys begin with the environment record's and revisions count
// down from lastRevision in them, so that the record and the newest
// revision's first chunk are the first two items of the environment's
// partition: one Query of two items reads both without knowing the
// revision.
func itemsPrefix(revision int) string    { return fmt.Sprintf("%s%010d#", skItems, lastRevision-revision) }
func itemsSK(revision, chunk int) string { return fmt.Sprintf("%s%04d", itemsPrefix(revision), chunk) }

const (
	skVersionPrefix = "EN#VERSION#"
	skItems         = skEnv + "#ITEMS#"
	// lastRevision is the largest Promob revision the item chunks' keys
	// can order (ten digits).
	lastRevision = 9_999_999_999
)

type versionItem struct {
	PK               string          `dynamodbav:"PK"`
	SK               string          `dynamodbav:"SK"`
	Number           int             `dynamodbav:"number"`
	OptionName       string          `dynamodbav:"optionName"`
	OptionDate       time.Time       `dynamodbav:"optionDate"`
	PromobIdentifier string          `dynamodbav:"promobIdentifier"`
	PromobRevision   int             `dynamodbav:"promobRevision"`
	Total            string          `dynamodbav:"total"`
	ItemCount        int             `dynamodbav:"itemCount"`
	Chunks           int             `dynamodbav:"chunks"`
	ChunkStarts      []int           `dynamodbav:"chunkStarts,omitempty"`
	Rules            json.RawMessage `dynamodbav:"rules"`
	// Budget is the budget summary, gzip-compressed JSON.
	Budget   []byte     `dynamodbav:"budget,omitempty"`
	ManualBy string     `dynamodbav:"manualBy,omitempty"`
	ManualAt *time.Time `dynamodbav:"manualAt,omitempty"`
}

// newVersionItem is the stored form of v, a version of env.
func newVersionItem(env domain.Environment, v domain.Version) (versionItem, error) {
	budget, err := compress(v.Budget)
	if err != nil {
		return versionItem{}, err
	}
	it := versionItem{
		PK: envPK(env.StoreID, env.ID), SK: versionSK(v.Number), Number: v.Number, OptionName: v.OptionName,
		OptionDate: v.OptionDate, PromobIdentifier: v.PromobIdentifier, PromobRevision: v.PromobRevision,
		Total: v.Total, ItemCount: v.ItemCount, Chunks: len(v.ChunkStarts), ChunkStarts: v.ChunkStarts, Rules: v.Rules, Budget: budget,
	}
	if v.ManualChange != nil {
		at := v.ManualChange.At
		it.ManualBy, it.ManualAt = v.ManualChange.By, &at
	}
	return it, nil
}

// domain returns the version; Latest is left to the caller, which knows
// whether a newer version exists.
func (it versionItem) domain(env domain.Environment) (domain.Version, error) {
	v := domain.Version{
		Number: it.Number, OptionName: it.OptionName, OptionDate: it.OptionDate, PromobIdentifier: it.PromobIdentifier,
		PromobRevision: it.PromobRevision, Total: it.Total, ItemCount: it.ItemCount, Rules: it.Rules,
		Converted: it.Number == env.ConvertedVersion, ChunkStarts: it.ChunkStarts,
	}
	if it.ManualAt != nil {
		v.ManualChange = &domain.ManualChange{By: it.ManualBy, At: *it.ManualAt}
	}
	budget, err := decompress(it.Budget)
	v.Budget = budget
	return v, err
}

// compress gzips b; nil stays nil.
func compress(b []byte) ([]byte, error) {
	if b == nil {
		return nil, nil
	}
	return gzipBytes(b, gzip.DefaultCompression)
}

// decompress reverses compress.
func decompress(b []byte) ([]byte, error) {
	if b == nil {
		return nil, nil
	}
	out, err := gunzipBytes(b)
	if err != nil {
		return nil, fmt.Errorf("dynamo: stored budget: %w", err)
	}
	return out, nil
}

// Item chunks: each chunk is a gzip stream of its own (JSON lines), cut
// when it holds chunkRaw bytes of JSON or chunkPacked compressed bytes, so
// that a page of items reads and decompresses one chunk, not the version.
// The first chunk is cut at firstChunkRaw: it holds a first page of the
// default size (50 items of about 500 bytes) and a few more, and it is
// read with the environment record in one Query for the items tab's first
// page, so the smaller it is the fewer read units that page costs.
const (
	chunkRaw      = 256 * 1024
	chunkPacked   = 200 * 1024
	firstChunkRaw = 32 * 1024
)

// ItemWriter writes a Promob revision's items as chunks of gzip-compressed
// JSON lines, each written as soon as it is full, so memory stays bounded
// whatever the number of items. The chunks are invisible until a version
// that names them is committed.
type ItemWriter struct {
	s        *Store
	ctx      context.Context
	pk       string
	revision int
	buf      bytes.Buffer
	zw       *gzip.Writer
	raw      int   // JSON bytes in the current chunk
	count    int   // items written
	inChunk  int   // items in the current chunk
	starts   []int // index of the first item of each chunk written
	// WriteUnits is the capacity consumed by the chunks written so far.
	WriteUnits float64
}

// NewItemWriter returns a writer of the items of a revision of an environment.
func (s *Store) NewItemWriter(ctx context.Context, storeID, envID string, revision int) *ItemWriter {
	w := &ItemWriter{s: s, ctx: ctx, pk: envPK(storeID, envID), revision: revision}
	w.zw, _ = gzip.NewWriterLevel(&w.buf, gzip.BestSpeed) // the level is valid
	return w
}

// Write adds one item, encoded as JSON.
func (w *ItemWriter) Write(item any) error {
	line, err := json.Marshal(item)
	if err != nil {
		return fmt.Errorf("dynamo: encode item: %w", err)
	}
	line = append(line, '\n')
	if _, err := w.zw.Write(line); err != nil {
		return fmt.Errorf("dynamo: compress items: %w", err)
	}
	w.count++
	w.inChunk++
	w.raw += len(line)
	limit := chunkRaw
	if len(w.starts) == 0 {
		limit = firstChunkRaw
	}
	if w.raw >= limit || w.buf.Len() >= chunkPacked {
		return w.cut()
	}
	return nil
}

// Close writes the last chunk and returns the index of the first item of
// each chunk written.
func (w *ItemWriter) Close() ([]int, error) {
	if w.raw > 0 {
		if err := w.cut(); err != nil {
			return nil, err
		}
	}
	if w.starts == nil {
		w.starts = []int{}
	}
	return w.starts, nil
}

// cut ends the current chunk's gzip stream and writes it.
func (w *ItemWriter) cut() error {
	if err := w.zw.Close(); err != nil {
		return fmt.Errorf("dynamo: compress items: %w", err)
	}
	out, err := w.s.db.PutItem(w.ctx, &dynamodb.PutItemInput{
		TableName: &w.s.table,
		Item: map[string]types.AttributeValue{
			attrPK: &types.AttributeValueMemberS{Value: w.pk},
			attrSK: &types.AttributeValueMemberS{Value: itemsSK(w.revision, len(w.starts))},
			"data": &types.AttributeValueMemberB{Value: bytes.Clone(w.buf.Bytes())},
		},
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		return wrap("put item chunk", err)
	}
	if out.ConsumedCapacity != nil && out.ConsumedCapacity.CapacityUnits != nil {
		w.WriteUnits += *out.ConsumedCapacity.CapacityUnits
	}
	w.starts = append(w.starts, w.count-w.inChunk)
	w.buf.Reset()
	w.zw.Reset(&w.buf)
	w.raw, w.inChunk = 0, 0
	return nil
}

// CommitVersion makes v the environment's next version, in one transaction
// with the environment, under the condition that the environment is still as
// env says (same latest version, same Promob revision) and that v's revision
// is newer than the imported one, that the manual items did not change
// since env was read (v's budget holds them as they were), and that the
// environment is not locked; v names its item chunks in v.ChunkStarts; the
// history entry that records the import is written in the same
// transaction. When the condition fails it returns an error wrapping
// domain.ErrChanged.
func (s *Store) CommitVersion(ctx context.Context, env domain.Environment, v domain.Version, entry domain.HistoryEntry, now time.Time) error {
	hist, err := s.historyPut(env.StoreID, env.ProjectID, entry)
	if err != nil {
		return err
	}
	it, err := newVersionItem(env, v)
	if err != nil {
		return wrap("encode version", err)
	}
	av, err := attributevalue.MarshalMap(it)
	if err != nil {
		return wrap("encode version", err)
	}
	n := func(i int) types.AttributeValue { return &types.AttributeValueMemberN{Value: strconv.Itoa(i)} }
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Update: &types.Update{
			TableName: &s.table, Key: key(envPK(env.StoreID, env.ID), skEnv),
			UpdateExpression: aws.String("SET latestVersion = :n, importedRevision = :rev, promobRevision = :prev, " +
				"importStatus = :imported, importError = :none, updatedAt = :now"),
			ConditionExpression: aws.String("latestVersion = :latest AND promobRevision = :readPromob AND importedRevision < :rev AND " +
				sameManual + " AND " + notLocked),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":seq": n(env.ManualSeq),
				":n":   n(v.Number), ":rev": n(v.PromobRevision), ":prev": n(max(env.PromobRevision, v.PromobRevision)),
				":latest": n(env.LatestVersion), ":readPromob": n(env.PromobRevision),
				":imported": &types.AttributeValueMemberS{Value: domain.ImportImported},
				":none":     &types.AttributeValueMemberS{Value: ""},
				":now":      &types.AttributeValueMemberS{Value: now.UTC().Format(time.RFC3339Nano)},
				":false":    &types.AttributeValueMemberBOOL{Value: false},
			},
		}},
		hist,
	}})
	if cancellationReasons(err) != nil {
		return fmt.Errorf("commit version %d of environment %s: %w", v.Number, env.ID, domain.ErrChanged)
	}
	return wrap("commit version", err)
}

// Versions returns the environment's versions, newest first. The newest is
// the latest even when env was read before it was committed: versions and
// the environment's latest number are written in one transaction, so the
// newest version listed is never older than env.LatestVersion.
func (s *Store) Versions(ctx context.Context, env domain.Environment) ([]domain.Version, error) {
	out := []domain.Version{}
	err := queryPrefix(ctx, s, envPK(env.StoreID, env.ID), skVersionPrefix, true, func(it versionItem) (bool, error) {
		v, err := it.domain(env)
		v.Latest = len(out) == 0
		out = append(out, v)
		return err == nil, err
	})
	return out, wrap("query versions", err)
}

// Version returns one version of the environment, or a not_found *Error.
// It is the latest when no next version exists, even when env was read
// before that version was committed: one consistent query reads the version
// and its successor.
func (s *Store) Version(ctx context.Context, env domain.Environment, number int) (domain.Version, error) {
	var items []versionItem
	err := s.queryPages(ctx, &dynamodb.QueryInput{
		TableName:              &s.table,
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :this AND :next"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk":   &types.AttributeValueMemberS{Value: envPK(env.StoreID, env.ID)},
			":this": &types.AttributeValueMemberS{Value: versionSK(number)},
			":next": &types.AttributeValueMemberS{Value: versionSK(number + 1)},
		},
		ConsistentRead: aws.Bool(true),
	}, func(page *dynamodb.QueryOutput) (bool, error) {
		var got []versionItem
		err := attributevalue.UnmarshalListOfMaps(page.Items, &got)
		items = append(items, got...)
		return true, err
	})
	if err != nil {
		return domain.Version{}, wrap("get version", err)
	}
	if len(items) == 0 || items[0].Number != number {
		return domain.Version{}, domain.NotFound("Environment %s has no version %d.", env.ID, number)
	}
	v, err := items[0].domain(env)
	v.Latest = len(items) == 1
	return v, wrap("decode version", err)
}

// EnvironmentLatest returns one of the store's environments, or a not_found
// *Error, with its latest version (the zero Version when it has none). The
// environment and its newest version are read in one request: the newest
// version is the latest when its number is the environment's latest
// version. A query is not isolated from a transaction that commits while
// it reads: when it saw the environment of a commit but not yet its version,
// they disagree, and the version the environment names is read then, as
// Version reads it.
func (s *Store) EnvironmentLatest(ctx context.Context, storeID, id string) (domain.Environment, domain.Version, error) {
	env, newest, err := s.environmentAndNewestVersion(ctx, storeID, id)
	if err != nil || env.LatestVersion == 0 {
		return env, domain.Version{}, err
	}
	var it versionItem
	if newest != nil {
		if err := attributevalue.UnmarshalMap(newest, &it); err != nil {
			return env, domain.Version{}, wrap("decode version", err)
		}
	}
	if it.Number != env.LatestVersion {
		v, err := s.Version(ctx, env, env.LatestVersion)
		return env, v, err
	}
	v, err := it.domain(env)
	v.Latest = true
	return env, v, wrap("decode version", err)
}

// environmentAndNewestVersion reads one of the store's environments, or
// returns a not_found *Error, and in the same request its newest version
// item (nil when there is none): the last two items up to the record's key
// (see versionSK).
func (s *Store) environmentAndNewestVersion(ctx context.Context, storeID, id string) (domain.Environment, map[string]types.AttributeValue, error) {
	return s.environmentAndNext(ctx, id, &dynamodb.QueryInput{
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :versions AND :env"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk":       &types.AttributeValueMemberS{Value: envPK(storeID, id)},
			":versions": &types.AttributeValueMemberS{Value: skVersionPrefix},
			":env":      &types.AttributeValueMemberS{Value: skEnv},
		},
		ScanIndexForward: aws.Bool(false),
	})
}

// environmentAndItems reads one of the store's environments, or returns a
// not_found *Error, and in the same request the first item chunk of the
// newest revision stored for it (nil when there is none): the first two
// items whose sort keys begin with the record's (see itemsPrefix).
func (s *Store) environmentAndItems(ctx context.Context, storeID, id string) (domain.Environment, map[string]types.AttributeValue, error) {
	return s.environmentAndNext(ctx, id, &dynamodb.QueryInput{
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :env)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk":  &types.AttributeValueMemberS{Value: envPK(storeID, id)},
			":env": &types.AttributeValueMemberS{Value: skEnv},
		},
		ScanIndexForward: aws.Bool(true),
	})
}

// environmentAndNext runs a consistent query of two items of an
// environment's partition that begins at the environment record, and
// returns the environment (not_found when the record is not the first
// item) and the item next to it (nil when there is none).
func (s *Store) environmentAndNext(ctx context.Context, id string, in *dynamodb.QueryInput) (domain.Environment, map[string]types.AttributeValue, error) {
	in.TableName, in.Limit, in.ConsistentRead = &s.table, aws.Int32(2), aws.Bool(true)
	out, err := s.db.Query(ctx, in)
	if err != nil {
		return domain.Environment{}, nil, wrap("query environment", err)
	}
	if len(out.Items) == 0 {
		return domain.Environment{}, nil, noEnvironment(id)
	}
	if sk, _ := out.Items[0][attrSK].(*types.AttributeValueMemberS); sk == nil || sk.Value != skEnv {
		return domain.Environment{}, nil, noEnvironment(id)
	}
	var it envItem
	if err := attributevalue.UnmarshalMap(out.Items[0], &it); err != nil {
		return domain.Environment{}, nil, wrap("decode environment", err)
	}
	var next map[string]types.AttributeValue
	if len(out.Items) > 1 {
		next = out.Items[1]
	}
	return it.domain(), next, nil
}

func (s *Store) version(ctx context.Context, env domain.Environment, number int) (versionItem, error) {
	var it versionItem
	if err := s.getExisting(ctx, envPK(env.StoreID, env.ID), versionSK(number), &it, "get version", domain.NotFound("Environment %s has no version %d.", env.ID, number)); err != nil {
		return versionItem{}, err
	}
	return it, nil
}

// VersionItems hands fn a decoder positioned at each stored item of a
// version in turn (fn decodes one item per call), in the order they were
// written. It fails with not_found for a missing version and with an error
// when the stored chunks are incomplete.
func (s *Store) VersionItems(ctx context.Context, env domain.Environment, number int, fn func(dec *json.Decoder) error) error {
	v, err := s.version(ctx, env, number)
	if err != nil {
		return err
	}
	if v.Chunks == 0 {
		return nil
	}
	packed, err := s.readChunks(ctx, envPK(env.StoreID, env.ID), itemsPrefix(v.PromobRevision), v.Chunks, fmt.Sprintf("version %d of %s", number, env.ID))
	if err != nil {
		return err
	}
	zr, err := gzip.NewReader(bytes.NewReader(packed))
	if err != nil {
		return wrap("decompress items", err)
	}
	defer zr.Close()
	dec := json.NewDecoder(bufio.NewReader(zr))
	for dec.More() {
		if err := fn(dec); err != nil {
			return err
		}
	}
	return nil
}

// RecordPromobRevision raises the environment's known Promob revision to
// revision and returns true, or returns false when it already knew it or a
// newer one.
func (s *Store) RecordPromobRevision(ctx context.Context, storeID, envID string, revision int, now time.Time) (bool, error) {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(envPK(storeID, envID), skEnv),
		UpdateExpression:    aws.String("SET promobRevision = :rev, updatedAt = :now"),
		ConditionExpression: aws.String("attribute_exists(PK) AND promobRevision < :rev"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":rev": &types.AttributeValueMemberN{Value: strconv.Itoa(revision)},
			":now": &types.AttributeValueMemberS{Value: now.UTC().Format(time.RFC3339Nano)},
		},
	})
	if isConditionFailed(err) {
		return false, nil
	}
	return err == nil, wrap("record Promob revision", err)
}

// SetImportStatus records the state of the environment's import and, for a
// failure, its reason.
func (s *Store) SetImportStatus(ctx context.Context, storeID, envID, status, reason string, now time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(envPK(storeID, envID), skEnv),
		UpdateExpression:    aws.String("SET importStatus = :st, importError = :reason, updatedAt = :now"),
		ConditionExpression: aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":st":     &types.AttributeValueMemberS{Value: status},
			":reason": &types.AttributeValueMemberS{Value: reason},
			":now":    &types.AttributeValueMemberS{Value: now.UTC().Format(time.RFC3339Nano)},
		},
	})
	if isConditionFailed(err) {
		return noEnvironment(envID)
	}
	return wrap("set import status", err)
}

// RequestImport marks the environment's import pending, under the condition
// that it is as env says: not locked, and in Promob (see
// domain.Environment.CanUpdate). When the condition fails it returns an
// error wrapping domain.ErrChanged.
func (s *Store) RequestImport(ctx context.Context, env domain.Environment, now time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(envPK(env.StoreID, env.ID), skEnv),
		UpdateExpression: aws.String("SET importStatus = :pending, importError = :none, updatedAt = :now"),
		ConditionExpression: aws.String("attribute_exists(PK) AND " + notLocked +
			" AND (attribute_not_exists(creationStatus) OR creationStatus = :ready) AND promobEnvironmentId <> :none"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pending": str(domain.ImportPending), ":none": str(""), ":ready": str(domain.EnvReady),
			":now": stamp(now), ":false": &types.AttributeValueMemberBOOL{Value: false},
		},
	})
	if isConditionFailed(err) {
		return fmt.Errorf("request the import of environment %s: %w", env.ID, domain.ErrChanged)
	}
	return wrap("request import", err)
}

// WriteItems writes a revision's items: fn emits each one, in order. It
// returns the index of the first item of each chunk written (what the
// version's ChunkStarts must hold) and the capacity they consumed.
func (s *Store) WriteItems(ctx context.Context, storeID, envID string, revision int, fn func(emit func(item any) error) error) (starts []int, writeUnits float64, err error) {
	w := s.NewItemWriter(ctx, storeID, envID, revision)
	if err := fn(w.Write); err != nil {
		return nil, w.WriteUnits, err
	}
	starts, err = w.Close()
	return starts, w.WriteUnits, err
}

// DeleteItems removes the item chunks written for a revision, and returns
// how many it removed. It is for an import refused midway: the caller must
// know that no version names them.
func (s *Store) DeleteItems(ctx context.Context, storeID, envID string, revision int) (int, error) {
	pk := envPK(storeID, envID)
	var sks []string
	err := s.queryPages(ctx, &dynamodb.QueryInput{
		TableName:              &s.table,
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: pk},
			":sk": &types.AttributeValueMemberS{Value: itemsPrefix(revision)},
		},
		ProjectionExpression: aws.String(attrSK),
		ConsistentRead:       aws.Bool(true),
	}, func(page *dynamodb.QueryOutput) (bool, error) {
		for _, item := range page.Items {
			if sk, ok := item[attrSK].(*types.AttributeValueMemberS); ok {
				sks = append(sks, sk.Value)
			}
		}
		return true, nil
	})
	if err != nil {
		return 0, wrap("list item chunks", err)
	}
	for i, sk := range sks {
		if _, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: key(pk, sk)}); err != nil {
			return i, wrap("delete item chunk", err)
		}
	}
	return len(sks), nil
}
