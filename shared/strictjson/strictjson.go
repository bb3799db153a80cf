// Package strictjson decodes the JSON bodies the system takes from outside
// (REST API requests, Promob's webhooks, tokens' claims) one way: exactly
// one JSON value of valid UTF-8, object member names matched to fields
// exactly as spelled (no case folding), and no name given twice in an
// object, not even in another case, so that no two readers of a body can
// see different values. Unknown members are refused or ignored as the
// caller asks. Failures are malformed_json *domain.Error values whose
// message names the place, never the value.
package strictjson

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/foccolojas/promob-integration/shared/domain"
	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Decode reads data into v (see the package comment). With rejectUnknown,
// a member that no field of v takes is refused too.
func Decode(data []byte, v any, rejectUnknown bool) error {
	if err := checkNames(data); err != nil {
		return err
	}
	err := json.Unmarshal(data, v,
		jsonv1.DefaultOptionsV1(), // encoding/json's semantics otherwise (null, numbers, Unmarshaler methods)
		jsonv1.ReportErrorsWithLegacySemantics(false),
		json.MatchCaseInsensitiveNames(false),
		json.RejectUnknownMembers(rejectUnknown),
		jsontext.AllowDuplicateNames(false),
		jsontext.AllowInvalidUTF8(false),
	)
	if err != nil {
		return describe(err)
	}
	return nil
}

// checkNames reads data token by token: one value, valid UTF-8, and no
// object with two member names equal under Unicode case folding.
func checkNames(data []byte) error {
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	// frames holds, for each open object, the folded names seen so far (nil
	// for an open array).
	var frames []map[string]bool
	nameNext := false // the next token of the open object is a member name
	for {
		tok, err := dec.ReadToken()
		if errors.Is(err, io.EOF) { // before one whole value was read
			return malformed("The body is empty or cut short.")
		}
		if err != nil {
			return describe(err)
		}
		if nameNext && tok.Kind() == '"' {
			name := fold(tok.String())
			if frames[len(frames)-1][name] {
				return malformed("Member %s is given twice (names are matched exactly and must not repeat in another case).", clip(string(dec.StackPointer())))
			}
			frames[len(frames)-1][name] = true
			nameNext = false
			continue
		}
		switch tok.Kind() {
		case '{':
			frames = append(frames, map[string]bool{})
			nameNext = true
			continue
		case '[':
			frames = append(frames, nil)
		case '}', ']':
			frames = frames[:len(frames)-1]
		}
		// A value (or the end of one) was read: in an object, a name follows.
		nameNext = len(frames) > 0 && frames[len(frames)-1] != nil
		if len(frames) == 0 {
			if _, err := dec.ReadToken(); !errors.Is(err, io.EOF) {
				return malformed("The body must hold exactly one JSON value.")
			}
			return nil
		}
	}
}

// fold maps a name to one representative of its Unicode case-folding
// class, so that names equal under case folding fold alike.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, s)
}

// describe turns a decoding error into a malformed_json *domain.Error.
func describe(err error) error {
	var (
		syn *jsontext.SyntacticError
		sem *json.SemanticError
	)
	switch {
	case errors.As(err, &syn) && errors.Is(syn.Err, jsontext.ErrDuplicateName):
		return malformed("Member %s is given twice.", clip(string(syn.JSONPointer)))
	case errors.As(err, &syn) && errors.Is(syn.Err, io.ErrUnexpectedEOF):
		return malformed("The body is empty or cut short.")
	case errors.As(err, &syn):
		return malformed("Malformed JSON at byte %d.", syn.ByteOffset)
	case errors.As(err, &sem) && errors.Is(sem.Err, json.ErrUnknownName):
		return malformed("The body does not match the expected shape: unknown field %s.", clip(string(sem.JSONPointer)))
	case errors.As(err, &sem) && sem.GoType != nil:
		return malformed("Field %s must be of type %s.", clip(string(sem.JSONPointer)), sem.GoType)
	case errors.As(err, &sem):
		return malformed("Field %s is not valid.", clip(string(sem.JSONPointer)))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return malformed("The body is empty or cut short.")
	}
	return malformed("The body is not valid JSON.")
}

func malformed(format string, args ...any) error {
	return domain.MalformedJSON(format, args...)
}

// clip names a place in the body without echoing more than 100 bytes of it.
func clip(pointer string) string {
	if pointer == "" {
		pointer = "/"
	}
	if len(pointer) > 100 {
		pointer = pointer[:100] + "…"
	}
	return fmt.Sprintf("%q", pointer)
}
