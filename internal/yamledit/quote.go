package yamledit

import (
	"strconv"
	"unicode/utf8"
)

// doubleQuoted writes s as a YAML double-quoted scalar. Go's escapes
// (\n, \t, \", \\, \xNN, \uNNNN, \UNNNNNNNN) are all YAML escapes too.
func doubleQuoted(s string) string { return strconv.Quote(s) }

func decodeRune(b []byte) (rune, int) { return utf8.DecodeRune(b) }
