package samtemplate

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// stringOf returns a resolved scalar as text (numbers in decimal, booleans as
// true/false). It returns an error for a list, a mapping or null.
func stringOf(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int:
		return strconv.Itoa(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	}
	return "", fmt.Errorf("expected a scalar, got %T", v)
}

// decodeInto copies a resolved value into a struct through JSON; number and
// boolean fields accept the text forms CloudFormation accepts.
func decodeInto(v any, out any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, out)
}

// number is an integer property written as 5 or "5".
type number int

func (n *number) UnmarshalJSON(b []byte) error {
	v, err := textOrBare(b, strconv.Atoi, "an integer")
	if err == nil {
		*n = number(v)
	}
	return err
}

// boolean is a boolean property written as true or "true".
type boolean bool

func (x *boolean) UnmarshalJSON(b []byte) error {
	v, err := textOrBare(b, strconv.ParseBool, "a boolean")
	if err == nil {
		*x = boolean(v)
	}
	return err
}

// textOrBare parses a property written bare or as a string with parse;
// what names the kind of value in the error.
func textOrBare[T any](b []byte, parse func(string) (T, error), what string) (T, error) {
	var s string
	if json.Unmarshal(b, &s) != nil {
		s = string(b)
	}
	v, err := parse(s)
	if err != nil {
		return v, fmt.Errorf("%s is not %s", b, what)
	}
	return v, nil
}
