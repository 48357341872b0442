// Package passphrase reads passphrases given in openssl's -passin/-passout syntax, so
// that scripts written for openssl keep working: pass:TEXT, env:VAR, file:PATH, fd:N
// and stdin.
package passphrase

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// MaxLength caps what is read from a file, descriptor or stdin. openssl's own
// buffer (PEM_BUFSIZE) is 1024 bytes; reading more would only accept a file that is
// not a passphrase file.
const MaxLength = 1024

// MinLength is the shortest passphrase accepted for a new key: openssl refuses
// shorter ones at its prompts, and a shorter one protects nothing.
const MinLength = 4

// Kind is the source a Spec names.
type Kind string

// The sources openssl knows.
const (
	KindPass Kind = "pass"
	KindEnv  Kind = "env"
	// KindFile reads the first line of a file. It is the one input pgcert opens
	// that may be a FIFO, deliberately: `file:` names a path the admin typed, and a
	// named pipe a secrets agent writes to (or bash's <(...)) is how a passphrase
	// is handed over without ever being stored. The open waits for the writer, as
	// openssl's does; every other file pgcert reads must be a regular file.
	KindFile  Kind = "file"
	KindFD    Kind = "fd"
	KindStdin Kind = "stdin"
)

// Spec is a parsed passphrase source.
type Spec struct {
	Kind  Kind
	Value string // the text, variable name, path or descriptor number
}

// SpecError is a source that cannot be parsed.
type SpecError struct {
	Spec string
}

func (e *SpecError) Error() string {
	return fmt.Sprintf("invalid passphrase source %q: want pass:TEXT, env:VAR, file:PATH, fd:N or stdin", e.Spec)
}

// Parse parses a source in openssl's syntax.
func Parse(spec string) (Spec, error) {
	if spec == "stdin" {
		return Spec{Kind: KindStdin}, nil
	}
	kind, value, ok := strings.Cut(spec, ":")
	if !ok {
		return Spec{}, &SpecError{Spec: spec}
	}
	switch Kind(kind) {
	case KindPass:
	case KindEnv, KindFile:
		if value == "" {
			return Spec{}, &SpecError{Spec: spec}
		}
	case KindFD:
		if n, err := strconv.Atoi(value); err != nil || n < 0 {
			return Spec{}, &SpecError{Spec: spec}
		}
	default:
		return Spec{}, &SpecError{Spec: spec}
	}
	return Spec{Kind: Kind(kind), Value: value}, nil
}

// String returns the source in openssl's syntax, with a pass: text hidden, so that
// it can appear in messages.
func (s Spec) String() string {
	switch s.Kind {
	case KindStdin:
		return "stdin"
	case KindPass:
		return "pass:***"
	}
	return string(s.Kind) + ":" + s.Value
}

// Env is what reading a source may touch; tests replace it.
type Env struct {
	Getenv func(string) (string, bool)
	Stdin  io.Reader
	// OpenFD opens a numbered file descriptor; nil uses os.NewFile.
	OpenFD func(fd int) (io.ReadCloser, error)
}

// Warning is something the user should know about how the passphrase was given.
type Warning string

// ErrEmpty is returned when a source yields an empty passphrase.
var ErrEmpty = errors.New("the passphrase is empty")

// Read returns the passphrase the source names, and warnings about its exposure.
// From files, descriptors and stdin only the first line is used (without its line
// ending), as openssl does.
func (s Spec) Read(env Env) ([]byte, []Warning, error) {
	var warnings []Warning
	var pass []byte
	switch s.Kind {
	case KindPass:
		warnings = append(warnings, "a passphrase given as pass:TEXT can be read by other users in the process list; use env:VAR, file:PATH or fd:N")
		pass = []byte(s.Value)
	case KindEnv:
		getenv := env.Getenv
		if getenv == nil {
			getenv = os.LookupEnv
		}
		v, ok := getenv(s.Value)
		if !ok {
			return nil, nil, fmt.Errorf("environment variable %s is not set", s.Value)
		}
		pass = []byte(v)
	case KindFile:
		// A FIFO is allowed here (see KindFile): a plain open, which waits for
		// its writer.
		f, err := os.Open(s.Value)
		if err != nil {
			return nil, nil, fmt.Errorf("reading passphrase file: %w", err)
		}
		defer f.Close()
		// Its group counts as other users: a group such as "staff" or "users" often
		// holds everyone on the machine.
		if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o044 != 0 {
			warnings = append(warnings, Warning(fmt.Sprintf("passphrase file %s is readable by other users (mode %04o); chmod 0600 %s", s.Value, fi.Mode().Perm(), shellQuote(s.Value))))
		}
		if pass, err = firstLine(f); err != nil {
			return nil, nil, fmt.Errorf("reading passphrase file %s: %w", s.Value, err)
		}
	case KindFD:
		n, _ := strconv.Atoi(s.Value)
		open := env.OpenFD
		if open == nil {
			open = func(fd int) (io.ReadCloser, error) {
				f := os.NewFile(uintptr(fd), "fd:"+strconv.Itoa(fd))
				if f == nil {
					return nil, fmt.Errorf("file descriptor %d is not open", fd)
				}
				return f, nil
			}
		}
		r, err := open(n)
		if err != nil {
			return nil, nil, err
		}
		defer r.Close()
		if pass, err = firstLine(r); err != nil {
			return nil, nil, fmt.Errorf("reading passphrase from fd:%d: %w", n, err)
		}
	case KindStdin:
		if env.Stdin == nil {
			return nil, nil, errors.New("no standard input to read the passphrase from")
		}
		var err error
		if pass, err = firstLine(env.Stdin); err != nil {
			return nil, nil, fmt.Errorf("reading passphrase from stdin: %w", err)
		}
	default:
		return nil, nil, &SpecError{Spec: string(s.Kind)}
	}
	if len(pass) == 0 {
		return nil, warnings, fmt.Errorf("%s: %w", s, ErrEmpty)
	}
	return pass, warnings, nil
}

// firstLine reads up to the first newline. It reads byte by byte from an unbuffered
// source so that nothing after the line is consumed (stdin may carry more input).
func firstLine(r io.Reader) ([]byte, error) {
	br := bufio.NewReaderSize(oneByteReader{r}, 16)
	var line []byte
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if c == '\n' {
			break
		}
		line = append(line, c)
		if len(line) > MaxLength {
			return nil, fmt.Errorf("first line is longer than %d bytes: not a passphrase", MaxLength)
		}
	}
	return bytes.TrimSuffix(line, []byte("\r")), nil
}

// oneByteReader hands out at most one byte per Read.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

// CheckNew applies the rules for a new passphrase: at least MinLength characters.
func CheckNew(pass []byte) error {
	if len(pass) < MinLength {
		return fmt.Errorf("the passphrase must be at least %d characters long", MinLength)
	}
	return nil
}

// shellQuote quotes path for a POSIX shell when it holds anything but letters,
// digits and the punctuation of ordinary paths, so that the chmod a warning suggests
// works when pasted.
func shellQuote(path string) string {
	for _, r := range path {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_@%+=:,./-", r)) {
			return "'" + strings.ReplaceAll(path, "'", `'\''`) + "'"
		}
	}
	return path
}
