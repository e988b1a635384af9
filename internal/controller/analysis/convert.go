package analysis

import (
	"fmt"
	"strconv"
)

// asInt is the condition helper asInt: Argo's conversion of any Go number
// (floats truncated) or a base-10 string to int64. Where Argo panics on
// other values, this returns an error, which fails the evaluation the same
// way.
func asInt(v any) (int64, error) {
	switch n := v.(type) {
	case int:
		return int64(n), nil
	case int8:
		return int64(n), nil
	case int16:
		return int64(n), nil
	case int32:
		return int64(n), nil
	case int64:
		return n, nil
	case uint:
		return int64(n), nil
	case uint8:
		return int64(n), nil
	case uint16:
		return int64(n), nil
	case uint32:
		return int64(n), nil
	case uint64:
		return int64(n), nil
	case float32:
		return int64(n), nil
	case float64:
		return int64(n), nil
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("asInt: %w", err)
		}
		return i, nil
	}
	return 0, fmt.Errorf("asInt: unsupported value %v of type %T", v, v)
}

// asFloat is the condition helper asFloat: Argo's conversion of any Go
// number or a numeric string ("NaN" and "+Inf" included) to float64, with
// an error where Argo panics.
func asFloat(v any) (float64, error) {
	switch n := v.(type) {
	case int:
		return float64(n), nil
	case int8:
		return float64(n), nil
	case int16:
		return float64(n), nil
	case int32:
		return float64(n), nil
	case int64:
		return float64(n), nil
	case uint:
		return float64(n), nil
	case uint8:
		return float64(n), nil
	case uint16:
		return float64(n), nil
	case uint32:
		return float64(n), nil
	case uint64:
		return float64(n), nil
	case float32:
		return float64(n), nil
	case float64:
		return n, nil
	case string:
		f, err := strconv.ParseFloat(n, 64)
		if err != nil {
			return 0, fmt.Errorf("asFloat: %w", err)
		}
		return f, nil
	}
	return 0, fmt.Errorf("asFloat: unsupported value %v of type %T", v, v)
}
