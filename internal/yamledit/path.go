package yamledit

import (
	"fmt"
	"strconv"
	"strings"
)

// Segment is one step of a Path: a mapping key, or (Index >= 0) a list item.
type Segment struct {
	// Key is the mapping key (empty for a list item).
	Key string
	// Index is the list item's position, or -1 for a mapping key.
	Index int
}

// String writes the segment as ParsePath reads it.
func (s Segment) String() string {
	if s.Index >= 0 {
		return "[" + strconv.Itoa(s.Index) + "]"
	}
	if s.Key == "" || strings.ContainsAny(s.Key, `.[]"'`) {
		return strconv.Quote(s.Key)
	}
	return s.Key
}

// Path is a dotted path to a value, such as image.tag,
// containers[0].image or annotations."example.com/team".
type Path []Segment

// String writes the path as ParsePath reads it.
func (p Path) String() string {
	var b strings.Builder
	for i, s := range p {
		if i > 0 && s.Index < 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.String())
	}
	return b.String()
}

// ParsePath reads a dotted path: keys separated by dots, [N] for the Nth
// item (from 0) of a list, and keys holding dots or brackets quoted with
// double quotes (Go escapes) or single quotes.
func ParsePath(s string) (Path, error) {
	var p Path
	i := 0
	expectKey := true // at the start or after a dot
	for i < len(s) {
		switch c := s[i]; {
		case c == '[':
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("path %q: unclosed [", s)
			}
			n, err := strconv.Atoi(s[i+1 : i+end])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("path %q: index %q is not a number from 0", s, s[i+1:i+end])
			}
			if len(p) == 0 && expectKey && i > 0 {
				return nil, fmt.Errorf("path %q: empty key before [", s)
			}
			p = append(p, Segment{Index: n})
			i += end + 1
			expectKey = false
		case c == '.':
			if expectKey {
				return nil, fmt.Errorf("path %q: empty key at offset %d", s, i)
			}
			i++
			expectKey = true
			if i == len(s) {
				return nil, fmt.Errorf("path %q: ends with a dot", s)
			}
		case !expectKey:
			return nil, fmt.Errorf("path %q: want . or [ at offset %d", s, i)
		case c == '"' || c == '\'':
			key, n, err := quotedKey(s[i:])
			if err != nil {
				return nil, fmt.Errorf("path %q: %w", s, err)
			}
			p = append(p, Segment{Key: key, Index: -1})
			i += n
			expectKey = false
		default:
			end := strings.IndexAny(s[i:], ".[")
			if end < 0 {
				end = len(s) - i
			}
			key := s[i : i+end]
			if strings.ContainsAny(key, `]"'`) {
				return nil, fmt.Errorf("path %q: key %q needs quotes", s, key)
			}
			p = append(p, Segment{Key: key, Index: -1})
			i += end
			expectKey = false
		}
	}
	if len(p) == 0 {
		return nil, fmt.Errorf("path %q: empty", s)
	}
	return p, nil
}

// quotedKey reads a quoted key at the start of s and returns it with the
// length of its quoted form.
func quotedKey(s string) (string, int, error) {
	if s[0] == '\'' {
		end := strings.IndexByte(s[1:], '\'')
		if end < 0 {
			return "", 0, fmt.Errorf("unclosed quote in %s", s)
		}
		return s[1 : end+1], end + 2, nil
	}
	prefix, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", 0, fmt.Errorf("bad quoted key in %s", s)
	}
	key, _ := strconv.Unquote(prefix)
	return key, len(prefix), nil
}
