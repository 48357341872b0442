package pgdata

// token is a token of postgresql.conf, as the server's flex scanner (guc-file.l)
// returns them.
type token int

const (
	tokEOF token = iota
	tokID
	tokString
	tokInteger
	tokReal
	tokEquals
	tokUnquoted
	tokQualifiedID
	tokEOL
	tokError
)

// lexer scans postgresql.conf byte by byte as flex does: at each point the longest
// match of any rule wins, and among equally long matches the rule listed first in
// guc-file.l. Bytes 0x80-0xFF count as letters, as in the server's 8-bit scanner.
type lexer struct {
	src  []byte
	pos  int
	line int // ConfigFileLineno: 1-based, incremented when a newline is scanned
	text string
}

func newLexer(src []byte) *lexer { return &lexer{src: src, line: 1} }

func isLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isLetterOrDigit(c byte) bool { return isLetter(c) || isDigit(c) }

func isHexDigit(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isUnitLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// next returns the next token; its text is in l.text.
func (l *lexer) next() token {
	for {
		if l.pos >= len(l.src) {
			l.text = ""
			return tokEOF
		}
		c := l.src[l.pos]
		switch {
		case c == '\n':
			l.pos++
			l.line++
			l.text = "\n"
			return tokEOL
		case c == ' ' || c == '\t' || c == '\r':
			l.pos++
			continue
		case c == '#':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
			continue
		}
		break
	}
	// Rules in guc-file.l order; a later rule wins only with a strictly longer match.
	rules := [...]struct {
		tok token
		n   int
	}{
		{tokID, l.matchID(l.pos)},
		{tokQualifiedID, l.matchQualifiedID()},
		{tokString, l.matchString()},
		{tokUnquoted, l.matchUnquoted()},
		{tokInteger, l.matchInteger()},
		{tokReal, l.matchReal()},
		{tokEquals, l.matchEquals()},
		{tokError, 1},
	}
	best := rules[0]
	for _, r := range rules[1:] {
		if r.n > best.n {
			best = r
		}
	}
	l.text = string(l.src[l.pos : l.pos+best.n])
	l.pos += best.n
	return best.tok
}

func (l *lexer) at(i int) (byte, bool) {
	if i < len(l.src) {
		return l.src[i], true
	}
	return 0, false
}

// matchID: {LETTER}{LETTER_OR_DIGIT}*
func (l *lexer) matchID(p int) int {
	if c, ok := l.at(p); !ok || !isLetter(c) {
		return 0
	}
	i := p + 1
	for c, ok := l.at(i); ok && isLetterOrDigit(c); c, ok = l.at(i) {
		i++
	}
	return i - p
}

// matchQualifiedID: {ID}"."{ID}
func (l *lexer) matchQualifiedID() int {
	n := l.matchID(l.pos)
	if n == 0 {
		return 0
	}
	if c, ok := l.at(l.pos + n); !ok || c != '.' {
		return 0
	}
	m := l.matchID(l.pos + n + 1)
	if m == 0 {
		return 0
	}
	return n + 1 + m
}

// matchString: \'([^'\\\n]|\\.|\'\')*\' at its longest.
func (l *lexer) matchString() int {
	if c, _ := l.at(l.pos); c != '\'' {
		return 0
	}
	longest := 0
	i := l.pos + 1
	for i < len(l.src) {
		c := l.src[i]
		switch {
		case c == '\'':
			longest = i + 1 - l.pos
			if n, ok := l.at(i + 1); ok && n == '\'' {
				i += 2
				continue
			}
			return longest
		case c == '\\':
			if n, ok := l.at(i + 1); ok && n != '\n' {
				i += 2
				continue
			}
			return longest
		case c == '\n':
			return longest
		}
		i++
	}
	return longest
}

// matchUnquoted: {LETTER}({LETTER_OR_DIGIT}|[-._:/])*
func (l *lexer) matchUnquoted() int {
	if c, ok := l.at(l.pos); !ok || !isLetter(c) {
		return 0
	}
	i := l.pos + 1
	for c, ok := l.at(i); ok && (isLetterOrDigit(c) || c == '-' || c == '.' || c == '_' || c == ':' || c == '/'); c, ok = l.at(i) {
		i++
	}
	return i - l.pos
}

// matchInteger: {SIGN}?({DIGIT}+|0x{HEXDIGIT}+){UNIT_LETTER}*
func (l *lexer) matchInteger() int {
	p := l.pos
	if c, ok := l.at(p); ok && (c == '+' || c == '-') {
		p++
	}
	best := 0
	i := p
	for c, ok := l.at(i); ok && isDigit(c); c, ok = l.at(i) {
		i++
	}
	if i > p {
		best = l.units(i) - l.pos
	}
	if c, _ := l.at(p); c == '0' {
		if x, _ := l.at(p + 1); x == 'x' {
			j := p + 2
			for c, ok := l.at(j); ok && isHexDigit(c); c, ok = l.at(j) {
				j++
			}
			if j > p+2 {
				best = max(best, l.units(j)-l.pos)
			}
		}
	}
	return best
}

func (l *lexer) units(i int) int {
	for c, ok := l.at(i); ok && isUnitLetter(c); c, ok = l.at(i) {
		i++
	}
	return i
}

// matchReal: {SIGN}?{DIGIT}*"."{DIGIT}*{EXPONENT}? with EXPONENT [Ee]{SIGN}?{DIGIT}+
func (l *lexer) matchReal() int {
	i := l.pos
	if c, ok := l.at(i); ok && (c == '+' || c == '-') {
		i++
	}
	for c, ok := l.at(i); ok && isDigit(c); c, ok = l.at(i) {
		i++
	}
	if c, ok := l.at(i); !ok || c != '.' {
		return 0
	}
	i++
	for c, ok := l.at(i); ok && isDigit(c); c, ok = l.at(i) {
		i++
	}
	if c, ok := l.at(i); ok && (c == 'e' || c == 'E') {
		j := i + 1
		if s, ok := l.at(j); ok && (s == '+' || s == '-') {
			j++
		}
		k := j
		for c, ok := l.at(k); ok && isDigit(c); c, ok = l.at(k) {
			k++
		}
		if k > j {
			i = k
		}
	}
	return i - l.pos
}

func (l *lexer) matchEquals() int {
	if c, _ := l.at(l.pos); c == '=' {
		return 1
	}
	return 0
}
