package render

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// ParseManifests splits YAML (multi-document) or JSON into objects,
// flattening List kinds and dropping empty documents. Every reader of
// manifest files uses it: renders, and `tiphys admin health`.
func ParseManifests(data []byte) ([]*unstructured.Unstructured, error) {
	var objs []*unstructured.Unstructured
	rd := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for doc := 1; ; doc++ {
		chunk, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return objs, fmt.Errorf("document %d: %w", doc, err)
		}
		if len(bytes.TrimSpace(chunk)) == 0 {
			continue
		}
		j, err := yaml.YAMLToJSON(chunk)
		if err != nil {
			return objs, fmt.Errorf("document %d: %w", doc, err)
		}
		got, err := objectsFromJSON(j)
		if err != nil {
			return objs, fmt.Errorf("document %d: %w", doc, err)
		}
		objs = append(objs, got...)
	}
	return objs, nil
}

// objectsFromJSON decodes one JSON value: null, an object, a List, or an
// array of objects.
func objectsFromJSON(j []byte) ([]*unstructured.Unstructured, error) {
	j = bytes.TrimSpace(j)
	if len(j) == 0 || string(j) == "null" {
		return nil, nil
	}
	if j[0] == '[' {
		var items []any
		if err := utiljson.Unmarshal(j, &items); err != nil {
			return nil, err
		}
		return objectsFromItems("list", items)
	}
	if j[0] != '{' {
		return nil, fmt.Errorf("a %s, not an object or a list of objects", jsonKind(j))
	}
	// utiljson keeps integers int64, as objects from the API server have them.
	var m map[string]any
	if err := utiljson.Unmarshal(j, &m); err != nil {
		return nil, err
	}
	return objectsFromMap(m)
}

func objectsFromMap(m map[string]any) ([]*unstructured.Unstructured, error) {
	if len(m) == 0 {
		return nil, nil
	}
	obj := &unstructured.Unstructured{Object: m}
	if strings.HasSuffix(obj.GetKind(), "List") {
		switch items := m["items"].(type) {
		case []any:
			return objectsFromItems(obj.GetKind(), items)
		case nil:
		default:
			return nil, fmt.Errorf("%s items is not a list", obj.GetKind())
		}
	}
	if obj.GetAPIVersion() == "" || obj.GetKind() == "" {
		return nil, errMissingTypeMeta
	}
	return []*unstructured.Unstructured{obj}, nil
}

// objectsFromItems decodes the items of a list, naming the one that is
// not an object.
func objectsFromItems(list string, items []any) ([]*unstructured.Unstructured, error) {
	var objs []*unstructured.Unstructured
	for i, it := range items {
		im, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s item %d is not an object", list, i+1)
		}
		got, err := objectsFromMap(im)
		if err != nil {
			return nil, fmt.Errorf("%s item %d: %w", list, i+1, err)
		}
		objs = append(objs, got...)
	}
	return objs, nil
}

// jsonKind names the kind of a JSON scalar, for errors.
func jsonKind(j []byte) string {
	switch {
	case j[0] == '"':
		return "string"
	case string(j) == "true" || string(j) == "false":
		return "boolean"
	}
	return "number"
}

var errMissingTypeMeta = errors.New("object has no apiVersion or kind")

// looksLikeManifest reports whether a YAML file that does not parse as
// manifests was meant to be one; other YAML files in a directory app (values,
// configuration) are skipped, as Argo CD skips them.
func looksLikeManifest(data []byte) bool {
	return bytes.Contains(data, []byte("apiVersion:")) && bytes.Contains(data, []byte("kind:")) &&
		bytes.Contains(data, []byte("metadata:"))
}
