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
	var s string
	if json.Unmarshal(b, &s) != nil {
		s = string(b)
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("%s is not an integer", b)
	}
	*n = number(v)
	return nil
}

// boolean is a boolean property written as true or "true".
type boolean bool

func (x *boolean) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) != nil {
		s = string(b)
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("%s is not a boolean", b)
	}
	*x = boolean(v)
	return nil
}
