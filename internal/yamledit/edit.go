// Package yamledit changes scalar values of YAML text in place: the new
// value's text replaces the old one's bytes, found through the parsed
// node's position, so comments, key order, indentation, anchors, flow
// collections, quoting and blank lines stay byte-for-byte as they were.
package yamledit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Errors a PathError wraps, for errors.Is.
var (
	// ErrNotFound is a mapping key that the path names and the file lacks.
	ErrNotFound = errors.New("key not found")
	// ErrIndex is a list index past the list's end.
	ErrIndex = errors.New("index out of range")
	// ErrKind is a path step that does not fit the value it meets (a key
	// on a list, an index on a mapping, a step into a scalar).
	ErrKind = errors.New("wrong kind of value")
	// ErrNotScalar is a path that ends at a mapping or list.
	ErrNotScalar = errors.New("not a scalar")
	// ErrAlias is a path through an alias (*name): setting it would change
	// every user of the anchor.
	ErrAlias = errors.New("an alias: set the anchored value's own path")
	// ErrType is a new value of another YAML type than the current one.
	ErrType = errors.New("the new value has another type")
	// ErrUnsupported is a scalar written in a form not edited in place
	// (block scalars, multi-line plain scalars, empty values).
	ErrUnsupported = errors.New("not editable in place")
)

// PathError is a path that cannot be set, with the part of the path
// where it failed.
type PathError struct {
	// Path is the whole path asked for.
	Path Path
	// At is the prefix of Path where the problem is.
	At Path
	// Detail says more, such as the types compared.
	Detail string
	// Err is one of the package's sentinel errors.
	Err error
}

func (e *PathError) Error() string {
	msg := fmt.Sprintf("path %s: %v", e.Path, e.Err)
	if len(e.At) < len(e.Path) {
		msg = fmt.Sprintf("path %s: at %s: %v", e.Path, e.At, e.Err)
	}
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

func (e *PathError) Unwrap() error { return e.Err }

// Options say which document is edited and how a value is typed.
type Options struct {
	// Document is the document of a multi-document file, from 0.
	Document int
	// String writes the value as a string even where, unquoted, YAML
	// would read it as a number, boolean or null.
	String bool
}

// Set returns src with the scalar at path set to value, and whether that
// changed anything. Only the scalar's own text changes. A quoted scalar
// keeps its quote style; a plain one stays plain unless the value would
// then read as another type (a string "1.10" is written "1.10" with double
// quotes). A number, boolean or null keeps its type: a value of another
// type is ErrType unless Options.String asks for a string.
func Set(src []byte, path Path, value string, o Options) ([]byte, bool, error) {
	doc, err := document(src, o.Document)
	if err != nil {
		return nil, false, err
	}
	node, flow, err := find(doc, path)
	if err != nil {
		return nil, false, err
	}
	fail := func(err error, detail string) error {
		return &PathError{Path: path, At: path, Err: err, Detail: detail}
	}
	if node.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return nil, false, fail(ErrUnsupported, "a block scalar")
	}
	start := byteOffset(src, node.Line, node.Column)
	start, tagged := skipProperties(src, start)
	end, err := scalarEnd(src, start, node)
	if err != nil {
		return nil, false, fail(ErrUnsupported, err.Error())
	}
	text, err := newText(node, value, o, flow, tagged)
	if err != nil {
		return nil, false, fail(ErrType, err.Error())
	}
	quoted := node.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
	if text == string(src[start:end]) || quoted && node.Value == value {
		return src, false, nil // the same value, however it is escaped
	}
	out := make([]byte, 0, len(src)+len(text))
	out = append(append(append(out, src[:start]...), text...), src[end:]...)
	return out, true, nil
}

// document parses the nth document of src.
func document(src []byte, n int) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for i := 0; ; i++ {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("document %d not found: the file has %d", n, i)
		}
		if err != nil {
			return nil, fmt.Errorf("parse document %d: %w", i, err)
		}
		if i == n {
			if len(doc.Content) == 0 {
				return nil, fmt.Errorf("document %d is empty", n)
			}
			return doc.Content[0], nil
		}
	}
}

// find walks path from root to a scalar; flow says whether the scalar is
// in a flow collection, where plain text cannot hold ",[]{}".
func find(root *yaml.Node, path Path) (*yaml.Node, bool, error) {
	cur, flow := root, false
	for i, seg := range path {
		fail := func(err error, detail string) (*yaml.Node, bool, error) {
			return nil, false, &PathError{Path: path, At: path[:i+1], Err: err, Detail: detail}
		}
		if cur.Kind == yaml.AliasNode {
			return nil, false, &PathError{Path: path, At: path[:i], Err: ErrAlias}
		}
		flow = flow || cur.Style&yaml.FlowStyle != 0
		switch {
		case seg.Index >= 0:
			if cur.Kind != yaml.SequenceNode {
				return fail(ErrKind, "an index on a "+kindName(cur))
			}
			if seg.Index >= len(cur.Content) {
				return fail(ErrIndex, fmt.Sprintf("the list has %d items", len(cur.Content)))
			}
			cur = cur.Content[seg.Index]
		default:
			if cur.Kind != yaml.MappingNode {
				return fail(ErrKind, "a key on a "+kindName(cur))
			}
			var next *yaml.Node
			merged := false
			for k := 0; k+1 < len(cur.Content); k += 2 {
				key := cur.Content[k]
				if key.Kind == yaml.ScalarNode && key.Value == seg.Key {
					next = cur.Content[k+1]
				}
				merged = merged || key.Value == "<<"
			}
			if next == nil {
				if merged {
					return fail(ErrNotFound, "keys merged in with << are set at the anchored mapping")
				}
				return fail(ErrNotFound, "")
			}
			cur = next
		}
	}
	switch cur.Kind {
	case yaml.AliasNode:
		return nil, false, &PathError{Path: path, At: path, Err: ErrAlias}
	case yaml.ScalarNode:
		return cur, flow, nil
	}
	return nil, false, &PathError{Path: path, At: path, Err: ErrNotScalar, Detail: "a " + kindName(cur)}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.AliasNode:
		return "alias"
	}
	return "scalar"
}

// byteOffset turns a parser position (1-based line, and column in
// characters) into a byte offset.
func byteOffset(src []byte, line, column int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	for c := 1; c < column && off < len(src); c++ {
		_, size := decodeRune(src[off:])
		off += size
	}
	return off
}

// skipProperties skips an anchor (&name) and a tag (!tag) before a
// scalar, which the parser counts as the node's start, and reports
// whether a tag was there.
func skipProperties(src []byte, off int) (int, bool) {
	tagged := false
	for off < len(src) && (src[off] == '&' || src[off] == '!') {
		tagged = tagged || src[off] == '!'
		for off < len(src) && !isSpace(src[off]) {
			off++
		}
		for off < len(src) && isSpace(src[off]) {
			off++
		}
	}
	return off, tagged
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// scalarEnd finds the end of the scalar's text that starts at off.
func scalarEnd(src []byte, off int, node *yaml.Node) (int, error) {
	if off >= len(src) {
		return 0, errors.New("an empty value")
	}
	switch src[off] {
	case '"':
		for i := off + 1; i < len(src); i++ {
			switch src[i] {
			case '\\':
				i++
			case '"':
				return i + 1, nil
			}
		}
		return 0, errors.New("an unclosed double-quoted string")
	case '\'':
		for i := off + 1; i < len(src); i++ {
			if src[i] == '\'' {
				if i+1 < len(src) && src[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, nil
			}
		}
		return 0, errors.New("an unclosed single-quoted string")
	}
	if node.Value == "" {
		return 0, errors.New("an empty value (write a placeholder such as \"\" or ~ first)")
	}
	if !bytes.HasPrefix(src[off:], []byte(node.Value)) {
		return 0, errors.New("a plain scalar over several lines")
	}
	return off + len(node.Value), nil
}

// newText is the YAML text that writes value in place of node.
func newText(node *yaml.Node, value string, o Options, flow, tagged bool) (string, error) {
	switch {
	case node.Style&yaml.DoubleQuotedStyle != 0:
		return doubleQuoted(value), nil
	case node.Style&yaml.SingleQuotedStyle != 0:
		if strings.ContainsAny(value, "\n\r") {
			return doubleQuoted(value), nil
		}
		return "'" + strings.ReplaceAll(value, "'", "''") + "'", nil
	}
	plain := plainTag(value, flow)
	if tagged && plain != "" {
		return value, nil // the node's own tag says its type
	}
	old := node.ShortTag()
	if o.String || old == "!!str" {
		if plain == "!!str" {
			return value, nil
		}
		return doubleQuoted(value), nil
	}
	switch {
	case old == "!!null" && plain != "":
		return value, nil
	case old == "!!null":
		return doubleQuoted(value), nil
	case plain != old:
		got := plain
		if got == "" {
			got = "!!str"
		}
		return "", fmt.Errorf("%q is %s, the current value %q is %s; --string writes a string", value, got, node.Value, old)
	}
	return value, nil
}

// plainTag is the type YAML reads value as when written unquoted, or ""
// when it cannot be written unquoted as one scalar.
func plainTag(value string, flow bool) string {
	if value == "" || strings.ContainsAny(value, "\n\r\t") || strings.TrimSpace(value) != value {
		return ""
	}
	if flow && strings.ContainsAny(value, ",[]{}") {
		return ""
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(value), &doc); err != nil || len(doc.Content) != 1 {
		return ""
	}
	n := doc.Content[0]
	if n.Kind != yaml.ScalarNode || n.Style != 0 || n.Value != value || n.Anchor != "" || n.LineComment != "" || n.HeadComment != "" || n.FootComment != "" {
		return ""
	}
	return n.ShortTag()
}
