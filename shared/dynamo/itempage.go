package dynamo

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
)

var errBadPosition = domain.Invalid("cursor is not one this API issued: pass back a nextCursor unchanged.")

// VersionItemsFrom hands fn a decoder positioned at each stored item of
// version v from position from, in order; fn decodes the item and returns
// false to stop after it. Only the chunks it reaches are read, one GetItem
// each. It returns the position after the last item fn took and true, or
// false when the version has no item after it. A position outside the
// version's items is an invalid_request *domain.Error.
func (s *Store) VersionItemsFrom(ctx context.Context, env domain.Environment, v domain.Version, from domain.ItemPos, fn func(dec *json.Decoder) (bool, error)) (domain.ItemPos, bool, error) {
	starts := v.ChunkStarts
	count := func(c int) int {
		if c+1 < len(starts) {
			return starts[c+1] - starts[c]
		}
		return v.ItemCount - starts[c]
	}
	if len(starts) == 0 && from == (domain.ItemPos{}) {
		return domain.ItemPos{}, false, nil
	}
	if from.Chunk < 0 || from.Chunk >= len(starts) || from.Index < 0 || from.Index >= count(from.Chunk) {
		return domain.ItemPos{}, false, errBadPosition
	}
	for c := from.Chunk; c < len(starts); c++ {
		dec, closer, err := s.chunk(ctx, env, v.PromobRevision, c)
		if errors.Is(err, errNoChunk) {
			return domain.ItemPos{}, false, fmt.Errorf("dynamo: version %d of %s lacks item chunk %d", v.Number, env.ID, c)
		}
		if err != nil {
			return domain.ItemPos{}, false, err
		}
		n := count(c)
		skip := 0
		if c == from.Chunk {
			skip = from.Index
		}
		for i := 0; i < n; i++ {
			if i < skip {
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					closer()
					return domain.ItemPos{}, false, wrap("decode item chunk", err)
				}
				continue
			}
			more, err := fn(dec)
			if err != nil {
				closer()
				return domain.ItemPos{}, false, err
			}
			if !more {
				closer()
				switch {
				case i+1 < n:
					return domain.ItemPos{Chunk: c, Index: i + 1}, true, nil
				case c+1 < len(starts):
					return domain.ItemPos{Chunk: c + 1}, true, nil
				}
				return domain.ItemPos{}, false, nil
			}
		}
		closer()
	}
	return domain.ItemPos{}, false, nil
}

// LatestItems is VersionItemsFrom for the record's latest version from its
// first item, without reading the version first: the first chunk's key
// follows from env.ImportedRevision (the revision of the latest version),
// so a page that ends inside the first chunk costs one GetItem. The version
// is read only when fn goes on to the first chunk's end (to know whether
// other chunks follow) or when the version has no chunk.
func (s *Store) LatestItems(ctx context.Context, env domain.Environment, fn func(dec *json.Decoder) (bool, error)) (domain.ItemPos, bool, error) {
	data, err := s.chunkData(ctx, env, env.ImportedRevision, 0)
	return s.latestItems(ctx, env, data, err, fn)
}

// EnvironmentItems returns one of the store's environments, or a not_found
// *Error, and a reader of its latest version's items from the first, as
// LatestItems reads them. The environment and the first item chunk of the
// newest revision stored for it are read at once, so that a first page
// ending inside that chunk takes one round trip. The chunk is used only
// when it is the first chunk of the environment's imported revision (the
// latest version's): one of a revision still being imported, or one read
// before the import that the environment names had written it, is not, and
// the reader then reads as LatestItems does. Either way the items are those
// of the version the environment names as its latest.
func (s *Store) EnvironmentItems(ctx context.Context, storeID, id string) (domain.Environment, func(fn func(dec *json.Decoder) (bool, error)) (domain.ItemPos, bool, error), error) {
	env, chunk, err := s.environmentAndItems(ctx, storeID, id)
	if err != nil {
		return env, nil, err
	}
	return env, func(fn func(dec *json.Decoder) (bool, error)) (domain.ItemPos, bool, error) {
		sk, _ := chunk[attrSK].(*types.AttributeValueMemberS)
		data, _ := chunk["data"].(*types.AttributeValueMemberB)
		if sk == nil || data == nil || sk.Value != itemsSK(env.ImportedRevision, 0) {
			return s.LatestItems(ctx, env, fn)
		}
		return s.latestItems(ctx, env, data.Value, nil, fn)
	}, nil
}

// latestItems is LatestItems once the latest version's first chunk is
// read: data, or err from reading it (errNoChunk when there is none).
func (s *Store) latestItems(ctx context.Context, env domain.Environment, data []byte, err error, fn func(dec *json.Decoder) (bool, error)) (domain.ItemPos, bool, error) {
	if errors.Is(err, errNoChunk) {
		return s.latestItemsFrom(ctx, env, domain.ItemPos{}, fn)
	}
	if err != nil {
		return domain.ItemPos{}, false, err
	}
	dec, closer, err := decodeChunk(data)
	if err != nil {
		return domain.ItemPos{}, false, err
	}
	defer closer()
	taken := 0
	for dec.More() {
		more, err := fn(dec)
		if err != nil {
			return domain.ItemPos{}, false, err
		}
		taken++
		if !more {
			if dec.More() {
				return domain.ItemPos{Index: taken}, true, nil
			}
			v, err := s.Version(ctx, env, env.LatestVersion)
			if err != nil || len(v.ChunkStarts) < 2 {
				return domain.ItemPos{}, false, err
			}
			return domain.ItemPos{Chunk: 1}, true, nil
		}
	}
	return s.latestItemsFrom(ctx, env, domain.ItemPos{Chunk: 1}, fn)
}

// latestItemsFrom reads the latest version and hands fn its items from
// position from (none when from is past its last chunk).
func (s *Store) latestItemsFrom(ctx context.Context, env domain.Environment, from domain.ItemPos, fn func(dec *json.Decoder) (bool, error)) (domain.ItemPos, bool, error) {
	v, err := s.Version(ctx, env, env.LatestVersion)
	if err != nil || (from.Chunk > 0 && from.Chunk >= len(v.ChunkStarts)) {
		return domain.ItemPos{}, false, err
	}
	return s.VersionItemsFrom(ctx, env, v, from, fn)
}

// errNoChunk is chunk's answer for a chunk that does not exist.
var errNoChunk = errors.New("dynamo: no such item chunk")

// chunk reads chunk c of a Promob revision's items and returns a decoder
// of its JSON lines, or errNoChunk.
func (s *Store) chunk(ctx context.Context, env domain.Environment, revision, c int) (*json.Decoder, func(), error) {
	data, err := s.chunkData(ctx, env, revision, c)
	if err != nil {
		return nil, nil, err
	}
	return decodeChunk(data)
}

// chunkData reads chunk c of a Promob revision's items as stored (gzip),
// or returns errNoChunk. Chunks never change once written, so an
// eventually consistent read (half the read units) is enough; a chunk not
// yet seen by that read (just after the version was committed) is read
// again consistently.
func (s *Store) chunkData(ctx context.Context, env domain.Environment, revision, c int) ([]byte, error) {
	k := key(envPK(env.StoreID, env.ID), itemsSK(revision, c))
	for _, consistent := range []bool{false, true} {
		out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: k, ConsistentRead: aws.Bool(consistent)})
		if err != nil {
			return nil, wrap("get item chunk", err)
		}
		if b, ok := out.Item["data"].(*types.AttributeValueMemberB); ok {
			return b.Value, nil
		}
	}
	return nil, errNoChunk
}

// decodeChunk returns a decoder of a stored chunk's JSON lines and the
// function that releases it.
func decodeChunk(data []byte) (*json.Decoder, func(), error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, wrap("decompress item chunk", err)
	}
	zr.Multistream(false)
	return json.NewDecoder(zr), func() { _ = zr.Close() }, nil
}
