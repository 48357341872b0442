package chain

import (
	"fmt"
	"strings"
)

// inetAton parses an IPv4 address the way glibc's inet_aton does, which libpq uses to
// decide whether the host is an IP address and to compare it with 4-byte iPAddress
// SANs: one to four parts separated by dots, each decimal, octal (leading 0) or hex
// (0x), the last part filling the remaining bytes ("127.1" is 127.0.0.1), and anything
// after white space ignored.
func inetAton(s string) ([4]byte, bool) {
	var addr [4]byte
	parts := 0
	i := 0
	var val uint64
	for {
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return addr, false
		}
		var ok bool
		val, i, ok = strtoul(s, i)
		if !ok {
			return addr, false
		}
		if i < len(s) && s[i] == '.' {
			if parts > 2 || val > 0xff {
				return addr, false
			}
			addr[parts] = byte(val)
			parts++
			i++
			continue
		}
		break
	}
	if i < len(s) && !isCSpace(s[i]) {
		return addr, false
	}
	if val > [4]uint64{0xffffffff, 0xffffff, 0xffff, 0xff}[parts] {
		return addr, false
	}
	for k := 3; k >= parts; k-- {
		addr[k] |= byte(val)
		val >>= 8
	}
	return addr, true
}

// strtoul parses an unsigned number at s[i:] as strtoul(s, &end, 0) does: "0x" (with a
// hex digit after it) selects hex, a leading 0 octal, else decimal. It fails on values
// above 32 bits, which inet_aton refuses.
func strtoul(s string, i int) (uint64, int, bool) {
	base := uint64(10)
	if s[i] == '0' {
		base = 8
		if i+2 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') && hexValue(s[i+2]) >= 0 {
			base = 16
			i += 2
		}
	}
	var val uint64
	for ; i < len(s); i++ {
		d := hexValue(s[i])
		if d < 0 || uint64(d) >= base {
			break
		}
		val = val*base + uint64(d)
		if val > 0xffffffff {
			return 0, i, false
		}
	}
	return val, i, true
}

func hexValue(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func isCSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

// inetPton6 parses an IPv6 address as glibc's inet_pton(AF_INET6) does: hex groups of
// up to four digits, one "::", an optional dotted IPv4 tail, nothing else (no zone, no
// white space).
func inetPton6(s string) ([16]byte, bool) {
	var out [16]byte
	if s == "" {
		return out, false
	}
	i := 0
	if s[0] == ':' {
		i++
		if i >= len(s) || s[i] != ':' {
			return out, false
		}
	}
	tp, colonp := 0, -1
	curtok := i
	digits := 0
	var val uint32
	for i < len(s) {
		ch := s[i]
		i++
		if d := hexValue(ch); d >= 0 {
			if digits == 4 {
				return out, false
			}
			val = val<<4 | uint32(d)
			digits++
			continue
		}
		if ch == ':' {
			curtok = i
			if digits == 0 {
				if colonp >= 0 {
					return out, false
				}
				colonp = tp
				continue
			} else if i == len(s) {
				return out, false
			}
			if tp+2 > 16 {
				return out, false
			}
			out[tp], out[tp+1] = byte(val>>8), byte(val)
			tp += 2
			digits, val = 0, 0
			continue
		}
		if ch == '.' && tp+4 <= 16 {
			if v4, ok := inetPton4(s[curtok:]); ok {
				copy(out[tp:], v4[:])
				tp += 4
				digits = 0
				break
			}
		}
		return out, false
	}
	if digits > 0 {
		if tp+2 > 16 {
			return out, false
		}
		out[tp], out[tp+1] = byte(val>>8), byte(val)
		tp += 2
	}
	if colonp >= 0 {
		if tp == 16 {
			return out, false
		}
		n := tp - colonp
		copy(out[16-n:], append([]byte(nil), out[colonp:tp]...))
		for k := colonp; k < 16-n; k++ {
			out[k] = 0
		}
		tp = 16
	}
	return out, tp == 16
}

// inetPton4 is glibc's strict dotted-quad parser used for the tail of an IPv6
// address: four decimal parts, no leading zeros.
func inetPton4(s string) ([4]byte, bool) {
	var out [4]byte
	sawDigit := false
	octets := 0
	k := 0
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= '0' && ch <= '9':
			n := uint(out[k])*10 + uint(ch-'0')
			if sawDigit && out[k] == 0 {
				return out, false
			}
			if n > 255 {
				return out, false
			}
			out[k] = byte(n)
			if !sawDigit {
				octets++
				if octets > 4 {
					return out, false
				}
				sawDigit = true
			}
		case ch == '.' && sawDigit:
			if octets == 4 {
				return out, false
			}
			k++
			sawDigit = false
		default:
			return out, false
		}
	}
	return out, octets >= 4
}

// ntop4 writes an IPv4 address as PostgreSQL's pg_inet_net_ntop does for a /32.
func ntop4(b []byte) string {
	return fmt.Sprintf("%d.%d.%d.%d", b[0], b[1], b[2], b[3])
}

// ntop6 writes an IPv6 address as PostgreSQL's pg_inet_net_ntop does for a /128: the
// longest run of two or more zero groups (the first on a tie) as "::", lower-case hex,
// and the last four bytes in dotted form for the IPv4-compatible and IPv4-mapped forms
// (but "::1" and "::" stay as they are).
func ntop6(b []byte) string {
	var words [8]int
	for i := 0; i < 16; i++ {
		words[i/2] |= int(b[i]) << ((1 - i%2) * 8)
	}
	bestBase, bestLen, curBase, curLen := -1, 0, -1, 0
	for i, w := range words {
		if w == 0 {
			if curBase == -1 {
				curBase, curLen = i, 1
			} else {
				curLen++
			}
			continue
		}
		if curBase != -1 {
			if bestBase == -1 || curLen > bestLen {
				bestBase, bestLen = curBase, curLen
			}
			curBase = -1
		}
	}
	if curBase != -1 && (bestBase == -1 || curLen > bestLen) {
		bestBase, bestLen = curBase, curLen
	}
	if bestBase != -1 && bestLen < 2 {
		bestBase = -1
	}
	var sb strings.Builder
	for i := 0; i < 8; i++ {
		if bestBase != -1 && i >= bestBase && i < bestBase+bestLen {
			if i == bestBase {
				sb.WriteByte(':')
			}
			continue
		}
		if i != 0 {
			sb.WriteByte(':')
		}
		if i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 7 && words[7] != 1) || (bestLen == 5 && words[5] == 0xffff)) {
			sb.WriteString(ntop4(b[12:16]))
			return sb.String()
		}
		fmt.Fprintf(&sb, "%x", words[i])
	}
	if bestBase != -1 && bestBase+bestLen == 8 {
		sb.WriteByte(':')
	}
	return sb.String()
}
