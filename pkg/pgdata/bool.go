package pgdata

import "strings"

// ParseBool reads a boolean the way the server's parse_bool does: any unique prefix,
// without regard to case, of true, false, yes, no, on, off (at least "on" or "of" for
// the last two), or exactly 1 or 0. Nothing else is trimmed or accepted.
func ParseBool(s string) (value, ok bool) {
	if s == "" {
		return false, false
	}
	prefix := func(word string, min int) bool {
		return len(s) >= min && len(s) <= len(word) && strings.EqualFold(s, word[:len(s)])
	}
	switch s[0] {
	case 't', 'T':
		return true, prefix("true", 1)
	case 'f', 'F':
		return false, prefix("false", 1)
	case 'y', 'Y':
		return true, prefix("yes", 1)
	case 'n', 'N':
		return false, prefix("no", 1)
	case 'o', 'O':
		if prefix("on", 2) {
			return true, true
		}
		return false, prefix("off", 2)
	case '1':
		return true, s == "1"
	case '0':
		return false, s == "0"
	}
	return false, false
}
