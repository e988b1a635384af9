package prometheus

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// maxBody bounds what is read of an answer; a query result past it is
// not a metric anyone means to judge.
const maxBody = 16 << 20

// response is the envelope of Prometheus' HTTP API
// (https://prometheus.io/docs/prometheus/latest/querying/api/).
type response struct {
	Status    string   `json:"status"`
	Data      data     `json:"data"`
	ErrorType string   `json:"errorType"`
	Error     string   `json:"error"`
	Warnings  []string `json:"warnings"`
}

type data struct {
	ResultType string          `json:"resultType"`
	Result     json.RawMessage `json:"result"`
}

// sample is a [timestamp, "value"] pair; only the value is used.
type sample [2]json.RawMessage

// series is one element of a vector (value) or a matrix (values).
type series struct {
	Value  *sample  `json:"value"`
	Values []sample `json:"values"`
}

// query sends the request and decodes the answer; an error status with
// Prometheus' JSON error names its type and message.
func query(client *http.Client, req *http.Request) (*response, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	var res response
	if err := json.Unmarshal(body, &res); err != nil {
		if resp.StatusCode/100 != 2 {
			return nil, fmt.Errorf("status %d: %s", resp.StatusCode, snippet(body))
		}
		return nil, fmt.Errorf("decode answer: %w", err)
	}
	if res.Status != "success" {
		if res.Error == "" {
			return nil, fmt.Errorf("status %d, %q", resp.StatusCode, res.Status)
		}
		return nil, fmt.Errorf("%s: %s", res.ErrorType, res.Error)
	}
	return &res, nil
}

// result shapes the data as Argo does: a scalar is a float64, a vector
// the list of its samples' values, a matrix the list of all its points'
// values; the text value is the number, or the list in brackets.
func (r *response) result() (any, string, error) {
	switch r.Data.ResultType {
	case "scalar":
		var s sample
		if err := json.Unmarshal(r.Data.Result, &s); err != nil {
			return nil, "", fmt.Errorf("decode scalar: %w", err)
		}
		v, err := s.value()
		if err != nil {
			return nil, "", err
		}
		return v, formatValue(v), nil
	case "vector", "matrix":
		var all []series
		if err := json.Unmarshal(r.Data.Result, &all); err != nil {
			return nil, "", fmt.Errorf("decode %s: %w", r.Data.ResultType, err)
		}
		values := []float64{}
		for _, s := range all {
			points := s.Values
			if s.Value != nil {
				points = append(points, *s.Value)
			}
			for _, p := range points {
				v, err := p.value()
				if err != nil {
					return nil, "", err
				}
				values = append(values, v)
			}
		}
		text := make([]string, len(values))
		for i, v := range values {
			text[i] = formatValue(v)
		}
		return values, "[" + strings.Join(text, ",") + "]", nil
	}
	return nil, "", fmt.Errorf("prometheus result type %q is not supported", r.Data.ResultType)
}

// value reads a sample's value, written as a string ("1.5", "NaN", "+Inf").
func (s sample) value() (float64, error) {
	var text string
	if err := json.Unmarshal(s[1], &text); err != nil {
		return 0, fmt.Errorf("decode sample value %s: %w", s[1], err)
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return 0, fmt.Errorf("sample value: %w", err)
	}
	return v, nil
}

// formatValue writes a value as Prometheus does: shortest decimal form,
// NaN, +Inf, -Inf.
func formatValue(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// snippet is the start of a non-JSON answer, on one line.
func snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	if s == "" {
		return "empty answer"
	}
	return s
}
